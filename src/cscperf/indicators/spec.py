"""How an indicator is declared, and the registry that holds the catalogue.

An indicator is declared once, with its metadata and a function that builds an Ibis expression of
its *units*: one row per period end and per counted thing (a child, a plan, an assessment, a
worker), with `num` and `den`, the unit's share of the numerator and denominator. The engine sums
them to the figure; the same rows, filtered, are the child-level list behind it; grouped by a
breakdown column, they are the breakdown. So a figure and its list cannot disagree.

    value = sum(num) / sum(den) * scale            (den = child population for rates per 10,000)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from cscperf.periods import (DFE_YEAR, KINDS, QUARTER, ROLLING_12, ROLLING_36, SNAPSHOT,  # noqa: F401
                             WORKFORCE_YEAR, YEAR_TO_DATE)

UP, DOWN, CONTEXT = "up", "down", "context"

AREAS = ("Front door", "Assessment", "Section 47 and ICPC", "Child protection", "Children in need",
         "Looked after children", "Missing", "Care leavers", "Adoption", "Courts", "Workforce")


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    area: str
    unit: str                   # "%", "per 10,000", "weeks", "incidents per child", "cases per FTE"
    polarity: str               # UP, DOWN or CONTEXT
    numerator: str              # in words
    denominator: str            # in words
    period: str                 # a kind of period from cscperf.periods (SNAPSHOT, ROLLING_12, YEAR_TO_DATE, ...)
    sources: tuple[str, ...]    # canonical tables read; their coverage bounds the period ends
    reference: str              # where the rule comes from (kpis.md row or section)
    build: Callable = field(repr=False, compare=False)
    scale: float = 1.0
    per_population: bool = False    # den is the child population aged 0-17 (rates per 10,000)
    params: dict = field(default_factory=dict, compare=False)
    decimals: int = 1
    breakdowns: tuple[str, ...] = ()   # unit columns the engine also groups by
    # Months of data needed before the period's own window (before D's month for a snapshot, before
    # the window start for a rolling period): a look-back for earlier placements or referrals. The
    # engine computes only month ends for which the data reaches that far back.
    history_months: int = 0
    # A distribution ("contacts by source", "placement mix"): each breakdown value's figure is its
    # share of the whole (its numerator over the whole council's denominator), not a rate within it.
    shares: bool = False
    # False where units are ranked within the whole figure (a median's middle, the one unit carrying a
    # count's 1): pooled, they are ranked across councils, which is right for the pool but not for any
    # council, so the engine computes each council apart as well (ranking by `Context.with_group`).
    by_council: bool = True
    # The figure for a period is the sum of its calendar months' figures: every unit is an event placed in one
    # month by its own date (`in_window` over period_start..period_end), and neither its num and den nor its own
    # breakdowns depend on the period end. The engine then computes each month once and adds up the months of each
    # period, rather than every unit once for each of the 12 (or 36) period ends whose window holds it. Child
    # breakdowns (age band, team, worker) are then as at the end of the event's month. tests/test_by_month.py
    # checks every indicator that says so against the direct computation.
    by_month: bool = False

    @property
    def is_percentage(self) -> bool:
        return self.unit == "%"


REGISTRY: dict[str, Indicator] = {}


def indicator(**meta) -> Callable:
    """Register the decorated units-builder as an indicator of the catalogue."""
    def register(build: Callable) -> Callable:
        ind = Indicator(build=build, **meta)
        if ind.id in REGISTRY:
            raise ValueError(f"indicator {ind.id} is declared twice")
        if ind.area not in AREAS:
            raise ValueError(f"indicator {ind.id}: unknown area {ind.area!r}")
        if ind.polarity not in (UP, DOWN, CONTEXT):
            raise ValueError(f"indicator {ind.id}: polarity must be up, down or context")
        if ind.period not in KINDS:
            raise ValueError(f"indicator {ind.id}: unknown period rule {ind.period!r}")
        if ind.by_month and (ind.period == SNAPSHOT or not ind.by_council):
            raise ValueError(f"indicator {ind.id}: by_month is for events over a period, each counted on its own")
        REGISTRY[ind.id] = ind
        return build
    return register
