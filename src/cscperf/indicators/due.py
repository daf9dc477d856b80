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


@due(id="cin-visit", title="Child in need visits", area="Children in need", indicator="CN03",
     rule="Children on a CIN plan: the next visit is due `window` working days (or calendar days, with unit = calendar) "
          "after the last visit at which the child was seen (or after the plan started, if not yet seen)",
     sources=("cin_plans", "visits"))
def cin_visit(ctx: Context) -> ibis.Table:
    p = ctx.params
    on_plan = open_at(ctx.periods, ctx.t["cin_plans"]).group_by(["period_end", "person_id"]).aggregate(
        plan_start=_.start_date.min())
    visits = ctx.t["visits"].filter(_.visit_type.isin(list(p["visit_types"])))
    if p["require_seen"]:
        visits = visits.filter(_.seen.fill_null(False))
    t = latest_before(on_plan, visits, "visit_date", "last_seen", on_or_after="plan_start")
    t = t.mutate(basis_date=_.last_seen.coalesce(_.plan_start))
    if p["unit"] == "calendar":
        t = t.mutate(due_date=(_.basis_date + ibis.interval(days=int(p["window"]))).cast("date"))
    else:
        t = add_busdays(t, ctx.calendar, "basis_date", int(p["window"]), "due_date")
    return t.select("period_end", "person_id", "due_date", "basis_date",
                    basis=_.last_seen.isnull().ifelse("plan started", "last seen"))


@due(id="cla-visit", title="Looked-after children's visits", area="Looked after children", indicator="LA09",
     rule="Children looked after (regulation 28): within 7 days of a placement starting; then at most 6 weeks apart "
          "in the placement's first year; after that at most 3 months apart in a long-term foster placement "
          "(903 U1/U4), otherwise 6 weeks", sources=("cla_episodes", "visits"))
def cla_visit(ctx: Context) -> ibis.Table:
    """Also LA09's due dates (its parameters; the defaults below when called without them). Placements are LA04's:
    a temporary move (T0-T4) and the return from one to the same placement start no new placement, and the
    placement type is that of the latest episode that is not a temporary move."""
    from cscperf.indicators.looked_after import STABILITY_PARAMS, looked_after_at, placement_episodes

    p = {"first_visit_days": 7, "interval_days": 42, "long_term_months": 3,
         "long_term_placements": list(LONG_TERM_PLACEMENTS), **ctx.params}
    rules = dict(STABILITY_PARAMS, new_placement_rne=list(NEW_PLACEMENT))
    eps = placement_episodes(Context(ctx.t, ctx.periods, ctx.calendar, rules))
    current = looked_after_at(ctx)
    t = latest_before(current, eps.filter(_._change).select(person_id=_._e_person, start_date=_._e_start),
                      "start_date", "placement_start")
    t = latest_before(t, eps.select(person_id=_._e_person, start_date=_._e_start), "start_date", "_latest")
    types = eps.select(_t_person=_._e_person, _t_start=_._e_start, placement_type=_._e_place)
    t = t.left_join(types, (t.person_id == types._t_person) & (t._latest == types._t_start)).drop(
        "_t_person", "_t_start", "_latest")
    visits = ctx.t["visits"].filter((_.visit_type == "CLA") & _.seen.fill_null(False))
    t = latest_before(t, visits, "visit_date", "last_seen", on_or_after="placement_start")
    first_year = _.last_seen < (_.placement_start + ibis.interval(years=1)).cast("date")
    six_weeks = (_.last_seen + ibis.interval(days=int(p["interval_days"]))).cast("date")
    t = t.mutate(
        due_date=ibis.cases(
            (_.last_seen.isnull(), (_.placement_start + ibis.interval(days=int(p["first_visit_days"]))).cast("date")),
            (first_year, six_weeks),
            (_.placement_type.isin(list(p["long_term_placements"])), add_months(_.last_seen, int(p["long_term_months"]))),
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


@due(id="cp-review", title="Child protection reviews", area="Child protection", indicator="CP06",
     rule="Children on a CP plan: the first review conference is due 3 months (CP06 first_months) after the plan "
          "started, later ones 6 months (later_months) after the last review", sources=("cp_plans", "cp_reviews"))
def cp_review(ctx: Context) -> ibis.Table:
    on_plan = open_at(ctx.periods, ctx.t["cp_plans"]).group_by(["period_end", "person_id"]).aggregate(
        plan_start=_.start_date.min())
    t = latest_before(on_plan, ctx.t["cp_reviews"], "review_date", "last_review", on_or_after="plan_start")
    first, later = int(ctx.params["first_months"]), int(ctx.params["later_months"])
    t = t.mutate(due_date=_.last_review.isnull().ifelse(add_months(_.plan_start, first), add_months(_.last_review, later)),
                 basis_date=_.last_review.coalesce(_.plan_start),
                 basis=_.last_review.isnull().ifelse("plan started", "last review"))
    return t.select("period_end", "person_id", "due_date", "basis", "basis_date")


@due(id="cla-review", title="Looked-after children's reviews", area="Looked after children", indicator="LA08",
     rule="Children looked after: the first review is due 20 working days after the period of care began, the "
          "second 3 months after the first, later ones 6 months after the last", sources=("cla_episodes", "cla_reviews"))
def cla_review(ctx: Context) -> ibis.Table:
    """The next review of each child's current period of care, from LA08's review chain (kpis.md §3.3)."""
    from cscperf.indicators.looked_after import looked_after_at, review_chain

    chain = review_chain(ctx)
    cohort = looked_after_at(ctx)
    t = cohort.join(chain, (cohort.person_id == chain.person_id) & (chain.poc_start <= cohort.period_end)
                    & (chain.poc_end.isnull() | (chain.poc_end > cohort.period_end))
                    & (chain.previous.isnull() | (chain.previous <= cohort.period_end))
                    & (chain.review_date.isnull() | (chain.review_date > cohort.period_end)))
    # k numbers the reviews of one period of care, and a child's periods of care do not overlap: no ties.
    order = ibis.window(group_by=["period_end", "person_id"], order_by="k")
    t = t.mutate(_r=ibis.row_number().over(order)).filter(_._r == 0)
    t = t.mutate(basis_date=_.previous.coalesce(_.poc_start),
                 basis=_.previous.isnull().ifelse("care began", "last review"))
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
    from cscperf.indicators.looked_after import looked_after_at

    eps = cla_episodes(ctx.t)
    cohort = looked_after_at(ctx)
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


@due(id="pathway-plan-review", title="Care leavers' pathway plan reviews", area="Care leavers", indicator="CL05",
     rule="Care leavers (eligible, relevant or former relevant, aged 16 to 25): the pathway plan review is due 6 months "
          "(CL05 months) after the latest review; with none recorded, it is due now", sources=("care_leavers", "persons"))
def pathway_plan_review(ctx: Context) -> ibis.Table:
    from cscperf.indicators.care_leavers import care_leavers_at

    t = care_leavers_at(ctx)
    t = t.mutate(due_date=_.last_review.isnull().ifelse(_.period_end, add_months(_.last_review, int(ctx.params["months"]))),
                 basis_date=_.last_review.coalesce(_.period_end),
                 basis=_.last_review.isnull().ifelse("no review recorded", "last review"))
    return t.select("period_end", "person_id", "due_date", "basis", "basis_date")
