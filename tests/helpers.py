"""Building small stores from rows written by hand, for tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

from cscperf.model import BY_NAME
from cscperf.sources.load import Loaded
from cscperf.store import Store

ARROW = {"str": pa.string(), "date": pa.date32(), "int": pa.int64(), "float": pa.float64(),
         "bool": pa.bool_(), "list": pa.string()}


def arrow_table(name: str, rows: list[dict]) -> pa.Table:
    spec = BY_NAME[name]
    unknown = {k for r in rows for k in r} - set(spec.names)
    if unknown:
        raise KeyError(f"{name} has no column(s) {sorted(unknown)}")
    return pa.table({c.name: pa.array([r.get(c.name) for r in rows], ARROW[c.type]) for c in spec.columns})


def store_with(path: Path, tables: dict[str, list[dict]], extract_date: dt.date,
               coverage_from: dt.date = dt.date(2000, 1, 1)) -> tuple[Store, int]:
    """A store holding one snapshot of the given rows, covering coverage_from to extract_date."""
    arrow = {name: arrow_table(name, rows) for name, rows in tables.items()}
    coverage = {name: (coverage_from, extract_date) for name in arrow}
    store = Store(path)
    sid = store.write_snapshot(Loaded(arrow, [], [], coverage, extract_date))
    return store, sid
