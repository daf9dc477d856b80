"""Small-number suppression for everything a reader without child-level access sees (kpis.md §6).

Primary: a figure resting on 1 to `threshold` children (5 by default, the DfE convention) is shown as
"c"; zero is shown. Secondary: within each breakdown (the teams of one indicator in one month, say),
whose cells add up to the figure for the whole council, a single hidden cell could be worked out by
subtraction, and so could two hidden cells whose sum is small; so the next smallest cells are hidden
too until no hidden cell can be recovered from the total and its siblings. If the whole council's
figure rests on 1 to `threshold` children, every figure of that indicator in that month is hidden.

Which counts matter depends on the measure: for a percentage, its numerator and denominator; for a
rate per 10,000, the numerator (the denominator is the population); otherwise the number of units
the figure averages over.
"""

from __future__ import annotations

from collections import defaultdict

SUPPRESSED = "c"
HIDDEN_FIELDS = ("numerator", "denominator", "value", "units")


def count_fields(ind) -> tuple[str, ...]:
    if ind.is_percentage:
        return ("numerator", "denominator")
    if ind.per_population:
        return ("numerator",)
    return ("units",)


def is_small(value, threshold: int) -> bool:
    """The primary rule, for any one count: 1 to `threshold` (a net change such as WF07b's numerator by
    its size: -3 tells as much as +3)."""
    return value is not None and 0 < abs(value) <= threshold


def _small(row: dict, fields: tuple[str, ...], threshold: int) -> bool:
    return any(is_small(row.get(f), threshold) for f in fields)


def _recoverable(hidden: list[dict], fields: tuple[str, ...], threshold: int) -> bool:
    """Could a hidden cell be worked out from the total and the shown siblings?"""
    if len(hidden) == 1:
        return True
    return any(0 < sum(r.get(f) or 0 for r in hidden) <= threshold for f in fields)


def suppress(rows: list[dict], fields_of, threshold: int) -> list[dict]:
    """Return copies of result rows with small numbers hidden: numerator, denominator and value set to
    None and `suppressed` True. `fields_of(indicator_id)` gives the counts that matter for a row."""
    out = [dict(r, suppressed=False) for r in rows]
    if threshold <= 0:
        return out
    groups: dict[tuple, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in out:
        dimension = r["breakdown"].split("=", 1)[0]
        groups[(r["indicator"], r["period_end"])][dimension].append(r)
    for (indicator, _), dims in groups.items():
        fields = fields_of(indicator)
        totals = dims.get("all", [])
        if any(_small(t, fields, threshold) for t in totals):
            for cells in dims.values():
                for r in cells:
                    r["suppressed"] = True
            continue
        for dimension, cells in dims.items():
            if dimension == "all":
                continue
            hidden = [r for r in cells if _small(r, fields, threshold)]
            shown = sorted((r for r in cells if r not in hidden and any((r.get(f) or 0) > 0 for f in fields)),
                           key=lambda r: tuple(r.get(f) or 0 for f in reversed(fields)))
            while hidden and _recoverable(hidden, fields, threshold) and shown:
                hidden.append(shown.pop(0))
            for r in hidden:
                r["suppressed"] = True
    for r in out:
        if r["suppressed"]:
            for f in HIDDEN_FIELDS:
                r[f] = None
    return out


def shown(value, suppressed: bool):
    """A value as a public reader sees it: the figure, or "c"."""
    return SUPPRESSED if suppressed else value
