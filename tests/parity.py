"""Comparing another engine's results with DuckDB's on the same synthetic council
(tests/test_parity_postgres.py, tests/test_parity_spark.py; the council is the `parity_council` fixture)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import time
from pathlib import Path

import pyarrow as pa

from cscperf import config as config_mod
from cscperf.config import Config

KEY = ("indicator", "period_end", "breakdown")
FIGURES = ("numerator", "denominator", "value")
SOURCES = ("ssda903", "cms", "workforce", "cin_census")
# Small and short, so Spark's one-query-per-indicator pace stays within the suite's budget.
SCALE, START, END = 0.05, dt.date(2022, 4, 1), dt.date(2024, 3, 31)


@dataclasses.dataclass
class Council:
    folder: Path
    config: Config
    start: dt.date
    extract_date: dt.date
    results: pa.Table      # DuckDB's
    seconds: float         # DuckDB's compute time

    def paths(self) -> list[Path]:
        return [self.folder / s for s in SOURCES]

    def with_engine(self, engine: str, store: Path | None = None) -> Config:
        return dataclasses.replace(self.config, engine=engine, store=store or self.config.store)


def build(folder: Path) -> Council:
    """Synthesise a small council, load it into DuckDB and compute the catalogue there."""
    from cscperf import engine, synth
    from cscperf.pipeline import load_files
    from cscperf.store import Store

    summary = synth.generate(folder, scale=SCALE, start=START, end=END)
    cfg = config_mod.load(folder / "cscperf.toml")
    council = Council(folder, cfg, summary.start, summary.extract_date, pa.table({}), 0.0)
    load_files(cfg, council.paths(), extract_date=summary.extract_date, covers_from=summary.start)
    with Store.of(cfg) as store:
        began = time.perf_counter()
        council.results = engine.compute(store, cfg)
        council.seconds = time.perf_counter() - began
    return council


def differences(expected: pa.Table, got: pa.Table, tolerance: float = 1e-6) -> list[str]:
    """Each figure that differs (or is missing on one side), as a line for the failure message."""
    def rows(t):
        return {tuple(r[k] for k in KEY): r for r in t.select([*KEY, *FIGURES]).to_pylist()}

    want, have = rows(expected), rows(got)
    out = [f"{k}: missing" for k in sorted(set(want) - set(have), key=str)]
    out += [f"{k}: not expected" for k in sorted(set(have) - set(want), key=str)]
    for k in sorted(set(want) & set(have), key=str):
        for f in FIGURES:
            a, b = want[k][f], have[k][f]
            if (a is None) != (b is None) or (a is not None and not math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance)):
                out.append(f"{k} {f}: DuckDB {a}, got {b}")
    return out


def report(lines: list[str], limit: int = 40) -> str:
    indicators = sorted({line.split("'")[1] for line in lines if "'" in line})
    return (f"{len(lines)} differences in {', '.join(indicators)}:\n" + "\n".join(lines[:limit]))
