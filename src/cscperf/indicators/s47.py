"""Section 47 enquiry and initial child protection conference indicators (kpis.md §2.3)."""

from __future__ import annotations

from ibis import _

from cscperf.indicators.common import Context, flag, in_window
from cscperf.indicators.spec import ROLLING_12, UP, indicator


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
    units = in_window(ctx.periods, linked, "icpc_date")
    units = ctx.busdays(units, "s47_start", "icpc_date", "duration_wd")
    limit = p["limit"] - (1 if p["d2i_offset"] else 0)
    return units.mutate(unit_id=_.icpc_id, num=flag(_.duration_wd <= limit), den=1.0)
