"""Courts and care proceedings indicators (kpis.md §2.10)."""

from __future__ import annotations

from ibis import _

from cscperf.indicators.common import Context, days_between, in_window
from cscperf.indicators.spec import DOWN, ROLLING_12, indicator


@indicator(
    id="CT03",
    title="Average duration of the council's care proceedings (weeks)",
    area="Courts", unit="weeks", polarity=DOWN,
    numerator="Sum over proceedings concluded in the rolling 12 months of (concluded - issued) in calendar days / 7, "
              "where a set of proceedings (one proceedings_id, siblings together) is issued on the earliest issue date "
              "of its children and concluded on the latest final order date, and only once every child in it has a "
              "final order date",
    denominator="Proceedings (not children) concluded in the rolling 12 months",
    period=ROLLING_12, sources=("care_proceedings",), reference="kpis.md CT03",
)
def ct03(ctx: Context):
    cases = (ctx.t["care_proceedings"]
             .group_by("proceedings_id")
             .aggregate(issued=_.issue_date.min(), concluded=_.final_order_date.max(),
                        children=_.person_id.count(), with_order=_.final_order_date.count()))
    done = cases.filter(_.with_order == _.children)
    units = in_window(ctx.periods, done, "concluded")
    weeks = days_between(_.issued, _.concluded).cast("float64") / 7.0
    return units.mutate(unit_id=_.proceedings_id, num=weeks, den=1.0)
