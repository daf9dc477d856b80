"""Child protection indicators (kpis.md §2.4, §3.1)."""

from __future__ import annotations

import ibis
from ibis import _

from cscperf.indicators.breakdowns import NOT_RECORDED, age_at
from cscperf.indicators.common import (Context, add_months, add_years, days_between, flag, has_earlier,
                                       latest_before, open_at, unit_key)
from cscperf.indicators.spec import CONTEXT, DOWN, ROLLING_12, SNAPSHOT, UP, indicator

POPULATION = "ONS mid-year population aged 0-17 (the mid-(Y-1) estimate for the year ending 31 March Y), per 10,000"


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


@indicator(
    id="CP03a",
    title="Open child protection plans lasting 2 years or more",
    area="Child protection", unit="%", polarity=DOWN, scale=100,
    numerator="CP plans open at the month end D that started at least 2 calendar years before it "
              "(D >= start + 2 years; a plan from 29 February reaches 2 years on 28 February)",
    denominator="CP plans open at the month end (start <= D and end null or after D); a child with two open "
                "plans counts twice, as plans are the unit",
    period=SNAPSHOT, sources=("cp_plans",), reference="kpis.md CP03a, §1.2, §1.3",
    params={"years": 2},
)
def cp03a(ctx: Context):
    units = open_at(ctx.periods, ctx.t["cp_plans"])
    long = _.period_end >= add_years(_.start_date, ctx.params["years"])
    return units.mutate(unit_id=_.cp_plan_id, num=flag(long), den=1.0)


@indicator(
    id="CP04",
    title="Child protection plans starting that are a second or subsequent plan",
    area="Child protection", unit="%", polarity=DOWN, scale=100,
    numerator="CP plans starting in the rolling 12 months that are a second or subsequent plan: the recorded "
              "number of previous plans (CIN NumberOfPreviousCPP / Annex A) is above 0, or the loaded history holds "
              "a plan for the same child that started on an earlier date (any time, any plan status)",
    denominator="CP plans with a start date in the rolling 12 months (plans, not children)",
    by_month=True,
    period=ROLLING_12, sources=("cp_plans",), reference="kpis.md CP04",
    params={"use_recorded_count": True},
)
def cp04(ctx: Context):
    plans = has_earlier(ctx.t["cp_plans"], "start_date", "earlier_plan")
    units = ctx.in_window(plans, "start_date")
    second = _.earlier_plan
    if ctx.params["use_recorded_count"]:
        second = second | (_.previous_plans > 0).fill_null(False)
    return units.mutate(unit_id=_.cp_plan_id, num=flag(second), den=1.0)


def _latest_category(plans: ibis.Table) -> ibis.Value:
    """The plan's latest category of abuse; its initial one where no later one is recorded."""
    return plans.latest_category.coalesce(plans.initial_category).fill_null(NOT_RECORDED)


@indicator(
    id="CP01",
    title="Children subject of a child protection plan per 10,000 children",
    area="Child protection", unit="per 10,000", polarity=CONTEXT, scale=10000, per_population=True,
    numerator="Children with a CP plan open at the month end D (start <= D and end blank or after D; a plan ending on "
              "D is not open), each child once however many plans; the count is the figure's numerator. Breakdown "
              "`category`: the latest category of abuse of the child's latest-starting open plan",
    denominator=POPULATION,
    period=SNAPSHOT, sources=("cp_plans",), reference="kpis.md CP01, §1.3, §1.4", breakdowns=("category",),
)
def cp01(ctx: Context):
    units = open_at(ctx.periods, ctx.t["cp_plans"])
    latest = ibis.window(group_by=["period_end", "person_id"], order_by=[ibis.desc("start_date"), ibis.desc("cp_plan_id")])
    units = units.mutate(_rank=ibis.row_number().over(latest)).filter(_._rank == 0)
    units = units.mutate(category=_latest_category(units)).drop("_rank")
    return units.mutate(unit_id=_.person_id, num=1.0, den=1.0)


@indicator(
    id="CP02",
    title="Child protection plans starting per 10,000 children",
    area="Child protection", unit="per 10,000", polarity=CONTEXT, scale=10000, per_population=True,
    numerator="CP plans with a start date in the rolling 12 months (plans, not children); the count is the figure's "
              "numerator. Breakdown `category`: the initial category of abuse",
    denominator=POPULATION,
    by_month=True,
    period=ROLLING_12, sources=("cp_plans",), reference="kpis.md CP02, §1.4", breakdowns=("category",),
)
def cp02(ctx: Context):
    units = ctx.in_window(ctx.t["cp_plans"], "start_date")
    return units.mutate(unit_id=_.cp_plan_id, category=_.initial_category.fill_null(NOT_RECORDED), num=1.0, den=1.0)


@indicator(
    id="CP03b",
    title="Child protection plans ended that lasted 2 years or more",
    area="Child protection", unit="%", polarity=DOWN, scale=100,
    numerator="CP plans in the denominator with end >= start + 2 calendar years (a plan from 29 February reaches 2 "
              "years on 28 February)",
    denominator="CP plans with an end date in the rolling 12 months (ex-NI 64)",
    by_month=True,
    period=ROLLING_12, sources=("cp_plans",), reference="kpis.md CP03b, §1.2",
    params={"years": 2},
)
def cp03b(ctx: Context):
    ended = ctx.t["cp_plans"].filter(_.end_date.notnull())
    units = ctx.in_window(ended, "end_date")
    long = _.end_date >= add_years(_.start_date, ctx.params["years"])
    return units.mutate(unit_id=_.cp_plan_id, num=flag(long), den=1.0)


@indicator(
    id="CP05",
    title="Child protection plans starting within 2 years of a previous plan ending",
    area="Child protection", unit="%", polarity=DOWN, scale=100,
    numerator="CP plans in the denominator where the same child has an earlier plan (started before this one) that "
              "ended on a date e with start - 2 calendar years <= e <= start (a previous plan still open, or ending "
              "after this one started, does not count; 29 February less 2 years is 28 February). Needs the loaded "
              "plan history: the recorded number of previous plans carries no end dates",
    denominator="CP plans with a start date in the rolling 12 months",
    by_month=True,
    period=ROLLING_12, sources=("cp_plans",), reference="kpis.md CP05 [local]", history_months=24,
    params={"years": 2},
)
def cp05(ctx: Context):
    years = int(ctx.params["years"])
    plans = ctx.t["cp_plans"]
    prev = plans.select(_q_person=_.person_id, _q_start=_.start_date, _q_end=_.end_date)
    cond = ((plans.person_id == prev._q_person) & (prev._q_start < plans.start_date) & prev._q_end.notnull()
            & (prev._q_end <= plans.start_date) & (prev._q_end >= add_years(plans.start_date, -years)))
    joined = plans.left_join(prev, cond)
    marked = joined.group_by(list(plans.columns)).aggregate(previous_end=_._q_end.max())
    units = ctx.in_window(marked, "start_date")
    return units.mutate(unit_id=_.cp_plan_id, num=flag(_.previous_end.notnull()), den=1.0)


@indicator(
    id="CP06",
    title="Child protection review conferences held on time",
    area="Child protection", unit="%", polarity=UP, scale=100,
    numerator="Reviews in the denominator held on or before their due date (a review brought forward is on time)",
    denominator="Reviews due in the rolling 12 months (kpis.md §3.3, review-level): for each CP plan, the first review "
                "is due `first_months` calendar months after the plan start, each later one `later_months` after the "
                "actual date of the review before it. The reviews of a plan are the child's review conferences dated "
                "after the plan start and on or before its end; the k-th of them answers the k-th due date. A due date "
                "with no review held yet counts as late once it is in the period. No review falls due on or after the "
                "plan's end date",
    period=ROLLING_12, sources=("cp_plans", "cp_reviews"), reference="kpis.md CP06 [local], §3.3, §1.2",
    params={"first_months": 3, "later_months": 6},
    by_month=True,
)
def cp06(ctx: Context):
    # By month: a review due in the period is on time if held by its due date, whatever the period end.
    first, later = int(ctx.params["first_months"]), int(ctx.params["later_months"])
    plans = ctx.t["cp_plans"].select("cp_plan_id", "person_id", plan_start=_.start_date, plan_end=_.end_date)
    reviews = ctx.t["cp_reviews"].select(_r_person=_.person_id, review_date=_.review_date)
    held = plans.join(reviews, (plans.person_id == reviews._r_person) & (reviews.review_date > plans.plan_start)
                      & (plans.plan_end.isnull() | (reviews.review_date <= plans.plan_end))).drop("_r_person")
    order = ibis.window(group_by=["person_id", "plan_start"], order_by="review_date")
    held = held.mutate(_prev=held.review_date.lag().over(order))
    held = held.mutate(due_date=held._prev.isnull().ifelse(add_months(held.plan_start, first),
                                                            add_months(held._prev, later))).drop("_prev")
    # The due date after the last review held (or the first one, if none has been held), not answered yet.
    last = held.group_by(["person_id", "plan_start"]).aggregate(_last=_.review_date.max())
    last = last.select(_l_person=_.person_id, _l_start=_.plan_start, _last=_._last)
    pending = plans.left_join(last, (plans.person_id == last._l_person) & (plans.plan_start == last._l_start))
    pending = pending.mutate(review_date=ibis.null("date"),
                             due_date=pending._last.isnull().ifelse(add_months(pending.plan_start, first),
                                                                    add_months(pending._last, later)))
    cols = ["cp_plan_id", "person_id", "plan_start", "plan_end", "review_date", "due_date"]
    due = ibis.union(held.select(*cols), pending.select(*cols))
    due = due.filter(due.plan_end.isnull() | (due.due_date < due.plan_end))
    units = ctx.in_window(due, "due_date")
    # strftime, not a cast: DuckDB computes date + interval as a timestamp and Ibis drops the cast back to date.
    return units.mutate(unit_id=unit_key(_.cp_plan_id, _.due_date.strftime("%Y-%m-%d")),
                        num=flag(_.review_date <= _.due_date), den=1.0)


@indicator(
    id="CP08",
    title="Children on a child protection plan seen alone at their latest visit",
    area="Child protection", unit="%", polarity=UP, scale=100,
    numerator="Children in the denominator whose latest CP visit at which they were seen, on or after the start of "
              "their (earliest open) plan and on or before D, recorded them seen alone (any such visit that day). A "
              "child with no such visit since the plan started counts as not seen alone",
    denominator="Children on a CP plan at the month end D, each once, less pre-verbal children: those born after D "
                "(unborn), aged under min_age at D, or (exclude_unknown_dob) with no date of birth recorded, which on "
                "a CP plan is almost always an unborn child [local default; no national standard]",
    period=SNAPSHOT, sources=("cp_plans", "visits", "persons"), reference="kpis.md CP08 [local]",
    params={"min_age": 2, "exclude_unknown_dob": True, "require_seen": True},
)
def cp08(ctx: Context):
    p = ctx.params
    on_plan = (open_at(ctx.periods, ctx.t["cp_plans"]).group_by(["period_end", "person_id"])
               .aggregate(plan_start=_.start_date.min()))
    persons = ctx.t["persons"].select(_p_person=_.person_id, dob=_.dob)
    units = on_plan.left_join(persons, on_plan.person_id == persons._p_person).drop("_p_person")
    too_young = (units.dob > units.period_end) | (age_at(units.dob, units.period_end) < int(p["min_age"]))
    if p["exclude_unknown_dob"]:
        too_young = too_young | units.dob.isnull()
    units = units.filter(~too_young.fill_null(False))
    visits = ctx.t["visits"].filter(_.visit_type == "CP")
    if p["require_seen"]:
        visits = visits.filter(_.seen.fill_null(False))
    units = latest_before(units, visits, "visit_date", "last_visit", on_or_after="plan_start")
    alone = visits.filter(_.seen_alone.fill_null(False)).select(_v_person=_.person_id, _v_date=_.visit_date).distinct()
    units = units.left_join(alone, (units.person_id == alone._v_person) & (units.last_visit == alone._v_date))
    units = units.mutate(seen_alone=_._v_date.notnull()).drop("_v_person", "_v_date")
    return units.mutate(unit_id=_.person_id, num=flag(_.seen_alone), den=1.0)


@indicator(
    id="CP10",
    title="Child protection plans open by latest category of abuse",
    area="Child protection", unit="%", polarity=CONTEXT, scale=100, shares=True,
    numerator="CP plans open at the month end D whose latest category of abuse is k (the initial category where no "
              "latest one is recorded; blank = 'not recorded'); read the breakdown by category, whose shares add up "
              "to 100%",
    denominator="CP plans open at D (start <= D and end blank or after D); plans, not children",
    period=SNAPSHOT, sources=("cp_plans",), reference="kpis.md CP10", breakdowns=("category",),
)
def cp10(ctx: Context):
    units = open_at(ctx.periods, ctx.t["cp_plans"])
    return units.mutate(unit_id=_.cp_plan_id, category=_latest_category(units), num=1.0, den=1.0)


@indicator(
    id="CP10b",
    title="Child protection plans starting by initial category of abuse",
    area="Child protection", unit="%", polarity=CONTEXT, scale=100, shares=True,
    numerator="CP plans starting in the rolling 12 months whose initial category of abuse is k (blank = 'not "
              "recorded'); read the breakdown by category, whose shares add up to 100%",
    denominator="CP plans with a start date in the rolling 12 months",
    by_month=True,
    period=ROLLING_12, sources=("cp_plans",), reference="kpis.md CP10 (plans starting)", breakdowns=("category",),
)
def cp10b(ctx: Context):
    units = ctx.in_window(ctx.t["cp_plans"], "start_date")
    return units.mutate(unit_id=_.cp_plan_id, category=_.initial_category.fill_null(NOT_RECORDED), num=1.0, den=1.0)
