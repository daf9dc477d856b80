"""Courts and care proceedings indicators (kpis.md §2.10)."""

from __future__ import annotations

from ibis import _

from cscperf.indicators.common import Context, days_between, flag, unit_key
from cscperf.indicators.spec import CONTEXT, DOWN, QUARTER, ROLLING_12, UP, indicator


@indicator(
    id="CT03",
    title="Average duration of the council's care proceedings (weeks)",
    area="Courts", unit="weeks", polarity=DOWN,
    numerator="Sum over proceedings concluded in the rolling 12 months of (concluded - issued) in calendar days / 7, "
              "where a set of proceedings (one proceedings_id, siblings together) is issued on the earliest issue date "
              "of its children and concluded on the latest final order date, and only once every child in it has a "
              "final order date",
    denominator="Proceedings (not children) concluded in the rolling 12 months",
    by_month=True,
    period=ROLLING_12, sources=("care_proceedings",), reference="kpis.md CT03",
)
def ct03(ctx: Context):
    cases = (ctx.t["care_proceedings"]
             .group_by("proceedings_id")
             .aggregate(issued=_.issue_date.min(), concluded=_.final_order_date.max(),
                        children=_.person_id.count(), with_order=_.final_order_date.count()))
    done = cases.filter(_.with_order == _.children)
    units = ctx.in_window(done, "concluded")
    weeks = days_between(_.issued, _.concluded).cast("float64") / 7.0
    return units.mutate(unit_id=_.proceedings_id, num=weeks, den=1.0)


def _disposed(ctx: Context):
    """Each child in care proceedings whose proceedings reached a first disposal (the final order date, whatever
    the order, including no order and withdrawn) in the quarter: one unit per child and proceedings, with weeks =
    (final order - issue) in calendar days / 7 (MoJ: durations per child, to first disposal)."""
    rows = ctx.t["care_proceedings"].filter(_.final_order_date.notnull())
    units = ctx.in_window(rows, "final_order_date")
    days = days_between(_.issue_date, _.final_order_date)
    return units.mutate(days=days, weeks=days.cast("float64") / 7.0, unit_id=unit_key(_.proceedings_id, _.person_id))


CT_UNITS = ("Children (one unit per child and set of proceedings) whose care or supervision proceedings reached first "
            "disposal in the quarter: care_proceedings rows with a final order date (any order, including no order or "
            "withdrawn) in the calendar quarter to D. The MoJ's England and Wales / DFJ-area series is external; this "
            "is the same definition on the council's own data")


@indicator(
    id="CT01",
    title="Average duration of care and supervision proceedings per child (weeks, MoJ definition)",
    area="Courts", unit="weeks", polarity=DOWN,
    numerator="Sum over the children in the denominator of (final order date - issue date) in calendar days / 7",
    denominator=CT_UNITS,
    period=QUARTER, sources=("care_proceedings",), reference="kpis.md CT01 (MoJ Family Court Statistics Quarterly)",
)
def ct01(ctx: Context):
    return _disposed(ctx).mutate(num=_.weeks, den=1.0)


@indicator(
    id="CT02",
    title="Care and supervision proceedings disposed of within 26 weeks (per child, MoJ definition)",
    area="Courts", unit="%", polarity=UP, scale=100,
    numerator="Children in the denominator whose proceedings were disposed of within 26 weeks: final order date - issue "
              "date <= 182 calendar days (26 x 7)",
    denominator=CT_UNITS,
    period=QUARTER, sources=("care_proceedings",), reference="kpis.md CT02 (MoJ Family Court Statistics Quarterly)",
    params={"weeks": 26},
)
def ct02(ctx: Context):
    return _disposed(ctx).mutate(num=flag(_.days <= 7 * int(ctx.params["weeks"])), den=1.0)


@indicator(
    id="CT04",
    title="Children subject to care applications issued per 10,000 children",
    area="Courts", unit="per 10,000", polarity=CONTEXT, scale=10000, per_population=True,
    numerator="Children in care applications issued in the rolling 12 months: care_proceedings rows (one per child and "
              "set of proceedings) with an issue date in the window; a child in two applications in the window counts "
              "twice, as each is an application about them",
    denominator="ONS mid-year population aged 0-17 (as LA01), per 10,000",
    by_month=True,
    period=ROLLING_12, sources=("care_proceedings",), reference="kpis.md CT04, §1.4",
)
def ct04(ctx: Context):
    units = ctx.in_window(ctx.t["care_proceedings"], "issue_date")
    return units.mutate(unit_id=unit_key(_.proceedings_id, _.person_id), num=1.0, den=1.0)


PLO_CONCLUDED = ("Pre-proceedings (PLO) cases concluded in the rolling 12 months: pre_proceedings rows whose step-down "
                 "or issue decision date (SSD prep_agree_stepdown_issue_date, CIN census StepDecisionDate) is in the "
                 "window, one per child and pre-proceedings start")


@indicator(
    id="CT05",
    title="Average duration of pre-proceedings (PLO) cases (weeks)",
    area="Courts", unit="weeks", polarity=DOWN,
    numerator="Sum over the cases in the denominator of (decision date - pre-proceedings start / PLO decision date) in "
              "calendar days / 7",
    denominator=PLO_CONCLUDED,
    by_month=True,
    period=ROLLING_12, sources=("pre_proceedings",), reference="kpis.md CT05",
)
def ct05(ctx: Context):
    rows = ctx.t["pre_proceedings"].filter(_.decision_date.notnull())
    units = ctx.in_window(rows, "decision_date")
    weeks = days_between(_.start_date, _.decision_date).cast("float64") / 7.0
    return units.mutate(unit_id=unit_key(_.person_id, _.start_date), num=weeks, den=1.0)


@indicator(
    id="CT05b",
    title="Pre-proceedings (PLO) cases concluded without a care application",
    area="Courts", unit="%", polarity=UP, scale=100,
    numerator="Cases in the denominator diverted from court: no court application date recorded and an outcome that is "
              "not one of `issued_outcomes` (outcomes recorded as words meaning that proceedings were issued; compared "
              "without case)",
    denominator=PLO_CONCLUDED,
    by_month=True,
    period=ROLLING_12, sources=("pre_proceedings",), reference="kpis.md CT05",
    params={"issued_outcomes": ["issue", "issued", "proceedings issued", "care proceedings"]},
)
def ct05b(ctx: Context):
    issued = [o.lower() for o in ctx.params["issued_outcomes"]]
    rows = ctx.t["pre_proceedings"].filter(_.decision_date.notnull())
    units = ctx.in_window(rows, "decision_date")
    diverted = _.court_application_date.isnull() & ~_.outcome.fill_null("").strip().lower().isin(issued)
    return units.mutate(unit_id=unit_key(_.person_id, _.start_date), num=flag(diverted), den=1.0)
