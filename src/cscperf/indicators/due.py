"""What falls due: for each child, the date the next visit, review, assessment, conference, health
assessment or return interview is due, as at a date. Team managers' exception lists come from here.

Each rule is declared once, beside the indicator whose standard it applies, and takes that
indicator's parameters (so a council that sets CP visits to 15 working days gets 15 here too).
A rule's builder returns one row per thing due: person_id, due_date, basis (what the date counts from)
and basis_date. The engine adds the status as at the date (overdue, due soon, later).
Due-date rules: kpis.md §1.1 (working days), §3.1 (CP visits), §3.2 (CLA visits, reg 28), §3.3 (reviews).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import ibis
from ibis import _

from cscperf.indicators.common import Context, add_busdays, add_months, cla_episodes, latest_before, open_at

NEW_PLACEMENT = ("S", "P", "B")
LONG_TERM_PLACEMENTS = ("U1", "U4")   # foster placements intended to last (903 PLACE); reg 28(2)(b)


@dataclass(frozen=True)
class DueRule:
    id: str
    title: str
    area: str
    indicator: str | None     # the indicator whose standard (and parameters) it applies, if any
    rule: str                 # in words
    sources: tuple[str, ...]
    build: Callable = field(repr=False, compare=False)


RULES: dict[str, DueRule] = {}


def due(**meta) -> Callable:
    def register(build: Callable) -> Callable:
        rule = DueRule(build=build, **meta)
        if rule.id in RULES:
            raise ValueError(f"due rule {rule.id} is declared twice")
        RULES[rule.id] = rule
        return build
    return register


def _rows(t: ibis.Table, basis: str) -> ibis.Table:
    return t.select("period_end", "person_id", "due_date", basis=ibis.literal(basis), basis_date=_.basis_date)


@due(id="cp-visit", title="Child protection visits", area="Child protection", indicator="CP07",
     rule="Children on a CP plan: the next visit is due `window` working days after the last visit at which the "
          "child was seen (or after the plan started, if not yet seen)", sources=("cp_plans", "visits"))
def cp_visit(ctx: Context) -> ibis.Table:
    on_plan = open_at(ctx.periods, ctx.t["cp_plans"]).group_by(["period_end", "person_id"]).aggregate(
        plan_start=_.start_date.min())
    visits = ctx.t["visits"].filter((_.visit_type == "CP") & _.seen.fill_null(False))
    t = latest_before(on_plan, visits, "visit_date", "last_seen", on_or_after="plan_start")
    t = t.mutate(basis_date=_.last_seen.coalesce(_.plan_start))
    t = add_busdays(t, ctx.calendar, "basis_date", int(ctx.params["window"]), "due_date")
    return t.select("period_end", "person_id", "due_date", "basis_date",
                    basis=_.last_seen.isnull().ifelse("plan started", "last seen"))


@due(id="cla-visit", title="Looked-after children's visits", area="Looked after children", indicator=None,
     rule="Children looked after (regulation 28): within 7 days of a placement starting; then at most 6 weeks apart "
          "in the placement's first year; after that at most 3 months apart in a long-term foster placement "
          "(903 U1/U4), otherwise 6 weeks", sources=("cla_episodes", "visits"))
def cla_visit(ctx: Context) -> ibis.Table:
    eps = cla_episodes(ctx.t)
    placed = eps.filter(_.rne.isin(list(NEW_PLACEMENT)))
    current = (open_at(ctx.periods, eps).select("period_end", "person_id", "placement_type"))
    starts = latest_before(current.select("period_end", "person_id").distinct(),
                           placed.select(person_id=_.person_id, start_date=_.start_date), "start_date", "placement_start")
    t = current.join(starts, ["period_end", "person_id"])
    visits = ctx.t["visits"].filter((_.visit_type == "CLA") & _.seen.fill_null(False))
    t = latest_before(t, visits, "visit_date", "last_seen", on_or_after="placement_start")
    first_year = _.last_seen < (_.placement_start + ibis.interval(years=1)).cast("date")
    six_weeks = (_.last_seen + ibis.interval(days=42)).cast("date")
    t = t.mutate(
        due_date=ibis.cases(
            (_.last_seen.isnull(), (_.placement_start + ibis.interval(days=7)).cast("date")),
            (first_year, six_weeks),
            (_.placement_type.isin(list(LONG_TERM_PLACEMENTS)), add_months(_.last_seen, 3)),
            else_=six_weeks),
        basis_date=_.last_seen.coalesce(_.placement_start),
        basis=_.last_seen.isnull().ifelse("placement started", "last seen"))
    return t.select("period_end", "person_id", "due_date", "basis", "basis_date")


@due(id="assessment", title="Assessments to complete", area="Assessment", indicator="AS02",
     rule="Open assessments: due for authorisation 45 working days after they started", sources=("assessments",))
def assessment(ctx: Context) -> ibis.Table:
    t = open_at(ctx.periods, ctx.t["assessments"], "start_date", "authorised_date")
    t = add_busdays(t.mutate(basis_date=_.start_date), ctx.calendar, "basis_date", int(ctx.params["limit"]), "due_date")
    return _rows(t, "assessment started")


@due(id="icpc", title="Initial child protection conferences", area="Section 47 and ICPC", indicator="S47-03",
     rule="Section 47 enquiries without a conference yet (and not judged unnecessary): the conference is due 15 "
          "working days after the enquiry started", sources=("s47_enquiries", "icpcs"))
def icpc(ctx: Context) -> ibis.Table:
    s47 = ctx.t["s47_enquiries"].filter(~_.icpc_not_required.fill_null(False))
    open_s47 = open_at(ctx.periods, s47)
    held = ctx.t["icpcs"].select(_c_s47=_.s47_id, _c_date=_.icpc_date)
    t = open_s47.left_join(held, (open_s47.s47_id == held._c_s47) & (held._c_date <= open_s47.period_end))
    t = t.filter(_._c_date.isnull()).mutate(basis_date=_.start_date)
    t = add_busdays(t, ctx.calendar, "basis_date", int(ctx.params["limit"]), "due_date")
    return _rows(t, "enquiry started")


@due(id="cp-review", title="Child protection reviews", area="Child protection", indicator=None,
     rule="Children on a CP plan: the first review conference is due 3 months after the plan started, later ones "
          "6 months after the last review", sources=("cp_plans", "cp_reviews"))
def cp_review(ctx: Context) -> ibis.Table:
    on_plan = open_at(ctx.periods, ctx.t["cp_plans"]).group_by(["period_end", "person_id"]).aggregate(
        plan_start=_.start_date.min())
    t = latest_before(on_plan, ctx.t["cp_reviews"], "review_date", "last_review", on_or_after="plan_start")
    t = t.mutate(due_date=_.last_review.isnull().ifelse(add_months(_.plan_start, 3), add_months(_.last_review, 6)),
                 basis_date=_.last_review.coalesce(_.plan_start),
                 basis=_.last_review.isnull().ifelse("plan started", "last review"))
    return t.select("period_end", "person_id", "due_date", "basis", "basis_date")


@due(id="cla-review", title="Looked-after children's reviews", area="Looked after children", indicator=None,
     rule="Children looked after: the first review is due 20 working days after the period of care began, the "
          "second 3 months after the first, later ones 6 months after the last", sources=("cla_episodes", "cla_reviews"))
def cla_review(ctx: Context) -> ibis.Table:
    eps = cla_episodes(ctx.t)
    cohort = open_at(ctx.periods, eps).select("period_end", "person_id").distinct()
    t = latest_before(cohort, eps.filter(_.rne == "S"), "start_date", "care_start")
    reviews = ctx.t["cla_reviews"].select(_r_person=_.person_id, _r_date=_.review_date)
    held = t.left_join(reviews, (t.person_id == reviews._r_person) & (reviews._r_date >= t.care_start)
                       & (reviews._r_date <= t.period_end))
    t = held.group_by(["period_end", "person_id", "care_start"]).aggregate(
        reviews=_._r_date.count(), first_review=_._r_date.min(), last_review=_._r_date.max())
    t = add_busdays(t.filter(_.care_start.notnull()), ctx.calendar, "care_start", 20, "first_due")
    t = t.mutate(due_date=ibis.cases((_.reviews == 0, _.first_due), (_.reviews == 1, add_months(_.first_review, 3)),
                                     else_=add_months(_.last_review, 6)),
                 basis_date=_.last_review.coalesce(_.care_start),
                 basis=(_.reviews == 0).ifelse("care began", "last review"))
    return t.select("period_end", "person_id", "due_date", "basis", "basis_date")


@due(id="return-interview", title="Return home interviews", area="Missing", indicator="MI06",
     rule="Missing episodes ended in the last 28 days with no return interview recorded: due `within_days` "
          "(72 hours) after the child returned", sources=("missing_episodes",))
def return_interview(ctx: Context) -> ibis.Table:
    eps = ctx.t["missing_episodes"].filter((_.missing_type == "M") & _.end_date.notnull())
    t = ctx.periods.join(eps, (eps.end_date <= ctx.periods.period_end)
                         & (eps.end_date > (ctx.periods.period_end - ibis.interval(days=28)).cast("date")))
    t = t.filter(_.rhi_date.isnull() | (_.rhi_date > _.period_end))
    t = t.mutate(basis_date=_.end_date,
                 due_date=(_.end_date + ibis.interval(days=int(ctx.params["within_days"]))).cast("date"))
    return _rows(t, "returned")


@due(id="health-assessment", title="Health assessments", area="Looked after children", indicator=None,
     rule="Children looked after: an initial health assessment 20 working days after care began, then a review "
          "health assessment every 6 months under 5 and every 12 months from 5", sources=("cla_episodes", "cla_health"))
def health_assessment(ctx: Context) -> ibis.Table:
    eps = cla_episodes(ctx.t)
    cohort = open_at(ctx.periods, eps).select("period_end", "person_id").distinct()
    t = latest_before(cohort, eps.filter(_.rne == "S"), "start_date", "care_start")
    checks = ctx.t["cla_health"].filter(_.check_type.isin(["IHA", "RHA"]))
    t = latest_before(t, checks.select(person_id=_.person_id, check_date=_.check_date), "check_date", "last_check",
                      on_or_after="care_start")
    persons = ctx.t["persons"].select(_p=_.person_id, _dob=_.dob)
    t = t.left_join(persons, t.person_id == persons._p)
    under_five = (_._dob.notnull() & ((_._dob + ibis.interval(years=5)).cast("date") > _.period_end))
    t = add_busdays(t.filter(_.care_start.notnull()), ctx.calendar, "care_start", 20, "iha_due")
    t = t.mutate(due_date=ibis.cases((_.last_check.isnull(), _.iha_due),
                                     (under_five, add_months(_.last_check, 6)), else_=add_months(_.last_check, 12)),
                 basis_date=_.last_check.coalesce(_.care_start),
                 basis=_.last_check.isnull().ifelse("care began", "last assessment"))
    return t.select("period_end", "person_id", "due_date", "basis", "basis_date")
