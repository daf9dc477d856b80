"""Workforce indicators (kpis.md §2.11)."""

from __future__ import annotations

import datetime as dt

import ibis
from ibis import _

from cscperf.indicators.common import Context, cla_episodes, council_of, day_before, open_at
from cscperf.indicators.spec import CONTEXT, DOWN, SNAPSHOT, WORKFORCE_YEAR, indicator
from cscperf.model.codes import CASE_HOLDING_ROLES
from cscperf.model.tables import COUNCIL_SEP


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


# ---- The census measures (kpis.md WF02-WF07): the year to 30 September and stocks at 30 September -------------

SOCIAL_WORKER = ("Children and family social workers: professionals whose role is SW, SSW, ASYE, PS or TM (parameter "
                 "`roles`), or who came from the workforce census (a CSWW OrgRole is recorded: every CSWW worker is a "
                 "social worker)")
LA_EMPLOYED = SOCIAL_WORKER + ", employed by the council (agency false or blank)"
IN_POST = ("in post at D (start blank or <= D, leaving date blank or after D; a leaver on 30 September is not in post); "
           "FTE = the census FTE at D (FTE30) where the workforce census holds the worker at D, else the recorded FTE, "
           "else `missing_fte`")
WF_PARAMS = {"roles": ["SW", "SSW", "ASYE", "PS", "TM"], "missing_fte": 1.0}
EARLIEST = dt.date(1900, 1, 1)


def _social_workers(ctx: Context, agency: bool | None = False) -> ibis.Table:
    """Social workers (SOCIAL_WORKER); agency False = LA-employed only, True = agency only, None = both."""
    staff = ctx.t["professionals"]
    staff = staff.filter(staff.role.isin(list(ctx.params["roles"])) | (staff.org_role.fill_null("").strip() != ""))
    if agency is not None:
        staff = staff.filter(staff.agency.fill_null(False) == agency)
    return staff.mutate(_start=staff.start_date.fill_null(ibis.literal(EARLIEST)))


def _with_fte(ctx: Context, t: ibis.Table, date: str, name: str) -> ibis.Table:
    """Add `name` = the worker's FTE on the date in column `date`: census FTE30 at that date, else the recorded FTE,
    else missing_fte."""
    census = ctx.t["workforce_census"].select(_w_prof=_.professional_id, _w_date=_.census_date, _w_fte=_.fte)
    joined = t.left_join(census, (t.professional_id == census._w_prof) & (census._w_date == t[date]))
    joined = joined.mutate(**{name: joined._w_fte.coalesce(joined.fte, ibis.literal(float(ctx.params["missing_fte"])))})
    return joined.drop("_w_prof", "_w_date", "_w_fte")


def _in_post_at(staff: ibis.Table, when: ibis.Value) -> ibis.Value:
    return (staff._start <= when) & (staff.leave_date.isnull() | (staff.leave_date > when))


@indicator(
    id="WF02",
    title="Social worker turnover rate (FTE)",
    area="Workforce", unit="%", polarity=DOWN, scale=100,
    numerator="FTE of council-employed social workers who left in the year to 30 September (leaving date from 1 October "
              "to 30 September inclusive; the recorded FTE, else `missing_fte`). " + LA_EMPLOYED,
    denominator="FTE of council-employed social workers " + IN_POST,
    period=WORKFORCE_YEAR, sources=("professionals",), reference="kpis.md WF02 (CSWW leavers_fte / inpost_fte)",
    params=dict(WF_PARAMS),
)
def wf02(ctx: Context):
    staff = _social_workers(ctx)
    p = ctx.periods
    left = (staff.leave_date >= p.period_start) & (staff.leave_date <= p.period_end)
    units = p.join(staff, left | _in_post_at(staff, p.period_end))
    units = _with_fte(ctx, units, "period_end", "fte_at_d")
    units = units.mutate(left_in_year=((_.leave_date >= _.period_start) & (_.leave_date <= _.period_end)).fill_null(False),
                         leaver_fte=_.fte.fill_null(float(ctx.params["missing_fte"])))
    units = units.select("period_end", "professional_id", "team_id", "start_date", "leave_date", "left_in_year",
                         "leaver_fte", "fte_at_d")
    return units.mutate(unit_id=_.professional_id,
                        num=_.left_in_year.ifelse(_.leaver_fte, 0.0),
                        den=_.left_in_year.ifelse(0.0, _.fte_at_d))


def _vacancies_at(ctx: Context) -> ibis.Table:
    """The census's council-level rows at each period end, with `_label`: its unit's id, qualified by the
    row's council in a snapshot of several ("A:vacancies"), as every other identifier is."""
    vac = ctx.t["vacancies"]
    vac = vac.mutate(_label=ibis.coalesce(vac.council.concat(COUNCIL_SEP), ibis.literal("")))
    return ctx.periods.join(vac, vac.census_date == ctx.periods.period_end)


def _la_in_post(ctx: Context, periods: ibis.Table) -> ibis.Table:
    staff = _social_workers(ctx)
    units = periods.select("period_end").distinct().join(staff, _in_post_at(staff, periods.period_end))
    units = _with_fte(ctx, units, "period_end", "fte_at_d")
    return units.select("period_end", "professional_id", "team_id", "fte_at_d")


@indicator(
    id="WF03",
    title="Social worker vacancy rate (FTE)",
    area="Workforce", unit="%", polarity=DOWN, scale=100,
    numerator="FTE vacancies at 30 September (vacancies, CSWW NumberOfVacancies)",
    denominator="FTE vacancies plus the FTE of council-employed social workers " + IN_POST + ". Agency workers are not "
                "in the denominator. No figure for a 30 September without a vacancies row",
    period=WORKFORCE_YEAR, sources=("vacancies", "professionals"), reference="kpis.md WF03 (CSWW vacancy_fte)",
    params=dict(WF_PARAMS),
)
def wf03(ctx: Context):
    vac = _vacancies_at(ctx).filter(_.vacancies_fte.notnull())
    label = vac._label.concat("vacancies")
    vac_units = vac.select("period_end", professional_id=label, team_id=ibis.null().cast("string"),
                           unit_id=label, num=_.vacancies_fte.cast("float64"),
                           den=_.vacancies_fte.cast("float64"))
    staff = _la_in_post(ctx, vac)
    staff = staff.select("period_end", "professional_id", "team_id", unit_id=_.professional_id, num=ibis.literal(0.0),
                         den=_.fte_at_d.cast("float64"))
    return ibis.union(vac_units, staff)


@indicator(
    id="WF04",
    title="Agency social worker rate (FTE)",
    area="Workforce", unit="%", polarity=DOWN, scale=100,
    numerator="Agency social worker FTE at 30 September: the census's LA-level agency FTE (vacancies.agency_fte, CSWW "
              "NoAgencyFTE) where recorded, else the FTE of agency social workers in post at D (professionals with "
              "agency true; " + SOCIAL_WORKER + ")",
    denominator="That agency FTE plus the FTE of council-employed social workers " + IN_POST,
    period=WORKFORCE_YEAR, sources=("professionals",), reference="kpis.md WF04 (CSWW agency_fte)",
    params=dict(WF_PARAMS),
)
def wf04(ctx: Context):
    vac = _vacancies_at(ctx).filter(_.agency_fte.notnull())
    label = vac._label.concat("agency (census)")
    vac_units = vac.select("period_end", professional_id=label,
                           team_id=ibis.null().cast("string"), unit_id=label,
                           num=_.agency_fte.cast("float64"), den=_.agency_fte.cast("float64"))
    agency = _social_workers(ctx, agency=True)
    p = ctx.periods
    agency = p.join(agency, _in_post_at(agency, p.period_end))
    agency = _with_fte(ctx, agency, "period_end", "fte_at_d")
    # Where a council's census gives its agency FTE, its listed agency workers are not counted again.
    counted = vac.select(_v_end=_.period_end, _v_council=_.council.fill_null(""))
    agency = agency.anti_join(counted, (agency.period_end == counted._v_end)
                              & (council_of(agency.professional_id).fill_null("") == counted._v_council))
    agency = agency.select("period_end", "professional_id", "team_id", unit_id=_.professional_id,
                           num=_.fte_at_d.cast("float64"), den=_.fte_at_d.cast("float64"))
    staff = _la_in_post(ctx, ctx.periods)
    staff = staff.select("period_end", "professional_id", "team_id", unit_id=_.professional_id, num=ibis.literal(0.0),
                         den=_.fte_at_d.cast("float64"))
    return ibis.union(vac_units, agency, staff)


@indicator(
    id="WF05",
    title="Social worker vacancies covered by agency workers (FTE)",
    area="Workforce", unit="%", polarity=CONTEXT, scale=100,
    numerator="FTE agency workers covering vacancies at 30 September (vacancies.agency_cover_fte)",
    denominator="FTE vacancies at 30 September (vacancies.vacancies_fte); DfE's vacancy_agency_cover_rate_fte, not "
                "agency_cover_rate_fte (which divides by all agency FTE). No figure where either is not recorded",
    period=WORKFORCE_YEAR, sources=("vacancies",), reference="kpis.md WF05",
)
def wf05(ctx: Context):
    vac = _vacancies_at(ctx).filter(_.agency_cover_fte.notnull() & _.vacancies_fte.notnull())
    return vac.select("period_end", "census_date", unit_id=vac._label.concat("vacancies"),
                      num=_.agency_cover_fte.cast("float64"), den=_.vacancies_fte.cast("float64"))


@indicator(
    id="WF06",
    title="Social worker sickness absence rate",
    area="Workforce", unit="%", polarity=DOWN, scale=100,
    numerator="Working days lost to sickness in the year to 30 September (workforce_census.working_days_lost, blank = 0) "
              "of the council-employed social workers in the census at D (leavers in the year included). "
              + LA_EMPLOYED,
    denominator="Available working days: `days_per_fte` (253) x the FTE at 30 September (census FTE30; a worker in post "
                "at D with no FTE30 takes the recorded FTE, else `missing_fte`; one who has left adds none). DfE's exact "
                "denominator is not published: this misses its figure by about 0.1 percentage points (kpis.md WF06)",
    period=WORKFORCE_YEAR, sources=("workforce_census", "professionals"), reference="kpis.md WF06, §7 item 8",
    params={**WF_PARAMS, "days_per_fte": 253},
)
def wf06(ctx: Context):
    p = ctx.params
    census = ctx.t["workforce_census"]
    rows = ctx.periods.join(census, census.census_date == ctx.periods.period_end)
    staff = _social_workers(ctx).select("professional_id", "team_id", "_start", "leave_date", _s_fte=_.fte)
    rows = rows.join(staff, rows.professional_id == staff.professional_id)
    in_post = _in_post_at(rows, rows.period_end)
    fte = rows.fte.coalesce(in_post.ifelse(rows._s_fte.fill_null(float(p["missing_fte"])), 0.0))
    units = rows.select("period_end", "professional_id", "team_id", "working_days_lost", fte_at_d=fte)
    return units.mutate(unit_id=_.professional_id, num=_.working_days_lost.fill_null(0.0).cast("float64"),
                        den=(_.fte_at_d * float(p["days_per_fte"])).cast("float64"))


@indicator(
    id="WF07",
    title="Social worker starters as a share of those in post (FTE)",
    area="Workforce", unit="%", polarity=CONTEXT, scale=100,
    numerator="FTE of council-employed social workers who started in the year to 30 September (start date from 1 "
              "October to 30 September inclusive; the recorded FTE, else `missing_fte`); the numerator is the starters' "
              "FTE. " + LA_EMPLOYED,
    denominator="FTE of council-employed social workers " + IN_POST,
    period=WORKFORCE_YEAR, sources=("professionals",), reference="kpis.md WF07 (CSWW starters_fte, inpost_fte)",
    params=dict(WF_PARAMS),
)
def wf07(ctx: Context):
    staff = _social_workers(ctx)
    p = ctx.periods
    started = (staff.start_date >= p.period_start) & (staff.start_date <= p.period_end)
    units = p.join(staff, started | _in_post_at(staff, p.period_end))
    units = _with_fte(ctx, units, "period_end", "fte_at_d")
    units = units.mutate(started_in_year=((_.start_date >= _.period_start) & (_.start_date <= _.period_end))
                         .fill_null(False),
                         in_post=_in_post_at(units, units.period_end),
                         starter_fte=_.fte.fill_null(float(ctx.params["missing_fte"])))
    units = units.select("period_end", "professional_id", "team_id", "start_date", "leave_date", "started_in_year",
                         "in_post", "starter_fte", "fte_at_d")
    return units.mutate(unit_id=_.professional_id, num=_.started_in_year.ifelse(_.starter_fte, 0.0),
                        den=_.in_post.ifelse(_.fte_at_d, 0.0))


@indicator(
    id="WF07b",
    title="Change in council-employed social worker FTE in post over the year",
    area="Workforce", unit="%", polarity=CONTEXT, scale=100,
    numerator="FTE in post at D less FTE in post a year earlier (30 September Y-1): the net change. " + LA_EMPLOYED,
    denominator="FTE of council-employed social workers in post a year before D (" + IN_POST.replace(" at D", "")
                + ", at that date)",
    period=WORKFORCE_YEAR, sources=("professionals",), reference="kpis.md WF07 (in-post change year on year)",
    history_months=1, params=dict(WF_PARAMS),
)
def wf07b(ctx: Context):
    staff = _social_workers(ctx)
    p = ctx.periods.mutate(_before=day_before(_.period_start))
    units = p.join(staff, _in_post_at(staff, p.period_end) | _in_post_at(staff, p._before))
    units = _with_fte(ctx, units, "period_end", "fte_at_d")
    units = _with_fte(ctx, units, "_before", "fte_before")
    units = units.mutate(now=_in_post_at(units, units.period_end).ifelse(units.fte_at_d, 0.0),
                         before=_in_post_at(units, units._before).ifelse(units.fte_before, 0.0))
    units = units.select("period_end", "professional_id", "team_id", "now", "before")
    return units.mutate(unit_id=_.professional_id, num=(_.now - _.before).cast("float64"), den=_.before.cast("float64"))


# ---- WF08: the monthly caseload by team and worker --------------------------------------------------------

@indicator(
    id="WF08",
    title="Caseload per FTE by team and worker (all allocated workers)",
    area="Workforce", unit="cases per FTE", polarity=DOWN, breakdowns=("team", "worker"),
    numerator="Cases at the month end D: for each worker in post at D (any role: personal advisers and managers "
              "included; agency included), the number of distinct children with an allocation to them open at D. Each "
              "worker's cases are split in the list by the child's status at D: looked after (a non-V3/V4 episode open), "
              "else on a CP plan, else a care leaver (a care-leaver record), else child in need (cases_cla, cases_cp, "
              "cases_care_leaver, cases_cin)",
    denominator="FTE of the workers holding at least one case at D (a blank FTE counts as 1.0). Broken down by the "
                "worker's team and by worker",
    period=SNAPSHOT, sources=("allocations", "professionals"), reference="kpis.md WF08 (local; ChAT+ caseload)",
    params={"missing_fte": 1.0},
)
def wf08(ctx: Context):
    staff = ctx.t["professionals"].mutate(_start=_.start_date.fill_null(ibis.literal(EARLIEST)))
    in_post = open_at(ctx.periods, staff, "_start", "leave_date").select(
        "period_end", "professional_id", team=_.team_id.fill_null("no team"),
        fte=_.fte.fill_null(float(ctx.params["missing_fte"])))
    alloc = ctx.t["allocations"].select(_a_prof=_.professional_id, _a_child=_.person_id, start_date=_.start_date,
                                        end_date=_.end_date)
    held = open_at(ctx.periods, alloc).select("period_end", "_a_prof", "_a_child").distinct()
    cla = open_at(ctx.periods, cla_episodes(ctx.t)).select(_l_end=_.period_end, _l_child=_.person_id).distinct()
    cp = open_at(ctx.periods, ctx.t["cp_plans"]).select(_p_end=_.period_end, _p_child=_.person_id).distinct()
    leavers = ctx.t["care_leavers"].select(_c_child=_.person_id).distinct()
    held = held.left_join(cla, (held.period_end == cla._l_end) & (held._a_child == cla._l_child))
    held = held.left_join(cp, (held.period_end == cp._p_end) & (held._a_child == cp._p_child))
    held = held.left_join(leavers, held._a_child == leavers._c_child)
    held = held.mutate(case_type=ibis.cases((_._l_child.notnull(), "cla"), (_._p_child.notnull(), "cp"),
                                            (_._c_child.notnull(), "care_leaver"), else_="cin"))
    counts = held.group_by([_.period_end.name("_h_end"), "_a_prof"]).aggregate(
        cases=_.count(),   # each (month end, worker, child) is one row of `held`: a count, without nunique's hashing
        **{f"cases_{k}": (_.case_type == k).ifelse(1, 0).sum() for k in ("cla", "cp", "care_leaver", "cin")})
    units = in_post.join(counts, (in_post.period_end == counts._h_end) & (in_post.professional_id == counts._a_prof))
    units = units.select("period_end", "professional_id", "team", "cases", "cases_cla", "cases_cp", "cases_care_leaver",
                         "cases_cin", "fte", worker=_.professional_id)
    return units.mutate(unit_id=_.professional_id, num=_.cases.cast("float64"), den=_.fte.cast("float64"))
