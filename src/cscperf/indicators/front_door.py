"""Front door indicators: contacts and referrals (kpis.md §2.1)."""

from __future__ import annotations

import ibis
from ibis import _

from cscperf.indicators.breakdowns import NOT_RECORDED
from cscperf.indicators.common import Context, flag, has_earlier
from cscperf.indicators.spec import CONTEXT, DOWN, ROLLING_12, indicator

POPULATION = "ONS mid-year population aged 0-17 (the mid-(Y-1) estimate for the year ending 31 March Y), per 10,000"


@indicator(
    id="FD06",
    title="Re-referrals within 12 months",
    area="Front door", unit="%", polarity=DOWN, scale=100,
    numerator="Referrals in the rolling 12 months where the same child has an earlier referral dated p with "
              "R - 12 calendar months <= p < R (R = this referral's date; 29 February less 12 months is 28 February). "
              "A second referral on the same date is not a re-referral; earlier referrals dated before the window "
              "(previous census, CMS history) count",
    denominator="Referrals (CIN episodes, not children) with a referral date in the rolling 12 months",
    by_month=True,
    period=ROLLING_12, sources=("referrals",), reference="kpis.md FD06", history_months=12,
    params={"lookback_months": 12},
)
def fd06(ctx: Context):
    refs = has_earlier(ctx.t["referrals"], "referral_date", "re_referral", within_months=ctx.params["lookback_months"])
    units = ctx.in_window(refs, "referral_date")
    return units.mutate(unit_id=_.referral_id, num=flag(_.re_referral), den=1.0)


def _contacts(ctx: Context) -> ibis.Table:
    """Contacts dated in the period, with the source filled in for the breakdown."""
    units = ctx.in_window(ctx.t["contacts"], "contact_date")
    return units.mutate(contact_source=_.contact_source.fill_null(NOT_RECORDED))


def _referrals(ctx: Context) -> ibis.Table:
    """Referrals (CIN episodes) dated in the period, with the source filled in for the breakdown."""
    units = ctx.in_window(ctx.t["referrals"], "referral_date")
    return units.mutate(referral_source=_.referral_source.fill_null(NOT_RECORDED))


@indicator(
    id="FD01",
    title="Contacts per 10,000 children",
    area="Front door", unit="per 10,000", polarity=CONTEXT, scale=10000, per_population=True,
    numerator="Contacts with a contact date in the rolling 12 months (contacts, not children: a child contacted "
              "twice counts twice); the count is the figure's numerator",
    denominator=POPULATION,
    by_month=True,
    period=ROLLING_12, sources=("contacts",), reference="kpis.md FD01, §1.3, §1.4", breakdowns=("contact_source",),
)
def fd01(ctx: Context):
    return _contacts(ctx).mutate(unit_id=_.contact_id, num=1.0, den=1.0)


@indicator(
    id="FD02",
    title="Contacts by source",
    area="Front door", unit="%", polarity=CONTEXT, scale=100, shares=True,
    numerator="Contacts dated in the rolling 12 months from source s (CIN referral source codes 1A-10; blank = "
              "'not recorded'); read the breakdown by contact_source, whose shares add up to 100%",
    denominator="All contacts dated in the rolling 12 months",
    by_month=True,
    period=ROLLING_12, sources=("contacts",), reference="kpis.md FD02", breakdowns=("contact_source",),
)
def fd02(ctx: Context):
    return _contacts(ctx).mutate(unit_id=_.contact_id, num=1.0, den=1.0)


@indicator(
    id="FD03",
    title="Contacts progressing to a referral",
    area="Front door", unit="%", polarity=CONTEXT, scale=100,
    numerator="Contacts in the denominator that led to a referral: where the contact's outcome is recorded, an "
              "outcome in referral_outcomes (compared trimmed and in capitals); where it is blank (or use_outcome is "
              "off), the same child has a referral dated 0 to `window` working days after the contact date "
              "(busday_count(contact date, referral date) <= window; a referral the same day is 0). A referral after the "
              "month end counts if the extract holds it",
    denominator="Contacts with a contact date in the rolling 12 months",
    by_month=True,
    period=ROLLING_12, sources=("contacts", "referrals"), reference="kpis.md FD03 [local], §1.1, §7.3",
    breakdowns=("contact_source",),
    params={"use_outcome": True, "referral_outcomes": ["REFERRAL", "REFERRAL TO CSC", "REFERRAL TO CHILDREN'S SOCIAL CARE"],
            "window": 5},
)
def fd03(ctx: Context):
    p = ctx.params
    window = int(p["window"])
    units = _contacts(ctx)
    refs = ctx.t["referrals"].select(_r_person=_.person_id, _r_date=_.referral_date)
    # Candidate referrals on or after the contact; the calendar bound only prunes the join
    # (`window` working days never span more than 2 x window + 14 calendar days).
    reach = (units.contact_date + ibis.interval(days=2 * window + 14)).cast("date")
    cand = units.left_join(refs, (units.person_id == refs._r_person) & (refs._r_date >= units.contact_date)
                           & (refs._r_date <= reach))
    cand = ctx.busdays(cand, "contact_date", "_r_date", "_r_wd")
    followed = cand.group_by(list(units.columns)).aggregate(followed=flag(_._r_wd <= window).max())
    wanted = [str(o).strip().upper() for o in p["referral_outcomes"]]
    recorded = _.outcome.notnull() & (_.outcome.strip() != "")
    by_outcome = _.outcome.strip().upper().isin(wanted)
    referred = (recorded & by_outcome) | (~recorded & (_.followed > 0)) if p["use_outcome"] else (_.followed > 0)
    return followed.mutate(unit_id=_.contact_id, num=flag(referred), den=1.0)


@indicator(
    id="FD05",
    title="Referrals per 10,000 children",
    area="Front door", unit="per 10,000", polarity=CONTEXT, scale=10000, per_population=True,
    numerator="Referrals (CIN episodes, not children) with a referral date in the rolling 12 months; the count is the "
              "figure's numerator",
    denominator=POPULATION,
    by_month=True,
    period=ROLLING_12, sources=("referrals",), reference="kpis.md FD05, §1.4, §1.5", breakdowns=("referral_source",),
)
def fd05(ctx: Context):
    return _referrals(ctx).mutate(unit_id=_.referral_id, num=1.0, den=1.0)


@indicator(
    id="FD07",
    title="Referrals resulting in no further action",
    area="Front door", unit="%", polarity=CONTEXT, scale=100,
    numerator="Referrals in the denominator recorded as no further action (CIN ReferralNFA true); a blank flag is "
              "not NFA",
    denominator="Referrals (CIN episodes) with a referral date in the rolling 12 months",
    by_month=True,
    period=ROLLING_12, sources=("referrals",), reference="kpis.md FD07", breakdowns=("referral_source",),
)
def fd07(ctx: Context):
    return _referrals(ctx).mutate(unit_id=_.referral_id, num=flag(_.referral_nfa), den=1.0)


@indicator(
    id="FD08",
    title="Referrals by source",
    area="Front door", unit="%", polarity=CONTEXT, scale=100, shares=True,
    numerator="Referrals dated in the rolling 12 months from source s (CIN ReferralSource 1A-10; blank = 'not "
              "recorded'); read the breakdown by referral_source, whose shares add up to 100%",
    denominator="All referrals (CIN episodes) dated in the rolling 12 months",
    by_month=True,
    period=ROLLING_12, sources=("referrals",), reference="kpis.md FD08", breakdowns=("referral_source",),
)
def fd08(ctx: Context):
    return _referrals(ctx).mutate(unit_id=_.referral_id, num=1.0, den=1.0)
