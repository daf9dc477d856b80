"""Workforce indicators (kpis.md §2.11)."""

from __future__ import annotations

import datetime as dt

import ibis
from ibis import _

from cscperf.indicators.common import Context, open_at
from cscperf.indicators.spec import DOWN, SNAPSHOT, indicator
from cscperf.model.codes import CASE_HOLDING_ROLES


@indicator(
    id="WF01",
    title="Average caseload per case-holding social worker (FTE)",
    area="Workforce", unit="cases per FTE", polarity=DOWN,
    numerator="Cases at the month end D: for each worker in post at D (start <= D, or no start recorded, and leaving "
              "date null or after D) whose role is a case-holding social work role (SW, SSW, ASYE, PS), agency "
              "workers included, the number of distinct children with an allocation to them open at D (start <= D, "
              "end null or after D). A child co-allocated to two workers is a case of each",
    denominator="FTE of those workers holding at least one case at D (a blank FTE counts as 1.0)",
    period=SNAPSHOT, sources=("allocations", "professionals"),
    reference="kpis.md WF01 (local monthly version of the CSWW 30 September measure)",
    params={"roles": list(CASE_HOLDING_ROLES), "include_agency": True, "missing_fte": 1.0},
)
def wf01(ctx: Context):
    p = ctx.params
    staff = ctx.t["professionals"].filter(_.role.isin(list(p["roles"])))
    if not p["include_agency"]:
        staff = staff.filter(~_.agency.fill_null(False))
    staff = staff.mutate(_start=_.start_date.fill_null(ibis.literal(dt.date(1900, 1, 1))))
    in_post = open_at(ctx.periods, staff, "_start", "leave_date").select(
        "period_end", "professional_id", "team_id", fte=_.fte.fill_null(p["missing_fte"]))
    alloc = ctx.t["allocations"]
    alloc = alloc.select(_a_prof=alloc.professional_id, _a_child=alloc.person_id,
                         start_date=alloc.start_date, end_date=alloc.end_date)
    held = (open_at(ctx.periods, alloc)
            .group_by([_.period_end.name("_a_end"), "_a_prof"])
            .aggregate(cases=_._a_child.nunique()))
    units = in_post.join(held, (in_post.period_end == held._a_end) & (in_post.professional_id == held._a_prof))
    return units.select("period_end", "professional_id", "team_id", "cases",
                        unit_id=_.professional_id, num=_.cases.cast("float64"), den=_.fte.cast("float64"))
