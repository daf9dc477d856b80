"""Indicators' SQL compiled once (cscperf.compiled): kept by everything it depends on, bound to the right
snapshot and month ends, and read back by a later run without compiling again.

The case: CP07 at Sunday 31 March 2024. Child 1 has been on a plan since 8 January and was seen on Monday
25 March. Working days from the visit to the month end, [25 March, 31 March): 25, 26, 27 and 28 March (Good
Friday 29 March is a bank holiday, then the weekend) = 4. Visited within a window of 4 working days: yes;
within 3: no."""

from __future__ import annotations

import datetime as dt

import pytest

from cscperf import compiled, engine
from cscperf.config import Config
from cscperf.indicators import get
from cscperf.periods import ROLLING_12, periods_table
from cscperf.sources.load import Loaded
from cscperf.store import Store
from helpers import arrow_table, store_with

D = dt.date
END = D(2024, 3, 31)
PLAN = {"cp_plan_id": "P1", "person_id": "1", "start_date": D(2024, 1, 8)}
SEEN_25_MARCH = {"cp_plans": [PLAN],
                 "visits": [{"visit_id": "V1", "person_id": "1", "visit_type": "CP", "visit_date": D(2024, 3, 25),
                             "seen": True}]}


def cp07(store: Store, sid: int | None = None, window: int | None = None) -> tuple[float, float]:
    config = Config(parameters={"CP07": {"window": window}} if window else {})
    rows = engine.compute(store, config, sid, [get("CP07")]).to_pylist()
    return next((r["numerator"], r["denominator"]) for r in rows if r["period_end"] == END and r["breakdown"] == "all")


def test_a_parameter_is_part_of_what_is_kept(tmp_path):
    store, _ = store_with(tmp_path / "s.duckdb", SEEN_25_MARCH, END, D(2023, 1, 1))
    with store:
        assert cp07(store, window=4) == (1.0, 1.0)
        assert cp07(store, window=3) == (0.0, 1.0)
        assert cp07(store, window=4) == (1.0, 1.0)
        kept = store.con.execute("SELECT count(*) FROM compiled_sql").fetchall()[0][0]
    assert kept == 3   # one text per window (and one for the children's labels), not one per run


def test_a_later_run_reads_the_kept_sql_without_compiling(tmp_path, monkeypatch):
    other, _ = store_with(tmp_path / "other.duckdb", SEEN_25_MARCH, END, D(2023, 1, 1))
    with other:   # compiled in this process first: a store that finds the text in memory keeps it too
        cp07(other)
    path = tmp_path / "s.duckdb"
    store, sid = store_with(path, SEEN_25_MARCH, END, D(2023, 1, 1))
    with store:
        assert cp07(store) == (1.0, 1.0)
        kept = store.con.execute("SELECT count(*) FROM compiled_sql").fetchall()[0][0]
    to_sql = compiled.ibis.to_sql
    blocked = [True]

    def compile_unless_blocked(*args, **kwargs):
        if blocked[0]:
            raise AssertionError("compiled again")
        return to_sql(*args, **kwargs)
    monkeypatch.setattr(compiled.ibis, "to_sql", compile_unless_blocked)
    monkeypatch.setattr(compiled, "_kept", {})   # a new process: nothing in memory
    with Store(path) as store:
        assert cp07(store) == (1.0, 1.0)
    # A read-only store (the dashboard's) reads what compute kept: the same units, so the same text.
    monkeypatch.setattr(compiled, "_kept", {})
    with Store(path, read_only=True) as store:
        table = engine.child_list(get("CP07"), store, Config(), END, which=engine.EVERYONE)
        assert table.column("person_id").to_pylist() == ["1"]
        # Units never compiled before (no breakdowns) are compiled, and kept in memory only.
        blocked[0] = False
        units = engine.units(get("CP07"), store, sid, Config(), [END]).to_pyarrow()
        assert units.column("num").to_pylist() == [1.0]
        assert store.con.execute("SELECT count(*) FROM compiled_sql").fetchall()[0][0] == kept


def test_each_snapshot_on_one_connection_gets_its_own_rows(tmp_path):
    """Snapshot 1: seen on 25 March (1 of 1). Snapshot 2, a later load: the visit was recorded in error and
    is gone, and a second child is on a plan, seen on Wednesday 27 March (2 working days): 1 of 2."""
    store, first = store_with(tmp_path / "s.duckdb", SEEN_25_MARCH, END, D(2023, 1, 1))
    second_rows = {"cp_plans": [PLAN, {**PLAN, "cp_plan_id": "P2", "person_id": "2"}],
                   "visits": [{"visit_id": "V2", "person_id": "2", "visit_type": "CP", "visit_date": D(2024, 3, 27),
                               "seen": True}]}
    arrow = {name: arrow_table(name, rows) for name, rows in second_rows.items()}
    with store:
        second = store.write_snapshot(Loaded(arrow, [], [], {n: (D(2023, 1, 1), END) for n in arrow}, END))
        assert cp07(store, first) == (1.0, 1.0)
        assert cp07(store, second) == (1.0, 2.0)
        assert cp07(store, first) == (1.0, 1.0)


def test_a_placeholder_left_unbound_is_named():
    with pytest.raises(RuntimeError, match="periods"):
        compiled.bind('SELECT * FROM "cscperf__visits" JOIN "cscperf__periods"', {"visits": "_snap1_visits"})
    assert compiled.bind('SELECT * FROM "cscperf__visits"', {"visits": "v"}) == 'SELECT * FROM "v"'


def test_period_ends_become_sql_both_engines_read():
    text = compiled.dates_sql(periods_table([END], ROLLING_12))
    assert text == ("SELECT * FROM (VALUES (CAST('2024-03-31' AS DATE), CAST('2023-04-01' AS DATE), "
                    "CAST('2023-04-01' AS DATE), CAST('2023-04-01' AS DATE))) "
                    "AS v(\"period_end\", \"period_start\", \"window_start\", \"ytd_start\")")
    assert compiled.dates_sql(periods_table([], ROLLING_12)).endswith("WHERE 1 = 0")


def test_sql_compiled_ahead_in_another_process_is_all_that_compute_needs(parity_council, tmp_path, monkeypatch):
    """The demo compiles the catalogue in a process of its own while it loads (pipeline.CompilingAhead):
    `compute` on a new store of the parity council then compiles nothing, and its figures are DuckDB's."""
    import dataclasses

    from cscperf.pipeline import CompilingAhead, load_files
    from parity import differences, report

    config = dataclasses.replace(parity_council.config, store=tmp_path / "new.duckdb")
    monkeypatch.setattr(compiled, "_kept", {})
    with CompilingAhead() as ahead:
        ahead.start(config)
        load_files(config, parity_council.paths(), extract_date=parity_council.extract_date,
                   covers_from=parity_council.start)
        ahead.adopt()
    assert compiled.kept(), "nothing came back from the compiling process"

    def compiling(*args, **kwargs):
        raise AssertionError("compute compiled SQL that was not compiled ahead")
    monkeypatch.setattr(compiled.ibis, "to_sql", compiling)
    with Store.of(config) as store:
        got = engine.compute(store, config)
    lines = differences(parity_council.results, got)
    assert not lines, report(lines)


def test_a_large_load_of_several_councils_keeps_the_sql_its_compute_needs(tmp_path, monkeypatch):
    """A load from COMPILE_AHEAD_BYTES up compiles the catalogue beside its reading and keeps it in the store:
    the store's first `compute`, in a process that has compiled nothing, then compiles nothing. Pooled, as a
    region's or the nation's store is: units per council and pool, and each council ranked apart."""
    import dataclasses

    from cscperf.pipeline import load_councils
    from cscperf.synth.councils import generate_many

    generate_many(tmp_path / "councils", councils=2, seed=5, scale=0.03, jobs=1)
    config = dataclasses.replace(Config(), store=tmp_path / "pool.duckdb")
    monkeypatch.setattr(compiled, "_kept", {})
    load_councils(config, [tmp_path / "councils"], jobs=1, compile_ahead=True)
    monkeypatch.setattr(compiled, "_kept", {})   # what compute finds is the store's, not this process's

    def compiling(*args, **kwargs):
        raise AssertionError("compute compiled SQL the load did not keep")
    monkeypatch.setattr(compiled.ibis, "to_sql", compiling)
    with Store.of(config) as store:
        assert len(store.councils(store.snapshot(None).snapshot_id)) == 2
        got = engine.compute(store, config)
    assert {b.split("=")[0] for b in got.column("breakdown").to_pylist()} >= {"all", "council"}
