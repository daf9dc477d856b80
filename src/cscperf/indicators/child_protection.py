"""Child protection indicators (kpis.md §2.4, §3.1)."""

from __future__ import annotations

from ibis import _

from cscperf.indicators.common import Context, days_between, flag, latest_before, open_at
from cscperf.indicators.spec import SNAPSHOT, UP, indicator


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
