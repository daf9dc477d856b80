"""Child protection indicators (kpis.md §2.4, §3.1)."""

from __future__ import annotations

from ibis import _

from cscperf.indicators.common import (Context, add_years, days_between, flag, has_earlier, in_window, latest_before,
                                       open_at)
from cscperf.indicators.spec import DOWN, ROLLING_12, SNAPSHOT, UP, indicator


@indicator(
    id="CP07",
    title="Children on a child protection plan visited in the last 10 working days",
    area="Child protection", unit="%", polarity=UP, scale=100,
    numerator="Children on a CP plan at the month end whose latest visit at which they were seen, since the "
              "plan started, was within the last 10 working days (busday_count(last seen, month end) <= 10)",
    denominator="Children on a CP plan at the month end, each counted once; plans started within the last "
                "10 working days and not yet visited are left out of both (grace for new plans)",
    period=SNAPSHOT, sources=("cp_plans", "visits"), reference="kpis.md CP07, §3.1",
    params={"window": 10, "unit": "working", "require_seen": True, "grace_new_plans": True},
)
def cp07(ctx: Context):
    p = ctx.params
    plans = ctx.t["cp_plans"]
    # A child with two open plans is one child; the earliest open start bounds the visits that count.
    on_plan = (open_at(ctx.periods, plans)
               .group_by(["period_end", "person_id"])
               .aggregate(plan_start=_.start_date.min()))
    visits = ctx.t["visits"].filter(_.visit_type == "CP")
    if p["require_seen"]:
        visits = visits.filter(_.seen.fill_null(False))
    units = latest_before(on_plan, visits, "visit_date", "last_seen", on_or_after="plan_start")
    if p["unit"] == "working":
        units = ctx.busdays(units, "last_seen", "period_end", "since_seen")
        units = ctx.busdays(units, "plan_start", "period_end", "since_start")
    else:
        units = units.mutate(since_seen=days_between(_.last_seen, _.period_end),
                             since_start=days_between(_.plan_start, _.period_end))
    window = p["window"]
    if p["grace_new_plans"]:
        units = units.filter(~(_.last_seen.isnull() & (_.since_start <= window)))
    return units.mutate(unit_id=_.person_id, num=flag(_.since_seen <= window), den=1.0)


@indicator(
    id="CP03a",
    title="Open child protection plans lasting 2 years or more",
    area="Child protection", unit="%", polarity=DOWN, scale=100,
    numerator="CP plans open at the month end D that started at least 2 calendar years before it "
              "(D >= start + 2 years; a plan from 29 February reaches 2 years on 28 February)",
    denominator="CP plans open at the month end (start <= D and end null or after D); a child with two open "
                "plans counts twice, as plans are the unit",
    period=SNAPSHOT, sources=("cp_plans",), reference="kpis.md CP03a, §1.2, §1.3",
    params={"years": 2},
)
def cp03a(ctx: Context):
    units = open_at(ctx.periods, ctx.t["cp_plans"])
    long = _.period_end >= add_years(_.start_date, ctx.params["years"])
    return units.mutate(unit_id=_.cp_plan_id, num=flag(long), den=1.0)


@indicator(
    id="CP04",
    title="Child protection plans starting that are a second or subsequent plan",
    area="Child protection", unit="%", polarity=DOWN, scale=100,
    numerator="CP plans starting in the rolling 12 months that are a second or subsequent plan: the recorded "
              "number of previous plans (CIN NumberOfPreviousCPP / Annex A) is above 0, or the loaded history holds "
              "a plan for the same child that started on an earlier date (any time, any plan status)",
    denominator="CP plans with a start date in the rolling 12 months (plans, not children)",
    period=ROLLING_12, sources=("cp_plans",), reference="kpis.md CP04",
    params={"use_recorded_count": True},
)
def cp04(ctx: Context):
    plans = has_earlier(ctx.t["cp_plans"], "start_date", "earlier_plan")
    units = in_window(ctx.periods, plans, "start_date")
    second = _.earlier_plan
    if ctx.params["use_recorded_count"]:
        second = second | (_.previous_plans > 0).fill_null(False)
    return units.mutate(unit_id=_.cp_plan_id, num=flag(second), den=1.0)
