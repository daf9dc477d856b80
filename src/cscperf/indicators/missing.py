"""Missing from care indicators (kpis.md §2.7, §1.5)."""

from __future__ import annotations

import ibis
from ibis import _

from cscperf.indicators.breakdowns import NOT_RECORDED, age_at
from cscperf.indicators.common import Context, as_int, cla_episodes, days_between, flag, open_in_window, unit_key
from cscperf.indicators.spec import CONTEXT, DOWN, ROLLING_12, UP, indicator

WHILE_LOOKED_AFTER = ("Only missing incidents (type M) that start in the rolling 12 months while the child is looked "
                      "after count: a 903 episode that is not a short break (V3/V4 dropped) open at the incident start "
                      "(episode start <= incident start and end null or after it)")


def _children_looked_after_in_window(ctx: Context) -> ibis.Table:
    """(period_end, person_id): children looked after on some day of the window (non-V3/V4 episode with
    start <= D and end null or after the window start), once each."""
    return open_in_window(ctx.periods, cla_episodes(ctx.t)).select("period_end", "person_id").distinct()


def _during_care(ctx: Context, incidents: ibis.Table) -> ibis.Table:
    """The incidents that start while the child is looked after (a non-V3/V4 episode open at the incident start),
    once each, with `placement_type`: the PLACE of that episode (the latest-starting one if two overlap)."""
    eps = cla_episodes(ctx.t)
    eps = eps.select(_e_person=eps.person_id, _e_start=eps.start_date, _e_end=eps.end_date, _e_place=eps.placement_type)
    joined = incidents.join(
        eps,
        (incidents.person_id == eps._e_person) & (eps._e_start <= incidents.start_date)
        & (eps._e_end.isnull() | (eps._e_end > incidents.start_date)),
    )
    # An incident matching two overlapping episodes is one incident.
    one = ibis.window(group_by=["person_id", "missing_type", "start_date"], order_by=[ibis.desc("_e_start")])
    joined = joined.mutate(_e_rank=ibis.row_number().over(one)).filter(_._e_rank == 0)
    return joined.mutate(placement_type=_._e_place).drop("_e_person", "_e_start", "_e_end", "_e_place", "_e_rank")


def _incidents_per_child(ctx: Context, missing_type: str = "M") -> ibis.Table:
    """(period_end, person_id, incidents): incidents of the type starting in the window while looked after."""
    inc = ctx.t["missing_episodes"].filter(_.missing_type == missing_type)
    during_care = _during_care(ctx, inc).select("person_id", "start_date")
    return (ctx.in_window(during_care, "start_date")
            .group_by(["period_end", "person_id"])
            .aggregate(incidents=_.start_date.count()))


@indicator(
    id="MI01",
    title="Children looked after who went missing",
    area="Missing", unit="%", polarity=DOWN, scale=100,
    numerator="Children in the denominator with at least one missing incident in the rolling 12 months. "
              + WHILE_LOOKED_AFTER + ". Away-without-authorisation (type A) is not missing",
    denominator="Children looked after at any time in the rolling 12 months, each once: a non-V3/V4 episode with "
                "start <= the month end and end null or after the window start",
    period=ROLLING_12, sources=("cla_episodes", "missing_episodes"), reference="kpis.md MI01, §1.5",
)
def mi01(ctx: Context):
    cohort = _children_looked_after_in_window(ctx)
    went = _incidents_per_child(ctx)
    went = went.select(_m_end=went.period_end, _m_person=went.person_id, incidents=went.incidents)
    units = cohort.left_join(went, (cohort.period_end == went._m_end) & (cohort.person_id == went._m_person))
    units = units.select("period_end", "person_id", incidents=_.incidents.fill_null(0))
    return units.mutate(unit_id=_.person_id, num=flag(_.incidents > 0), den=1.0)


@indicator(
    id="MI02",
    title="Missing incidents per looked-after child who went missing",
    area="Missing", unit="incidents per child", polarity=DOWN,
    numerator="Missing incidents (type M) in the rolling 12 months. " + WHILE_LOOKED_AFTER,
    denominator="Children with at least one such incident (the MI01 numerator), each once",
    period=ROLLING_12, sources=("cla_episodes", "missing_episodes"), reference="kpis.md MI02, §1.5",
)
def mi02(ctx: Context):
    units = _incidents_per_child(ctx)
    return units.mutate(unit_id=_.person_id, num=_.incidents.cast("float64"), den=1.0)


@indicator(
    id="MI06",
    title="Return home interviews held within 72 hours of the return",
    area="Missing", unit="%", polarity=UP, scale=100,
    numerator="Missing episodes in the denominator with a return interview dated 0 to 3 calendar days after the "
              "return date (dates only, so 72 hours = 3 calendar days; not working days). An interview dated before "
              "the return does not count",
    denominator="Missing episodes (type M, any child in the missing table) whose return date falls in the rolling "
                "12 months; option: only those where the interview was accepted (or held)",
    by_month=True,
    period=ROLLING_12, sources=("missing_episodes",), reference="kpis.md MI06",
    params={"within_days": 3, "denominator": "ended"},
)
def mi06(ctx: Context):
    p = ctx.params
    if p["denominator"] not in ("ended", "accepted"):
        raise ValueError(f"MI06 parameter denominator: {p['denominator']!r}; expected ended or accepted")
    eps = ctx.t["missing_episodes"].filter((_.missing_type == "M") & _.end_date.notnull())
    if p["denominator"] == "accepted":
        eps = eps.filter(_.rhi_accepted.fill_null(False) | _.rhi_date.notnull())
    units = ctx.in_window(eps, "end_date")
    gap = days_between(_.end_date, _.rhi_date)
    on_time = _.rhi_date.notnull() & (gap >= 0) & (gap <= p["within_days"])
    return units.mutate(unit_id=unit_key(_.person_id, _.start_date), num=flag(on_time), den=1.0)


def _band(value: ibis.Value, bands: tuple[tuple[int, str], ...]) -> ibis.Value:
    """The label of the highest band whose lower bound `value` reaches (bands in ascending order)."""
    return value.isnull().ifelse(NOT_RECORDED, ibis.cases(*[(value >= low, label) for low, label in reversed(bands)],
                                                          else_=NOT_RECORDED))


AGE_AT_START = ((0, "under 10"), (10, "10 to 15"), (16, "16 and over"))
TIMES_MISSING = ((1, "1"), (2, "2"), (3, "3 to 5"), (6, "6 to 10"), (11, "11 or more"))
DURATION = ((0, "returned the same day"), (1, "1 day"), (2, "2 to 6 days"), (7, "7 days or more"))
PLACEMENT_GROUPS = (
    ("foster placement", ("U1", "U2", "U3", "U4", "U5", "U6")),
    ("children's home or secure unit", ("K1", "K2")),
    ("supported or independent living", ("H5", "K3", "P2")),
    ("placed with parents", ("P1",)),
)
OTHER_PLACEMENT = "other placement"


@indicator(
    id="MI03",
    title="Missing incidents of looked-after children, and their profile",
    area="Missing", unit="count", polarity=CONTEXT, decimals=0, shares=True,
    breakdowns=("age_at_start", "times_missing", "duration", "placement", "location"),
    numerator="Missing incidents (type M) in the rolling 12 months. " + WHILE_LOOKED_AFTER + ". The breakdowns are "
              "counts of incidents: age_at_start (under 10, 10 to 15, 16 and over, from the date of birth), "
              "times_missing (the child's number of such incidents in the window: 1, 2, 3 to 5, 6 to 10, 11 or more), "
              "duration (return date - start date in calendar days: same day, 1 day, 2 to 6, 7 or more; not returned), "
              "placement (the 903 PLACE of the episode open at the start: foster U1-U6, children's home or secure unit "
              "K1/K2, supported or independent living H5/K3/P2, placed with parents P1, other) and location (inside or "
              "outside the council's area, as recorded on the incident)",
    denominator="1 (a count: one incident per period end carries the 1, so that the figure, and each breakdown's "
                "share of the whole, is the number of incidents)",
    period=ROLLING_12, sources=("cla_episodes", "missing_episodes"), reference="kpis.md MI03, §1.5", by_council=False,
)
def mi03(ctx: Context):
    inc, groups = ctx.with_group(_during_care(ctx, ctx.t["missing_episodes"].filter(_.missing_type == "M")))
    units = ctx.in_window(inc, "start_date")
    per_child = ibis.window(group_by=["period_end", "person_id"])
    persons = ctx.t["persons"].select(_p_person=_.person_id, _p_dob=_.dob)
    units = units.left_join(persons, units.person_id == persons._p_person)
    # No two incidents tie: a missing episode is one per child, type and start (its table's key; the load keeps one
    # row per key), and these are all type M.
    carrier = ibis.window(group_by=["period_end", *groups], order_by=["person_id", "start_date"])
    place = ibis.cases(*[(units.placement_type.isin(list(codes)), label) for label, codes in PLACEMENT_GROUPS],
                       else_=OTHER_PLACEMENT)
    units = units.mutate(
        age_at_start=_band(age_at(units._p_dob, units.start_date), AGE_AT_START),
        times_missing=_band(units.start_date.count().over(per_child), TIMES_MISSING),
        duration=units.end_date.isnull().ifelse("not returned",
                                                _band(days_between(units.start_date, units.end_date), DURATION)),
        placement=units.placement_type.isnull().ifelse(NOT_RECORDED, place),
        location=ibis.cases((units.out_of_area == True, "outside the council's area"),  # noqa: E712
                            (units.out_of_area == False, "inside the council's area"),  # noqa: E712
                            else_=NOT_RECORDED),
        den=(ibis.row_number().over(carrier) == 0).ifelse(1.0, 0.0),
    ).drop("_p_person", "_p_dob", *groups)
    return units.mutate(unit_id=unit_key(_.person_id, _.start_date), num=1.0)


@indicator(
    id="MI04",
    title="Children looked after who were away from placement without authorisation",
    area="Missing", unit="%", polarity=DOWN, scale=100,
    numerator="Children in the denominator with at least one 'away' incident (type A: whereabouts known) starting in "
              "the rolling 12 months while looked after (a non-V3/V4 903 episode open at the incident start)",
    denominator="Children looked after at any time in the rolling 12 months, each once (as MI01)",
    period=ROLLING_12, sources=("cla_episodes", "missing_episodes"), reference="kpis.md MI04, §1.5",
)
def mi04(ctx: Context):
    cohort = _children_looked_after_in_window(ctx)
    away = _incidents_per_child(ctx, "A")
    away = away.select(_m_end=away.period_end, _m_person=away.person_id, incidents=away.incidents)
    units = cohort.left_join(away, (cohort.period_end == away._m_end) & (cohort.person_id == away._m_person))
    units = units.select("period_end", "person_id", incidents=_.incidents.fill_null(0))
    return units.mutate(unit_id=_.person_id, num=flag(_.incidents > 0), den=1.0)


COHORTS = ("looked_after", "not_looked_after", "all")
COHORT_WORDS = ("cohort = looked_after: only episodes that started while the child was looked after (a non-V3/V4 903 "
                "episode open at the start); not_looked_after: children missing from home (the rest); all: every "
                "child in the missing table")


def _missing_for(ctx: Context, cohort: str, ind: str) -> ibis.Table:
    """Missing episodes (type M) of the cohort: looked after at the start, not looked after, or all."""
    if cohort not in COHORTS:
        raise ValueError(f"{ind} parameter cohort: {cohort!r}; expected one of {', '.join(COHORTS)}")
    inc = ctx.t["missing_episodes"].filter(_.missing_type == "M")
    if cohort == "all":
        return inc
    in_care = _during_care(ctx, inc).select(_c_person=_.person_id, _c_start=_.start_date)
    marked = inc.left_join(in_care, (inc.person_id == in_care._c_person) & (inc.start_date == in_care._c_start))
    marked = marked.filter(marked._c_person.notnull() if cohort == "looked_after" else marked._c_person.isnull())
    return marked.drop("_c_person", "_c_start")


@indicator(
    id="MI05",
    title="Return home interviews offered",
    area="Missing", unit="%", polarity=UP, scale=100,
    numerator="Episodes in the denominator where a return interview was offered (rhi_offered); a blank is not offered",
    denominator="Missing episodes (type M) whose return date falls in the rolling 12 months; " + COHORT_WORDS
                + " (default looked_after: kpis.md's children in care series)",
    by_month=True,
    period=ROLLING_12, sources=("missing_episodes", "cla_episodes"), reference="kpis.md MI05 [local]",
    params={"cohort": "looked_after"},
)
def mi05(ctx: Context):
    eps = _missing_for(ctx, ctx.params["cohort"], "MI05").filter(_.end_date.notnull())
    units = ctx.in_window(eps, "end_date")
    return units.mutate(unit_id=unit_key(_.person_id, _.start_date), num=flag(_.rhi_offered), den=1.0)


@indicator(
    id="MI07",
    title="Return home interviews accepted",
    area="Missing", unit="%", polarity=UP, scale=100,
    numerator="Episodes in the denominator where the return interview was accepted (rhi_accepted); a blank is not "
              "accepted",
    denominator="Missing episodes (type M) whose return date falls in the rolling 12 months and where a return "
                "interview was offered; " + COHORT_WORDS + " (default all, as MI06)",
    by_month=True,
    period=ROLLING_12, sources=("missing_episodes", "cla_episodes"), reference="kpis.md MI07 [local]",
    params={"cohort": "all"},
)
def mi07(ctx: Context):
    eps = _missing_for(ctx, ctx.params["cohort"], "MI07").filter(_.end_date.notnull() & _.rhi_offered.fill_null(False))
    units = ctx.in_window(eps, "end_date")
    return units.mutate(unit_id=unit_key(_.person_id, _.start_date), num=flag(_.rhi_accepted), den=1.0)


@indicator(
    id="MI08",
    title="Reasons given in return home interviews",
    area="Missing", unit="%", polarity=CONTEXT, scale=100, shares=True, breakdowns=("reason",),
    numerator="Return interviews held in the rolling 12 months giving reason r (rhi_reasons, codes separated by ';'; "
              "none recorded = 'not recorded'); read the breakdown by reason: each is the share of interviews giving "
              "that reason, and an interview may give several, so the shares can add up to more than 100% (the whole "
              "figure is reasons recorded per 100 interviews)",
    denominator="Return interviews (missing episodes of type M with an interview date) held in the rolling 12 months; "
                + COHORT_WORDS + " (default all, as MI06)",
    period=ROLLING_12, sources=("missing_episodes", "cla_episodes"), reference="kpis.md MI08 [local]",
    params={"cohort": "all"},
    by_month=True,
)
def mi08(ctx: Context):
    # By month: each interview and its reasons fall in the month it was held, whatever the period end.
    held = _missing_for(ctx, ctx.params["cohort"], "MI08").filter(_.rhi_date.notnull())
    reasons = held.mutate(reason=held.rhi_reasons.fill_null("").split(";").unnest())
    reasons = reasons.mutate(reason=reasons.reason.strip())
    reasons = reasons.mutate(reason=(reasons.reason == "").ifelse(NOT_RECORDED, reasons.reason))
    reasons = reasons.select("person_id", "start_date", "rhi_date", "reason").distinct()
    # An interview giving no reason keeps only its 'not recorded' row; one giving reasons drops it.
    given = ibis.window(group_by=["person_id", "start_date"])
    reasons = reasons.mutate(_given=as_int(reasons.reason != NOT_RECORDED).sum().over(given))
    reasons = reasons.filter((reasons.reason != NOT_RECORDED) | (reasons._given == 0)).drop("_given")
    units = ctx.in_window(reasons, "rhi_date")
    # One interview per (child, start) of type M (the table's key), its reasons made distinct above: no ties.
    first = ibis.window(group_by=["period_end", "person_id", "start_date"], order_by="reason")
    units = units.mutate(den=(ibis.row_number().over(first) == 0).ifelse(1.0, 0.0))
    return units.mutate(unit_id=unit_key(_.person_id, _.start_date, _.reason), num=1.0)
