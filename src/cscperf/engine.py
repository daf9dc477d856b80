"""Computing the catalogue: every indicator at every month end its data covers, into one results table."""

from __future__ import annotations

import datetime as dt
from typing import Callable

import ibis
import pyarrow as pa

from cscperf import workdays
from cscperf.config import Config
from cscperf.indicators import catalogue, catalogue_version
from cscperf.indicators.common import Context
from cscperf.indicators.spec import ROLLING_12, Indicator
from cscperf.periods import month_ends, periods_table, window_start
from cscperf.store import Store

ALL = "all"


def period_ends(ind: Indicator, coverage: dict[str, tuple[dt.date, dt.date]], extract_date: dt.date | None) -> list[dt.date]:
    """Month ends at which every source table of the indicator has data (and, for a rolling
    window, the whole window does)."""
    if extract_date is None or any(s not in coverage for s in ind.sources):
        return []
    start = max(coverage[s][0] for s in ind.sources)
    return [d for d in month_ends(start, extract_date) if data_needed_from(ind, d) >= start]


def data_needed_from(ind: Indicator, d: dt.date) -> dt.date:
    """The first day an indicator's figure at D looks at: its window start, less any look-back."""
    first = window_start(d) if ind.period == ROLLING_12 else d.replace(day=1)
    months = first.year * 12 + first.month - 1 - ind.history_months
    return dt.date(months // 12, months % 12 + 1, 1)


def units(ind: Indicator, store: Store, snapshot_id: int, config: Config, ends: list[dt.date]) -> ibis.Table:
    """The indicator's unit rows (one per counted thing per period end): figures and lists come from these."""
    params = {**ind.params, **config.params(ind.id)}
    unknown = set(config.params(ind.id)) - set(ind.params)
    if unknown:
        raise ValueError(f"{config.path or 'config'} [parameters.{ind.id}]: unknown parameter(s) {', '.join(sorted(unknown))}; "
                         f"{ind.id} takes {', '.join(ind.params) or 'none'}")
    backend = store.ibis()
    ctx = Context(store.tables(snapshot_id), ibis.memtable(periods_table(ends)), backend.table("calendar"), params)
    return ind.build(ctx)


def figures(ind: Indicator, u: ibis.Table, ends: list[dt.date], breakdown: str | None = None) -> list[dict]:
    """Sum an indicator's units to numerator, denominator and unit count per period end (and breakdown)."""
    keys = ["period_end"] + ([breakdown] if breakdown else [])
    agg = u.group_by(keys).aggregate(numerator=u.num.sum(), denominator=u.den.sum(), units=u.count())
    found = agg.to_pyarrow().to_pylist()
    if breakdown is None:
        # Every period end gets a row, so "none this month" reads as 0, not as a gap.
        seen = {r["period_end"] for r in found}
        found += [{"period_end": d, "numerator": 0.0, "denominator": 0.0, "units": 0} for d in ends if d not in seen]
    return sorted(found, key=lambda r: (r["period_end"], str(r.get(breakdown))))


def compute(store: Store, config: Config, snapshot_id: int | None = None,
            indicators: list[Indicator] | None = None, progress: Callable[[str], None] | None = None) -> pa.Table:
    """Compute the catalogue for a snapshot, store the results and return them."""
    snap = store.snapshot(snapshot_id)
    sid = snap.snapshot_id
    store.put_calendar(workdays.calendar_table(workdays.read_overrides(config.closures)))
    coverage = store.coverage(sid)
    version = catalogue_version()
    rows: list[dict] = []
    for ind in indicators or catalogue():
        if progress:
            progress(ind.id)
        ends = period_ends(ind, coverage, snap.extract_date)
        if not ends:
            continue
        u = units(ind, store, sid, config, ends)
        for breakdown in (None, *ind.breakdowns):
            rows += [result_row(ind, r, breakdown, config, sid, version) for r in figures(ind, u, ends, breakdown)]
    table = pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)
    store.replace_results(sid, version, table)
    return table


RESULT_SCHEMA = pa.schema([
    ("indicator", pa.string()), ("period_end", pa.date32()), ("breakdown", pa.string()),
    ("numerator", pa.float64()), ("denominator", pa.float64()), ("value", pa.float64()),
    ("units", pa.int64()), ("snapshot", pa.int32()), ("catalogue_version", pa.string()),
])


def result_row(ind: Indicator, r: dict, breakdown: str | None, config: Config, sid: int, version: str) -> dict:
    numerator = float(r["numerator"] or 0.0)
    denominator = float(r["denominator"] or 0.0)
    if ind.per_population:
        population, _ = config.population_for(r["period_end"])
        denominator = float(population) if population else None
    value = round(numerator / denominator * ind.scale, 6) if denominator else None
    label = ALL if breakdown is None else f"{breakdown}={r[breakdown]}"
    return {"indicator": ind.id, "period_end": r["period_end"], "breakdown": label, "numerator": numerator,
            "denominator": denominator, "value": value, "units": int(r["units"]), "snapshot": sid,
            "catalogue_version": version}
