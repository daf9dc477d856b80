"""Working-day arithmetic on day ordinals, fast enough to call a million times.

The simulation keeps every date as `date.toordinal()` (an int) and only turns it into text when a file
is written. Working days come from `cscperf.workdays` (weekends and England bank holidays), so the
events we plant and the indicators that measure them count days alike: `busdays(a, b)` is the
number of working days in [a, b), the same rule as `workdays.busday_count`.
"""

from __future__ import annotations

import datetime as dt

from cscperf import workdays


class Days:
    def __init__(self, first: dt.date, last: dt.date):
        first = max(first, workdays.CALENDAR_START + dt.timedelta(days=1))
        last = min(last, workdays.CALENDAR_END)
        cal = workdays.calendar_table(start=first - dt.timedelta(days=1), end=last)
        self.base = first.toordinal() - 1
        self.last = last.toordinal()
        working = cal.column("is_working").to_pylist()
        self._w = cal.column("wd").to_pylist()          # W(d): working days up to and including d
        self._working = working
        self.wdays = [self.base + i for i, w in enumerate(working) if w]
        # Index into wdays of the first working day on or after each day.
        nxt, j = [], 0
        for i, w in enumerate(working):
            nxt.append(j)
            if w:
                j += 1
        self._next = nxt
        self._iso: dict[int, str] = {}
        self._uk: dict[int, str] = {}

    def _i(self, o: int) -> int:
        i = o - self.base
        if i < 1 or i >= len(self._working):
            raise ValueError(f"{dt.date.fromordinal(o)} is outside the synthetic calendar")
        return i

    def is_working(self, o: int) -> bool:
        return self._working[self._i(o)]

    def busdays(self, a: int, b: int) -> int:
        """Working days in [a, b): W(b - 1) - W(a - 1)."""
        return self._w[self._i(b) - 1] - self._w[self._i(a) - 1]

    # Past the end of the calendar (long after any extract date, so never written) days are
    # approximated rather than refused: a baby in care may have a planned exit decades ahead.

    def on_or_after(self, o: int) -> int:
        if o >= self.last - 30:
            return o
        return self.wdays[self._next[self._i(o)]]

    def add(self, o: int, n: int) -> int:
        """`o + n` working days, rolling a non-working `o` forward first (numpy busday_offset)."""
        if o >= self.last - 30 - 2 * n:
            return o + n * 7 // 5
        return self.wdays[self._next[self._i(o)] + n]

    def on_or_before(self, o: int) -> int:
        if o >= self.last - 30:
            return o
        i = self._next[self._i(o)]
        return self.wdays[i] if self.wdays[i] == o else self.wdays[i - 1]

    def earliest_within(self, o: int, n: int) -> int:
        """The earliest day x with busdays(x, o) <= n: the start of an n-working-day window ending at o."""
        # busdays(x, o) counts working days in [x, o); the n-th working day before o starts the window.
        i = self._next[self._i(o)]          # working days strictly before o have indices < i
        return self.wdays[i - n] if n > 0 else o

    def iso(self, o: int | None) -> str:
        if o is None:
            return ""
        s = self._iso.get(o)
        if s is None:
            s = self._iso[o] = dt.date.fromordinal(o).isoformat()
        return s

    def uk(self, o: int | None) -> str:
        if o is None:
            return ""
        s = self._uk.get(o)
        if s is None:
            d = dt.date.fromordinal(o)
            s = self._uk[o] = f"{d.day:02d}/{d.month:02d}/{d.year:04d}"
        return s


def ordinal(d: dt.date) -> int:
    return d.toordinal()


def add_years(o: int, years: int) -> int:
    """Same day `years` later; 29 February goes to 28 February (birthdays)."""
    d = dt.date.fromordinal(o)
    try:
        return d.replace(year=d.year + years).toordinal()
    except ValueError:
        return d.replace(year=d.year + years, day=28).toordinal()


def add_months(o: int, months: int) -> int:
    d = dt.date.fromordinal(o)
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return dt.date(y, m, day).toordinal()
        except ValueError:
            continue
    raise AssertionError


def age_at(dob: int, o: int) -> int:
    b, d = dt.date.fromordinal(dob), dt.date.fromordinal(o)
    return d.year - b.year - ((d.month, d.day) < (b.month, b.day))


def month_ends(first: dt.date, last: dt.date) -> list[int]:
    from cscperf.periods import month_ends as me

    return [d.toordinal() for d in me(first, last)]


def year_end(o: int) -> int:
    """The collection year (year ending 31 March) a day falls in."""
    d = dt.date.fromordinal(o)
    return d.year + 1 if d.month >= 4 else d.year
