"""Comparators: England, region and statistical neighbours (mean and median), each with its year and source.

England figures cited in the catalogue (kpis.md) ship with cscperf (`data/england.csv`). Regional and
statistical-neighbour figures come from DfE's published local-authority CSVs (explore education
statistics), read in their own layout: one row per area and year with `time_period`,
`geographic_level` (National / Regional / Local authority), `region_name`, `la_name`, `new_la_code`,
and a column per measure; the config says which column holds which indicator. DfE's symbols for a
figure not shown (c, x, z, u, k, low, :) are read as "no figure", never as zero (kpis.md §6).
"""

from __future__ import annotations

import csv
import datetime as dt
import statistics
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from cscperf.config import Config

ENGLAND, REGION, SN_MEAN, SN_MEDIAN = "England", "Region", "SN mean", "SN median"
GSS_SYMBOLS = {"c", "x", "z", "u", "k", "low", ":", ".", ""}


class ComparatorError(ValueError):
    pass


@dataclass(frozen=True)
class Comparator:
    indicator: str
    level: str              # ENGLAND, REGION, SN_MEAN, SN_MEDIAN
    value: float
    period_end: dt.date     # the end of the year the figure is for
    time_period: str        # as published, e.g. 2024-25
    source: str
    areas: int = 1          # how many areas the average is over (statistical neighbours with a figure)


def _number(text: str | None) -> float | None:
    text = (text or "").strip().lower().replace(",", "").rstrip("%")
    if text in GSS_SYMBOLS:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def year_end(time_period: str, september: bool = False) -> dt.date:
    """DfE time periods: 202425 is the year ending 31 March 2025; 2025 is the year ending 31 March
    2025, or 30 September 2025 for the workforce census."""
    text = str(time_period).strip()
    if len(text) == 6 and text.isdigit():
        return dt.date(int(text[:4]) + 1, 3, 31)
    if len(text) == 4 and text.isdigit():
        return dt.date(int(text), 9, 30) if september else dt.date(int(text), 3, 31)
    raise ComparatorError(f"time_period {time_period!r}: expected YYYY or YYYYYY (e.g. 2025 or 202425)")


def england() -> list[Comparator]:
    """The England figures shipped with cscperf, from the catalogue's sources."""
    text = files("cscperf").joinpath("data/england.csv").read_text(encoding="utf-8")
    return [Comparator(r["indicator"], ENGLAND, float(r["value"]), dt.date.fromisoformat(r["period_end"]),
                       r["time_period"], r["source"]) for r in csv.DictReader(text.splitlines())]


def from_dfe_file(path: Path, measures: dict[str, str], region: str, neighbours: list[str]) -> list[Comparator]:
    """England, region and statistical-neighbour figures from one DfE LA-level CSV."""
    from cscperf.indicators import get

    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        header = set(reader.fieldnames or [])
        missing = {"time_period", "geographic_level"} - header
        if missing:
            raise ComparatorError(f"{path}, row 1: not a DfE published table; no column {', '.join(sorted(missing))}")
        used = {ind: col for ind, col in measures.items() if col in header}
        rows = list(reader)
    wanted = {n.strip().lower() for n in neighbours}
    out: list[Comparator] = []
    source = f"DfE, {path.name}"
    for ind, col in used.items():
        september = get(ind).area == "Workforce"
        by_year: dict[str, dict[str, list[float]]] = {}
        for r in rows:
            value = _number(r.get(col))
            if value is None:
                continue
            level = r["geographic_level"].strip().lower()
            slot = by_year.setdefault(r["time_period"], {"england": [], "region": [], "sn": []})
            if level == "national":
                slot["england"].append(value)
            elif level == "regional" and region and r.get("region_name", "").strip().lower() == region.lower():
                slot["region"].append(value)
            elif level == "local authority" and wanted & {r.get("new_la_code", "").strip().lower(),
                                                          r.get("la_name", "").strip().lower()}:
                slot["sn"].append(value)
        for period, slot in by_year.items():
            end = year_end(period, september)
            label = f"{period[:4]}-{period[4:]}" if len(period) == 6 else period
            if slot["england"]:
                out.append(Comparator(ind, ENGLAND, slot["england"][0], end, label, source))
            if slot["region"]:
                out.append(Comparator(ind, REGION, slot["region"][0], end, label, source))
            if slot["sn"]:
                n = len(slot["sn"])
                out.append(Comparator(ind, SN_MEAN, statistics.fmean(slot["sn"]), end, label, source, n))
                out.append(Comparator(ind, SN_MEDIAN, statistics.median(slot["sn"]), end, label, source, n))
    return out


def load(config: Config) -> list[Comparator]:
    """Every comparator for the council: the shipped England figures, then its DfE files (a figure
    from a file replaces the shipped one for the same indicator, level and year)."""
    found = {(c.indicator, c.level, c.period_end): c for c in england()}
    for path in config.comparator_files:
        if not path.exists():
            raise ComparatorError(f"{path}: comparator file not found; check [comparators] files in {config.path}")
        for c in from_dfe_file(path, config.comparator_measures, config.region, config.statistical_neighbours):
            found[(c.indicator, c.level, c.period_end)] = c
    return sorted(found.values(), key=lambda c: (c.indicator, c.level, c.period_end))


def latest(comparators: list[Comparator], indicator: str, level: str, on_or_before: dt.date) -> Comparator | None:
    """The most recent published figure for a year ending on or before a date."""
    found = [c for c in comparators if c.indicator == indicator and c.level == level and c.period_end <= on_or_before]
    return max(found, key=lambda c: c.period_end) if found else None
