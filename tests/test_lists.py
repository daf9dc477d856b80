"""Child lists come from the indicator's own units: the exceptions are exactly the hand-worked ones."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from cscperf import engine, workdays
from cscperf.config import Config
from cscperf.indicators import get
from helpers import store_with

CP07 = yaml.safe_load((Path(__file__).parent / "golden" / "CP07.yaml").read_text())["cases"][0]
LA04 = yaml.safe_load((Path(__file__).parent / "golden" / "LA04.yaml").read_text())["cases"][0]


def test_cp07_exceptions_are_the_children_not_visited_in_time(tmp_path):
    d = dt.date(2024, 6, 30)
    store, _ = store_with(tmp_path / "l.duckdb", CP07["tables"], d)
    store.put_calendar(workdays.calendar_table())
    listed = engine.child_list(get("CP07"), store, Config(), d).to_pylist()
    # From the worked case: B (seen 14 June, 11 working days), D and H (never seen since the plan
    # started) and I (CIN visit only). C and G are new plans; A and E were visited; F's plan ended.
    assert [r["person_id"] for r in listed] == ["B", "D", "H", "I"]
    assert {r["person_id"]: r["since_seen"] for r in listed} == {"B": 11, "D": None, "H": None, "I": None}
    assert all(r["team"] == "unallocated" for r in listed)
    everyone = engine.child_list(get("CP07"), store, Config(), d, which=engine.EVERYONE)
    assert sorted(everyone.column("person_id").to_pylist()) == ["A", "B", "D", "E", "H", "I"]


def test_lower_is_better_lists_the_numerator(tmp_path):
    expect = LA04["expect"][0]
    d = expect["period_end"]
    store, _ = store_with(tmp_path / "l.duckdb", LA04["tables"], d)
    store.put_calendar(workdays.calendar_table())
    listed = engine.child_list(get("LA04"), store, Config(), d).column("person_id").to_pylist()
    assert listed == sorted(k for k, v in expect["units"].items() if v == 1)
