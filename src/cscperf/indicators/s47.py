"""Section 47 enquiry and initial child protection conference indicators (kpis.md §2.3)."""

from __future__ import annotations

import ibis
from ibis import _

from cscperf.indicators.common import Context, flag, has_earlier
from cscperf.indicators.spec import CONTEXT, DOWN, ROLLING_12, UP, indicator

POPULATION = "ONS mid-year population aged 0-17 (the mid-(Y-1) estimate for the year ending 31 March Y), per 10,000"


@indicator(
    id="S47-03",
    title="Initial child protection conferences within 15 working days of the section 47 start",
    area="Section 47 and ICPC", unit="%", polarity=UP, scale=100,
    numerator="ICPCs dated in the rolling 12 months (not transfer-ins) held busday_count(S47 start, ICPC date) <= 15 "
              "working days after the start of the S47 enquiry that led to them (DfE C4 anchor; same day = 0). "
              "With d2i_offset the limit is 14",
    denominator="ICPCs dated in the rolling 12 months, excluding transfer-in conferences, with a valid start: linked "
                "by s47_id to an S47 enquiry whose start date is on or before the ICPC date (an ICPC dated before "
                "the S47 start, or with no linked enquiry, is left out, as DfE does)",
    by_month=True,
    period=ROLLING_12, sources=("icpcs", "s47_enquiries"), reference="kpis.md S47-03, §1.1",
    params={"limit": 15, "d2i_offset": False},
)
def s47_03(ctx: Context):
    p = ctx.params
    icpcs = ctx.t["icpcs"].filter(~_.transfer_in.fill_null(False))
    s47 = ctx.t["s47_enquiries"]
    s47 = s47.select(_s_id=s47.s47_id, s47_start=s47.start_date)
    linked = (icpcs.join(s47, icpcs.s47_id == s47._s_id)
              .filter(_.s47_start.notnull() & (_.icpc_date >= _.s47_start))
              .drop("_s_id"))
    units = ctx.in_window(linked, "icpc_date")
    units = ctx.busdays(units, "s47_start", "icpc_date", "duration_wd")
    limit = p["limit"] - (1 if p["d2i_offset"] else 0)
    return units.mutate(unit_id=_.icpc_id, num=flag(_.duration_wd <= limit), den=1.0)


@indicator(
    id="S47-01",
    title="Section 47 enquiries per 10,000 children",
    area="Section 47 and ICPC", unit="per 10,000", polarity=CONTEXT, scale=10000, per_population=True,
    numerator="Section 47 enquiries with a start date (S47ActualStartDate) in the rolling 12 months (enquiries, not "
              "children); the count is the figure's numerator",
    denominator=POPULATION,
    by_month=True,
    period=ROLLING_12, sources=("s47_enquiries",), reference="kpis.md S47-01, §1.4",
)
def s47_01(ctx: Context):
    units = ctx.in_window(ctx.t["s47_enquiries"], "start_date")
    return units.mutate(unit_id=_.s47_id, num=1.0, den=1.0)


@indicator(
    id="S47-02",
    title="Initial child protection conferences per section 47 enquiry",
    area="Section 47 and ICPC", unit="%", polarity=CONTEXT, scale=100,
    numerator="Initial child protection conferences dated in the rolling 12 months, excluding transfer-in "
              "conferences (each an ICPC unit with numerator 1, denominator 0)",
    denominator="Section 47 enquiries starting in the rolling 12 months (each an S47 unit with numerator 0, "
                "denominator 1). The two are counted in the same window, not followed through, so the cohorts "
                "differ (an enquiry in March may have its conference in April), as in DfE's C4 ratio",
    by_month=True,
    period=ROLLING_12, sources=("s47_enquiries", "icpcs"), reference="kpis.md S47-02",
)
def s47_02(ctx: Context):
    icpcs = ctx.in_window(ctx.t["icpcs"].filter(~_.transfer_in.fill_null(False)), "icpc_date")
    held = icpcs.select("period_end", "person_id", unit_id=ibis.literal("ICPC ").concat(icpcs.icpc_id),
                        kind=ibis.literal("ICPC"), date=icpcs.icpc_date, num=ibis.literal(1.0), den=ibis.literal(0.0))
    s47 = ctx.in_window(ctx.t["s47_enquiries"], "start_date")
    started = s47.select("period_end", "person_id", unit_id=ibis.literal("S47 ").concat(s47.s47_id),
                         kind=ibis.literal("S47"), date=s47.start_date, num=ibis.literal(0.0), den=ibis.literal(1.0))
    return ibis.union(held, started)


@indicator(
    id="S47-04",
    title="Initial child protection conferences resulting in a child protection plan",
    area="Section 47 and ICPC", unit="%", polarity=CONTEXT, scale=100,
    numerator="ICPCs in the denominator that resulted in a CP plan: the recorded outcome (Annex A 'Did the ICPC "
              "result in a CP plan', SSD outcome flag) where there is one; where it is blank (the CIN census records "
              "none), a CP plan for the same child starting on the conference date",
    denominator="Initial child protection conferences dated in the rolling 12 months, excluding transfer-in "
                "conferences unless include_transfer_in",
    by_month=True,
    period=ROLLING_12, sources=("icpcs", "cp_plans"), reference="kpis.md S47-04",
    params={"include_transfer_in": False},
)
def s47_04(ctx: Context):
    icpcs = ctx.t["icpcs"]
    if not ctx.params["include_transfer_in"]:
        icpcs = icpcs.filter(~_.transfer_in.fill_null(False))
    plans = ctx.t["cp_plans"].select(_p_person=_.person_id, _p_start=_.start_date)
    t = icpcs.left_join(plans, (icpcs.person_id == plans._p_person) & (plans._p_start == icpcs.icpc_date))
    t = t.group_by(list(icpcs.columns)).aggregate(plan_same_day=_._p_start.count() > 0)
    units = ctx.in_window(t, "icpc_date")
    return units.mutate(unit_id=_.icpc_id, num=flag(_.cp_plan.coalesce(_.plan_same_day)), den=1.0)


@indicator(
    id="S47-05",
    title="Repeat section 47 enquiries within 12 months",
    area="Section 47 and ICPC", unit="%", polarity=DOWN, scale=100,
    numerator="Section 47 enquiries in the denominator where the same child has another enquiry that started on a "
              "date p with S - 12 calendar months <= p < S (S = this enquiry's start; 29 February less 12 months is "
              "28 February), as FD06; an enquiry starting the same day is not earlier; enquiries before the window "
              "count",
    denominator="Section 47 enquiries starting in the rolling 12 months",
    by_month=True,
    period=ROLLING_12, sources=("s47_enquiries",), reference="kpis.md S47-05 [local], FD06", history_months=12,
    params={"lookback_months": 12},
)
def s47_05(ctx: Context):
    s47 = has_earlier(ctx.t["s47_enquiries"], "start_date", "repeat", within_months=ctx.params["lookback_months"])
    units = ctx.in_window(s47, "start_date")
    return units.mutate(unit_id=_.s47_id, num=flag(_.repeat), den=1.0)
