"""Assessment indicators (kpis.md §2.2)."""

from __future__ import annotations

import ibis
from ibis import _

from cscperf.indicators.common import Context, flag, open_at, unit_key, with_middle
from cscperf.indicators.spec import CONTEXT, DOWN, ROLLING_12, SNAPSHOT, UP, indicator

POPULATION = "ONS mid-year population aged 0-17 (the mid-(Y-1) estimate for the year ending 31 March Y), per 10,000"


@indicator(
    id="AS02",
    title="Assessments completed within 45 working days",
    area="Assessment", unit="%", polarity=UP, scale=100,
    numerator="Assessments authorised in the rolling 12 months with busday_count(start, authorisation) <= 45, "
              "i.e. working days in [start, authorisation), England and Wales bank holidays excluded (same day = 0). "
              "With d2i_offset the limit is 44 (the D2I validator's one-day-stricter convention)",
    denominator="Assessments with an authorisation date in the rolling 12 months; an assessment authorised before "
                "its start date (invalid) is left out of both",
    by_month=True,
    period=ROLLING_12, sources=("assessments",), reference="kpis.md AS02, §1.1",
    params={"limit": 45, "d2i_offset": False},
)
def as02(ctx: Context):
    p = ctx.params
    done = ctx.t["assessments"].filter(_.authorised_date.notnull() & (_.authorised_date >= _.start_date))
    # Durations first: one calendar lookup per assessment, not one per assessment and month end.
    done = ctx.busdays(done, "start_date", "authorised_date", "duration_wd")
    units = ctx.in_window(done, "authorised_date")
    limit = p["limit"] - (1 if p["d2i_offset"] else 0)
    return units.mutate(unit_id=_.assessment_id, num=flag(_.duration_wd <= limit), den=1.0)


def _authorised(ctx: Context) -> ibis.Table:
    """Assessments with an authorisation (completion) date in the period."""
    return ctx.in_window(ctx.t["assessments"].filter(_.authorised_date.notnull()), "authorised_date")


@indicator(
    id="AS01",
    title="Assessments completed per 10,000 children",
    area="Assessment", unit="per 10,000", polarity=CONTEXT, scale=10000, per_population=True,
    numerator="Assessments with an authorisation (completion) date in the rolling 12 months (assessments, not "
              "children); the count is the figure's numerator",
    denominator=POPULATION,
    by_month=True,
    period=ROLLING_12, sources=("assessments",), reference="kpis.md AS01, §1.4",
)
def as01(ctx: Context):
    return _authorised(ctx).mutate(unit_id=_.assessment_id, num=1.0, den=1.0)


def _referral_date(ctx: Context, assessments: ibis.Table) -> ibis.Table:
    """Add `referral_date`: the date of the assessment's referral (by referral_id), or, where the assessment names
    none that is loaded, the child's latest referral dated on or before the assessment start."""
    refs = ctx.t["referrals"]
    by_id = refs.select(_i_id=_.referral_id, _i_date=_.referral_date)
    by_child = refs.select(_c_person=_.person_id, _c_date=_.referral_date)
    t = assessments.left_join(by_id, assessments.referral_id == by_id._i_id)
    t = t.left_join(by_child, (t.person_id == by_child._c_person) & (by_child._c_date <= t.start_date))
    t = t.group_by([*assessments.columns, "_i_date"]).aggregate(_c_date=_._c_date.max())
    return t.mutate(referral_date=_._i_date.coalesce(_._c_date)).drop("_i_date", "_c_date")


@indicator(
    id="AS02b",
    title="Assessments completed within 45 working days of the referral",
    area="Assessment", unit="%", polarity=UP, scale=100,
    numerator="Assessments authorised in the rolling 12 months with busday_count(referral date, authorisation) <= 45 "
              "(working days in [referral, authorisation), England and Wales bank holidays excluded; Working Together's "
              "'from the point of referral'). With d2i_offset the limit is 44",
    denominator="Assessments with an authorisation date in the rolling 12 months whose referral is known (by "
                "referral_id, else the child's latest referral on or before the assessment start) and dated on or "
                "before the authorisation; others are left out of both",
    by_month=True,
    period=ROLLING_12, sources=("assessments", "referrals"), reference="kpis.md AS02 (AS02b), §1.1",
    params={"limit": 45, "d2i_offset": False},
)
def as02b(ctx: Context):
    p = ctx.params
    # Referral and duration first, once per assessment, then the windows: not once per assessment and month end.
    done = _referral_date(ctx, ctx.t["assessments"].filter(_.authorised_date.notnull()))
    done = done.filter(_.referral_date.notnull() & (_.referral_date <= _.authorised_date))
    done = ctx.busdays(done, "referral_date", "authorised_date", "duration_wd")
    units = ctx.in_window(done, "authorised_date")
    limit = p["limit"] - (1 if p["d2i_offset"] else 0)
    return units.mutate(unit_id=_.assessment_id, num=flag(_.duration_wd <= limit), den=1.0)


@indicator(
    id="AS03",
    title="Median duration of assessments (working days)",
    area="Assessment", unit="working days", polarity=DOWN, decimals=1,
    numerator="The median of busday_count(start, authorisation) over assessments authorised in the rolling 12 months "
              "(working days in [start, authorisation), same day = 0): with n assessments in order of duration (ties by "
              "assessment id), the "
              "middle one (n odd) or the mean of the two middle ones (n even). Written in the units model as: the "
              "middle assessment(s) carry their duration as numerator and 1 as denominator, every other assessment 0 "
              "and 0, so the figure is exactly the median; no breakdowns (a median does not add up by team)",
    denominator="1 (or 2 when n is even): the middle assessment(s). Assessments authorised before their start "
                "(invalid) are left out, as in AS02",
    period=ROLLING_12, sources=("assessments",), reference="kpis.md AS03, §1.1", by_council=False,
)
def as03(ctx: Context):
    done = ctx.t["assessments"].filter(_.authorised_date.notnull() & (_.authorised_date >= _.start_date))
    # Durations first: one calendar lookup per assessment, not one per assessment and month end.
    done = ctx.busdays(done, "start_date", "authorised_date", "duration_wd")
    done, groups = ctx.with_group(done)
    units = ctx.in_window(done, "authorised_date")
    # Ties of duration in order of assessment id (then the assessment's key, so that every tie is broken).
    units = with_middle(units, ["period_end", *groups], "duration_wd", ["assessment_id", "person_id", "start_date"],
                        "_middle")
    # The child is kept as `child`, not person_id, so that the engine adds no child breakdowns: the median of a
    # team's assessments is not a sum of its units.
    return (units.mutate(unit_id=_.assessment_id, num=_._middle.ifelse(_.duration_wd.cast("float64"), 0.0),
                         den=_._middle.ifelse(1.0, 0.0), child=_.person_id)
            .drop("person_id", "_middle", *groups))


@indicator(
    id="AS04",
    title="Open assessments over 45 working days",
    area="Assessment", unit="%", polarity=DOWN, scale=100,
    numerator="Assessments open at the month end D with busday_count(start, D) > 45 (more than 45 working days in "
              "[start, D)), as the CIN validator's rule 8670Q",
    denominator="Assessments open at D: start <= D and authorisation date blank or after D (one authorised on D is "
                "not open)",
    period=SNAPSHOT, sources=("assessments",), reference="kpis.md AS04 [local], §1.1, §1.3",
    params={"limit": 45},
)
def as04(ctx: Context):
    units = open_at(ctx.periods, ctx.t["assessments"], "start_date", "authorised_date")
    units = ctx.busdays(units, "start_date", "period_end", "open_wd")
    return units.mutate(unit_id=_.assessment_id, num=flag(_.open_wd > int(ctx.params["limit"])), den=1.0)


@indicator(
    id="AS05",
    title="Referrals where the child was assessed as not in need",
    area="Assessment", unit="%", polarity=CONTEXT, scale=100,
    numerator="Referrals in the denominator whose CIN episode was closed after assessment as not in need: closure "
              "reason in not_in_need_reasons (default RC8 'closed after assessment, no further action' and RC9 'closed "
              "after assessment, referred to early help'), or primary need in not_in_need_needs (default none). A "
              "closure after the month end counts if the extract holds it. [Our reading of DfE's not_in_need_count, "
              "unverified]",
    denominator="Referrals (CIN episodes) with a referral date in the rolling 12 months (the DfE variant; the Annex A "
                "variant over assessments is not supported, see docs/not-supported.md)",
    by_month=True,
    period=ROLLING_12, sources=("referrals",), reference="kpis.md AS05",
    params={"not_in_need_reasons": ["RC8", "RC9"], "not_in_need_needs": []},
)
def as05(ctx: Context):
    p = ctx.params
    units = ctx.in_window(ctx.t["referrals"], "referral_date")
    not_in_need = _.closure_date.notnull() & _.closure_reason.isin(list(p["not_in_need_reasons"]) or [""])
    if p["not_in_need_needs"]:
        not_in_need = not_in_need | _.primary_need.isin(list(p["not_in_need_needs"]))
    return units.mutate(unit_id=_.referral_id, num=flag(not_in_need), den=1.0)


@indicator(
    id="AS06",
    title="Child seen during the assessment",
    area="Assessment", unit="%", polarity=UP, scale=100,
    numerator="Assessments in the denominator recorded with the child seen (Annex A 'Child seen during continuous "
              "assessment' = yes); a blank is not seen",
    denominator="Assessments with an authorisation (completion) date in the rolling 12 months",
    by_month=True,
    period=ROLLING_12, sources=("assessments",), reference="kpis.md AS06 [local]",
)
def as06(ctx: Context):
    return _authorised(ctx).mutate(unit_id=_.assessment_id, num=flag(_.child_seen), den=1.0)


@indicator(
    id="AS07",
    title="Factors identified at the end of assessment per 10,000 children",
    area="Assessment", unit="per 10,000", polarity=CONTEXT, scale=10000, per_population=True,
    numerator="Factors identified at the end of assessments authorised in the rolling 12 months: one per assessment "
              "and factor code (CIN AssessmentFactors); read the breakdown by factor for the rate of each factor "
              "(e.g. 3A/3B/3C domestic abuse, 16A neglect, 24A criminal exploitation). Codes in exclude_factors (21, no "
              "factors identified) are left out",
    denominator=POPULATION,
    by_month=True,
    period=ROLLING_12, sources=("assessments", "assessment_factors"), reference="kpis.md AS07, §1.4",
    breakdowns=("factor",), params={"exclude_factors": ["21"]},
)
def as07(ctx: Context):
    factors = ctx.t["assessment_factors"]
    excluded = [str(f) for f in ctx.params["exclude_factors"]]
    if excluded:
        factors = factors.filter(~factors.factor.isin(excluded))
    factors = factors.select(_f_id=_.assessment_id, factor=_.factor).distinct()
    units = _authorised(ctx)
    units = units.join(factors, units.assessment_id == factors._f_id).drop("_f_id")
    return units.mutate(unit_id=unit_key(_.assessment_id, _.factor), num=1.0, den=1.0)
