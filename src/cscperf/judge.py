"""Judging a figure: RAG against a target, and direction of travel between two figures.

Pure functions, no I/O, so every output (scorecard, dashboard, commentary) judges alike.

RAG (committee-reports.md §4, "target + per-indicator tolerance"):

* polarity up:   value >= target -> Green; target - tolerance <= value < target -> Amber; else Red.
* polarity down: mirrored: value <= target -> Green; up to target + tolerance -> Amber; else Red.
* context measures, no target, or no value -> Not rated.

Direction of travel (committee-reports.md §5) keeps *direction* (up, down, no material change) apart
from *judgement* (improving, worsening; "not judged" for context measures), and ignores changes
inside a "no material change" band so that one child cannot flip an arrow.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

GREEN, AMBER, RED, NOT_RATED = "Green", "Amber", "Red", "Not rated"
UP, DOWN, CONTEXT = "up", "down", "context"   # as cscperf.indicators.spec

UP_ARROW, DOWN_ARROW, FLAT_ARROW, NO_ARROW = "↑", "↓", "→", "–"
IMPROVING, WORSENING, NO_CHANGE, NOT_JUDGED, NO_COMPARISON = (
    "improving", "worsening", "no material change", "not judged", "no figure to compare")

# The "no material change" band. A change smaller than this is shown as → "no material change".
PP_BAND = 0.5           # percentages: under 0.5 percentage points
RELATIVE_BAND = 0.01    # every other unit: under 1% of the earlier figure

# Guard against binary floating point at exact boundaries (80 - 5 must be 75, not 74.99999999).
_EPS = 1e-9


class Judged(NamedTuple):
    arrow: str
    word: str


def round_half_up(x: float, decimals: int) -> float:
    """Round as people do (76.25 -> 76.3), not as binary floats do (round(76.25, 1) is 76.2).

    Uses the float's shortest repr, so 76.25 is taken to be exactly 76.25."""
    return float(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def _target_parts(target) -> tuple[float, float] | None:
    """A config Target (value, tolerance), a (value, tolerance) pair or a bare number."""
    if target is None:
        return None
    if isinstance(target, (int, float)):
        return float(target), 0.0
    if isinstance(target, tuple) and not hasattr(target, "value"):
        return float(target[0]), float(target[1]) if len(target) > 1 else 0.0
    return float(target.value), float(getattr(target, "tolerance", 0.0) or 0.0)


def rag(value: float | None, target, polarity: str, decimals: int | None = None) -> str:
    """Green, Amber, Red or Not rated.

    `target` is a `cscperf.config.Target` (value, tolerance), a (value, tolerance) pair or a number
    (no tolerance). With `decimals`, the value is first rounded as it is printed (half up), so a
    figure shown as meeting the target is never rated as missing it.
    """
    parts = _target_parts(target)
    if value is None or parts is None or polarity not in (UP, DOWN):
        return NOT_RATED
    goal, tolerance = parts
    if tolerance < 0:
        raise ValueError(f"tolerance must not be negative (got {tolerance})")
    v = round_half_up(value, decimals) if decimals is not None else value
    # Shortfall: how far the value is on the wrong side of the target (negative or 0 when met).
    shortfall = goal - v if polarity == UP else v - goal
    if shortfall <= _EPS:
        return GREEN
    if shortfall <= tolerance + _EPS:
        return AMBER
    return RED


def movement(current: float | None, previous: float | None, unit: str, band: float | None = None) -> str | None:
    """"up", "down" or "flat" (a change inside the no-material-change band); None if either is missing.

    The band is `band` if given (in the indicator's units), else PP_BAND percentage points for "%"
    and RELATIVE_BAND of the earlier figure for every other unit.
    """
    if current is None or previous is None:
        return None
    change = current - previous
    if band is None:
        band = PP_BAND if unit == "%" else RELATIVE_BAND * abs(previous)
    if abs(change) < band - _EPS or abs(change) <= _EPS:
        return "flat"
    return "up" if change > 0 else "down"


def direction(current: float | None, previous: float | None, polarity: str, unit: str,
              band: float | None = None) -> Judged:
    """(arrow, word): the arrow shows which way the figure moved, the word judges it.

    ↑/↓ with "improving" or "worsening" by polarity; ↑/↓ with "not judged" for context measures;
    → "no material change" inside the band; – "no figure to compare" if either figure is missing.
    """
    moved = movement(current, previous, unit, band)
    if moved is None:
        return Judged(NO_ARROW, NO_COMPARISON)
    if moved == "flat":
        return Judged(FLAT_ARROW, NO_CHANGE)
    arrow = UP_ARROW if moved == "up" else DOWN_ARROW
    if polarity not in (UP, DOWN):
        return Judged(arrow, NOT_JUDGED)
    better = (moved == "up") == (polarity == UP)
    return Judged(arrow, IMPROVING if better else WORSENING)


def band_text(unit: str) -> str:
    """The no-material-change band in words, for the report key."""
    if unit == "%":
        return f"less than {PP_BAND:g} percentage points"
    return f"less than {RELATIVE_BAND * 100:g}% of the earlier figure"
