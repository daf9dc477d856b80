"""Front door indicators: contacts and referrals (kpis.md §2.1)."""

from __future__ import annotations

from ibis import _

from cscperf.indicators.common import Context, flag, has_earlier, in_window
from cscperf.indicators.spec import DOWN, ROLLING_12, indicator


@indicator(
    id="FD06",
    title="Re-referrals within 12 months",
    area="Front door", unit="%", polarity=DOWN, scale=100,
    numerator="Referrals in the rolling 12 months where the same child has an earlier referral dated p with "
              "R - 12 calendar months <= p < R (R = this referral's date; 29 February less 12 months is 28 February). "
              "A second referral on the same date is not a re-referral; earlier referrals dated before the window "
              "(previous census, CMS history) count",
    denominator="Referrals (CIN episodes, not children) with a referral date in the rolling 12 months",
    period=ROLLING_12, sources=("referrals",), reference="kpis.md FD06", history_months=12,
    params={"lookback_months": 12},
)
def fd06(ctx: Context):
    refs = has_earlier(ctx.t["referrals"], "referral_date", "re_referral", within_months=ctx.params["lookback_months"])
    units = in_window(ctx.periods, refs, "referral_date")
    return units.mutate(unit_id=_.referral_id, num=flag(_.re_referral), den=1.0)
