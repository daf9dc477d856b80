"""Assessment indicators (kpis.md §2.2)."""

from __future__ import annotations

from ibis import _

from cscperf.indicators.common import Context, flag, in_window
from cscperf.indicators.spec import ROLLING_12, UP, indicator


@indicator(
    id="AS02",
    title="Assessments completed within 45 working days",
    area="Assessment", unit="%", polarity=UP, scale=100,
    numerator="Assessments authorised in the rolling 12 months with busday_count(start, authorisation) <= 45, "
              "i.e. working days in [start, authorisation), England and Wales bank holidays excluded (same day = 0). "
              "With d2i_offset the limit is 44 (the D2I validator's one-day-stricter convention)",
    denominator="Assessments with an authorisation date in the rolling 12 months; an assessment authorised before "
                "its start date (invalid) is left out of both",
    period=ROLLING_12, sources=("assessments",), reference="kpis.md AS02, §1.1",
    params={"limit": 45, "d2i_offset": False},
)
def as02(ctx: Context):
    p = ctx.params
    done = ctx.t["assessments"].filter(_.authorised_date.notnull() & (_.authorised_date >= _.start_date))
    units = in_window(ctx.periods, done, "authorised_date")
    units = ctx.busdays(units, "start_date", "authorised_date", "duration_wd")
    limit = p["limit"] - (1 if p["d2i_offset"] else 0)
    return units.mutate(unit_id=_.assessment_id, num=flag(_.duration_wd <= limit), den=1.0)
