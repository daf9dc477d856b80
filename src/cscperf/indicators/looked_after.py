"""Looked-after children indicators (kpis.md §2.6, §1.5)."""

from __future__ import annotations

import ibis
from ibis import _

from cscperf.indicators.common import Context, cla_episodes, flag, open_at, open_in_window
from cscperf.indicators.spec import CONTEXT, DOWN, SNAPSHOT, indicator
from cscperf.model.codes import SHORT_BREAK_LEGAL_STATUSES, TEMPORARY_PLACEMENTS


def looked_after_at(ctx: Context) -> ibis.Table:
    """(period_end, person_id): children looked after at each month end, once each (V3/V4 left out)."""
    return open_at(ctx.periods, cla_episodes(ctx.t)).select("period_end", "person_id").distinct()


@indicator(
    id="LA01",
    title="Children looked after per 10,000 children",
    area="Looked after children", unit="per 10,000", polarity=CONTEXT, scale=10000, per_population=True, decimals=0,
    numerator="Children looked after at the month end D, each once: a 903 episode that is not a short break (legal "
              "status V3/V4 dropped) with start <= D and end null or after D (care ending on D is not looked after at D)",
    denominator="ONS mid-year population aged 0-17 (mid-(Y-1) estimate for the year ending 31 March Y), per 10,000",
    period=SNAPSHOT, sources=("cla_episodes",), reference="kpis.md LA01, §1.3, §1.4, §1.5",
)
def la01(ctx: Context):
    return looked_after_at(ctx).mutate(unit_id=_.person_id, num=1.0, den=1.0)


def _period_start_short_break(episodes: ibis.Table) -> ibis.Table:
    """Each episode (all of them, short breaks included) with `poc_short_break`: whether the period of
    care it belongs to began with a V3/V4 episode. A period of care begins at an episode with RNE S, at
    the child's first episode, or after a gap (the previous episode did not end on this one's start)."""
    w = ibis.window(group_by="person_id", order_by="start_date")
    cw = ibis.cumulative_window(group_by="person_id", order_by="start_date")
    marked = episodes.mutate(_new=((_.rne == "S") | (_.end_date.lag().over(w) != _.start_date).fill_null(True))
                             .cast("int64"))
    marked = marked.mutate(_poc=_._new.sum().over(cw))
    firsts = marked.filter(_._new == 1).select(
        _f_person=_.person_id, _f_poc=_._poc, poc_short_break=_.legal_status.isin(SHORT_BREAK_LEGAL_STATUSES))
    joined = marked.join(firsts, (marked.person_id == firsts._f_person) & (marked._poc == firsts._f_poc))
    return joined.drop("_new", "_poc", "_f_person", "_f_poc")


@indicator(
    id="LA04",
    title="Children looked after with 3 or more placements in the last 12 months",
    area="Looked after children", unit="%", polarity=DOWN, scale=100,
    numerator="Children in the denominator with 3 or more placements in the rolling 12 months to D: 1 for the "
              "placement held at the window start (or at first entry in the window), plus 1 for each later episode "
              "starting in the window with RNE S, P or B (L, T and U add none). Short-break (V3/V4) episodes are "
              "dropped; temporary placements (PLACE T0-T4) are ignored, the placement before a temporary move is "
              "treated as held through it, and a P/B episode that returns the child to that placement (same PLACE, "
              "placement postcode and URN) is not a new placement. U2/U5 count like any other placement",
    denominator="Children looked after at the month end D (a non-V3/V4 episode open at D, each child once), "
                "excluding a child whose current period of care began with a V3/V4 episode",
    period=SNAPSHOT, sources=("cla_episodes",), reference="kpis.md LA04, §1.5", history_months=11,
    params={"threshold": 3, "new_placement_rne": ["S", "P", "B"], "ignore_temporary": True,
            "exclude_short_break_start": True},
)
def la04(ctx: Context):
    p = ctx.params
    w = ibis.window(group_by="person_id", order_by="start_date")

    # Cohort: looked after at D, less children whose current period of care began with V3/V4.
    cohort = open_at(ctx.periods, cla_episodes(ctx.t))
    if p["exclude_short_break_start"]:
        marked = _period_start_short_break(ctx.t["cla_episodes"])
        cohort = open_at(ctx.periods, marked.filter(~marked.legal_status.isin(SHORT_BREAK_LEGAL_STATUSES)))
        cohort = cohort.filter(~_.poc_short_break)
    cohort = cohort.select("period_end", "person_id").distinct()

    # Placement episodes: short breaks dropped; temporary moves folded into the placement before them.
    eps = cla_episodes(ctx.t)
    if p["ignore_temporary"]:
        temp = list(TEMPORARY_PLACEMENTS)
        eps = eps.mutate(_prev_temp=_.placement_type.lag().over(w).isin(temp).fill_null(False),
                         _next_temp=_.placement_type.lead().over(w).isin(temp).fill_null(False))
        eps = eps.filter(~_.placement_type.isin(temp))
        eps = eps.mutate(
            _eff_end=_._next_temp.ifelse(_.start_date.lead().over(w), _.end_date),
            _return=(_.rne.isin(["P", "B"]) & _._prev_temp
                     & _.placement_type.identical_to(_.placement_type.lag().over(w))
                     & _.placement_postcode.identical_to(_.placement_postcode.lag().over(w))
                     & _.urn.identical_to(_.urn.lag().over(w))),
        )
    else:
        eps = eps.mutate(_eff_end=_.end_date, _return=ibis.literal(False))
    eps = eps.select(_e_person=_.person_id, _e_start=_.start_date, _e_end=_._eff_end,
                     _change=_.rne.isin(list(p["new_placement_rne"])) & ~_._return)

    # Placement episodes open on some day of the window, in order; the first is the base placement.
    held = (open_in_window(ctx.periods, eps, "_e_start", "_e_end", window="window_start")
            .select("period_end", "_e_person", "_e_start", "_change"))
    order = ibis.window(group_by=["period_end", "_e_person"], order_by="_e_start")
    held = held.mutate(_rank=ibis.row_number().over(order))
    counted = (held.group_by(["period_end", "_e_person"])
               .aggregate(_changes=((_._rank > 0) & _._change).ifelse(1, 0).sum()))
    units = cohort.left_join(counted, (cohort.period_end == counted.period_end) & (cohort.person_id == counted._e_person))
    units = units.select("period_end", "person_id", placements=1 + _._changes.fill_null(0))
    return units.mutate(unit_id=_.person_id, num=flag(_.placements >= p["threshold"]), den=1.0)
