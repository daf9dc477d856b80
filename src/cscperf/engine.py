"""Computing the catalogue: every indicator at every month end its data covers, into one results table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import ibis
import pyarrow as pa
import pyarrow.compute as pc
from ibis import _

from cscperf import compiled, workdays
from cscperf.config import Config, population_for
from cscperf.indicators import catalogue, catalogue_version
from cscperf.indicators.breakdowns import (BY_ALLOCATION, CHILD_BREAKDOWNS, COUNCIL, NOT_RECORDED, allocated_at,
                                           child_labels, with_child_breakdowns, with_council)
from cscperf.indicators.common import Context
from cscperf.indicators.spec import SNAPSHOT, Indicator
from cscperf.periods import KINDS, month_ends, months_back, months_in, period_ends as kind_ends, periods_table
from cscperf.store import Store

ALL = "all"


def calendar(store: Store, config: Config, refresh: bool = False) -> ibis.Table:
    """The working-day calendar table every indicator joins to, with the council's closure days. Looked up
    once per connection (`Store.once`): every indicator's units ask for it."""
    def make() -> ibis.Table:
        if refresh or not store.has_table("calendar"):
            store.put_calendar(workdays.calendar_table(workdays.read_overrides(config.closures)))
        return store.table("calendar")
    return store.once("calendar", make, renew=refresh)


def period_ends(ind: Indicator, coverage: dict[str, tuple[dt.date, dt.date]], extract_date: dt.date | None) -> list[dt.date]:
    """Month ends at which every source table of the indicator has data (and, for a rolling
    window, the whole window does)."""
    if extract_date is None or any(s not in coverage for s in ind.sources):
        return []
    start = max(coverage[s][0] for s in ind.sources)
    return [d for d in kind_ends(ind.period, start, extract_date) if data_needed_from(ind, d) >= start]


def data_needed_from(ind: Indicator, d: dt.date) -> dt.date:
    """The first day an indicator's figure at D looks at: its period's start, less any look-back.
    (A snapshot looks at D itself; its month is enough.)"""
    first = d.replace(day=1) if ind.period == SNAPSHOT else KINDS[ind.period].start(d)
    return months_back(first, ind.history_months)


def months_of(ind: Indicator, ends: list[dt.date]) -> list[dt.date]:
    """The month ends of every month in the periods ending at `ends`: what a `by_month` indicator is computed at."""
    if not ends:
        return []
    return month_ends(KINDS[ind.period].start(min(ends)), max(ends))


def units(ind: Indicator, store: Store, snapshot_id: int, config: Config, ends: list[dt.date],
          breakdowns: bool = False, allocated: ibis.Table | None = None, pooled: bool = False,
          per_council: bool = False, by_month: bool = False, as_query: bool = False) -> ibis.Table | str:
    """The indicator's unit rows (one per counted thing per period end): figures and lists come from
    these. With `breakdowns`, child-level units also carry the child breakdown columns; `pooled` (a
    snapshot of several councils) adds each unit's council and leaves out team and worker.
    `per_council` ranks within each council of a pooled snapshot (Indicator.by_council) and adds the
    council, for the council rows of the indicators that rank.

    On DuckDB and PostgreSQL the units are SQL compiled once (cscperf.compiled) and run over this
    snapshot's rows and these period ends; on Spark, the Ibis expression over Spark's tables.
    `by_month`: `ends` are month ends and each period is its calendar month (Indicator.by_month); the
    SQL is the same, only the periods differ.
    `as_query`: where the store compiles SQL, the units' query itself, in parentheses, for `all_figures` to sum:
    no view to make and no Ibis table over it, which costs a query to describe (each 1 to 5 ms, together a third of
    a council's indicator)."""
    params = indicator_params(ind, config)
    cal = calendar(store, config)
    kind = SNAPSHOT if by_month else ind.period
    periods = periods_table(ends, kind)
    # Each period a calendar month (Context.monthly): a month-end snapshot's or a month's, at month ends.
    monthly = kind == SNAPSHOT and all(month_ends(d, d) == [d] for d in ends)
    options = dict(breakdowns=breakdowns, pooled=pooled, per_council=per_council, monthly=monthly)
    if not store.compiles:
        return build_units(ind, store.tables(snapshot_id), ibis.memtable(periods), cal, params, allocated=allocated,
                           **options)

    # Every child's labels, a table made once per connection and snapshot (`labels_of`), for the breakdowns.
    labels = labels_of(store, snapshot_id) if breakdowns else None

    def build() -> ibis.Table:   # only when no text is kept: the tables' schemas cost a query each
        stand_in = compiled.placeholder
        return build_units(ind, {n: stand_in(n, t.schema()) for n, t in store.tables(snapshot_id).items()},
                           stand_in("periods", ibis.Schema.from_pyarrow(periods.schema)), stand_in("calendar", cal.schema()),
                           params, allocated=None if allocated is None else stand_in("allocated", allocated.schema()),
                           labels=None if labels is None else stand_in("labels", labels.schema()), **options)
    name = compiled.key(catalogue=catalogue_version(), indicator=ind.id, params=params, engine=store.dialect,
                        build=f"{ind.build.__module__}.{ind.build.__qualname__}", by_council=ind.by_council,
                        allocated=allocated is not None, labels=labels is not None, **options)
    text = compiled.sql(store, name, build)
    relations = {**store.snapshot_views(snapshot_id, compiled.placeholders(text)), "calendar": cal.op().name}
    relations["periods"] = f"_periods_{compiled.digest(kind, ends)}"   # named for what it holds: the kind too
    store.small_relation(relations["periods"], periods, compiled.dates_sql(periods))
    if allocated is not None:
        relations["allocated"] = allocated.op().name
    if labels is not None:
        relations["labels"] = labels.op().name
    text = compiled.bind(text, relations)
    if as_query:
        return f"({text})"
    view = f"_units_{compiled.digest(text)}"
    store.relation(view, text)
    return store.once(view, lambda: store.ibis().table(view))


def indicator_params(ind: Indicator, config: Config) -> dict:
    """The indicator's parameters: its defaults, with the config's settings over them."""
    unknown = set(config.params(ind.id)) - set(ind.params)
    if unknown:
        raise ValueError(f"{config.path or 'config'} [parameters.{ind.id}]: unknown parameter(s) {', '.join(sorted(unknown))}; "
                         f"{ind.id} takes {', '.join(ind.params) or 'none'}")
    return {**ind.params, **config.params(ind.id)}


def build_units(ind: Indicator, tables: dict, periods: ibis.Table, cal: ibis.Table, params: dict, breakdowns: bool,
                allocated: ibis.Table | None, pooled: bool, per_council: bool, monthly: bool = False,
                labels: ibis.Table | None = None) -> ibis.Table:
    """The Ibis expression of `units` over the given relations."""
    u = ind.build(Context(tables, periods, cal, params, per_council, monthly))
    council = (breakdowns and pooled and ind.by_council) or per_council
    if breakdowns and "person_id" in u.columns:
        u = with_child_breakdowns(u, tables, allocated, by_allocation=not pooled, council=council, labels=labels)
    if council and COUNCIL not in u.columns:
        u = with_council(u)
    return u


def breakdowns_of(ind: Indicator, u: ibis.Table) -> tuple[str, ...]:
    """What a figure is split by: the indicator's own breakdowns, and the child ones for child units."""
    child = tuple(c for c in CHILD_BREAKDOWNS if c in u.columns) if "person_id" in u.columns else ()
    if COUNCIL not in u.columns:
        return tuple(dict.fromkeys((*ind.breakdowns, *child)))
    return tuple(dict.fromkeys(c for c in (COUNCIL, *ind.breakdowns, *child) if c not in BY_ALLOCATION))


def whole(ind: Indicator, store: Store, snapshot_id: int, config: Config, ends: list[dt.date]) -> list[dict]:
    """The indicator's whole figure (no breakdowns) at each period end, as `compute` works it out: month by
    month where the indicator adds up by month, summed by `all_figures`' plain SQL (an Ibis expression of the
    sum is compiled afresh on every call: at a council's size, most of the time of a figure)."""
    u = units(ind, store, snapshot_id, config, months_of(ind, ends) if ind.by_month else ends, by_month=ind.by_month,
              as_query=True)
    return all_figures(store, summable(store, u, ()), ends, (), ind.period if ind.by_month else None)[None]


def added_up(monthly: list[dict], ends: list[dt.date], kind: str, keys: tuple[str, ...]) -> list[dict]:
    """Monthly sums (period_end a month end) added up to each period end's: the months from the start of its
    period (of `kind`) to it, per value of `keys`. Every period end gets a row for each value seen in its months.

    Each value's months are laid out in one list per sum, so a period's figure is the sum of a slice: a loop
    over every month of every period for every row took a fifth of the time of a national run's indicators that
    add up by month. The months are added in order, as before, so the sums are the same to the last bit."""
    windows = {d: months_in(kind, d) for d in ends}
    months = sorted({m for window in windows.values() for m in window} | {r["period_end"] for r in monthly})
    at = {m: i for i, m in enumerate(months)}
    series: dict[tuple, tuple[list, list, list, list]] = {}
    for r in monthly:
        key = tuple(r[k] for k in keys)
        if key not in series:
            series[key] = ([0.0] * len(months), [0.0] * len(months), [0] * len(months), [False] * len(months))
        num, den, units, seen = series[key]
        i = at[r["period_end"]]
        # float(): an engine may sum a literal 1.0 as a decimal
        num[i] += float(r["numerator"] or 0.0)
        den[i] += float(r["denominator"] or 0.0)
        units[i] += r["units"]
        seen[i] = True
    out = []
    for d, window in windows.items():
        first, last = at[window[0]], at[d] + 1
        for key, (num, den, units, seen) in series.items():
            if any(seen[first:last]):
                out.append({**dict(zip(keys, key)), "period_end": d, "numerator": sum(num[first:last]),
                            "denominator": sum(den[first:last]), "units": sum(units[first:last])})
    return out


FIGURES_SCHEMA = pa.schema([("period_end", pa.date32()), ("dim", pa.string()), ("val", pa.string()),
                            ("numerator", pa.float64()), ("denominator", pa.float64()), ("units", pa.int64())])


def figures_table(store: Store, u: ibis.Table | str, ends: list[dt.date], breakdowns: tuple[str, ...],
                  by_month_of: str | None = None) -> pa.Table:
    """Sum an indicator's units to numerator, denominator and unit count per period end, whole and by every
    breakdown at once, in one query: FIGURES_SCHEMA, one row per period end and breakdown value (`dim` and `val`
    null for the whole), in the order of `breakdowns`, then of period end and value. Every period end gets a
    whole row, so "none this month" reads as 0, not as a gap. `u` is a named relation of units (a view or a
    table), or a relation's name or a query in parentheses (`units(as_query=True)`). `by_month_of`: the units
    are by month (Indicator.by_month), added up to periods of this kind.

    An Arrow table, not a row per dict: a national catalogue has 658,000 figures, and building, filling in
    and checking them one by one in Python took about 4 s."""
    # Plain SQL, put into each engine's dialect by sqlglot (`Store.query`): the same query as an Ibis
    # expression was compiled afresh for every indicator (about 6% of the catalogue's time on a county).
    # GROUPING SETS over the units' view, in one pass, rather than writing the units to a table and
    # summing it once per breakdown: 6% less time for a county, 15 to 18% for a region or national size
    # (docs/benchmarks.md).
    for dim in breakdowns if not isinstance(u, str) else ():
        if u.schema()[dim] != ibis.dtype("string"):
            raise TypeError(f"breakdown {dim!r} is {u.schema()[dim]}: breakdown columns are text")
    keyed = "".join(f", COALESCE(\"{d}\", '{NOT_RECORDED}') AS \"{d}\"" for d in breakdowns)
    # GROUPING() is 0 for a set's own column: it names the breakdown of each row.
    which = "".join(f" WHEN GROUPING(\"{d}\") = 0 THEN '{d}'" for d in breakdowns)
    value = "".join(f" WHEN GROUPING(\"{d}\") = 0 THEN \"{d}\"" for d in breakdowns)
    named = f"CASE{which} END AS dim, CASE{value} END AS val" if breakdowns else "NULL AS dim, NULL AS val"
    sets = ", ".join(["(period_end)", *(f'(period_end, "{d}")' for d in breakdowns)])
    relation = u if isinstance(u, str) else u.get_name()
    found = store.query(f"SELECT period_end, {named}, SUM(num) AS numerator, SUM(den) AS denominator, "
                        f"COUNT(*) AS units FROM (SELECT period_end, num, den{keyed} FROM {relation} AS _u) AS u "
                        f"GROUP BY GROUPING SETS ({sets})")
    # float: an engine may sum a literal 1.0 as a decimal
    found = pa.table([found[c].cast(FIGURES_SCHEMA.field(c).type) for c in FIGURES_SCHEMA.names], schema=FIGURES_SCHEMA)
    if by_month_of:
        found = pa.Table.from_pylist(added_up(found.to_pylist(), ends, by_month_of, ("dim", "val")), schema=FIGURES_SCHEMA)
    seen = set(pc.filter(found["period_end"], pc.is_null(found["dim"])).to_pylist())
    found = with_zeros(found, [(d, None, None) for d in ends if d not in seen])
    order = pc.fill_null(pc.index_in(found["dim"], value_set=pa.array(breakdowns, pa.string())), -1)
    return found.append_column("_order", order).sort_by(
        [("_order", "ascending"), ("period_end", "ascending"), ("val", "ascending")]).drop_columns(["_order"])


def all_figures(store: Store, u: ibis.Table | str, ends: list[dt.date], breakdowns: tuple[str, ...],
                by_month_of: str | None = None) -> dict[str | None, list[dict]]:
    """`figures_table` as rows by breakdown: {None: the whole's, breakdown column: its values'}, each row a
    dict of period_end, numerator, denominator, units and, for a breakdown, its column."""
    out: dict[str | None, list[dict]] = {None: [], **{dim: [] for dim in breakdowns}}
    for r in figures_table(store, u, ends, breakdowns, by_month_of).to_pylist():
        dim, value = r.pop("dim"), r.pop("val")
        if dim:
            r[dim] = value
        out[dim].append(r)
    return out


def summable(store: Store, u: ibis.Table | str, dims: tuple[str, ...]) -> ibis.Table | str:
    """Units as a named relation `all_figures` can sum: the view itself where the store compiles SQL, else
    (Spark) a temporary table of only the columns summed and grouped by."""
    if store.compiles:
        return u
    return store.materialise(u.select("period_end", "num", "den", *dims), "units")


def summed_units(ind: Indicator, store: Store, snapshot_id: int, config: Config, ends: list[dt.date],
                 allocated: ibis.Table | None, pooled: bool, by_month: bool) -> ibis.Table:
    """The units `compute` sums for an indicator's figures at `ends`, with the child breakdowns: month by month
    where it adds up by month. (`compile_ahead` compiles exactly these.)"""
    return units(ind, store, snapshot_id, config, months_of(ind, ends) if by_month else ends, breakdowns=True,
                 allocated=allocated, pooled=pooled, by_month=by_month)


def allocations_at(store: Store, snapshot_id: int, ends: list[dt.date]) -> ibis.Table:
    """Who held each child's case at each of `ends`, as a temporary table: worked out once for every
    indicator's team and worker breakdowns."""
    return store.materialise(allocated_at(ibis.memtable(periods_table(ends)), store.tables(snapshot_id)), "allocated")


def labels_of(store: Store, snapshot_id: int) -> ibis.Table:
    """Every child's breakdown labels (`child_labels`) as a temporary table, made once per connection where the
    store compiles SQL: not in each indicator's query (about 0.5 s each at national size). (Spark works them
    out in each query.)"""
    return store.once(("labels", snapshot_id), lambda: _labels_table(store, snapshot_id))


def _labels_table(store: Store, snapshot_id: int) -> ibis.Table:
    persons = store.tables(snapshot_id)["persons"]
    name = compiled.key(catalogue=catalogue_version(), labels=True, engine=store.dialect)
    text = compiled.sql(store, name, lambda: child_labels({"persons": compiled.placeholder("persons", persons.schema())}))
    text = compiled.bind(text, store.snapshot_views(snapshot_id, {"persons"}))
    table = f"_labels_{compiled.digest(text)}"
    store.relation(table, text, table=True)
    return store.ibis().table(table)


def compute(store: Store, config: Config, snapshot_id: int | None = None,
            indicators: list[Indicator] | None = None, progress: Callable[[str], None] | None = None,
            by_month: bool = True) -> pa.Table:
    """Compute the catalogue for a snapshot, store the results and return them. by_month=False computes
    every indicator at each period end directly, even one that adds up by month (to check that it does)."""
    snap = store.snapshot(snapshot_id)
    sid = snap.snapshot_id
    calendar(store, config, refresh=True)
    coverage = store.coverage(sid)
    version = catalogue_version()
    parts: list[pa.Table] = []
    inds = [(ind, period_ends(ind, coverage, snap.extract_date)) for ind in indicators or catalogue()]
    monthly = {ind.id for ind, _ in inds if ind.by_month and by_month}
    every_end = sorted({d for ind, ends in inds for d in (months_of(ind, ends) if ind.id in monthly else ends)})
    # A snapshot of several councils: figures per council and pooled, from the same query (docs/councils.md).
    councils = [code for code, _ in store.councils(sid)]
    pooled = len(councils) > 1
    populations = Populations(config, store.council_populations(sid), tuple(councils)) if pooled else Populations(config)
    # Who held each child's case at every month end: worked out once for all indicators' breakdowns.
    allocated = None
    if every_end and "allocations" in coverage and not pooled:
        allocated = allocations_at(store, sid, every_end)
    for ind, ends in inds:
        if progress:
            progress(ind.id)
        if not ends:
            continue
        # Summed whole and by every breakdown in one query over the units' view (on Spark, over a temporary
        # table of the columns summed and grouped by: its units are an expression, not a view).
        by_months = ind.id in monthly
        u = summed_units(ind, store, sid, config, ends, allocated, pooled, by_months)
        dims = breakdowns_of(ind, u)
        found = figures_table(store, summable(store, u, dims), ends, dims, ind.period if by_months else None)
        if pooled and not ind.by_council:   # ranked within the figure: each council's ranked apart
            apart = units(ind, store, sid, config, ends, pooled=True, per_council=True)
            theirs = figures_table(store, summable(store, apart, (COUNCIL,)), ends, (COUNCIL,))
            found = pa.concat_tables([found.filter(pc.invert(of_dim(found, COUNCIL))),
                                      theirs.filter(of_dim(theirs, COUNCIL))])
        if COUNCIL in dims or (pooled and not ind.by_council):
            found = with_every_council(found, ends, councils)
        parts.append(results_of(ind, found, populations, sid, version))
    table = pa.concat_tables(parts) if parts else RESULT_SCHEMA.empty_table()
    store.replace_results(sid, version, table)
    return table


def compile_ahead(config: Config, allocations: bool = True, pooled: bool = False) -> dict[str, str]:
    """Every indicator's units SQL as `compute` asks for it on a DuckDB snapshot of one council (with allocations,
    or without) or, `pooled`, of several, compiled against an empty store in a temporary folder: {key: text} for
    `compiled.adopt` or a store's `keep_compiled`.

    The text depends on the definitions and the tables' shape, never on the data (cscperf.compiled), so
    another process can compile it while this one does something else: the demo runs it beside the
    synthesiser and the loader, which use one core, instead of compiling for 8 s after them; a large load
    runs it beside its reading, so that the store's first `compute` compiles nothing."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="cscperf-compile-") as folder, Store(Path(folder) / "empty.duckdb") as store:
        ends = [dt.date(2024, 3, 31)]   # any month end: the SQL does not depend on which
        calendar(store, config, refresh=True)
        allocated = allocations_at(store, 0, ends) if allocations and not pooled else None
        for ind in catalogue():
            summed_units(ind, store, 0, config, ends, allocated, pooled=pooled, by_month=ind.by_month)
            if pooled and not ind.by_council:   # as `compute` ranks each council apart
                units(ind, store, 0, config, ends, pooled=True, per_council=True)
    return compiled.kept()


RESULT_SCHEMA = pa.schema([
    ("indicator", pa.string()), ("period_end", pa.date32()), ("breakdown", pa.string()),
    ("numerator", pa.float64()), ("denominator", pa.float64()), ("value", pa.float64()),
    ("units", pa.int64()), ("snapshot", pa.int32()), ("catalogue_version", pa.string()),
])


@dataclass(frozen=True)
class Populations:
    """Children aged 0-17, the denominator of rates per 10,000. The config's population is the whole
    store's; in a pooled snapshot each council's comes from its own config (`load --councils`), and the
    pool's, where the config gives none, is the councils' sum if every council gave one."""
    config: Config
    by_council: dict[str, dict[int, int]] = field(default_factory=dict)
    councils: tuple[str, ...] = ()

    def of(self, period_end: dt.date, council: str | None = None) -> int | None:
        if council is not None:
            return population_for(self.by_council.get(council, {}), period_end)[0]
        whole, _ = self.config.population_for(period_end)
        if whole or not self.councils:
            return whole
        each = [population_for(self.by_council.get(c, {}), period_end)[0] for c in self.councils]
        return sum(each) if all(each) else None


def of_dim(figures: pa.Table, dim: str) -> pa.Array:
    """Which rows of a `figures_table` are of the breakdown `dim` (the whole's, whose dim is null, are not)."""
    return pc.fill_null(pc.equal(figures["dim"], dim), False)


def with_every_council(figures: pa.Table, ends: list[dt.date], councils: list[str]) -> pa.Table:
    """A pooled snapshot's figures with a COUNCIL row for every council at every period end: 0 for a council
    with nothing to count, as the whole has. Where some units are no council's, no council rows at all: no
    council's figure beats a wrong one."""
    mine = of_dim(figures, COUNCIL)
    if pc.any(pc.and_(mine, pc.equal(figures["val"], NOT_RECORDED))).as_py():
        return figures.filter(pc.invert(mine))
    ours = figures.filter(mine)
    seen = set(zip(ours["period_end"].to_pylist(), ours["val"].to_pylist()))
    return with_zeros(figures, [(d, COUNCIL, code) for d in ends for code in councils if (d, code) not in seen])


def with_zeros(figures: pa.Table, missing: list[tuple[dt.date, str | None, str | None]]) -> pa.Table:
    """`figures` with a row of 0s for each (period end, dim, val) in `missing`: "none this month" reads as 0."""
    if not missing:
        return figures
    ends, dims, vals = zip(*missing)
    n = len(missing)
    return pa.concat_tables([figures, pa.table([pa.array(ends, pa.date32()), pa.array(dims, pa.string()),
                                                pa.array(vals, pa.string()), pa.array([0.0] * n), pa.array([0.0] * n),
                                                pa.array([0] * n, pa.int64())], schema=FIGURES_SCHEMA)])


def results_of(ind: Indicator, figures: pa.Table, populations: Populations, sid: int, version: str) -> pa.Table:
    """An indicator's figures (FIGURES_SCHEMA) as results rows (RESULT_SCHEMA): value = numerator / denominator x
    the indicator's scale, to 6 decimals, null where the denominator is 0 or unknown. A share's breakdown is of
    the whole's denominator (a council's, of its own total); a rate per 10,000's denominator is the population
    of the period end (a council's own, for a council's row)."""
    n = figures.num_rows
    dim, val, ends = figures["dim"], figures["val"], figures["period_end"]
    numerator = pc.fill_null(figures["numerator"], 0.0)
    denominator = pc.fill_null(figures["denominator"], 0.0)
    if ind.shares:
        whole = figures.filter(pc.is_null(dim))
        totals = pc.fill_null(pc.take(whole["denominator"], pc.index_in(ends, value_set=whole["period_end"])), 0.0)
        shared = pc.fill_null(pc.not_equal(dim, COUNCIL), False)
        denominator = pc.if_else(shared, totals, denominator)
    if ind.per_population:
        known: dict = {}
        pops = [known.setdefault((d, v if k == COUNCIL else None), populations.of(d, v if k == COUNCIL else None))
                for d, k, v in zip(ends.to_pylist(), dim.to_pylist(), val.to_pylist())]
        denominator = pa.array([float(p) if p else None for p in pops], pa.float64())
    counted = pc.fill_null(pc.not_equal(denominator, 0.0), False)
    ratio = pc.multiply(pc.divide(numerator, pc.if_else(counted, denominator, 1.0)), float(ind.scale))
    value = pc.if_else(counted, pc.round(ratio, 6), pa.scalar(None, pa.float64()))
    label = pc.if_else(pc.is_null(dim), "all", pc.binary_join_element_wise(dim, val, "="))
    return pa.table([pa.array([ind.id] * n, pa.string()), ends, label, numerator, denominator, value, figures["units"],
                     pa.array([sid] * n, pa.int32()), pa.array([version] * n, pa.string())], schema=RESULT_SCHEMA)


def result_row(ind: Indicator, r: dict, breakdown: str | None, populations: Populations, sid: int, version: str) -> dict:
    """One results row (as `results_of` makes them) from a figure: period_end, numerator, denominator, units and,
    for a breakdown, its column."""
    figure = {"period_end": r["period_end"], "dim": breakdown, "val": r[breakdown] if breakdown else None,
              "numerator": float(r["numerator"] or 0.0), "denominator": float(r["denominator"] or 0.0),
              "units": int(r["units"])}
    return results_of(ind, pa.Table.from_pylist([figure], schema=FIGURES_SCHEMA), populations, sid, version).to_pylist()[0]


EXCEPTIONS, NUMERATOR, EVERYONE = "exceptions", "numerator", "all"


def child_list(ind: Indicator, store: Store, config: Config, period_end: dt.date | list[dt.date],
               which: str = EXCEPTIONS, snapshot_id: int | None = None) -> pa.Table:
    """The units behind a figure at a month end (or several: one query, rows told apart by
    `period_end`), for people entitled to see them.

    `exceptions` (the default) are the units that count against performance: for a percentage where
    higher is better, those in the denominator but not the numerator (children on a plan not visited
    in time); where lower is better or there is no good direction, those in the numerator (children
    with 3 or more placements). For other measures (averages, rates) every unit is listed.
    The rows are the indicator's own units, so the list and the figure cannot disagree; each row
    keeps the columns its definition computed (dates, working days) and the child breakdowns (for an
    indicator that adds up by month, as at `month_end`, the end of the unit's month, as its figures are).
    """
    from cscperf.indicators.spec import UP

    sid = store.snapshot(snapshot_id).snapshot_id
    ends = period_end if isinstance(period_end, list) else [period_end]
    if ind.by_month:   # the months' units, each under every period end whose period holds its month
        spans = [(m, d) for d in ends for m in months_in(ind.period, d)]
        u = units(ind, store, sid, config, sorted({m for m, _ in spans}), breakdowns=True, by_month=True)
        held = ibis.memtable(pa.table({"_m": pa.array([m for m, _ in spans], pa.date32()),
                                       "_d": pa.array([d for _, d in spans], pa.date32())}))
        u = u.join(held, u.period_end == held._m)
        u = u.mutate(month_end=u.period_end).mutate(period_end=_._d).drop("_d", "_m")
    else:
        u = units(ind, store, sid, config, ends, breakdowns=True)
    if which == EXCEPTIONS and ind.is_percentage:
        u = u.filter((u.den > 0) & (u.num < u.den)) if ind.polarity == UP else u.filter(u.num > 0)
    elif which == NUMERATOR:
        u = u.filter(u.num > 0)
    elif which not in (EXCEPTIONS, EVERYONE):
        raise ValueError(f"which: {which!r}; expected {EXCEPTIONS!r}, {NUMERATOR!r} or {EVERYONE!r}")
    noise = [c for c in u.columns if c.startswith("_") or c in ("period_start", "window_start", "ytd_start")]
    if noise:
        u = u.drop(*noise)
    return u.order_by("period_end", "unit_id").to_pyarrow()


OVERDUE, DUE_SOON, LATER = "overdue", "due soon", "later"


def due_list(store: Store, config: Config, as_at: dt.date, within: int = 5, rules: list[str] | None = None,
             snapshot_id: int | None = None, include_later: bool = False) -> pa.Table:
    """What is overdue, and what falls due in the next `within` working days, as at a date: one row per
    child and thing due, with the child's team and worker. Rules are in `indicators.due`; a rule runs
    only where the snapshot holds every table it reads (no review data is not "every review overdue")."""
    from cscperf.indicators import get as get_indicator
    from cscperf.indicators.common import busdays
    from cscperf.indicators.due import RULES

    sid = store.snapshot(snapshot_id).snapshot_id
    tables = store.tables(sid)
    cal = calendar(store, config)
    periods = ibis.memtable(periods_table([as_at], SNAPSHOT))
    coverage = store.coverage(sid)
    parts = []
    for rule_id in rules or list(RULES):
        rule = RULES[rule_id]
        if not all(source in coverage for source in rule.sources):
            continue
        params = {}
        if rule.indicator:
            ind = get_indicator(rule.indicator)
            params = {**ind.params, **config.params(ind.id)}
        t = rule.build(Context(tables, periods, cal, params))
        parts.append(t.mutate(rule=ibis.literal(rule.id), title=ibis.literal(rule.title))
                     .select("rule", "title", "period_end", "person_id", "due_date", "basis", "basis_date"))
    if not parts:
        return pa.table({"rule": pa.array([], pa.string())})
    t = ibis.union(*parts)
    # Working days from the as-at date to the due date: negative when overdue.
    t = busdays(t, cal, "period_end", "due_date", "_ahead")
    t = busdays(t, cal, "due_date", "period_end", "_behind")
    t = t.mutate(working_days=(_.due_date >= _.period_end).ifelse(_._ahead, -_._behind),
                 status=ibis.cases((_.due_date < _.period_end, OVERDUE),
                                   (_._ahead <= within, DUE_SOON), else_=LATER)).drop("_ahead", "_behind")
    if not include_later:
        t = t.filter(_.status != LATER)
    t = with_child_breakdowns(t, tables).rename(as_at="period_end")
    return t.order_by(["due_date", "rule", "person_id"]).to_pyarrow()
