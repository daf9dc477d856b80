"""Adoption indicators (kpis.md §2.9): the adoption scorecard measures A1, A2, A10 and A3, the time from
the decision to match, adoptions among children leaving care, and children waiting.

Dates come from the 903 first (the period of care from the episodes, the placement for adoption from the
first A3-A6 episode, the placement order from the first E1/D1 episode, the decision and match from AD1),
and from Annex A list 10 / the SSD (`permanence`) or PlacedAdoption where the 903 lacks them.

The scorecard figures are averages of days over children: the sum of the children's days over the number
of children, as DfE computes them (means, not medians).
"""

from __future__ import annotations

import ibis
from ibis import _

from cscperf.indicators.common import Context, add_months, cla_episodes, days_between, flag, open_at, periods_of_care
from cscperf.indicators.looked_after import (ADOPTED, PLACED_FOR_ADOPTION, SGO, STABILITY_PARAMS, placement_episodes,
                                             last_ceasings, looked_after_at)
from cscperf.indicators.spec import CONTEXT, DOWN, ROLLING_12, ROLLING_36, SNAPSHOT, UP, indicator

ORDER_STATUSES = ("E1", "D1")           # placement order, freeing order
WITH_FOSTER_CARER = ("A3", "A5")        # placed for adoption with the current foster carer
DAYS_PER_MONTH = 365.25 / 12
PLACEMENT_PARAMS = {k: STABILITY_PARAMS[k] for k in ("new_placement_rne", "ignore_temporary")}

ADOPTED_IN = ("children adopted in the {window}: each child once, at the last ceasing to be looked after (a non-V3/V4 "
              "episode with REC E11 or E12 and DEC in the window; §1.5); the date they entered care is the start of the "
              "period of care that ended (rebuilt from the non-short-break episodes), or, where that period began "
              "before the episodes held (its first is not RNE S), Annex A / SSD `permanence.entered_care_date`; a child "
              "with neither is left out")
PLACED = ("the date placed for adoption is the start of the first episode of that period of care with PLACE A3-A6 "
          "(Annex A / SSD `permanence.placed_date` where the episodes hold none)")


def _latest(table: ibis.Table, **columns: str) -> ibis.Table:
    """One row per child: the latest value of each named date column (permanence may hold several rows)."""
    return table.group_by(_.person_id.name("_f_person")).aggregate(**{k: table[v].max() for k, v in columns.items()})


def adopted(ctx: Context, window: str = "period_start") -> ibis.Table:
    """Children adopted in the window, with the dates the measures need: period_end, person_id, ceased (the
    adoption order, DEC), poc_start (of the period of care that ended), entered_care (poc_start where the period's
    start is in the data, else Annex A / SSD `permanence.entered_care_date`, else null), placed (placed for adoption), placed_type (its PLACE), placement_order,
    matched, decision, foster_carer (adopted by their foster carers: AD1 FOSTER_CARE, or placed for adoption
    with the current foster carer, A3/A5) and moved_in (A10's date: for a foster-carer adoption, the start of
    the latest placement with new carers (RNE S, P or B; not a temporary move) on or before the placement for
    adoption; otherwise the placement for adoption)."""
    units = last_ceasings(ctx, window).filter(_.reason_ceased.isin(list(ADOPTED)))
    pocs = periods_of_care(ctx.t).select(_c_person=_.person_id, _c_end=_.poc_end, poc_start=_.poc_start,
                                         _c_known=_.start_known)
    units = units.join(pocs, (units.person_id == pocs._c_person) & (units.ceased == pocs._c_end))
    entered = ctx.t["permanence"].group_by(_.person_id.name("_g_person")).aggregate(_g_entered=_.entered_care_date.min())
    units = units.left_join(entered, units.person_id == entered._g_person)
    units = units.select("period_end", "person_id", "ceased", "poc_start",
                         entered_care=ibis.cases((_._c_known, _.poc_start), else_=_._g_entered))

    eps = cla_episodes(ctx.t).select(_e_person=_.person_id, _e_start=_.start_date, _e_rne=_.rne, _e_ls=_.legal_status,
                                     _e_place=_.placement_type)
    joined = units.left_join(eps, (units.person_id == eps._e_person) & (eps._e_start >= units.poc_start)
                             & (eps._e_start < units.ceased))
    is_a = joined._e_place.isin(list(PLACED_FOR_ADOPTION))
    joined = joined.mutate(_a_start=ibis.cases((is_a, joined._e_start), else_=ibis.null().cast("date")),
                           _o_start=ibis.cases((joined._e_ls.isin(list(ORDER_STATUSES)), joined._e_start),
                                               else_=ibis.null().cast("date")),
                           _a_key=ibis.cases((is_a, joined._e_start), else_=ibis.null().cast("date")))
    keys = list(units.columns)
    dates = joined.group_by(keys).aggregate(
        placed=_._a_start.min(), placed_type=_._e_place.argmin(_._a_key), placement_order=_._o_start.min())

    perm = _latest(ctx.t["permanence"], _p_placed="placed_date", _p_order="placement_order_date",
                   _p_matched="matched_date", _p_decision="decision_date")
    ad1 = ctx.t["adoptions"].select(_d_person=_.person_id, _d_interest=_.date_interest, _d_match=_.date_match,
                                    _d_foster=_.foster_care)
    pfa = ctx.t["placed_for_adoption"].select(_q_person=_.person_id, _q_date=_.date_placed)
    units = dates.left_join(perm, dates.person_id == perm._f_person)
    units = units.left_join(ad1, units.person_id == ad1._d_person)
    units = units.left_join(pfa, (units.person_id == pfa._q_person) & (pfa._q_date >= units.poc_start)
                            & (pfa._q_date <= units.ceased))
    units = units.group_by([*keys, "placed", "placed_type", "placement_order", "_p_placed", "_p_order", "_p_matched",
                            "_p_decision", "_d_interest", "_d_match", "_d_foster"]).aggregate(_q_decision=_._q_date.max())
    units = units.mutate(
        placed=_.placed.coalesce(_._p_placed),
        placement_order=_.placement_order.coalesce(_._p_order),
        matched=_._d_match.coalesce(_._p_matched),
        decision=_._d_interest.coalesce(_._q_decision, _._p_decision),
        foster_carer=_._d_foster.fill_null(False) | _.placed_type.isin(list(WITH_FOSTER_CARER)).fill_null(False))
    units = units.select(*keys, "placed", "placed_type", "placement_order", "matched", "decision", "foster_carer")

    # A10: the latest placement with new carers on or before the placement for adoption, as LA04 counts placements
    # (temporary moves and returns from them are not new carers).
    changes = placement_episodes(Context(ctx.t, ctx.periods, ctx.calendar, dict(PLACEMENT_PARAMS)))
    changes = changes.filter(_._change).select(_m_person=_._e_person, _m_start=_._e_start)
    joined = units.left_join(changes, (units.person_id == changes._m_person) & (changes._m_start >= units.poc_start)
                             & (changes._m_start <= units.placed))
    units = joined.group_by(list(units.columns)).aggregate(_carers_from=_._m_start.max())
    units = units.mutate(moved_in=ibis.cases((_.foster_carer & _._carers_from.notnull(), _._carers_from),
                                             else_=_.placed))
    return units.drop("_carers_from")


@indicator(
    id="AD01",
    title="Average days from entering care to moving in with the adoptive family (A1)",
    area="Adoption", unit="days", polarity=DOWN, decimals=0,
    numerator="Sum over the children in the denominator of (date placed for adoption - date entered care), in "
              "calendar days; " + PLACED,
    denominator=ADOPTED_IN.format(window="3 years to D (from the first day of the month 35 months before D's month; "
                                         "at 31 March, 1 April Y-3 to 31 March Y)")
                + "; a child with no placement for adoption recorded is left out (the interval cannot be worked out)",
    period=ROLLING_36, sources=("cla_episodes",), reference="kpis.md AD01 (adoption scorecard A1)", history_months=24,
)
def ad01(ctx: Context):
    units = adopted(ctx).filter(_.placed.notnull() & _.entered_care.notnull())
    return units.mutate(unit_id=_.person_id, num=days_between(_.entered_care, _.placed).cast("float64"), den=1.0)


@indicator(
    id="AD02",
    title="Average days from placement order to match with adopters (A2)",
    area="Adoption", unit="days", polarity=DOWN, decimals=0,
    numerator="Sum over the children in the denominator of (match date - placement order date) in calendar days, 0 "
              "when matched before the order. Placement order = the start of the first episode of the period of care "
              "with legal status E1 (placement order) or D1 (freeing order), else Annex A `Date of Placement Order`; "
              "match = AD1 DATE_MATCH, else Annex A `Date of Matching`",
    denominator=ADOPTED_IN.format(window="3 years to D (as AD01)")
                + ", who had a placement or freeing order and were placed for adoption before the adoption order (" + PLACED
                + "); a child with no match date recorded is left out",
    period=ROLLING_36, sources=("cla_episodes", "adoptions"), reference="kpis.md AD02 (adoption scorecard A2)",
)
def ad02(ctx: Context):
    units = adopted(ctx).filter(_.placement_order.notnull() & _.placed.notnull() & (_.placed < _.ceased)
                                & _.matched.notnull())
    days = days_between(_.placement_order, _.matched)
    return units.mutate(unit_id=_.person_id, num=ibis.cases((days > 0, days), else_=0).cast("float64"), den=1.0)


@indicator(
    id="AD03",
    title="Average days from entering care to moving in with the adoptive family, foster carer adoptions adjusted (A10)",
    area="Adoption", unit="days", polarity=DOWN, decimals=0,
    numerator="Sum over the children in the denominator of (end date - date entered care) in calendar days. The end "
              "date is the date placed for adoption (as AD01), except for a child adopted by their foster carers "
              "(AD1 FOSTER_CARE = 1, or placed for adoption with the current foster carer, PLACE A3/A5), for whom it is "
              "the date they moved in with those carers: the start of the latest episode of the period of care, on or "
              "before the placement for adoption, that began a placement with new carers as LA04 counts them (RNE S, "
              "P or B; temporary moves T0-T4 and the return from one to the same placement are not new carers); "
              "fostering-for-adoption placements (U2/U5) are caught the same way",
    denominator="As AD01: " + ADOPTED_IN.format(window="3 years to D"),
    period=ROLLING_36, sources=("cla_episodes",), reference="kpis.md AD03 (ASGLB A10)", history_months=24,
)
def ad03(ctx: Context):
    units = adopted(ctx).filter(_.placed.notnull() & _.entered_care.notnull())
    return units.mutate(unit_id=_.person_id, num=days_between(_.entered_care, _.moved_in).cast("float64"), den=1.0)


@indicator(
    id="AD04",
    title="Children adopted who moved in with their adoptive family within 14 months of entering care (A3)",
    area="Adoption", unit="%", polarity=UP, scale=100,
    numerator="Children in the denominator placed for adoption less than 14 calendar months after entering care "
              "(placed < entered care + 14 months)",
    denominator="As AD01: " + ADOPTED_IN.format(window="3 years to D") + "; " + PLACED,
    period=ROLLING_36, sources=("cla_episodes",), reference="kpis.md AD04 (adoption scorecard A3)", history_months=24,
    params={"months": 14},
)
def ad04(ctx: Context):
    units = adopted(ctx).filter(_.placed.notnull() & _.entered_care.notnull())
    quick = _.placed < add_months(_.entered_care, int(ctx.params["months"]))
    return units.mutate(unit_id=_.person_id, num=flag(quick), den=1.0)


@indicator(
    id="AD05",
    title="Average months from the decision that a child should be placed for adoption to the match",
    area="Adoption", unit="months", polarity=DOWN,
    numerator="Sum over the children in the denominator of (match date - decision date) in calendar days divided by "
              "30.4375 (the average month: 365.25 / 12). Decision = AD1 DATE_INT, else the latest PlacedAdoption "
              "DATE_PLACED in the period of care, else Annex A `Date of Decision that Child Should be Placed for "
              "Adoption`; match = AD1 DATE_MATCH, else Annex A `Date of Matching`",
    denominator=ADOPTED_IN.format(window="rolling 12 months") + ", with both dates recorded",
    period=ROLLING_12, sources=("cla_episodes", "adoptions"), reference="kpis.md AD05",
)
def ad05(ctx: Context):
    units = adopted(ctx).filter(_.decision.notnull() & _.matched.notnull())
    months = days_between(_.decision, _.matched).cast("float64") / DAYS_PER_MONTH
    return units.mutate(unit_id=_.person_id, num=months, den=1.0)


CEASING = ("Children ceasing to be looked after in the rolling 12 months, each once at the last ceasing (a non-V3/V4 "
           "episode with REC other than X1 and DEC in the window; §1.5)")


@indicator(
    id="AD06",
    title="Children ceasing to be looked after who were adopted",
    area="Adoption", unit="%", polarity=CONTEXT, scale=100,
    numerator="Children in the denominator whose last ceasing had REC E11 or E12 (adopted); the numerator is the "
              "number of children adopted",
    denominator=CEASING,
    period=ROLLING_12, sources=("cla_episodes",), reference="kpis.md AD06, LA03",
)
def ad06(ctx: Context):
    units = last_ceasings(ctx)
    return units.mutate(unit_id=_.person_id, num=flag(_.reason_ceased.isin(list(ADOPTED))), den=1.0)


@indicator(
    id="AD06b",
    title="Children ceasing to be looked after through a special guardianship order",
    area="Adoption", unit="%", polarity=UP, scale=100,
    numerator="Children in the denominator whose last ceasing had REC E45, E46, E47 or E48 (special guardianship order)",
    denominator=CEASING,
    period=ROLLING_12, sources=("cla_episodes",), reference="kpis.md AD06, LA03",
)
def ad06b(ctx: Context):
    units = last_ceasings(ctx)
    return units.mutate(unit_id=_.person_id, num=flag(_.reason_ceased.isin(list(SGO))), den=1.0)


@indicator(
    id="AD07",
    title="Children with a placement order or adoption decision waiting to be placed for adoption",
    area="Adoption", unit="%", polarity=DOWN, scale=100,
    numerator="Children in the denominator not placed for adoption at D: their episode open at D is not PLACE A3-A6 "
              "and no Annex A / SSD placed date on or before D is recorded for a decision still open. The numerator is "
              "the number of children waiting",
    denominator="Children looked after at the month end D (a non-V3/V4 episode open at D) with a live adoption plan: a "
                "placement or freeing order (legal status E1/D1 at D), or a decision that they should be placed for "
                "adoption on or before D (903 PlacedAdoption DATE_PLACED, or Annex A / SSD `permanence.decision_date`) "
                "not reversed by D (DATE_PLACED_CEASED / reversed date null or after D) and no adoption order by D",
    period=SNAPSHOT, sources=("cla_episodes", "placed_for_adoption"), reference="kpis.md AD07",
)
def ad07(ctx: Context):
    cohort = looked_after_at(ctx)
    current = open_at(ctx.periods, cla_episodes(ctx.t)).group_by([_.period_end.name("_o_end"), _.person_id.name("_o_person")]) \
        .aggregate(_order=_.legal_status.isin(list(ORDER_STATUSES)).any(),
                   _placed=_.placement_type.isin(list(PLACED_FOR_ADOPTION)).any())
    units = cohort.join(current, (cohort.period_end == current._o_end) & (cohort.person_id == current._o_person))
    pfa = ctx.t["placed_for_adoption"].select(_q_person=_.person_id, _d=_.date_placed, _rev=_.date_placed_ceased,
                                             _pl=ibis.null().cast("date"), _ao=ibis.null().cast("date"))
    perm = ctx.t["permanence"].select(_q_person=_.person_id, _d=_.decision_date, _rev=_.reversed_date,
                                      _pl=_.placed_date, _ao=_.adoption_order_date)
    decisions = ibis.union(pfa, perm)
    joined = units.left_join(decisions, (units.person_id == decisions._q_person) & (decisions._d <= units.period_end)
                             & (decisions._rev.isnull() | (decisions._rev > units.period_end))
                             & (decisions._ao.isnull() | (decisions._ao > units.period_end)))
    joined = joined.mutate(_live=joined._d.notnull(), _pl_by=(joined._pl <= joined.period_end).fill_null(False))
    units = joined.group_by(["period_end", "person_id", "_order", "_placed"]).aggregate(
        decision=_._d.max(), _live=_._live.any(), _pl_by=_._pl_by.any())
    units = units.filter(_._order | _._live)
    units = units.select("period_end", "person_id", "decision", placed=_._placed | _._pl_by)
    return units.mutate(unit_id=_.person_id, num=flag(~_.placed), den=1.0)
