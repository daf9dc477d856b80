"""Breakdowns come from the same units as the figure; each child's team, worker and age as at the month end."""

from __future__ import annotations

import datetime as dt

from cscperf import engine
from cscperf.config import Config
from cscperf.indicators import get
from helpers import store_with

D = dt.date


def test_child_breakdowns_as_at_each_month_end(tmp_path):
    # Three children on CP plans all year, each seen on the last working day of every month that matters.
    plans = [{"cp_plan_id": p, "person_id": p, "start_date": D(2022, 1, 3)} for p in "ABC"]
    visits = [{"visit_id": f"{p}{d}", "person_id": p, "visit_type": "CP", "visit_date": d, "seen": p != "C"}
              for p in "ABC" for d in (D(2023, 2, 28), D(2024, 2, 29), D(2024, 6, 28))]
    persons = [
        {"person_id": "A", "dob": D(2020, 7, 1), "sex": "F", "ethnicity": "WBRI", "disability": False},
        {"person_id": "B", "dob": D(2019, 6, 30), "sex": "M", "ethnicity": "BAFR"},     # fifth birthday on 30 June 2024
        {"person_id": "C", "dob": D(2008, 2, 29), "sex": "M", "ethnicity": "ZZZZ"},     # born on a leap day
    ]
    allocations = [
        {"person_id": "A", "professional_id": "W1", "team_id": "T1", "start_date": D(2024, 1, 1)},
        {"person_id": "B", "professional_id": "W2", "team_id": "T2", "start_date": D(2023, 1, 1), "end_date": D(2024, 6, 30)},
        {"person_id": "B", "professional_id": "W3", "team_id": "T1", "start_date": D(2024, 6, 30)},
    ]
    store, sid = store_with(tmp_path / "b.duckdb", {"cp_plans": plans, "visits": visits, "persons": persons,
                                                     "allocations": allocations}, D(2024, 6, 30), D(2023, 1, 1))
    rows = engine.compute(store, Config(), sid, [get("CP07")]).to_pylist()
    got = {(r["period_end"], r["breakdown"]): (r["numerator"], r["denominator"]) for r in rows}

    june = D(2024, 6, 30)
    # B's allocation to W2 ended on 30 June, so on 30 June B is W3's (team T1); C has no allocation.
    assert got[(june, "team=T1")] == (2, 2)
    assert got[(june, "team=unallocated")] == (0, 1)
    assert (june, "team=T2") not in got
    assert got[(june, "worker=W1")] == (1, 1) and got[(june, "worker=W3")] == (1, 1)
    # Ages on 30 June 2024: A is 3 (1 to 4), B turns 5 that day (5 to 9), C is 16.
    assert got[(june, "age_band=1 to 4")] == (1, 1)
    assert got[(june, "age_band=5 to 9")] == (1, 1)
    assert got[(june, "age_band=16 and over")] == (0, 1)
    # On 28 February 2023 C, born 29 February 2008, is still 14: the birthday comes on 1 March.
    assert got[(D(2023, 2, 28), "age_band=10 to 15")] == (0, 1)
    assert got[(D(2024, 2, 29), "age_band=16 and over")] == (0, 1)
    assert got[(june, "ethnicity_group=White")] == (1, 1)
    assert got[(june, "ethnicity_group=Black or Black British")] == (1, 1)
    assert got[(june, "ethnicity_group=not recorded")] == (0, 1)     # an unknown code is not guessed
    assert got[(june, "disability=not disabled")] == (1, 1) and got[(june, "disability=not recorded")] == (1, 2)
    # Every breakdown adds up to the whole.
    for dim in ("team", "worker", "age_band", "sex", "ethnicity_group", "disability"):
        parts = [v for (d, b), v in got.items() if d == june and b.startswith(dim + "=")]
        assert tuple(map(sum, zip(*parts))) == got[(june, "all")] == (2, 3)
    store.close()


def test_age_bands_change_on_birthdays_worked_out_by_hand():
    """`child_labels` works out each child's birthdays once; `band_at` compares the day with them. Cases by hand:
    a 29 February birthday falls on 1 March in other years, the band changes on the birthday itself, a day
    before birth or no date of birth is "not recorded"."""
    import ibis
    import pyarrow as pa

    from cscperf.indicators.breakdowns import band_at, child_labels

    persons = ibis.memtable(pa.table({"person_id": ["leap", "june", "none"], "sex": ["F", "M", None],
                                      "dob": pa.array([D(2008, 2, 29), D(2010, 6, 15), None], pa.date32()),
                                      "ethnicity": ["WBRI", "ZZZZ", None], "disability": [True, False, None]}))
    cases = [("leap", D(2008, 2, 28), "not recorded"), ("leap", D(2008, 2, 29), "under 1"),
             ("leap", D(2009, 2, 28), "under 1"), ("leap", D(2009, 3, 1), "1 to 4"),
             ("leap", D(2013, 2, 28), "1 to 4"), ("leap", D(2013, 3, 1), "5 to 9"),
             ("leap", D(2024, 2, 28), "10 to 15"), ("leap", D(2024, 2, 29), "16 and over"),
             ("june", D(2020, 6, 14), "5 to 9"), ("june", D(2020, 6, 15), "10 to 15"),
             ("none", D(2020, 6, 15), "not recorded")]
    days = ibis.memtable(pa.table({"who": [c[0] for c in cases], "day": pa.array([c[1] for c in cases], pa.date32())}))
    labels = child_labels({"persons": persons})
    joined = days.join(labels, days.who == labels._p_person)
    got = joined.select("who", "day", band=band_at(joined, joined.day), sex=joined._p_sex, eth=joined._p_eth,
                        dis=joined._p_dis).to_pyarrow().to_pylist()
    assert sorted((r["who"], r["day"], r["band"]) for r in got) == sorted(cases)
    people = {r["who"]: (r["sex"], r["eth"], r["dis"]) for r in got}
    assert people == {"leap": ("F", "White", "disabled"), "june": ("M", "not recorded", "not disabled"),
                      "none": ("not recorded", "not recorded", "not recorded")}
