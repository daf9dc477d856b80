"""Missing from care indicators (kpis.md §2.7, §1.5)."""

from __future__ import annotations

import ibis
from ibis import _

from cscperf.indicators.common import Context, cla_episodes, days_between, flag, in_window, open_in_window, unit_key
from cscperf.indicators.spec import DOWN, ROLLING_12, UP, indicator

WHILE_LOOKED_AFTER = ("Only missing incidents (type M) that start in the rolling 12 months while the child is looked "
                      "after count: a 903 episode that is not a short break (V3/V4 dropped) open at the incident start "
                      "(episode start <= incident start and end null or after it)")


def _children_looked_after_in_window(ctx: Context) -> ibis.Table:
    """(period_end, person_id): children looked after on some day of the window (non-V3/V4 episode with
    start <= D and end null or after the window start), once each."""
    return open_in_window(ctx.periods, cla_episodes(ctx.t)).select("period_end", "person_id").distinct()


def _incidents_per_child(ctx: Context) -> ibis.Table:
    """(period_end, person_id, incidents): type M incidents starting in the window while looked after."""
    eps = cla_episodes(ctx.t)
    eps = eps.select(_e_person=eps.person_id, _e_start=eps.start_date, _e_end=eps.end_date)
    inc = ctx.t["missing_episodes"].filter(_.missing_type == "M")
    during_care = inc.join(
        eps,
        (inc.person_id == eps._e_person) & (eps._e_start <= inc.start_date)
        & (eps._e_end.isnull() | (eps._e_end > inc.start_date)),
    ).select("person_id", "start_date").distinct()   # an incident matching two overlapping episodes is one incident
    return (in_window(ctx.periods, during_care, "start_date")
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
    units = in_window(ctx.periods, eps, "end_date")
    gap = days_between(_.end_date, _.rhi_date)
    on_time = _.rhi_date.notnull() & (gap >= 0) & (gap <= p["within_days"])
    return units.mutate(unit_id=unit_key(_.person_id, _.start_date), num=flag(on_time), den=1.0)
