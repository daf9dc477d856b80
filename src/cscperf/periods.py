"""Month ends and the windows that end on them (kpis.md §1.3)."""

from __future__ import annotations

import datetime as dt

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


def window_start(d: dt.date) -> dt.date:
    """Rolling 12 months to D: from the first day of the month 11 months before D's month.

    Built from month boundaries, not "D minus a year", so that 28 February in the year after a leap
    year does not take in 29 February (kpis.md §1.3)."""
    months = d.year * 12 + d.month - 1 - 11
    return dt.date(months // 12, months % 12 + 1, 1)


def year_start(d: dt.date) -> dt.date:
    """1 April of the reporting year (April to March) containing D."""
    return dt.date(d.year if d.month >= 4 else d.year - 1, 4, 1)


def periods_table(ends: list[dt.date]) -> pa.Table:
    return pa.table({
        "period_end": pa.array(ends, pa.date32()),
        "window_start": pa.array([window_start(d) for d in ends], pa.date32()),
        "ytd_start": pa.array([year_start(d) for d in ends], pa.date32()),
    })
