"""Figures and months in words, the same in every table, chart description and commentary."""

from __future__ import annotations

import datetime as dt

from cscperf.judge import round_half_up

DASH = "–"   # no figure: an en dash, which screen readers skip rather than read as "minus"


def month_name(d: dt.date | None) -> str:
    return DASH if d is None else f"{d:%B %Y}"


def day(d: dt.date | None) -> str:
    """1 April 2024 (no leading zero, on any platform)."""
    return DASH if d is None else f"{d.day} {d:%B %Y}"


def number(x: float | None, decimals: int) -> str:
    if x is None:
        return DASH
    x = round_half_up(x, decimals)   # 76.25 prints as 76.3, as a reader rounding by hand would
    if x == 0:
        x = 0.0          # never print "-0.0"
    return f"{x:,.{decimals}f}"


def value(x: float | None, unit: str, decimals: int = 1) -> str:
    """76.3%, 67.1 per 10,000, 41.2 weeks, 15.8 cases per FTE; a count is just its number (120)."""
    if x is None:
        return DASH
    n = number(x, decimals)
    if unit in ("count", ""):
        return n
    return f"{n}%" if unit == "%" else f"{n} {unit}"


def count(x: float | None) -> str:
    """A numerator or denominator: whole numbers without decimals, others to one place."""
    if x is None:
        return DASH
    return f"{int(round(x)):,}" if abs(x - round(x)) < 1e-9 else f"{x:,.1f}"


def counts(numerator: float | None, denominator: float | None, unit: str) -> str:
    """The numbers behind a figure: "61 of 80" for a share or rate, "1,236 / 30" for an average."""
    if numerator is None and denominator is None:
        return ""
    sep = " of " if unit == "%" or unit.startswith("per ") else " / "
    return f"{count(numerator)}{sep}{count(denominator)}"


def polarity_text(polarity: str) -> str:
    return {"up": "Higher is better", "down": "Lower is better"}.get(polarity, "For information: no good direction")
