"""Looked-after children indicators (kpis.md §2.6, §1.5, §3.2, §3.3).

Shared rules, each written once here or in `common`: children looked after at D (`looked_after_at`),
periods of care rebuilt from the non-short-break episodes (`common.periods_of_care`), each child counted
once at the first start / last ceasing in a window (`first_starts`, `last_ceasings`), placements as
LA04 counts them (`placement_episodes`), the OC2 cohort (`oc2_cohort`, LA10 and LA13-LA16) and the
review chain of §3.3 (`review_chain`, LA08 and the `cla-review` due rule). LA09 takes its due dates
from the `cla-visit` due rule, so the figure and the team managers' list cannot disagree.
"""

from __future__ import annotations

import ibis
from ibis import _

from cscperf.indicators.breakdowns import age_at
from cscperf.indicators.common import (Context, add_busdays, add_months, add_years, as_int, cla_episodes, day_before, flag,
                                       latest_before, open_at, open_counts, open_in_window, periods_of_care, unit_key)
from cscperf.indicators.spec import CONTEXT, DFE_YEAR, DOWN, ROLLING_12, SNAPSHOT, UP, indicator
from cscperf.model.codes import SHORT_BREAK_LEGAL_STATUSES, TEMPORARY_PLACEMENTS

ADOPTED = ("E11", "E12")
SGO = ("E45", "E46", "E47", "E48")
# Reasons a period of care ended (903 REC), grouped as DfE reports them (kpis.md LA03, AD06).
REASON_GROUPS = {
    "adopted": ADOPTED,
    "special guardianship order": SGO,
    "child arrangements or residence order": ("E41",),
    "returned home": ("E13", "E4A", "E4B"),
    "independent living": ("E5", "E6"),
    "aged 18, stayed with carers": ("E17",),
    "other": ("E14", "E15", "E16", "E2", "E3", "E7", "E8", "E9"),
}
PLACED_FOR_ADOPTION = ("A3", "A4", "A5", "A6")
FOSTER = ("U1", "U2", "U3", "U4", "U5", "U6")
# Placement groups at D (kpis.md LA18; DfE dashboard rows 48-50 and the CLA statistics' placement groups).
PLACEMENT_GROUPS = {
    "foster placement": list(FOSTER),
    "placed for adoption": list(PLACED_FOR_ADOPTION),
    "placed with parents or others with parental responsibility": ["P1"],
    "children's homes and secure units": ["K1", "K2"],
    "independent, semi-independent or supported accommodation": ["H5", "K3", "P2"],
    "other residential settings": ["R1", "R2", "R3", "R5", "S1", "P3"],
    "other placements": ["Z1", "Z11", "Z12", "Z13", "Z14"],
}
OTHER_GROUP = "other placements"


def looked_after_at(ctx: Context) -> ibis.Table:
    """(period_end, person_id): children looked after at each month end, once each (V3/V4 left out). Counted
    by `open_counts`' sweep of each child's episodes: a child's consecutive episodes are one span, where
    `open_at` met every episode with every month end and a distinct took the duplicates out."""
    return open_counts(ctx.periods, {"_eps": (cla_episodes(ctx.t), "start_date", "end_date")}).select("period_end", "person_id")


def first_of_month_back(date: ibis.Value, months: int) -> ibis.Value:
    """The first day of the month `months` months before the date's month (periods.months_back)."""
    return add_months(date, -months).truncate("M").cast("date")


def reason_group(rec: ibis.Value) -> ibis.Value:
    return ibis.cases(*[(rec.isin(list(codes)), name) for name, codes in REASON_GROUPS.items()], else_="other")


def with_dob(units: ibis.Table, t: dict) -> ibis.Table:
    """Add `dob` (null where the child has no persons row or no date of birth)."""
    persons = t["persons"].select(_p_person=_.person_id, dob=_.dob)
    return units.left_join(persons, units.person_id == persons._p_person).drop("_p_person")


def first_starts(ctx: Context, window: str = "period_start", keep=None) -> ibis.Table:
    """Each child starting a period of care in the window, once, at the first start (kpis.md §1.5): period_end,
    person_id, start_date, poc_end (that period's end, null while open), legal_status (of its first episode).
    Only periods whose start is known (`periods_of_care` start_known): a child's first episode in the data with an
    RNE other than S continues care that began earlier (or is Annex A's current episode), and is not a start.
    `keep`, if given, filters the starts (with period_end, poc_start, poc_end) before the first is taken; columns it
    adds are kept."""
    pocs = periods_of_care(ctx.t).filter(_.start_known)
    starts = ctx.in_window(pocs, "poc_start", window)
    added = []
    if keep is not None:
        before = set(starts.columns)
        starts = keep(starts)
        added = [c for c in starts.columns if c not in before]
    order = ibis.window(group_by=["period_end", "person_id"], order_by="poc_start")
    starts = starts.mutate(_r=ibis.row_number().over(order)).filter(_._r == 0)
    eps = cla_episodes(ctx.t).select(_s_person=_.person_id, _s_start=_.start_date, legal_status=_.legal_status)
    starts = starts.join(eps, (starts.person_id == eps._s_person) & (starts.poc_start == eps._s_start))
    return starts.select("period_end", "person_id", "legal_status", "poc_end", *added, start_date=_.poc_start)


def last_ceasings(ctx: Context, window: str = "period_start") -> ibis.Table:
    """Each child ceasing to be looked after in the window, once, at the last ceasing (kpis.md §1.5): a
    non-V3/V4 episode with REC other than X1 and DEC in the window. period_end, person_id, ceased (DEC),
    reason_ceased, reason_group, placement_type (of the episode that ended)."""
    eps = cla_episodes(ctx.t).filter(_.end_date.notnull() & (_.reason_ceased.fill_null("") != "X1"))
    ceasing = ctx.in_window(eps, "end_date", window)
    # Two episodes ending the same day (an overlap the checks warn of): the later-starting one, so the pick is
    # the same every run (an episode is one per child and start date).
    order = ibis.window(group_by=["period_end", "person_id"], order_by=[ibis.desc("end_date"), ibis.desc("start_date")])
    ceasing = ceasing.mutate(_r=ibis.row_number().over(order)).filter(_._r == 0)
    return ceasing.select("period_end", "person_id", "reason_ceased", "placement_type", ceased=_.end_date,
                          reason_group=reason_group(_.reason_ceased))


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


@indicator(
    id="LA02",
    title="Children starting to be looked after per 10,000 children",
    area="Looked after children", unit="per 10,000", polarity=CONTEXT, scale=10000, per_population=True, decimals=0,
    numerator="Children starting a period of care in the rolling 12 months, each once at the first start: periods of "
              "care are rebuilt from the episodes left once short breaks (V3/V4) are dropped, a period starting at the "
              "DECOM of its first remaining episode whatever its RNE (so a move from V4 to V2 is a start); a new period "
              "begins at RNE S or where the previous remaining episode did not end on the episode's start date. "
              "A child's first episode in the data with an RNE other than S is not a start (care began before the "
              "data, or Annex A holds only the current episode). Broken down by the legal status of the first episode",
    denominator="ONS mid-year population aged 0-17 (as LA01), per 10,000",
    period=ROLLING_12, sources=("cla_episodes",), reference="kpis.md LA02, §1.4, §1.5", breakdowns=("legal_status",),
)
def la02(ctx: Context):
    return first_starts(ctx).mutate(unit_id=_.person_id, num=1.0, den=1.0)


@indicator(
    id="LA03",
    title="Children ceasing to be looked after per 10,000 children, by reason",
    area="Looked after children", unit="per 10,000", polarity=CONTEXT, scale=10000, per_population=True, decimals=0,
    numerator="Children ceasing to be looked after in the rolling 12 months, each once at the last ceasing: a 903 "
              "episode that is not a short break (V3/V4 dropped) with REC other than X1 and DEC in the window. Broken "
              "down by the REC of that episode, grouped: adopted (E11, E12), special guardianship order (E45-E48), "
              "child arrangements or residence order (E41), returned home (E13, E4A, E4B), independent living (E5, E6), "
              "aged 18 and stayed with carers (E17), other. A move from V2 into V3/V4 (REC X1) is not a ceasing",
    denominator="ONS mid-year population aged 0-17 (as LA01), per 10,000; the share of all ceasings by reason is "
                "AD06 (adopted) and AD06b (special guardianship)",
    period=ROLLING_12, sources=("cla_episodes",), reference="kpis.md LA03, §1.4, §1.5", breakdowns=("reason_group",),
)
def la03(ctx: Context):
    return last_ceasings(ctx).mutate(unit_id=_.person_id, num=1.0, den=1.0)


def _period_start_short_break(episodes: ibis.Table) -> ibis.Table:
    """Each episode (all of them, short breaks included) with `poc_short_break`: whether the period of
    care it belongs to began with a V3/V4 episode. A period of care begins at an episode with RNE S, at
    the child's first episode, or after a gap (the previous episode did not end on this one's start)."""
    w = ibis.window(group_by="person_id", order_by="start_date")
    cw = ibis.cumulative_window(group_by="person_id", order_by="start_date")
    marked = episodes.mutate(_new=as_int((_.rne == "S") | (_.end_date.lag().over(w) != _.start_date).fill_null(True)))
    marked = marked.mutate(_poc=_._new.sum().over(cw))
    firsts = marked.filter(_._new == 1).select(
        _f_person=_.person_id, _f_poc=_._poc, poc_short_break=_.legal_status.isin(SHORT_BREAK_LEGAL_STATUSES))
    joined = marked.join(firsts, (marked.person_id == firsts._f_person) & (marked._poc == firsts._f_poc))
    return joined.drop("_new", "_poc", "_f_person", "_f_poc")


STABILITY_PARAMS = {"threshold": 3, "new_placement_rne": ["S", "P", "B"], "ignore_temporary": True,
                    "exclude_short_break_start": True}
PLACEMENT_RULE = ("1 for the placement held at the window start (or at first entry in the window), plus 1 for each "
                  "later episode starting in the window with RNE S, P or B (L, T and U add none). Short-break (V3/V4) "
                  "episodes are dropped; temporary placements (PLACE T0-T4) are ignored, the placement before a "
                  "temporary move is treated as held through it, and a P/B episode that returns the child to that "
                  "placement (same PLACE, placement postcode and URN) is not a new placement. U2/U5 count like any "
                  "other placement")


def _stability_cohort(ctx: Context, periods: ibis.Table) -> ibis.Table:
    """(period_end, person_id): looked after at D, less (by default) children whose current period of care
    began with a V3/V4 episode (kpis.md §1.5, LA04-LA06)."""
    if ctx.params["exclude_short_break_start"]:
        marked = _period_start_short_break(ctx.t["cla_episodes"])
        cohort = open_at(periods, marked.filter(~marked.legal_status.isin(SHORT_BREAK_LEGAL_STATUSES)))
        cohort = cohort.filter(~_.poc_short_break)
    else:
        cohort = open_at(periods, cla_episodes(ctx.t))
    return cohort.select("period_end", "person_id").distinct()


def placement_episodes(ctx: Context) -> ibis.Table:
    """Placement episodes as LA04 counts them: short breaks dropped; temporary moves folded into the placement
    before them. _e_person, _e_start, _e_end (through any temporary move that follows), _e_place, and _change
    (the episode starts a new placement: RNE S/P/B and not a return from a temporary move)."""
    p = ctx.params
    w = ibis.window(group_by="person_id", order_by="start_date")
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
    return eps.select(_e_person=_.person_id, _e_start=_.start_date, _e_end=_._eff_end, _e_place=_.placement_type,
                      _change=_.rne.isin(list(p["new_placement_rne"])) & ~_._return)


def _placement_counts(ctx: Context, periods: ibis.Table, window: str) -> ibis.Table:
    """(period_end, person_id, placements) for the stability cohort: placements from the date in column
    `window` to D (PLACEMENT_RULE)."""
    cohort = _stability_cohort(ctx, periods)
    eps = placement_episodes(ctx)
    # Placement episodes open on some day of the window, in order; the first is the base placement.
    held = (open_in_window(periods, eps, "_e_start", "_e_end", window=window)
            .select("period_end", "_e_person", "_e_start", "_change"))
    # Changes less the first episode's own (a child's episodes differ in start): sums and minimums, where
    # numbering each child's episodes at every month end took longer (docs/benchmarks.md).
    counted = (held.group_by([_.period_end.name("_c_end"), "_e_person"])
               .aggregate(_all=_._change.ifelse(1, 0).sum(), _first=_._e_start.min(),
                          _first_change=_._change.ifelse(_._e_start, ibis.null("date")).min()))
    counted = counted.mutate(_changes=_._all - (_._first_change == _._first).fill_null(False).ifelse(1, 0))
    units = cohort.left_join(counted, (cohort.period_end == counted._c_end) & (cohort.person_id == counted._e_person))
    return units.select("period_end", "person_id", placements=1 + _._changes.fill_null(0))


@indicator(
    id="LA04",
    title="Children looked after with 3 or more placements in the last 12 months",
    area="Looked after children", unit="%", polarity=DOWN, scale=100,
    numerator="Children in the denominator with 3 or more placements in the rolling 12 months to D: " + PLACEMENT_RULE,
    denominator="Children looked after at the month end D (a non-V3/V4 episode open at D, each child once), "
                "excluding a child whose current period of care began with a V3/V4 episode",
    period=SNAPSHOT, sources=("cla_episodes",), reference="kpis.md LA04, §1.5", history_months=11,
    params=dict(STABILITY_PARAMS),
)
def la04(ctx: Context):
    units = _placement_counts(ctx, ctx.periods, "window_start")
    return units.mutate(unit_id=_.person_id, num=flag(_.placements >= ctx.params["threshold"]), den=1.0)


@indicator(
    id="LA05",
    title="Children under 16 looked after for 2.5 years or more, in the same placement for 2 years",
    area="Looked after children", unit="%", polarity=UP, scale=100,
    numerator="Children in the denominator whose current placement has lasted 2 years or more: D >= placement start "
              "+ 2 calendar years (a placement from 29 February reaches 2 years on 28 February). The current placement "
              "starts at the latest episode of the current period of care that starts a new placement as LA04 counts "
              "them (RNE S, P or B; temporary moves T0-T4 and returns from them are not new placements); when that "
              "placement is an adoptive one (PLACE A3-A6), the placement before it counts too (its start is used)",
    denominator="Children looked after at the month end D (a non-V3/V4 episode open at D), aged under 16 at D (date of "
                "birth recorded), whose period of care (rebuilt from the non-short-break episodes) began at least 2.5 "
                "years before D (D >= start + 30 calendar months; at 31 March Y, a start on or before 30 September "
                "Y-3), excluding a child whose period of care began with a V3/V4 episode",
    period=SNAPSHOT, sources=("cla_episodes", "persons"), reference="kpis.md LA05, §1.2, §1.5", history_months=30,
    params={"max_age": 15, "care_months": 30, "placement_years": 2, "new_placement_rne": ["S", "P", "B"],
            "ignore_temporary": True, "exclude_short_break_start": True},
)
def la05(ctx: Context):
    p = ctx.params
    cohort = with_dob(_stability_cohort(ctx, ctx.periods), ctx.t)
    cohort = cohort.filter(_.dob.notnull() & (age_at(_.dob, _.period_end) <= p["max_age"]))
    pocs = open_at(ctx.periods, periods_of_care(ctx.t), "poc_start", "poc_end").select(
        _c_end=_.period_end, _c_person=_.person_id, poc_start=_.poc_start)
    cohort = cohort.join(pocs, (cohort.period_end == pocs._c_end) & (cohort.person_id == pocs._c_person))
    cohort = cohort.filter(_.period_end >= add_months(_.poc_start, p["care_months"])).drop("_c_end", "_c_person")
    # Placement starts in the current period of care up to D; the latest is the current one.
    changes = placement_episodes(ctx).filter(_._change)
    placed = cohort.join(changes, (cohort.person_id == changes._e_person) & (changes._e_start <= cohort.period_end)
                         & (changes._e_start >= cohort.poc_start))
    order = ibis.window(group_by=["period_end", "person_id"], order_by=ibis.desc("_e_start"))
    placed = placed.mutate(_r=ibis.row_number().over(order)).filter(_._r <= 1)
    starts = placed.group_by([_.period_end.name("_s_end"), _.person_id.name("_s_person")]).aggregate(
        _current=_._e_start.max(),
        _previous=ibis.cases((_._r == 1, _._e_start), else_=ibis.null().cast("date")).max(),
        _adoptive=((_._r == 0) & _._e_place.isin(list(PLACED_FOR_ADOPTION))).any())
    units = cohort.left_join(starts, (cohort.period_end == starts._s_end) & (cohort.person_id == starts._s_person))
    units = units.mutate(placement_start=ibis.cases(
        (_._adoptive.fill_null(False) & _._previous.notnull(), _._previous),
        else_=_._current.coalesce(_.poc_start)))
    units = units.select("period_end", "person_id", "dob", "poc_start", "placement_start")
    long = _.period_end >= add_years(_.placement_start, p["placement_years"])
    return units.mutate(unit_id=_.person_id, num=flag(long), den=1.0)


@indicator(
    id="LA06",
    title="Children looked after with 3 or more placements in the last 2 years",
    area="Looked after children", unit="%", polarity=DOWN, scale=100,
    numerator="Children in the denominator with 3 or more placements in the 24 months to D (from the first day of the "
              "month 23 months before D's month; at 31 March Y, 1 April Y-2 to 31 March Y), counted as LA04: "
              + PLACEMENT_RULE,
    denominator="Children looked after at the month end D (a non-V3/V4 episode open at D), excluding a child whose "
                "period of care began with a V3/V4 episode, who were also looked after on at least one day of the "
                "previous year (the 12 months ending a year before D: at 31 March Y, 1 April Y-2 to 31 March Y-1); "
                "DfE's 'looked after on 31 March and 2 years on' cohort as its footnote reads",
    period=SNAPSHOT, sources=("cla_episodes",), reference="kpis.md LA06, LA04, §1.5", history_months=23,
    params=dict(STABILITY_PARAMS),
)
def la06(ctx: Context):
    periods = ctx.periods.mutate(window24=first_of_month_back(_.period_end, 23),
                                 _prev_end=day_before(first_of_month_back(_.period_end, 11)))
    units = _placement_counts(ctx, periods, "window24")
    # Looked after on some day of the previous year: start <= its last day and (end null or after its first day).
    eps = cla_episodes(ctx.t)
    before = periods.join(eps, (eps.start_date <= periods._prev_end)
                          & (eps.end_date.isnull() | (eps.end_date > periods.window24)))
    before = before.select(_b_end=_.period_end, _b_person=_.person_id).distinct()
    units = units.join(before, (units.period_end == before._b_end) & (units.person_id == before._b_person))
    units = units.select("period_end", "person_id", "placements")
    return units.mutate(unit_id=_.person_id, num=flag(_.placements >= ctx.params["threshold"]), den=1.0)


def review_chain(ctx: Context) -> ibis.Table:
    """Every review of each period of care that has fallen or will next fall due (kpis.md §3.3): person_id,
    poc_start, poc_end, k (1 = first review), previous (the review before it; null for the first),
    review_date (the k-th review held in the period of care; null for the next one not yet held) and
    due_date: the first 20 working days after the period began (§1.1 due date), the second 3 months after the
    first review, later ones 6 months after the review before. The next due date counts from the actual
    review date; none falls due on or after the date the period of care ended. Where the period began before the
    episodes held, or its first review fell due before the first month of review data, earlier reviews are
    unknown: the first review held is not judged and later ones are due 6 months apart.
    Parameters (LA08): first_review_wd, second_review_months, later_review_months."""
    p = ctx.params
    pocs = periods_of_care(ctx.t).select("person_id", "poc_start", "poc_end", "start_known")
    rv = ctx.t["cla_reviews"].select(_r_person=_.person_id, _r_date=_.review_date).distinct()
    held = pocs.join(rv, (pocs.person_id == rv._r_person) & (rv._r_date >= pocs.poc_start)
                     & (pocs.poc_end.isnull() | (rv._r_date <= pocs.poc_end)))
    held = held.select("person_id", "poc_start", "poc_end", "start_known", review_date=_._r_date)
    w = ibis.window(group_by=["person_id", "poc_start"], order_by="review_date")
    held = held.mutate(k=ibis.row_number().over(w) + 1, previous=_.review_date.lag().over(w))
    counts = held.group_by([_.person_id.name("_n_person"), _.poc_start.name("_n_start")]).aggregate(
        _n=_.review_date.count(), _last=_.review_date.max())
    nxt = pocs.left_join(counts, (pocs.person_id == counts._n_person) & (pocs.poc_start == counts._n_start))
    nxt = nxt.select("person_id", "poc_start", "poc_end", "start_known", review_date=ibis.null().cast("date"),
                     k=_._n.fill_null(0) + 1, previous=_._last)
    cols = ("person_id", "poc_start", "poc_end", "start_known", "review_date", "k", "previous")
    chain = ibis.union(held.select(*cols), nxt.select(*cols))
    chain = add_busdays(chain, ctx.calendar, "poc_start", int(p["first_review_wd"]), "_first_due")
    # Reviews held before the review data begins are unknown: when the first review fell due before then (or the
    # period began before the episodes held), the first review held is not known to be the first, so it is not
    # judged, and the ones after it are taken as later reviews (6 months).
    reviews_from = ctx.t["cla_reviews"].review_date.min().truncate("M").cast("date")
    chain = chain.mutate(_known=_.start_known & (_._first_due >= reviews_from).fill_null(True))
    chain = chain.mutate(due_date=ibis.cases(
        (_.k == 1, _._first_due),
        ((_.k == 2) & _._known, add_months(_.previous, int(p["second_review_months"]))),
        else_=add_months(_.previous, int(p["later_review_months"]))))
    chain = chain.filter((_.k > 1) | _._known).drop("_first_due", "_known", "start_known")
    return chain.filter(_.poc_end.isnull() | (_.due_date < _.poc_end))


@indicator(
    id="LA08",
    title="Looked-after children's reviews held on time",
    area="Looked after children", unit="%", polarity=UP, scale=100,
    numerator="Reviews in the denominator held on or before their due date (a review brought forward is on time)",
    denominator="Reviews of looked-after children whose due date falls in the rolling 12 months (reviews, not "
                "children). Periods of care are rebuilt from the non-short-break episodes (§1.5); the reviews of a "
                "period are those dated from its start to its end. The 1st review is due 20 working days after the "
                "period of care began (start + 20 working days, §1.1), the 2nd 3 calendar months after the 1st review "
                "was held, later ones 6 months after the review before. A review due in the window and not held by D "
                "counts as late, its successor falling due from the actual date once it is held; no review falls due "
                "on or after the date the period of care ended. Where the period of care began before the data (its "
                "first episode held is not RNE S and has no earlier episode) or its first review fell due before the "
                "month of the earliest review held, earlier reviews are unknown: the first review held is not judged "
                "and the ones after it are due 6 months apart",
    period=ROLLING_12, sources=("cla_episodes", "cla_reviews"), reference="kpis.md LA08, §3.3, §1.1",
    params={"first_review_wd": 20, "second_review_months": 3, "later_review_months": 6},
    by_month=True,
)
def la08(ctx: Context):
    # By month: a review due in the period is on time if held by its due date, whatever the period end.
    units = ctx.in_window(review_chain(ctx), "due_date")
    held = _.review_date.notnull() & (_.review_date <= _.due_date) & (_.review_date <= _.period_end)
    return units.mutate(unit_id=unit_key(_.person_id, _.poc_start, _.k), num=flag(held), den=1.0)


@indicator(
    id="LA09",
    title="Looked-after children whose statutory visit is not overdue",
    area="Looked after children", unit="%", polarity=UP, scale=100,
    numerator="Children in the denominator whose next visit is not overdue at D (D <= due date). Due date (reg 28, "
              "§3.2, as the cla-visit due rule): with no visit at which the child was seen since the current placement "
              "began (the latest non-short-break episode with RNE S, P or B), the placement start + 7 days; otherwise, "
              "if the last seen visit fell within a year of the placement start, that visit + 42 days; after the "
              "placement's first year, last visit + 3 calendar months in a placement intended to last until 18 (taken "
              "as long-term foster placements, 903 PLACE U1/U4: Annex A's permanence plan is not in the model), "
              "else + 42 days. The reg 28(3)-(5) rules for children placed with parents are not applied",
    denominator="Children looked after at the month end D (a non-V3/V4 episode open at D), each once",
    period=SNAPSHOT, sources=("cla_episodes", "visits"), reference="kpis.md LA09, §3.2; indicators/due.py cla-visit",
    params={"first_visit_days": 7, "interval_days": 42, "long_term_months": 3, "long_term_placements": ["U1", "U4"]},
)
def la09(ctx: Context):
    from cscperf.indicators.due import cla_visit

    due = cla_visit(ctx)
    units = due.group_by(["period_end", "person_id"]).aggregate(due_date=_.due_date.min(),
                                                                 basis=_.basis.min(), basis_date=_.basis_date.max())
    return units.mutate(unit_id=_.person_id, num=flag(_.period_end <= _.due_date), den=1.0)


def oc2_cohort(ctx: Context) -> ibis.Table:
    """(period_end, person_id): the OC2 cohort at a 31 March D (kpis.md LA10): looked after at D (a non-V3/V4
    episode open at D) and continuously since the period start P (1 April Y-1): no episode with RNE S and
    P < DECOM <= D, no episode with REC other than X1 and P <= DEC <= D, and no V3/V4 episode open on any day
    of [P, D]."""
    eps = ctx.t["cla_episodes"]
    p = ctx.periods
    started = p.join(eps, (eps.rne == "S") & (eps.start_date > p.period_start) & (eps.start_date <= p.period_end))
    ceased = p.join(eps, eps.end_date.notnull() & (eps.reason_ceased.fill_null("") != "X1")
                    & (eps.end_date >= p.period_start) & (eps.end_date <= p.period_end))
    breaks = open_in_window(p, eps.filter(_.legal_status.isin(SHORT_BREAK_LEGAL_STATUSES)))
    broken = ibis.union(*[b.select("period_end", "person_id") for b in (started, ceased, breaks)]).distinct()
    broken = broken.select(_x_end=_.period_end, _x_person=_.person_id)
    cohort = looked_after_at(ctx)
    return cohort.anti_join(broken, (cohort.period_end == broken._x_end) & (cohort.person_id == broken._x_person))


def with_oc2(ctx: Context) -> ibis.Table:
    """The OC2 cohort with the child's OC2 row for the collection year ending at D (columns null where the
    council returned none) and date of birth."""
    cohort = oc2_cohort(ctx)
    oc2 = ctx.t["cla_outcomes"].rename(_o_person="person_id")
    units = cohort.left_join(oc2, (cohort.person_id == oc2._o_person)
                             & (oc2.collection_year == cohort.period_end.year()))
    return with_dob(units.drop("_o_person"), ctx.t)


OC2_COHORT = ("Children looked after at 31 March Y (a non-V3/V4 episode open at D; care ending on 31 March is not "
              "looked after) and continuously since 1 April Y-1: no episode with RNE S and DECOM after 1 April Y-1, no "
              "episode with REC other than X1 and DEC on or after 1 April Y-1, and no V3/V4 episode open in the year "
              "(the OC2 cohort, kpis.md LA10)")


def _oc2_flag(column: str):
    def build(ctx: Context):
        units = with_oc2(ctx).select("period_end", "person_id", "dob", column)
        return units.mutate(unit_id=_.person_id, num=flag(units[column]), den=1.0)
    return build


indicator(
    id="LA10",
    title="Children looked after for 12 months with their annual health assessment",
    area="Looked after children", unit="%", polarity=UP, scale=100,
    numerator="Children in the denominator whose OC2 return for the year says they had their annual health assessment "
              "(HEALTH_ASSESSMENT = 1; under-5s need two, six-monthly, which the OC2 flag already reflects). A child "
              "with no OC2 row is in the denominator only",
    denominator=OC2_COHORT,
    period=DFE_YEAR, sources=("cla_episodes", "cla_outcomes"), reference="kpis.md LA10, §1.5",
)(_oc2_flag("health_assessment"))

indicator(
    id="LA13",
    title="Children looked after for 12 months whose teeth were checked by a dentist",
    area="Looked after children", unit="%", polarity=UP, scale=100,
    numerator="Children in the denominator whose OC2 return for the year says their teeth were checked by a dentist "
              "(TEETH_CHECK = 1)",
    denominator=OC2_COHORT,
    period=DFE_YEAR, sources=("cla_episodes", "cla_outcomes"), reference="kpis.md LA13, LA10",
)(_oc2_flag("teeth_check"))

indicator(
    id="LA14",
    title="Children looked after for 12 months whose immunisations were up to date",
    area="Looked after children", unit="%", polarity=UP, scale=100,
    numerator="Children in the denominator whose OC2 return for the year says their immunisations were up to date "
              "(IMMUNISATIONS = 1)",
    denominator=OC2_COHORT,
    period=DFE_YEAR, sources=("cla_episodes", "cla_outcomes"), reference="kpis.md LA14, LA10",
)(_oc2_flag("immunisations"))


def _sdq_cohort(ctx: Context) -> ibis.Table:
    p = ctx.params
    units = with_oc2(ctx).select("period_end", "person_id", "dob", "sdq_score", "sdq_reason")
    age = age_at(_.dob, _.period_end)
    return units.filter(_.dob.notnull() & (age >= p["min_age"]) & (age <= p["max_age"]))


SDQ_AGES = ", aged 5 to 16 at 31 March (date of birth recorded)"


@indicator(
    id="LA15",
    title="Children looked after for 12 months with a strengths and difficulties questionnaire (SDQ) score",
    area="Looked after children", unit="%", polarity=UP, scale=100,
    numerator="Children in the denominator whose OC2 return for the year holds an SDQ score (0-40)",
    denominator=OC2_COHORT + SDQ_AGES,
    period=DFE_YEAR, sources=("cla_episodes", "cla_outcomes", "persons"), reference="kpis.md LA15, LA10",
    params={"min_age": 5, "max_age": 16},
)
def la15(ctx: Context):
    return _sdq_cohort(ctx).mutate(unit_id=_.person_id, num=flag(_.sdq_score.notnull()), den=1.0)


@indicator(
    id="LA16",
    title="Average SDQ score of children looked after for 12 months",
    area="Looked after children", unit="score", polarity=DOWN,
    numerator="Sum of the SDQ scores (0-40) in the OC2 return for the year of the children in the denominator",
    denominator="Children with an SDQ score in that return among: " + OC2_COHORT + SDQ_AGES,
    period=DFE_YEAR, sources=("cla_episodes", "cla_outcomes", "persons"), reference="kpis.md LA16, LA10",
    params={"min_age": 5, "max_age": 16},
)
def la16(ctx: Context):
    units = _sdq_cohort(ctx).filter(_.sdq_score.notnull())
    return units.mutate(unit_id=_.person_id, num=_.sdq_score.cast("float64"), den=1.0)


@indicator(
    id="LA16b",
    title="Children looked after for 12 months whose SDQ score is a cause for concern",
    area="Looked after children", unit="%", polarity=DOWN, scale=100,
    numerator="Children in the denominator with a score of 17 or more (17-40: cause for concern; 14-16 borderline, "
              "0-13 normal)",
    denominator="Children with an SDQ score in the OC2 return for the year among: " + OC2_COHORT + SDQ_AGES,
    period=DFE_YEAR, sources=("cla_episodes", "cla_outcomes", "persons"), reference="kpis.md LA16, LA10",
    params={"min_age": 5, "max_age": 16, "concern_from": 17},
)
def la16b(ctx: Context):
    units = _sdq_cohort(ctx).filter(_.sdq_score.notnull())
    return units.mutate(unit_id=_.person_id, num=flag(_.sdq_score >= ctx.params["concern_from"]), den=1.0)


@indicator(
    id="LA11",
    title="Looked-after children whose health assessment is in date",
    area="Looked after children", unit="%", polarity=UP, scale=100,
    numerator="Children in the denominator whose latest health assessment (cla_health IHA or RHA) on or before D is "
              "dated on or after D less 6 calendar months if aged under 5 at D, or D less 12 months if 5 or over (a "
              "child with no date of birth is taken as 5 or over). An assessment from an earlier period of care counts",
    denominator="Children looked after at the month end D (a non-V3/V4 episode open at D) whose current period of "
                "care (rebuilt from the non-short-break episodes) has lasted at least 20 working days: "
                "busday_count(start, D) >= 20 (or began before the episodes held: its first is not RNE S)",
    period=SNAPSHOT, sources=("cla_episodes", "cla_health"), reference="kpis.md LA11, §1.1, §1.2",
    params={"min_working_days": 20, "under_five_months": 6, "five_plus_months": 12, "check_types": ["IHA", "RHA"]},
)
def la11(ctx: Context):
    p = ctx.params
    cohort = looked_after_at(ctx)
    pocs = open_at(ctx.periods, periods_of_care(ctx.t), "poc_start", "poc_end").group_by(
        [_.period_end.name("_c_end"), _.person_id.name("_c_person")]).aggregate(poc_start=_.poc_start.max(),
                                                                               start_known=_.start_known.all())
    units = cohort.join(pocs, (cohort.period_end == pocs._c_end) & (cohort.person_id == pocs._c_person))
    units = units.select("period_end", "person_id", "poc_start", "start_known")
    units = ctx.busdays(units, "poc_start", "period_end", "days_in_care")
    units = units.filter((_.days_in_care >= p["min_working_days"]) | ~_.start_known)
    checks = ctx.t["cla_health"].filter(_.check_type.isin(list(p["check_types"])))
    units = latest_before(units, checks.select("person_id", "check_date"), "check_date", "last_assessment")
    units = with_dob(units, ctx.t)
    under_five = _.dob.notnull() & (age_at(_.dob, _.period_end) < 5)
    since = ibis.cases((under_five, add_months(_.period_end, -int(p["under_five_months"]))),
                       else_=add_months(_.period_end, -int(p["five_plus_months"])))
    return units.mutate(unit_id=_.person_id, num=flag(_.last_assessment >= since), den=1.0)


@indicator(
    id="LA12",
    title="Children entering care with an initial health assessment within 20 working days",
    area="Looked after children", unit="%", polarity=UP, scale=100,
    numerator="Children in the denominator with an initial health assessment (cla_health IHA) dated from the start of "
              "that period of care to 20 working days after it: busday_count(start, assessment) <= 20 (§1.1)",
    denominator="Children starting a period of care in the rolling 12 months (periods rebuilt from the non-short-break "
                "episodes, as LA02) that lasted at least 20 working days: busday_count(start, the earlier of the "
                "period's end and D) >= 20 (a child who entered care less than 20 working days before D is left out "
                "until then); each child once, at the first such start",
    period=ROLLING_12, sources=("cla_episodes", "cla_health"), reference="kpis.md LA12, §1.1",
    params={"limit": 20, "check_types": ["IHA"]},
)
def la12(ctx: Context):
    p = ctx.params

    def stayed(starts):
        starts = starts.mutate(
            _stay_end=ibis.cases((_.poc_end.notnull() & (_.poc_end < _.period_end), _.poc_end), else_=_.period_end))
        starts = ctx.busdays(starts, "poc_start", "_stay_end", "days_stayed")
        return starts.filter(_.days_stayed >= p["limit"]).drop("_stay_end")

    units = first_starts(ctx, keep=stayed)
    checks = ctx.t["cla_health"].filter(_.check_type.isin(list(p["check_types"])))
    checks = checks.select(_h_person=_.person_id, _h_date=_.check_date)
    joined = units.left_join(checks, (units.person_id == checks._h_person) & (checks._h_date >= units.start_date))
    keys = ["period_end", "person_id", "start_date", "days_stayed"]
    units = joined.group_by(keys).aggregate(first_assessment=_._h_date.min())
    units = ctx.busdays(units, "start_date", "first_assessment", "assessment_wd")
    return units.mutate(unit_id=_.person_id, num=flag(_.assessment_wd <= p["limit"]), den=1.0)


@indicator(
    id="LA17",
    title="Children looked after with 3 or more social workers in the last 12 months",
    area="Looked after children", unit="%", polarity=DOWN, scale=100,
    numerator="Children in the denominator with 3 or more distinct social workers (903 SW_ID) whose social worker "
              "episode was open on some day of the rolling 12 months to D (start <= D and end null or after the "
              "window start); a return to an earlier worker is not counted again",
    denominator="Children looked after at the month end D (a non-V3/V4 episode open at D), each once",
    period=SNAPSHOT, sources=("cla_episodes", "sw_episodes"), reference="kpis.md LA17", history_months=11,
    params={"threshold": 3},
)
def la17(ctx: Context):
    cohort = looked_after_at(ctx)
    sw = open_in_window(ctx.periods, ctx.t["sw_episodes"], window="window_start")
    sw = sw.group_by([_.period_end.name("_w_end"), _.person_id.name("_w_person")]).aggregate(workers=_.sw_id.nunique())
    units = cohort.left_join(sw, (cohort.period_end == sw._w_end) & (cohort.person_id == sw._w_person))
    units = units.select("period_end", "person_id", workers=_.workers.fill_null(0))
    return units.mutate(unit_id=_.person_id, num=flag(_.workers >= ctx.params["threshold"]), den=1.0)


@indicator(
    id="LA18",
    title="Children looked after by placement type",
    area="Looked after children", unit="%", polarity=CONTEXT, scale=100, shares=True,
    numerator="Children looked after at D in each placement group (the breakdown; each group's share of all children "
              "looked after): the placement of the latest non-short-break episode starting on or before D that is not a "
              "temporary move (T0-T4), so a child away on a temporary move counts in the placement held before it. "
              "Groups (parameter `groups`): foster placement (U1-U6); placed for adoption (A3-A6); placed with parents "
              "(P1); children's homes and secure units (K1, K2); independent, semi-independent or supported "
              "accommodation (H5, K3, P2); other residential settings (R1, R2, R3, R5, S1, P3); other placements (Z1, "
              "Z11-Z14 and any other code). The whole council's figure is 100%",
    denominator="Children looked after at the month end D (a non-V3/V4 episode open at D), each once",
    period=SNAPSHOT, sources=("cla_episodes",), reference="kpis.md LA18", breakdowns=("placement_group",),
    params={"groups": PLACEMENT_GROUPS},
)
def la18(ctx: Context):
    cohort = looked_after_at(ctx)
    eps = cla_episodes(ctx.t).filter(~_.placement_type.isin(list(TEMPORARY_PLACEMENTS)))
    eps = eps.select("person_id", "start_date", "placement_type")
    # The latest start on or before D, then its episode (one per child and start date): a grouping, where
    # numbering each child's episodes at every month end took twice as long at national size.
    latest = (cohort.join(eps, (cohort.person_id == eps.person_id) & (eps.start_date <= cohort.period_end))
              .group_by([_.period_end.name("_p_end"), _.person_id.name("_p_person")])
              .aggregate(_p_start=_.start_date.max()))
    placed = latest.join(eps, (latest._p_person == eps.person_id) & (latest._p_start == eps.start_date)).select(
        "_p_end", "_p_person", "placement_type")
    units = cohort.left_join(placed, (cohort.period_end == placed._p_end) & (cohort.person_id == placed._p_person))
    groups = ctx.params["groups"]
    group = ibis.cases(*[(_.placement_type.isin(list(codes)), name) for name, codes in groups.items()],
                       else_=OTHER_GROUP)
    units = units.select("period_end", "person_id", "placement_type", placement_group=group)
    return units.mutate(unit_id=_.person_id, num=1.0, den=1.0)


def care_days_since(ctx: Context, units: ibis.Table, since: str, until: str, name: str) -> ibis.Table:
    """Add `name` = calendar days the child was looked after (non-V3/V4 episodes) from the date in column `since`
    to the date in `until` (each episode clipped to that interval)."""
    eps = cla_episodes(ctx.t).select(_k_person=_.person_id, _k_start=_.start_date, _k_end=_.end_date)
    joined = units.left_join(eps, (units.person_id == eps._k_person) & (eps._k_start < units[until])
                             & (eps._k_end.isnull() | (eps._k_end > units[since])))
    start = ibis.cases((joined._k_start > joined[since], joined._k_start), else_=joined[since])
    end = ibis.cases((joined._k_end.notnull() & (joined._k_end < joined[until]), joined._k_end), else_=joined[until])
    joined = joined.mutate(_k_days=end.delta(start, unit="day"))
    keys = list(units.columns)
    return joined.group_by(keys).aggregate(**{name: _._k_days.sum().fill_null(0)})


@indicator(
    id="LA19",
    title="Young people staying put with their former foster carers at 18",
    area="Looked after children", unit="%", polarity=UP, scale=100,
    numerator="Young people in the denominator who stayed living with their former foster carers: the episode ended "
              "with REC E17 (aged 18, remained with current carers, including staying put), or the OC3 return for the "
              "year holds an accommodation of type Z (with former foster carers)",
    denominator="Young people ceasing to be looked after in the rolling 12 months (each once, at the last ceasing: a "
                "non-V3/V4 episode with REC other than X1) on their 18th birthday (date of birth + 18 calendar years, "
                "§1.2; for a 29 February birth, 28 February or 1 March) from a foster placement (the episode that "
                "ended: PLACE U1-U6) and eligible for care-leaver support: looked after (non-V3/V4) for at least 13 "
                "weeks (91 days) in total from their 14th birthday to the ceasing date",
    period=ROLLING_12, sources=("cla_episodes", "persons"), reference="kpis.md LA19, §2.8 cohort rule, §1.2",
    params={"staying_put_reasons": ["E17"], "staying_put_accommodation": ["Z"], "eligible_days": 91},
)
def la19(ctx: Context):
    p = ctx.params
    units = with_dob(last_ceasings(ctx), ctx.t).filter(_.dob.notnull() & _.placement_type.isin(list(FOSTER)))
    b18 = add_years(_.dob, 18)
    leap_day = (_.dob.month() == 2) & (_.dob.day() == 29) & (b18.day() == 28)
    units = units.filter((_.ceased == b18) | (leap_day & (_.ceased == (b18 + ibis.interval(days=1)).cast("date"))))
    units = units.mutate(fourteen=add_years(_.dob, 14))
    units = care_days_since(ctx, units, "fourteen", "ceased", "days_since_14")
    units = units.filter(_.days_since_14 >= p["eligible_days"])
    oc3 = ctx.t["care_leavers"].select(_l_person=_.person_id, _l_year=_.collection_year, _l_accom=_.accommodation)
    year = (_.ceased.month() >= 4).ifelse(_.ceased.year() + 1, _.ceased.year())
    units = units.mutate(_year=year)
    units = units.left_join(oc3, (units.person_id == oc3._l_person) & (units._year == oc3._l_year))
    units = units.select("period_end", "person_id", "dob", "ceased", "reason_ceased", "placement_type",
                         "days_since_14", accommodation=_._l_accom)
    stayed = (_.reason_ceased.isin(list(p["staying_put_reasons"]))
              | _.accommodation.substr(0, 1).isin(list(p["staying_put_accommodation"])))
    return units.mutate(unit_id=_.person_id, num=flag(stayed), den=1.0)
