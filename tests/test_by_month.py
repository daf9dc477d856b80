"""Indicators that add up by month (Indicator.by_month): each month computed once, the months of a period added up.

The figures must be those of the direct computation (every unit once for each period end whose window holds
it); only the child breakdowns that change with time (age band, team, worker) are as at the end of the
event's month instead of the period end."""

from __future__ import annotations

import datetime as dt
import math
import shutil

import pytest

from cscperf import engine
from cscperf.config import Config
from cscperf.indicators import REGISTRY, catalogue, get
from cscperf.indicators.spec import ROLLING_12, SNAPSHOT, UP, indicator
from cscperf.store import Store
from helpers import store_with

D = dt.date
AS_AT_EVENT = ("age_band", "team", "worker")   # the breakdowns by month differ from the direct ones in


def test_adding_up_months_gives_the_direct_figures(parity_council, tmp_path):
    by_month = [ind for ind in catalogue() if ind.by_month]
    assert len(by_month) >= 25
    ids = {ind.id for ind in by_month}
    cfg = parity_council.config
    copy = tmp_path / "direct.duckdb"
    shutil.copy(cfg.store, copy)
    with Store(copy) as store:
        direct = engine.compute(store, cfg, indicators=by_month, by_month=False)

    def rows(t):
        return {(r["indicator"], r["period_end"], r["breakdown"]): r for r in t.to_pylist() if r["indicator"] in ids}

    want, got = rows(direct), rows(parity_council.results)
    same_kind = {k for k in want if k[2].split("=")[0] not in AS_AT_EVENT}
    assert same_kind == {k for k in got if k[2].split("=")[0] not in AS_AT_EVENT}
    wrong = [k for k in same_kind for f in ("numerator", "denominator", "units")
             if not math.isclose(want[k][f] or 0, got[k][f] or 0, rel_tol=1e-9, abs_tol=1e-9)]
    assert wrong == []
    counted = {k[0] for k in same_kind if k[2] == "all" and want[k]["numerator"]}
    # The synthetic council has no contacts or pre-proceedings, and two years are too few for CP05's look-back:
    # test_golden adds those up by month against its hand-worked cases.
    assert ids - counted == {"FD01", "FD02", "FD03", "CT05", "CT05b", "CP05"}
    # The breakdowns as at the event's month still add up to the whole.
    for (ind_id, end, label), r in got.items():
        if label != "all" or get(ind_id).shares:
            continue
        for dim in ("age_band",):
            parts = [v for (i, d, b), v in got.items() if i == ind_id and d == end and b.startswith(dim + "=")]
            if parts:
                assert math.isclose(sum(p["numerator"] for p in parts), r["numerator"], abs_tol=1e-6), (ind_id, end)


def test_a_referrals_breakdowns_are_as_at_the_end_of_its_month(tmp_path):
    persons = [
        {"person_id": "A", "dob": D(2019, 7, 15), "sex": "F"},    # 4 at the end of March 2024, 5 from 15 July
        {"person_id": "B", "dob": D(2010, 1, 1), "sex": "M"},
    ]
    referrals = [
        {"referral_id": "R1", "person_id": "A", "referral_date": D(2024, 3, 10), "referral_nfa": True},
        {"referral_id": "R2", "person_id": "B", "referral_date": D(2024, 2, 29)},   # a leap day
        {"referral_id": "R3", "person_id": "B", "referral_date": D(2023, 3, 1)},
    ]
    allocations = [   # A is T1's in March, T2's from May
        {"person_id": "A", "professional_id": "W1", "team_id": "T1", "start_date": D(2024, 3, 1), "end_date": D(2024, 4, 30)},
        {"person_id": "A", "professional_id": "W2", "team_id": "T2", "start_date": D(2024, 5, 1)},
    ]
    store, sid = store_with(tmp_path / "m.duckdb", {"persons": persons, "referrals": referrals,
                                                     "allocations": allocations}, D(2025, 3, 31), D(2023, 1, 1))
    rows = engine.compute(store, Config(), sid, [get("FD07")]).to_pylist()
    got = {(r["period_end"], r["breakdown"]): (r["numerator"], r["denominator"]) for r in rows}
    sep = D(2024, 9, 30)   # window 1 October 2023 to 30 September 2024: R1 and R2
    assert got[(sep, "all")] == (1, 2)
    assert got[(sep, "age_band=1 to 4")] == (1, 1)     # A's age at 31 March 2024, not at 30 September (5)
    assert (sep, "age_band=5 to 9") not in got
    assert got[(sep, "team=T1")] == (1, 1)             # A's team at 31 March 2024, not T2
    assert got[(sep, "team=unallocated")] == (0, 1)
    # Window edges from month boundaries: R3 (1 March 2023) is in the windows ending February 2024 and no later;
    # R2 (29 February 2024) is in the window ending 31 January 2025 and not in the one ending 28 February 2025.
    assert got[(D(2024, 2, 29), "all")] == (0, 2)
    assert got[(D(2024, 3, 31), "all")] == (1, 2)
    assert got[(D(2025, 1, 31), "all")] == (1, 2)
    assert got[(D(2025, 2, 28), "all")] == (1, 1)
    assert got[(D(2025, 3, 31), "all")] == (0, 0)
    # The list behind a figure has the same rows, each with its month and the breakdowns as at its end.
    listed = engine.child_list(get("FD07"), store, Config(), sep, which=engine.EVERYONE, snapshot_id=sid).to_pylist()
    assert [(r["unit_id"], r["month_end"], r["age_band"], r["team"]) for r in listed] == [
        ("R1", D(2024, 3, 31), "1 to 4", "T1"), ("R2", D(2024, 2, 29), "10 to 15", "unallocated")]
    assert {r["period_end"] for r in listed} == {sep}
    assert engine.whole(get("FD07"), store, sid, Config(), [sep, D(2025, 2, 28)]) == [
        {"period_end": sep, "numerator": 1.0, "denominator": 2.0, "units": 2},
        {"period_end": D(2025, 2, 28), "numerator": 1.0, "denominator": 1.0, "units": 1}]
    store.close()


def test_the_months_a_period_adds_up():
    """Rolling 12 months to 29 February 2024: March 2023 to February 2024, the leap day's month last. Year to date
    at 30 April 2024: April only (the year starts 1 April). A quarter to 31 March 2024: January to March."""
    from cscperf.periods import QUARTER, YEAR_TO_DATE, months_in

    rolling = months_in(ROLLING_12, D(2024, 2, 29))
    assert len(rolling) == 12 and rolling[0] == D(2023, 3, 31) and rolling[-1] == D(2024, 2, 29)
    assert months_in(YEAR_TO_DATE, D(2024, 4, 30)) == [D(2024, 4, 30)]
    assert months_in(QUARTER, D(2024, 3, 31)) == [D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 31)]


def test_monthly_sums_added_up_to_each_period_worked_out_by_hand():
    """Year to date (from 1 April), at 31 May and 30 June 2024, by team:
    team A: April 2 of 3 (3 units), June 1 of 1 (1 unit); none in May.
    team B: March 5 of 5 (the year before: never counted); May 0.5 of 1.5 (a fraction, 2 units).
    31 May: A 2 of 3 (April), B 0.5 of 1.5 (May).  30 June: A 3 of 4, B 0.5 of 1.5.
    At 30 April, B has no month in the year yet: no row for B (a value gets a row where it was seen)."""
    from cscperf.periods import YEAR_TO_DATE

    def month(d, team, num, den, units):
        return {"period_end": d, "team": team, "numerator": num, "denominator": den, "units": units}

    monthly = [month(D(2024, 4, 30), "A", 2.0, 3.0, 3), month(D(2024, 6, 30), "A", 1.0, 1.0, 1),
               month(D(2024, 3, 31), "B", 5.0, 5.0, 5), month(D(2024, 5, 31), "B", 0.5, 1.5, 2)]
    got = engine.added_up(monthly, [D(2024, 4, 30), D(2024, 5, 31), D(2024, 6, 30)], YEAR_TO_DATE, ("team",))
    assert sorted((r["period_end"], r["team"], r["numerator"], r["denominator"], r["units"]) for r in got) == [
        (D(2024, 4, 30), "A", 2.0, 3.0, 3),
        (D(2024, 5, 31), "A", 2.0, 3.0, 3), (D(2024, 5, 31), "B", 0.5, 1.5, 2),
        (D(2024, 6, 30), "A", 3.0, 4.0, 4), (D(2024, 6, 30), "B", 0.5, 1.5, 2)]


def test_only_events_counted_each_on_its_own_add_up_by_month():
    # A snapshot has no months to add up; a ranked figure (by_council=False, e.g. a median) does not add up.
    for wrong in (dict(period=SNAPSHOT), dict(period=ROLLING_12, by_council=False)):
        with pytest.raises(ValueError, match="by_month"):
            indicator(id="ZZ01", title="t", area="Front door", unit="%", polarity=UP, numerator="n", denominator="d",
                      sources=(), reference="r", by_month=True, **wrong)(lambda ctx: None)
    assert "ZZ01" not in REGISTRY


def test_months_and_windows_at_the_same_month_ends_are_not_confused(tmp_path):
    # One connection computes FD07 by month at the month ends of a window, then directly at those same month ends
    # (a list of month ends is all the two calls share): each must get its own periods.
    referrals = [{"referral_id": f"R{m}", "person_id": "A", "referral_date": D(2024, m, 15)} for m in range(1, 13)]
    store, sid = store_with(tmp_path / "w.duckdb", {"persons": [{"person_id": "A", "dob": D(2010, 1, 1)}],
                                                     "referrals": referrals}, D(2024, 12, 31), D(2023, 1, 1))
    ind, dec = get("FD07"), D(2024, 12, 31)
    months = engine.months_of(ind, [dec])
    by_month = engine.all_figures(store, engine.units(ind, store, sid, Config(), months, by_month=True), months, ())[None]
    direct = engine.all_figures(store, engine.units(ind, store, sid, Config(), months), months, ())[None]
    assert [r["denominator"] for r in by_month] == [1.0] * 12        # one referral in each month
    assert [r["denominator"] for r in direct] == [float(m) for m in range(1, 13)]   # windows from January 2024
    assert engine.whole(ind, store, sid, Config(), [dec])[0]["denominator"] == 12.0
    store.close()
