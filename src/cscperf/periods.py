"""Periods: the month ends figures are computed at, and the window each kind of period covers (kpis.md §1.3).

A period is a closed date interval [start, D], both ends inclusive. Windows are built from month
boundaries, not "D minus a year", so that 28 February in the year after a leap year does not take in
29 February. Every kind of period an indicator can state is here, with the month ends it applies at.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

import pyarrow as pa

from cscperf.config import month_end


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every calendar month end D with start <= D <= end."""
    out, y, m = [], start.year, start.month
    while (d := month_end(y, m)) <= end:
        if d >= start:
            out.append(d)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def months_back(d: dt.date, months: int) -> dt.date:
    """The first day of the month `months` months before D's month."""
    n = d.year * 12 + d.month - 1 - months
    return dt.date(n // 12, n % 12 + 1, 1)


def window_start(d: dt.date) -> dt.date:
    """Rolling 12 months to D: from the first day of the month 11 months before D's month."""
    return months_back(d, 11)


def year_start(d: dt.date) -> dt.date:
    """1 April of the reporting year (April to March) containing D."""
    return dt.date(d.year if d.month >= 4 else d.year - 1, 4, 1)


@dataclass(frozen=True)
class PeriodKind:
    name: str                                   # as stated on an indicator
    start: Callable[[dt.date], dt.date]         # the first day of the period ending at D
    months: tuple[int, ...] = tuple(range(1, 13))   # the months whose ends it is computed at


SNAPSHOT = "month-end snapshot"
ROLLING_12 = "rolling 12 months"
YEAR_TO_DATE = "year to date (from 1 April)"
DFE_YEAR = "DfE year (April to March)"
WORKFORCE_YEAR = "workforce year (October to September)"
ROLLING_36 = "rolling 3 years"
QUARTER = "quarter"

KINDS: dict[str, PeriodKind] = {k.name: k for k in (
    PeriodKind(SNAPSHOT, lambda d: d.replace(day=1)),
    PeriodKind(ROLLING_12, window_start),
    PeriodKind(YEAR_TO_DATE, year_start),
    PeriodKind(DFE_YEAR, lambda d: dt.date(d.year - 1, 4, 1), months=(3,)),
    PeriodKind(WORKFORCE_YEAR, lambda d: dt.date(d.year - 1, 10, 1), months=(9,)),
    PeriodKind(ROLLING_36, lambda d: months_back(d, 35)),
    PeriodKind(QUARTER, lambda d: months_back(d, 2), months=(3, 6, 9, 12)),
)}


def period_ends(kind: str, start: dt.date, end: dt.date) -> list[dt.date]:
    """The month ends in [start, end] at which a period of this kind is reported."""
    return [d for d in month_ends(start, end) if d.month in KINDS[kind].months]


def months_in(kind: str, d: dt.date) -> list[dt.date]:
    """The month ends of the period of `kind` ending at D: the months whose sums an indicator that adds up by
    month adds up to its figure at D."""
    return month_ends(KINDS[kind].start(d), d)


def periods_table(ends: list[dt.date], kind: str = ROLLING_12) -> pa.Table:
    """period_end; period_start (the start of the period of `kind` ending there); window_start
    (rolling 12 months, for look-backs); ytd_start (1 April)."""
    start = KINDS[kind].start
    return pa.table({
        "period_end": pa.array(ends, pa.date32()),
        "period_start": pa.array([start(d) for d in ends], pa.date32()),
        "window_start": pa.array([window_start(d) for d in ends], pa.date32()),
        "ytd_start": pa.array([year_start(d) for d in ends], pa.date32()),
    })
