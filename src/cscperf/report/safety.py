"""Tables as the public sees them: every count through suppression, suppressed cells as [c].

The committee report is a public paper, so each of its tables is built here from counts that have
been through `cscperf.suppression` (primary: 1 to `threshold` shown as [c]; secondary: no hidden cell
recoverable from its total and siblings). Figures derived from a hidden count (its percentage, an
average over it) are hidden with it. A table cell knows its kind: a row header, a count, a value or
text; the templates mark count cells (`class="count"`) so tests can check that no table shows a
count of 1 to 5.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cscperf.report import formatting as fmt
from cscperf.report.data import C
from cscperf.report.distributions import Breakdown
from cscperf.suppression import is_small, suppress

LABEL, COUNT, VALUE, TEXT = "label", "count", "value", "text"


@dataclass
class Cell:
    text: str
    kind: str = TEXT
    suppressed: bool = False

    @property
    def numeric(self) -> bool:
        return self.kind in (COUNT, VALUE)


@dataclass
class Table:
    id: str
    caption: str
    header: list[str]
    rows: list[list[Cell]]
    total_row: int | None = None         # index of the whole's row, if the table has one
    note: str = ""
    numeric_cols: list[bool] = field(default_factory=list)

    def __post_init__(self):
        if not self.numeric_cols:
            self.numeric_cols = [False] + [True] * (len(self.header) - 1)

    @property
    def suppressed_cells(self) -> int:
        return sum(c.suppressed for r in self.rows for c in r)


def count_cell(x: float | None, suppressed: bool = False) -> Cell:
    if suppressed:
        return Cell(C, COUNT, True)
    return Cell(fmt.count(x), COUNT)


def value_cell(x: float | None, unit: str = "", decimals: int = 1, suppressed: bool = False) -> Cell:
    if suppressed:
        return Cell(C, VALUE, True)
    if x is None:
        return Cell(fmt.DASH, VALUE)
    return Cell(fmt.value(x, unit, decimals) if unit else fmt.number(x, decimals), VALUE)


def pct(part: float | None, whole: float | None) -> float | None:
    return None if part is None or not whole else 100 * part / whole


def suppress_breakdown(b: Breakdown, threshold: int) -> tuple[dict, list[tuple[str, dict]]]:
    """The breakdown's total and rows with every count that must not be shown set to None, and a
    `suppressed` flag on each. Rows whose categories can overlap (adds_up False) are still protected as
    siblings of the total: over-cautious for them, never under."""
    rows = [{"indicator": b.title, "period_end": None, "breakdown": "all", **b.total}]
    rows += [{"indicator": b.title, "period_end": None, "breakdown": f"category={label}", **counts}
             for label, counts in b.rows]
    safe = suppress(rows, lambda _: b.fields, threshold)
    for r in safe:
        if r["suppressed"]:
            for f in b.fields:
                r[f] = None
    total = safe[0]
    return total, [(label, r) for (label, _), r in zip(b.rows, safe[1:])]


def suppress_counts(counts: dict[str, float | None], threshold: int) -> dict[str, float | None]:
    """Independent counts (no total they add up to), each hidden if it is 1 to `threshold`."""
    return {k: (None if is_small(v, threshold) else v) for k, v in counts.items()}


def breakdown_table(table_id: str, caption: str, b: Breakdown, threshold: int, labels: dict[str, str],
                    first: str, share_of: str | None = None, total_label: str = "All", note: str = "") -> Table:
    """A category table: one row per category, a count column per field, and optionally each row's
    share of the total for one field (hidden with the count)."""
    total, rows = suppress_breakdown(b, threshold)
    header = [first] + [labels[f] for f in b.fields] + ([f"% of all {labels[share_of].lower()}"] if share_of else [])

    def line(label: str, r: dict, is_total: bool) -> list[Cell]:
        cells = [Cell(label, LABEL)] + [count_cell(r[f], r["suppressed"]) for f in b.fields]
        if share_of:
            cells.append(value_cell(100.0 if is_total and r[share_of] else pct(r[share_of], total[share_of]), "%", 1,
                                    r["suppressed"] or total["suppressed"]))
        return cells

    body = [line(total_label, total, True)] + [line(label, r, False) for label, r in rows]
    extra = "" if b.adds_up else " A child or interview can be in more than one row, so rows can add up to more than the total."
    return Table(table_id, caption, header, body, total_row=0, note=(note + extra).strip())
