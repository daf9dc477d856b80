"""Breakdowns: the columns a figure can be split by, added to an indicator's units from one definition.

Where a unit is a child (the units carry `person_id`), the engine adds, as at the period end:
team and worker (the child's allocation open at D; the latest-starting one if several), age band,
sex, ethnicity group and disability. An indicator adds its own (legal status, placement type ...)
by naming unit columns in `breakdowns`. The figure for a breakdown value is the same sum of the
same units, so breakdowns always add up to the whole.
"""

from __future__ import annotations

import ibis
from ibis import _

from cscperf.indicators.common import add_years, as_int, council_of, open_at

CHILD_BREAKDOWNS = ("team", "worker", "age_band", "sex", "ethnicity_group", "disability")
BY_ALLOCATION = ("team", "worker")   # left out when pooling councils: tens of thousands of values, each one council's
COUNCIL = "council"                  # a snapshot of several councils: each council's figure (docs/councils.md)

UNALLOCATED = "unallocated"
NOT_RECORDED = "not recorded"

# DfE's bands for children looked after and in need: under 1, 1-4, 5-9, 10-15, 16 and over.
AGE_BANDS = ((0, "under 1"), (1, "1 to 4"), (5, "5 to 9"), (10, "10 to 15"), (16, "16 and over"))

# DfE ethnicity codes to the five major groups (data-standards.md §1.3, §2).
ETHNICITY_GROUPS = {
    "White": ("WBRI", "WIRI", "WOTH", "WIRT", "WROM"),
    "Mixed or multiple": ("MWBC", "MWBA", "MWAS", "MOTH"),
    "Asian or Asian British": ("AIND", "APKN", "ABAN", "AOTH"),
    "Black or Black British": ("BCRB", "BAFR", "BOTH"),
    "Other ethnic group": ("CHNE", "OOTH"),
    "Not stated": ("REFU", "NOBT"),
}


def age_at(dob: ibis.Value, day: ibis.Value) -> ibis.Value:
    """Whole years from dob to day (a birthday on `day` counts), in operations every engine has."""
    before_birthday = (day.month() * 100 + day.day()) < (dob.month() * 100 + dob.day())
    return day.year() - dob.year() - as_int(before_birthday)


def ethnicity_group(code: ibis.Value) -> ibis.Value:
    return ibis.cases(*[(code.isin(list(codes)), group) for group, codes in ETHNICITY_GROUPS.items()],
                      else_=NOT_RECORDED)


def allocated_at(periods: ibis.Table, t: dict) -> ibis.Table:
    """(period_end, person_id) -> the team and worker of the child's allocation open at the period end
    (the latest-starting one if several). Computed once per run for every month end (`engine.compute`)."""
    held = open_at(periods.select("period_end").distinct(), t["allocations"]).select(
        "period_end", _a_person=_.person_id, _a_team=_.team_id, _a_worker=_.professional_id, _a_start=_.start_date)
    latest = ibis.window(group_by=["period_end", "_a_person"], order_by=[ibis.desc("_a_start"), ibis.desc("_a_worker")])
    return (held.mutate(_a_rank=ibis.row_number().over(latest)).filter(_._a_rank == 0)
            .select(_a_end=_.period_end, _a_person=_._a_person, _a_team=_._a_team, _a_worker=_._a_worker))


def birthday(dob: ibis.Value, years: int) -> ibis.Value:
    """The first day on which a child born on `dob` is `years` old, as `age_at` counts: 29 February's birthday
    falls on 1 March in a year without one."""
    day = add_years(dob, years)   # 29 February to 28 February
    leapling = (dob.month() == 2) & (dob.day() == 29) & (day.day() == 28)
    return leapling.ifelse((day + ibis.interval(days=1)).cast("date"), day)


def child_labels(t: dict) -> ibis.Table:
    """One row per child: the breakdown labels a child keeps whatever the date (sex, ethnicity group, disability,
    council), and the days the age bands change (`_p_dob` and its birthdays). Worked out once per child, in the
    query, rather than for every unit: a national snapshot's units are a child at each of 72 month ends, and
    the labels were a third of the breakdowns' time (docs/benchmarks.md)."""
    p = t["persons"]
    return p.select(
        _p_person=p.person_id, _p_dob=p.dob, _p_council=council_of(p.person_id),
        _p_sex=p.sex.fill_null(NOT_RECORDED), _p_eth=ethnicity_group(p.ethnicity),
        _p_dis=p.disability.isnull().ifelse(NOT_RECORDED, p.disability.ifelse("disabled", "not disabled")),
        **{f"_p_{low}": birthday(p.dob, low) for low, _ in AGE_BANDS if low > 0})


def band_at(labels: ibis.Table, day: ibis.Value) -> ibis.Value:
    """The child's AGE_BANDS band at `day`, from `child_labels`' birthdays (the age `age_at` gives, by date
    comparisons rather than date parts); "not recorded" before birth or with no date of birth."""
    bands = [(day >= labels[f"_p_{low}"], label) for low, label in reversed(AGE_BANDS) if low > 0]
    return ibis.cases(*bands, (day >= labels._p_dob, AGE_BANDS[0][1]), else_=NOT_RECORDED)


def with_child_breakdowns(units: ibis.Table, t: dict, allocated: ibis.Table | None = None,
                          by_allocation: bool = True, council: bool = False, labels: ibis.Table | None = None) -> ibis.Table:
    """Add CHILD_BREAKDOWNS to child-level units, as at each unit's period end. `allocated` is
    `allocated_at` for (at least) the units' period ends, if already computed. by_allocation=False
    leaves out team and worker (BY_ALLOCATION). `council`: add COUNCIL too (as `with_council`). `labels` is
    `child_labels`, if already computed."""
    labels = child_labels(t) if labels is None else labels
    clash = [c for c in CHILD_BREAKDOWNS if c in units.columns and (by_allocation or c not in BY_ALLOCATION)]
    base = units.drop(*clash) if clash else units
    # Joined straight onto the units (a child is one persons row; one allocation per month end): one pass
    # over millions of units, not a distinct of (month end, child) joined back, which took three times as long.
    joined = base.left_join(labels, base.person_id == labels._p_person)
    added = {}
    if by_allocation:
        held = allocated if allocated is not None else allocated_at(units.select("period_end", "person_id").distinct(), t)
        joined = joined.left_join(held, (joined.period_end == held._a_end) & (joined.person_id == held._a_person))
        added = dict(team=_._a_team.fill_null(UNALLOCATED), worker=_._a_worker.fill_null(UNALLOCATED))
    if council:   # a unit whose child is not in persons: from its identifiers, as with_council
        added[COUNCIL] = ibis.coalesce(joined._p_council, council_of_unit(joined)).fill_null(NOT_RECORDED)
    labelled = dict(age_band=band_at(joined, joined.period_end), sex=_._p_sex.fill_null(NOT_RECORDED),
                    ethnicity_group=_._p_eth.fill_null(NOT_RECORDED), disability=_._p_dis.fill_null(NOT_RECORDED))
    joined = joined.mutate(**added, **labelled)
    helpers = list(labels.columns) + (["_a_end", "_a_person", "_a_team", "_a_worker"] if by_allocation else [])
    return joined.drop(*helpers)


def with_council(units: ibis.Table) -> ibis.Table:
    """Add COUNCIL to the units of a snapshot of several councils: the code its identifiers are
    qualified with (the child's, else the unit's own; model COUNCIL_SEP)."""
    return units.mutate(**{COUNCIL: council_of_unit(units).fill_null(NOT_RECORDED)})


def council_of_unit(units: ibis.Table) -> ibis.Value:
    """The council code of each unit (null where its identifiers carry none): `with_council`'s rule."""
    ids = [units[c].cast("string") for c in ("person_id", "unit_id") if c in units.columns]
    if not ids:
        return ibis.null("string")
    return council_of(ids[0] if len(ids) == 1 else ibis.coalesce(*ids))
