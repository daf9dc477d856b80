"""Children in need indicators: all CIN episodes and the CIN-plan cohort (kpis.md §2.5)."""

from __future__ import annotations

import ibis
from ibis import _

from cscperf.indicators.breakdowns import NOT_RECORDED
from cscperf.indicators.common import Context, cla_episodes, days_between, flag, latest_before, open_at, open_counts
from cscperf.indicators.spec import CONTEXT, DOWN, SNAPSHOT, UP, indicator

POPULATION = "ONS mid-year population aged 0-17 (the mid-(Y-1) estimate for the year ending 31 March Y), per 10,000"


@indicator(
    id="CN01",
    title="Children in need per 10,000 children",
    area="Children in need", unit="per 10,000", polarity=CONTEXT, scale=10000, per_population=True,
    numerator="CIN episodes open at the month end D: referral date <= D and closure date blank or after D (an episode "
              "closed on D is not open); episodes, as DfE's At31_episodes, including children on CIN plans, CP plans, "
              "looked after and disabled children; the count is the figure's numerator. Breakdown `primary_need`: the "
              "episode's primary need code",
    denominator=POPULATION,
    period=SNAPSHOT, sources=("referrals",), reference="kpis.md CN01, §1.3, §1.4, §1.5", breakdowns=("primary_need",),
)
def cn01(ctx: Context):
    units = open_at(ctx.periods, ctx.t["referrals"], "referral_date", "closure_date")
    return units.mutate(unit_id=_.referral_id, primary_need=_.primary_need.fill_null(NOT_RECORDED), num=1.0, den=1.0)


def _on_cin_plan(ctx: Context) -> ibis.Table:
    """(period_end, person_id, plan_start): children on a CIN plan at D, once each, with the earliest open start."""
    return (open_at(ctx.periods, ctx.t["cin_plans"]).group_by(["period_end", "person_id"])
            .aggregate(plan_start=_.start_date.min()))


@indicator(
    id="CN02",
    title="Children on a child in need plan per 10,000 children",
    area="Children in need", unit="per 10,000", polarity=CONTEXT, scale=10000, per_population=True,
    numerator="Children with a CIN plan open at the month end D (plan start <= D and end blank or after D), each child "
              "once; the count is the figure's numerator",
    denominator=POPULATION,
    period=SNAPSHOT, sources=("cin_plans",), reference="kpis.md CN02, §1.3, §1.4",
)
def cn02(ctx: Context):
    return _on_cin_plan(ctx).mutate(unit_id=_.person_id, num=1.0, den=1.0)


@indicator(
    id="CN03",
    title="Children on a child in need plan visited within the local standard",
    area="Children in need", unit="%", polarity=UP, scale=100,
    numerator="Children in the denominator whose latest visit of a type in visit_types (CIN) at which they were seen, "
              "on or after the start of their (earliest open) CIN plan, is within `window` of D: "
              "busday_count(last seen, D) <= 20 working days by default (unit = calendar: D - last seen <= window days)",
    denominator="Children on a CIN plan at the month end D, each once. With grace_new_plans (off by default: kpis.md "
                "names none for CIN), plans started within `window` of D and not yet visited are left out of both, as "
                "CP07",
    period=SNAPSHOT, sources=("cin_plans", "visits"), reference="kpis.md CN03 [local], §1.1",
    params={"window": 20, "unit": "working", "require_seen": True, "grace_new_plans": False, "visit_types": ["CIN"]},
)
def cn03(ctx: Context):
    p = ctx.params
    if p["unit"] not in ("working", "calendar"):
        raise ValueError(f"CN03 parameter unit: {p['unit']!r}; expected working or calendar")
    visits = ctx.t["visits"].filter(_.visit_type.isin(list(p["visit_types"])))
    if p["require_seen"]:
        visits = visits.filter(_.seen.fill_null(False))
    units = latest_before(_on_cin_plan(ctx), visits, "visit_date", "last_seen", on_or_after="plan_start")
    if p["unit"] == "working":
        units = ctx.busdays(units, "last_seen", "period_end", "since_seen")
        units = ctx.busdays(units, "plan_start", "period_end", "since_start")
    else:
        units = units.mutate(since_seen=days_between(_.last_seen, _.period_end),
                             since_start=days_between(_.plan_start, _.period_end))
    window = int(p["window"])
    if p["grace_new_plans"]:
        units = units.filter(~(_.last_seen.isnull() & (_.since_start <= window)))
    return units.mutate(unit_id=_.person_id, num=flag(_.since_seen <= window), den=1.0)


# A child's service at D, by the first kind of case open then (open_counts columns of CN05).
SERVICES = (("_cla", "looked after"), ("_cp", "child protection"), ("_cin", "child in need"))


@indicator(
    id="CN05",
    title="Open cases with no allocated worker",
    area="Children in need", unit="%", polarity=DOWN, scale=100,
    numerator="Children in the denominator with no allocation (worker) open at D (allocation start <= D and end blank "
              "or after D)",
    denominator="Children with an open case at the month end D, each once: a CIN episode (referral) open at D, a CP "
                "plan open at D, or a 903 episode (not a short break) open at D. Care leavers are not included: the "
                "model holds no open/closed dates for care-leaver cases. Breakdown `service`: looked after, else child "
                "protection, else child in need",
    period=SNAPSHOT, sources=("referrals", "allocations"), reference="kpis.md CN05 [local], §1.3",
    breakdowns=("service",),
)
def cn05(ctx: Context):
    # Each child's open cases and allocations counted in one sweep (open_counts): grouping the (month end, record)
    # pairs by month end and child took 7.2 s of DuckDB's time at national size, against 5.3 s (docs/benchmarks.md).
    counts = open_counts(ctx.periods, {"_cin": (ctx.t["referrals"], "referral_date", "closure_date"),
                                       "_cp": (ctx.t["cp_plans"], "start_date", "end_date"),
                                       "_cla": (cla_episodes(ctx.t), "start_date", "end_date"),
                                       "_held": (ctx.t["allocations"], "start_date", "end_date")})
    units = counts.filter(ibis.or_(*[counts[kind] > 0 for kind, _label in SERVICES]))
    service = ibis.cases(*[(units[kind] > 0, label) for kind, label in SERVICES], else_=NOT_RECORDED)
    units = units.select("period_end", "person_id", service=service, allocated=units._held > 0)
    return units.mutate(unit_id=_.person_id, num=flag(~_.allocated), den=1.0)
