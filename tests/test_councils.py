"""Several councils in one store: each council's figures are what it gets alone, even where child ids
collide, and the pool's numerator and denominator are the councils' sums. The generator writes
many councils, each with its own code, deterministically."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from cscperf import engine
from cscperf.config import Config
from cscperf.indicators import get
from cscperf.report.data import ReportData
from cscperf.sources.councils import CouncilFolder, council_folders, qualify
from cscperf.sources.load import Loaded
from cscperf.store import Store
from cscperf.synth.councils import generate_many, plan
from helpers import arrow_table, store_with

D = dt.date
END = D(2024, 3, 31)          # a Sunday; Good Friday 29 March 2024 is a bank holiday
FROM = D(2022, 1, 1)     # FD06 looks back 12 months before its rolling year

# Both councils have a child "1" and a referral "R1". Council A: child 1 on a plan since 8 January, seen
# Monday 25 March (4 working days before the 31st: 25-28 March), child 2 last seen 1 February; child 1
# referred 1 June 2023 and again 10 January 2024 (a re-referral). Council B: its child 1 on a plan since
# 5 February, seen only the next day; referred once, 1 September 2023. Were councils joined, B's child 1
# would count A's 25 March visit, and B's referral would have A's June referral before it.
COUNCILS = {
    "A": {
        "cp_plans": [{"cp_plan_id": "P1", "person_id": "1", "start_date": D(2024, 1, 8)},
                     {"cp_plan_id": "P2", "person_id": "2", "start_date": D(2024, 1, 8)}],
        "visits": [{"visit_id": "V1", "person_id": "1", "visit_type": "CP", "visit_date": D(2024, 3, 25), "seen": True},
                   {"visit_id": "V2", "person_id": "2", "visit_type": "CP", "visit_date": D(2024, 2, 1), "seen": True}],
        "referrals": [{"referral_id": "R1", "person_id": "1", "referral_date": D(2023, 6, 1)},
                      {"referral_id": "R2", "person_id": "1", "referral_date": D(2024, 1, 10)}],
    },
    "B": {
        "cp_plans": [{"cp_plan_id": "P1", "person_id": "1", "start_date": D(2024, 2, 5)}],
        "visits": [{"visit_id": "V1", "person_id": "1", "visit_type": "CP", "visit_date": D(2024, 2, 6), "seen": True}],
        "referrals": [{"referral_id": "R1", "person_id": "1", "referral_date": D(2023, 9, 1)}],
    },
}
HAND = {("A", "CP07"): (1, 2), ("B", "CP07"): (0, 1), ("A", "FD06"): (1, 2), ("B", "FD06"): (0, 1)}


def _loaded(tables: dict) -> Loaded:
    arrow = {name: arrow_table(name, rows) for name, rows in tables.items()}
    return Loaded(arrow, [], [], {name: (FROM, END) for name in arrow}, END)


def _figures(store: Store, sid: int) -> dict:
    rows = engine.compute(store, Config(), sid, [get("CP07"), get("FD06")]).to_pylist()
    return {(r["indicator"], r["breakdown"]): (r["numerator"], r["denominator"]) for r in rows if r["period_end"] == END}


def test_colliding_ids_stay_in_their_council(tmp_path):
    alone = {}
    for code, tables in COUNCILS.items():
        store, sid = store_with(tmp_path / f"{code}.duckdb", tables, END, FROM)
        alone[code] = _figures(store, sid)
        store.close()
        for ind in ("CP07", "FD06"):
            assert alone[code][(ind, "all")] == HAND[(code, ind)]

    with Store(tmp_path / "pool.duckdb") as store:
        sid, summary = store.write_councils(
            (CouncilFolder(code, f"Council {code}", tmp_path), qualify(_loaded(tables), code))
            for code, tables in COUNCILS.items())
        assert [c["council"] for c in summary] == ["A", "B"] and store.councils(sid) == [("A", "Council A"), ("B", "Council B")]
        # Every row knows its council, and its identifiers carry it.
        rows = store.con.execute("SELECT council, person_id, referral_id FROM referrals ORDER BY 1, 3").fetchall()
        assert rows == [("A", "A:1", "A:R1"), ("A", "A:1", "A:R2"), ("B", "B:1", "B:R1")]
        pooled = _figures(store, sid)
        # A council's report from the pooled store: its own figures, the pool's beside them.
        data = ReportData(store, Config(council_code="A"), sid)
        assert data.figure("CP07", END).raw_value == 50.0 and data.pool("CP07", END).raw_value == pytest.approx(100 / 3)
        assert data.pool_name == "Pool of 2 councils" and not data.dimensions("CP07", END)
        assert ReportData(store, Config(), sid).pool("CP07", END) is None     # no council named: the pool alone

    for ind in ("CP07", "FD06"):
        for code in COUNCILS:
            assert pooled[(ind, f"council={code}")] == alone[code][(ind, "all")]
        assert pooled[(ind, "all")] == tuple(map(sum, zip(*(alone[c][(ind, "all")] for c in COUNCILS))))
    assert pooled[("CP07", "all")] == (1, 3) and pooled[("FD06", "all")] == (1, 3)
    # Team and worker are each one council's: a pooled snapshot is not split by them.
    assert not any(b.startswith(("team=", "worker=")) for _, b in pooled)


def test_rates_per_10000_use_each_councils_own_population(tmp_path):
    """CP01 at 31 March 2024 (reporting year 2023-24: the mid-2023 estimate). A has children 1 and 2 on
    plans, population 2,000: 2 / 2,000 x 10,000 = 10.0. B has its child 1, population 10,000: 1.0. The pool,
    whose config gives no population, is the councils' sum: 3 / 12,000 x 10,000 = 2.5. B's 2023 estimate
    is missing, so its 2022 one stands (provisional), as a council alone would take it."""
    (tmp_path / "A").mkdir()
    (tmp_path / "A" / "cscperf.toml").write_text('[council]\ncode = "A"\n[population]\n2022 = 1900\n2023 = 2000\n')
    (tmp_path / "B").mkdir()
    (tmp_path / "B" / "cscperf.toml").write_text('[council]\ncode = "B"\n[population]\nsource = "ONS"\n2022 = 10000\n')
    folders = {c.code: c for c in council_folders([tmp_path])}
    assert folders["A"].population == ((2022, 1900), (2023, 2000)) and folders["B"].population == ((2022, 10000),)

    def rates(store, sid, config):
        rows = engine.compute(store, config, sid, [get("CP01")]).to_pylist()
        return {r["breakdown"]: (r["numerator"], r["denominator"], r["value"]) for r in rows if r["period_end"] == END}

    with Store(tmp_path / "pool.duckdb") as store:
        sid, _ = store.write_councils((folders[code], qualify(_loaded(tables), code)) for code, tables in COUNCILS.items())
        assert store.council_populations(sid) == {"A": {2022: 1900, 2023: 2000}, "B": {2022: 10000}}
        got = rates(store, sid, Config())
        assert got["council=A"] == (2.0, 2000.0, 10.0) and got["council=B"] == (1.0, 10000.0, 1.0)
        assert got["all"] == (3.0, 12000.0, 2.5)
        # The pool's own population, where the config gives one, is the pool's figure.
        assert rates(store, sid, Config(population={2023: 30000}))["all"] == (3.0, 30000.0, 1.0)


def test_a_median_is_each_councils_own_and_the_pools(tmp_path):
    """AS03 (median assessment duration, working days) at 31 March 2024, every assessment starting Monday
    5 June 2023 (no bank holiday until 28 August). A's durations 5, 10, 20 (authorised 12 June, 19 June,
    3 July): median 10. B's 2 and 30 (7 June, 17 July): median (2 + 30) / 2 = 16. The pool's five: 10.
    Each council's median is its own, not the middle of the pool."""
    start = D(2023, 6, 5)
    done = {"A": [D(2023, 6, 12), D(2023, 6, 19), D(2023, 7, 3)], "B": [D(2023, 6, 7), D(2023, 7, 17)]}
    tables = {code: {"assessments": [{"assessment_id": f"S{i}", "person_id": str(i), "start_date": start,
                                      "authorised_date": day} for i, day in enumerate(days)]}
              for code, days in done.items()}
    with Store(tmp_path / "pool.duckdb") as store:
        sid, _ = store.write_councils((CouncilFolder(code, code, tmp_path), qualify(_loaded(t), code))
                                      for code, t in tables.items())
        rows = engine.compute(store, Config(), sid, [get("AS03")]).to_pylist()
    got = {r["breakdown"]: r["value"] for r in rows if r["period_end"] == END}
    assert got == {"all": 10.0, "council=A": 10.0, "council=B": 16.0}


def test_a_count_carried_by_one_unit_is_each_councils_own(tmp_path):
    """MI03 (missing incidents while looked after, rolling 12 months to 31 March 2024): one incident per
    figure carries the denominator's 1. A's child 1 (in care, K2, since 1 January 2023) went missing on
    1 October 2023 and 1 January 2024: 2. B's child 1 (in care since the same day) on 1 November 2023: 1.
    The pool: 3. Were the carrier chosen across the pool, one council would have no denominator."""
    def council(days):
        return {"cla_episodes": [{"person_id": "1", "start_date": D(2023, 1, 1), "rne": "S", "legal_status": "C2",
                                  "placement_type": "K2"}],
                "missing_episodes": [{"person_id": "1", "missing_type": "M", "start_date": d, "end_date": d} for d in days]}
    tables = {"A": council([D(2023, 10, 1), D(2024, 1, 1)]), "B": council([D(2023, 11, 1)])}
    with Store(tmp_path / "pool.duckdb") as store:
        sid, _ = store.write_councils((CouncilFolder(code, code, tmp_path), qualify(_loaded(t), code))
                                      for code, t in tables.items())
        rows = engine.compute(store, Config(), sid, [get("MI03")]).to_pylist()
    got = {r["breakdown"]: (r["numerator"], r["denominator"]) for r in rows
           if r["period_end"] == END and r["breakdown"] in ("all", "council=A", "council=B")}
    assert got == {"all": (3.0, 1.0), "council=A": (2.0, 1.0), "council=B": (1.0, 1.0)}


def test_the_census_vacancy_rows_are_each_councils_own(tmp_path):
    """WF03, WF04 and WF05 at Monday 30 September 2024. The census's council-level row (vacancies) has no
    identifier to carry its council, so the row's council names it.
    A: vacancies 1.0 FTE, agency 2.0 FTE (the census figure, so A's listed agency worker W2 is not added),
    cover 0.5; one council social worker, 1.0 FTE. WF03 1 / (1 + 1); WF04 2 / (2 + 1); WF05 0.5 / 1.
    B: vacancies 3.0, no census agency figure, cover 1.5; council social workers W1 and W2, 1.0 each, and
    agency worker W3 at 0.5, counted because B's census gives no agency FTE (A's figure is not B's).
    WF03 3 / (3 + 2); WF04 0.5 / (0.5 + 2); WF05 1.5 / 3. The pool adds numerators and denominators."""
    end = D(2024, 9, 30)

    def council(vacancies, agency_fte, cover, staff):
        return {"vacancies": [{"census_date": end, "vacancies_fte": vacancies, "agency_fte": agency_fte,
                               "agency_cover_fte": cover}],
                "professionals": [{"professional_id": w, "role": "SW", "fte": fte, "agency": agency,
                                   "start_date": D(2020, 1, 1)} for w, fte, agency in staff]}
    tables = {"A": council(1.0, 2.0, 0.5, [("W1", 1.0, False), ("W2", 1.0, True)]),
              "B": council(3.0, None, 1.5, [("W1", 1.0, False), ("W2", 1.0, False), ("W3", 0.5, True)])}
    with Store(tmp_path / "pool.duckdb") as store:
        sid, _ = store.write_councils(
            (CouncilFolder(code, code, tmp_path),
             qualify(Loaded({n: arrow_table(n, rows) for n, rows in t.items()}, [], [], {n: (FROM, end) for n in t}, end),
                     code))
            for code, t in tables.items())
        rows = engine.compute(store, Config(), sid, [get("WF03"), get("WF04"), get("WF05")]).to_pylist()
    got = {(r["indicator"], r["breakdown"]): (r["numerator"], r["denominator"]) for r in rows
           if r["period_end"] == end and r["breakdown"] in ("all", "council=A", "council=B")}
    assert got == {("WF03", "council=A"): (1.0, 2.0), ("WF03", "council=B"): (3.0, 5.0), ("WF03", "all"): (4.0, 7.0),
                   ("WF04", "council=A"): (2.0, 3.0), ("WF04", "council=B"): (0.5, 2.5), ("WF04", "all"): (2.5, 5.5),
                   ("WF05", "council=A"): (0.5, 1.0), ("WF05", "council=B"): (1.5, 3.0), ("WF05", "all"): (2.0, 4.0)}


def test_a_failed_council_leaves_nothing(tmp_path):
    def councils():
        yield CouncilFolder("A", "A", tmp_path), qualify(_loaded(COUNCILS["A"]), "A")
        raise RuntimeError("council B could not be read")

    with Store(tmp_path / "pool.duckdb") as store:
        with pytest.raises(RuntimeError):
            store.write_councils(councils())
        assert store.snapshots() == []
        assert store.con.execute("SELECT count(*) FROM referrals").fetchall() == [(0,)]


def test_council_folders_name_councils_by_config_or_folder(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "cscperf.toml").write_text('[council]\ncode = "301"\nname = "North"\n', encoding="utf-8")
    (tmp_path / "b").mkdir()
    assert [(c.code, c.name) for c in council_folders([tmp_path])] == [("301", "North"), ("b", "b")]
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "cscperf.toml").write_text('[council]\ncode = "b"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="more than one folder"):
        council_folders([tmp_path])


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + p.read_bytes())
    return h.hexdigest()


def test_generator_writes_distinct_councils_deterministically(tmp_path):
    assert len({c.code for c in plan(153)}) == 153 and len({c.ons_code for c in plan(153)}) == 153
    assert plan(15, seed=7) == plan(15, seed=7) != plan(15, seed=8)
    sizes = [c.scale for c in plan(150)]
    assert abs(sum(sizes) / 150 - 1.0) < 0.01 and max(sizes) / min(sizes) > 5      # councils differ in size

    first = generate_many(tmp_path / "one", councils=2, seed=11, scale=0.03, jobs=1)
    again = generate_many(tmp_path / "two", councils=2, seed=11, scale=0.03, jobs=1)
    codes = [c.code for c in plan(2, seed=11)]
    assert sorted(p.name for p in (tmp_path / "one").iterdir() if p.is_dir()) == sorted(codes)
    for code in codes:
        assert _digest(tmp_path / "one" / code) == _digest(tmp_path / "two" / code)
        census = next((tmp_path / "one" / code / "cin_census").iterdir()).read_text(encoding="utf-8")
        assert f"<LEA>{code}</LEA>" in census
    assert _digest(tmp_path / "one" / codes[0]) != _digest(tmp_path / "one" / codes[1])
    assert [s.out.name for s in first] == codes == [s.out.name for s in again]
