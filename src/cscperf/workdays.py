"""Working days for England and Wales: Monday to Friday less bank holidays and local closures.

One rule everywhere (kpis.md §1.1): the working days between a and b are those in [a, b), as
`numpy.busday_count(a, b)`, and "within N working days" means that count is <= N. SQL engines get
the same rule from a calendar table holding W(d), the running count of working days up to and
including d: busday_count(a, b) = W(b - 1 day) - W(a - 1 day). Every engine joins to that one table,
so every engine counts alike.

Bank holidays come from the `holidays` package (GB, England), which carries the one-off days
(3 June 2022, 19 September 2022, 8 May 2023). A council adds closures, or a one-off holiday announced
after the package was released, in an override CSV: `date,working,reason` with working = no (a day
off) or yes (a listed holiday the council works).
"""

from __future__ import annotations

import csv
import datetime as dt
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa

# Wide enough for any date a return holds; W(d) must exist one day before the earliest date looked up.
CALENDAR_START = dt.date(1980, 1, 1)
CALENDAR_END = dt.date(2045, 12, 31)


class CalendarError(ValueError):
    pass


def read_overrides(path: str | Path | None) -> dict[dt.date, bool]:
    """Read a closures file: date -> True if the day is worked, False if it is a day off."""
    if not path:
        return {}
    out: dict[dt.date, bool] = {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        if not reader.fieldnames or {"date", "working"} - {h.strip().lower() for h in reader.fieldnames}:
            raise CalendarError(f"{path}, row 1: expected the columns date,working,reason")
        for row in reader:
            row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
            try:
                day = dt.date.fromisoformat(row["date"])
            except ValueError:
                raise CalendarError(
                    f"{path}, row {reader.line_num}, column date: {row['date']!r} is not a date; expected YYYY-MM-DD"
                ) from None
            working = row["working"].lower()
            if working not in ("yes", "no"):
                raise CalendarError(f"{path}, row {reader.line_num}, column working: {row['working']!r}; expected yes or no")
            out[day] = working == "yes"
    return out


@lru_cache(maxsize=8)
def _bank_holidays(start_year: int, end_year: int) -> frozenset[dt.date]:
    import holidays

    days = holidays.country_holidays("GB", subdiv="ENG", years=range(start_year, end_year + 1))
    # Christmas and New Year falling at a weekend come with a separate "(observed)" weekday;
    # weekend days are not working days anyway, so keep only weekday entries (stack-notes G8).
    return frozenset(d for d in days if d.weekday() < 5)


def holidays_between(start: dt.date, end: dt.date, overrides: dict[dt.date, bool] | None = None) -> list[dt.date]:
    """Weekday non-working days in [start, end], sorted."""
    days = set(d for d in _bank_holidays(start.year, end.year) if start <= d <= end)
    for day, working in (overrides or {}).items():
        if start <= day <= end:
            if working:
                days.discard(day)
            elif day.weekday() < 5:
                days.add(day)
    return sorted(days)


@lru_cache(maxsize=8)
def _busdaycal(overrides_key: tuple = ()) -> np.busdaycalendar:
    return np.busdaycalendar(weekmask="1111100", holidays=holidays_between(CALENDAR_START, CALENDAR_END, dict(overrides_key)))


def busday_count(a: dt.date, b: dt.date, overrides: dict[dt.date, bool] | None = None) -> int:
    """Working days in [a, b): the reference the SQL calendar must agree with."""
    return int(np.busday_count(a, b, busdaycal=_busdaycal(tuple(sorted((overrides or {}).items())))))


def add_working_days(start: dt.date, n: int, overrides: dict[dt.date, bool] | None = None) -> dt.date:
    """The due date `start + n working days` (busday_offset rolling forward, kpis.md §1.1)."""
    cal = _busdaycal(tuple(sorted((overrides or {}).items())))
    return np.busday_offset(start, n, roll="forward", busdaycal=cal).astype(dt.date)


def is_working_day(day: dt.date, overrides: dict[dt.date, bool] | None = None) -> bool:
    return bool(np.is_busday(day, busdaycal=_busdaycal(tuple(sorted((overrides or {}).items())))))


def calendar_table(overrides: dict[dt.date, bool] | None = None,
                   start: dt.date = CALENDAR_START, end: dt.date = CALENDAR_END) -> pa.Table:
    """The calendar as a table: d, is_working, wd (= W(d), working days up to and including d)."""
    days = np.arange(np.datetime64(start), np.datetime64(end) + 1, dtype="datetime64[D]")
    off = np.array(holidays_between(start, end, overrides), dtype="datetime64[D]")
    working = np.is_busday(days, weekmask="1111100", holidays=off)
    return pa.table({
        "d": pa.array(days, type=pa.date32()),
        "is_working": pa.array(working),
        "wd": pa.array(np.cumsum(working, dtype=np.int32)),
    })
