"""The building blocks indicators share: open-at-a-date, events in a window, working days, latest event.

Every date rule of kpis.md §1 is written here once:
* a record is open at D if start <= D and (end is null or end > D)  (§1.3)
* an event is in the period if period_start <= date <= period_end   (§1.3, both ends inclusive)
* working days between a and b count [a, b): W(b - 1) - W(a - 1)     (§1.1, stack-notes G3)
* a record is open in the period if start <= period_end and (end is null or end > period_start)
  (the open-at rule applied to every day of the period: one ending on period_start was never open in it)

`periods` has period_end, period_start (the start of the indicator's own period: rolling 12 months,
year to date, ...; see `cscperf.periods`), window_start (always the rolling 12 months, for
look-backs such as LA04's) and ytd_start (1 April).
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
from ibis import _

from cscperf.model.codes import SHORT_BREAK_LEGAL_STATUSES
from cscperf.model.tables import COUNCIL_SEP


@dataclass
class Context:
    """What an indicator's builder gets: the snapshot's tables, the period ends, the calendar."""
    t: dict                  # canonical table name -> Ibis table
    periods: ibis.Table      # period_end, period_start, window_start (rolling 12 months), ytd_start
    calendar: ibis.Table     # d, is_working, wd
    params: dict
    per_council: bool = False   # a pooled snapshot's councils computed each apart (Indicator.by_council)
    # Every period is the calendar month ending at its period end (a month-end snapshot, or an indicator added up
    # by month): an event is in a period when its month ends there, which `in_window` finds by equality.
    monthly: bool = False

    def in_window(self, events: ibis.Table, date: str, window: str = "period_start") -> ibis.Table:
        return in_window(self.periods, events, date, window, monthly=self.monthly)

    def busdays(self, table: ibis.Table, start: str, end: str, name: str) -> ibis.Table:
        return busdays(table, self.calendar, start, end, name)

    def with_group(self, records: ibis.Table) -> tuple[ibis.Table, list[str]]:
        """`records` with the columns, besides the period end, that a ranking within one figure is partitioned by,
        and their names: none, or `_council` when each council of a pooled snapshot is computed apart. Added
        before the records meet the period ends: once per record, not once per record and period end."""
        if not self.per_council:
            return records, []
        return records.mutate(_council=council_of(records.person_id)), ["_council"]


def council_of(identifier: ibis.Value) -> ibis.Value:
    """The council code an identifier of a pooled snapshot is qualified with ("A:123" -> "A"; model
    COUNCIL_SEP), or null. Worked out for every unit of a pooled snapshot (hundreds of millions at national
    size): a search for the separator and a slice take half the time of a regular expression."""
    text = identifier.cast("string")
    at = text.find(COUNCIL_SEP)
    return ibis.cases((at > 0, text.substr(0, at)), else_=ibis.null("string"))


def day_before(date: ibis.Value) -> ibis.Value:
    return (date - ibis.interval(days=1)).cast("date")


def days_between(start: ibis.Value, end: ibis.Value) -> ibis.Value:
    """Calendar days from start to end (end - start)."""
    return end.delta(start, unit="day")


def add_years(date: ibis.Value, years: int) -> ibis.Value:
    """Calendar years, 29 February going to 28 February (as dateutil.relativedelta, kpis.md §1.2)."""
    return (date + ibis.interval(years=years)).cast("date")


def add_months(date: ibis.Value, months: int) -> ibis.Value:
    """Calendar months (negative to go back); a day the target month lacks goes to its last day
    (31 May less 3 months is 28 or 29 February), as dateutil.relativedelta (kpis.md §1.2)."""
    return (date + ibis.interval(months=months)).cast("date")


def open_at(periods: ibis.Table, records: ibis.Table, start: str = "start_date", end: str = "end_date") -> ibis.Table:
    """Each (period end, record) with the record open at the period end."""
    return periods.join(
        records,
        (records[start] <= periods.period_end) & (records[end].isnull() | (records[end] > periods.period_end)),
    )


def open_in_window(periods: ibis.Table, records: ibis.Table, start: str = "start_date", end: str = "end_date",
                   window: str = "period_start") -> ibis.Table:
    """Each (period end, record) with the record open on at least one day of the period:
    start <= period_end and (end is null or end > the period's first day) (§1.3 open-at rule, day by
    day). `window` names the column holding that first day (window_start for a 12-month look-back)."""
    return periods.join(
        records,
        (records[start] <= periods.period_end) & (records[end].isnull() | (records[end] > periods[window])),
    )


def open_counts(periods: ibis.Table, kinds: dict[str, tuple[ibis.Table, str, str]]) -> ibis.Table:
    """(period_end, person_id, one column per kind): how many of the child's records of each kind are open at the
    period end (the open-at rule above), for every child and period end with at least one record open.
    `kinds` maps a column name to (records, start column, end column).

    One sweep over each child's records rather than `open_at` for each kind and a group-by of (period end,
    child): every start adds one and every end takes one away, and a running sum gives the counts that hold
    from each date to the child's next. Each span then meets the period ends inside it: one row per child and
    period end, with no group-by of all the (period end, record) pairs (for CN05 at national size, 56 million).
    Swept by (worker, child) for WF08's cases it was slower: keep it for the child (docs/benchmarks.md)."""
    moves = []
    for name, (records, start, end) in kinds.items():
        # A record ending on or before its start is never open; one with no start is not either.
        held = records.filter(records[start].notnull() & (records[end].isnull() | (records[end] > records[start])))
        others = {k: ibis.literal(0) for k in kinds if k != name}
        moves.append(held.select(_o_person=held.person_id, _o_day=held[start], **others, **{name: ibis.literal(1)}))
        ended = held.filter(held[end].notnull())
        moves.append(ended.select(_o_person=ended.person_id, _o_day=ended[end], **others, **{name: ibis.literal(-1)}))
    moves = ibis.union(*[m.select("_o_person", "_o_day", *kinds) for m in moves])   # one column order
    # Up to and including the day: the moves of one day together (a range frame takes in the day's ties). Of a
    # day's moves, all but one then span nothing (to the same day), and only the last holds until the next day.
    upto = ibis.range_window(preceding=None, following=0, group_by="_o_person", order_by="_o_day")
    spans = moves.mutate(_o_next=moves._o_day.lead().over(ibis.window(group_by="_o_person", order_by="_o_day")),
                         **{k: moves[k].sum().over(upto) for k in kinds})
    spans = spans.filter((spans._o_next.isnull() | (spans._o_next > spans._o_day))
                         & ibis.or_(*[spans[k] > 0 for k in kinds]))
    joined = periods.join(spans, (spans._o_day <= periods.period_end)
                          & (spans._o_next.isnull() | (spans._o_next > periods.period_end)))
    return joined.select("period_end", person_id=joined._o_person, **{k: joined[k] for k in kinds})


def in_window(periods: ibis.Table, events: ibis.Table, date: str, window: str = "period_start",
              monthly: bool = False) -> ibis.Table:
    """Each (period end, event) with the event's date inside the period (from the column `window`).
    `monthly`: each period is the calendar month ending at its period end (Context.monthly), so an event is in
    the period its month ends at; a join on that equality is a hash join, where the range join sorts the events
    (a third of the time of an indicator added up by month at national size, docs/benchmarks.md)."""
    if monthly and window == "period_start":
        return periods.join(events, periods.period_end == month_end(events[date]))
    return periods.join(events, (events[date] >= periods[window]) & (events[date] <= periods.period_end))


def month_end(date: ibis.Value) -> ibis.Value:
    """The last day of the date's month."""
    return day_before(add_months(date.truncate("M").cast("date"), 1))


def busdays(table: ibis.Table, calendar: ibis.Table, start: str, end: str, name: str) -> ibis.Table:
    """Add `name` = working days in [start, end), null where either date is null."""
    a = calendar.select(_a_d=calendar.d, _a_wd=calendar.wd)
    b = calendar.select(_b_d=calendar.d, _b_wd=calendar.wd)
    keyed = table.mutate(_a_key=day_before(table[start]), _b_key=day_before(table[end]))
    joined = keyed.left_join(a, keyed._a_key == a._a_d).left_join(b, _._b_key == b._b_d)
    return joined.mutate(**{name: (_._b_wd - _._a_wd)}).drop("_a_key", "_b_key", "_a_d", "_a_wd", "_b_d", "_b_wd")


def add_busdays(table: ibis.Table, calendar: ibis.Table, start: str, n: int, name: str) -> ibis.Table:
    """Add `name` = the due date `start + n working days` (numpy busday_offset, rolling forward):
    the working day d with W(d) = W(start - 1) + n + 1, so that busday_count(start, d) = n (kpis.md §1.1)."""
    a = calendar.select(_s_d=calendar.d, _s_wd=calendar.wd)
    due = calendar.filter(calendar.is_working).select(_t_d=calendar.d, _t_wd=calendar.wd)
    keyed = table.mutate(_s_key=day_before(table[start]))
    joined = keyed.left_join(a, keyed._s_key == a._s_d)
    joined = joined.left_join(due, joined._s_wd + (n + 1) == due._t_wd)
    return joined.mutate(**{name: _._t_d}).drop("_s_key", "_s_d", "_s_wd", "_t_d", "_t_wd")


ASOF_ENGINES = ("duckdb", "postgres")   # Ibis backends with asof_join (not pyspark: stack-notes G2)


def _engine(table: ibis.Table) -> str:
    """The Ibis backend a table's expression runs on (DuckDB for one made only of memtables)."""
    try:
        return table._find_backend(use_default=True).name
    except Exception:   # several backends in one expression: the portable path is the safe one
        return ""


def latest_before(pairs: ibis.Table, events: ibis.Table, date: str, name: str, on_or_after: str | None = None) -> ibis.Table:
    """Add `name` = the child's latest event date on or before the period end (and, if given, on or
    after the date in column `on_or_after`); null where there is none. One row per distinct pair.

    The one place that chooses per engine (docs/engines.md): an as-of join where the engine has one
    (DuckDB, PostgreSQL), else a join and max (Spark), which give the same rows. The catalogue's compiled
    SQL is built over stand-ins on no engine, so it takes the join and max, which at national size is the
    faster on DuckDB too (docs/engines.md).
    """
    ev = events.select(_e_person=events.person_id, _e_date=events[date])
    if _engine(pairs) in ASOF_ENGINES:
        pairs = pairs.distinct()
        joined = pairs.asof_join(ev, on=pairs.period_end >= ev._e_date, predicates=pairs.person_id == ev._e_person)
        latest = joined._e_date
        if on_or_after:   # the latest on or before D is too early: then none falls in [on_or_after, D]
            latest = (latest >= joined[on_or_after]).ifelse(latest, ibis.null(latest.type()))
        # .view(): a relation of its own, so that later joins do not fold into Ibis's as-of join chain
        return joined.select(*pairs.columns, **{name: latest}).view()
    cond = (pairs.person_id == ev._e_person) & (ev._e_date <= pairs.period_end)
    if on_or_after:
        cond = cond & (ev._e_date >= pairs[on_or_after])
    joined = pairs.left_join(ev, cond)
    keys = [c for c in pairs.columns]
    return joined.group_by(keys).aggregate(**{name: _._e_date.max()})


def with_middle(units: ibis.Table, groups: list[str], value: str, order: list[str], name: str) -> ibis.Table:
    """Add boolean `name`: the unit is a middle one of its group (the units sharing the columns `groups`) in
    order of `value`, then of `order`: the one at 0-based rank (n - 1) // 2 and the one at n // 2 (the same unit
    when n is odd). `order` must tell a group's units apart. Their median is the mean of `value` over the middle ones.

    Found by counting, not by sorting every group: the units per value (few, such as durations in days) and
    their running total give the value(s) the middle ranks fall on, and only the units with such a value are
    put in order. Ranking every unit of 61 rolling years of a national dataset (30 million rows) by sorting
    took 4 s; this takes about 1 s (docs/benchmarks.md)."""
    # A relation of its own: were `units` a join, Ibis would fold the last join into it and read `picked`'s
    # columns (made from the same tables) as the units' own, so that every unit matched.
    units = units.view()
    counts = units.group_by([*groups, value]).aggregate(_m_count=_.count())
    upto = ibis.cumulative_window(group_by=groups, order_by=value)
    counts = counts.mutate(_m_upto=_._m_count.sum().over(upto), _m_n=_._m_count.sum().over(ibis.window(group_by=groups)))
    counts = counts.mutate(_m_before=_._m_upto - _._m_count, _m_low=(_._m_n - 1) // 2, _m_high=_._m_n // 2)
    holds = lambda k: (counts[k] >= counts._m_before) & (counts[k] < counts._m_upto)  # noqa: E731
    values = counts.filter(holds("_m_low") | holds("_m_high")).select(
        *[counts[c].name(f"_m_{c}") for c in (*groups, value)], "_m_before", "_m_low", "_m_high")
    same = [units[c] == values[f"_m_{c}"] for c in (*groups, value)]
    candidates = units.select(*groups, value, *order).join(values, same)
    rank = ibis.row_number().over(group_by=[*groups, value], order_by=order) + _._m_before
    picked = (candidates.mutate(_m_rank=rank).filter((_._m_rank == _._m_low) | (_._m_rank == _._m_high))
              .select(*[_[c].name(f"_p_{c}") for c in (*groups, *order)]))
    marked = units.left_join(picked, [units[c] == picked[f"_p_{c}"] for c in (*groups, *order)])
    return marked.mutate(**{name: marked[f"_p_{order[0]}"].notnull()}).drop(*[f"_p_{c}" for c in (*groups, *order)])


def cla_episodes(t: dict) -> ibis.Table:
    """903 episodes less short breaks (V3/V4): the base of every CLA figure (kpis.md §1.5)."""
    eps = t["cla_episodes"]
    return eps.filter(~eps.legal_status.isin(SHORT_BREAK_LEGAL_STATUSES))


def as_int(condition: ibis.Value) -> ibis.Value:
    """1 where the condition holds, 0 where it does not, null where it is null. (A cast would do on
    DuckDB and Spark; PostgreSQL has no boolean to bigint cast.)"""
    return ibis.cases((condition, 1), (~condition, 0)).cast("int64")


def flag(condition: ibis.Value) -> ibis.Value:
    """1.0 where the condition holds, else 0.0 (a null condition counts as not met)."""
    return condition.fill_null(False).ifelse(1.0, 0.0)


def has_earlier(events: ibis.Table, date: str, name: str, within_months: int | None = None,
                key: str = "person_id") -> ibis.Table:
    """Add boolean `name`: the same child (`key`) has another event dated strictly before this one's
    date and, if `within_months` is given, on or after this date less that many calendar months
    (29 February less 12 months is 28 February, as relativedelta). An event on the same date is not
    earlier. Written as a self-join and count, which every engine runs."""
    ev = events.select(_h_key=events[key], _h_date=events[date])
    cond = (events[key] == ev._h_key) & (ev._h_date < events[date])
    if within_months is not None:
        cond = cond & (ev._h_date >= add_months(events[date], -within_months))
    joined = events.left_join(ev, cond)
    return joined.group_by(list(events.columns)).aggregate(**{name: _._h_date.count() > 0})


def unit_key(*values: ibis.Value) -> ibis.Value:
    """A text unit id made of several columns joined by '/', e.g. child and start date of an episode."""
    parts = [v.cast("string") for v in values]
    return parts[0].concat(*[p for v in parts[1:] for p in (ibis.literal("/"), v)]) if len(parts) > 1 else parts[0]


def periods_of_care(t: dict) -> ibis.Table:
    """Periods of care rebuilt from the 903 episodes that remain once short breaks are dropped (kpis.md
    §1.5): one row per child and period, with poc_start (the first remaining episode's DECOM, whatever its
    RNE), poc_end (the last episode's DEC; null while open), reason_ceased (the last episode's REC) and
    `ceased` (the period ended with REC other than X1). A remaining episode begins a new period when its RNE
    is S or the child's previous remaining episode did not end on its start date (a gap, a V3/V4 episode
    dropped between, or the first episode held). `start_known`: the period's first episode has RNE S, or the child
    has an earlier episode (short breaks included) in the data; otherwise the first episode held may continue care
    that began before the data starts (or, from Annex A, only the current episode is known)."""
    eps = cla_episodes(t)
    w = ibis.window(group_by="person_id", order_by="start_date")
    cw = ibis.cumulative_window(group_by="person_id", order_by="start_date")
    marked = eps.mutate(_new=as_int((_.rne == "S") | (_.end_date.lag().over(w) != _.start_date).fill_null(True)))
    marked = marked.mutate(_poc=_._new.sum().over(cw))
    spans = marked.group_by(["person_id", "_poc"]).aggregate(poc_start=_.start_date.min(), _last=_.start_date.max())
    last = marked.select(_l_person=_.person_id, _l_start=_.start_date, poc_end=_.end_date, reason_ceased=_.reason_ceased)
    joined = spans.join(last, (spans.person_id == last._l_person) & (spans._last == last._l_start))
    firsts = marked.filter(_._new == 1).select(_f_person=_.person_id, _f_start=_.start_date, _f_rne=_.rne)
    earliest = t["cla_episodes"].group_by(_.person_id.name("_a_person")).aggregate(_a_first=_.start_date.min())
    joined = joined.join(firsts, (joined.person_id == firsts._f_person) & (joined.poc_start == firsts._f_start))
    joined = joined.join(earliest, joined.person_id == earliest._a_person)
    return joined.select(
        "person_id", "poc_start", "poc_end", "reason_ceased",
        ceased=(_.poc_end.notnull() & (_.reason_ceased.fill_null("") != "X1")),
        start_known=(_._f_rne == "S").fill_null(False) | (_._a_first < _.poc_start))
