"""File layouts, and recognising a file's layout from its header (never from its name).

A layout says which canonical table a file fills and how its columns map onto that table's columns.
Readers for each format declare their layouts (`ssda903`, `templates`); `recognise` picks the one
whose columns the header holds, or explains which layout came closest and what it lacked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cscperf.sources.problems import ERROR, Problem


def norm(name: str) -> str:
    """Header names compare without case, outer spaces or the space/underscore difference."""
    return "_".join(name.strip().lstrip("\ufeff").lower().replace("_", " ").split())


@dataclass(frozen=True)
class Layout:
    name: str                      # shown to users, e.g. "SSDA903 episodes"
    format: str                    # "ssda903" or "template"
    table: str                     # the canonical table it fills
    columns: dict[str, str]        # column as written in the file -> canonical column
    optional: frozenset[str] = frozenset()   # file columns that may be absent
    known: frozenset[str] = frozenset()      # file columns recognised but stored elsewhere (e.g. DOB)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # canonical column -> value map
    priority: int = 1              # when two sources hold the same record, the higher one wins
    # canonical column -> the value every row has, when the kind of file says it (an SSD ssd_cp_visits file
    # holds CP visits): used where the file has no column for it
    constants: dict[str, str] = field(default_factory=dict)
    # a file cscperf recognises but does not load (an SSD table with no canonical table): why, for the warning
    skip: str | None = None
    # file columns known to be there and deliberately not loaded (an SSD extract's names, JSON outcomes): not
    # required, and no "extra column" warning
    ignored: frozenset[str] = frozenset()

    @property
    def required(self) -> set[str]:
        return {norm(c) for c in self.columns if c not in self.optional} | {norm(c) for c in self.known}

    @property
    def all_columns(self) -> set[str]:
        return {norm(c) for c in self.columns} | {norm(c) for c in self.known}


def recognise(header: list[str], layouts: list[Layout], file: str) -> tuple[Layout | None, list[Problem]]:
    """The layout this header belongs to; or None and a problem naming the closest layout."""
    have = {norm(h) for h in header if h.strip()}
    candidates = [lay for lay in layouts if lay.required <= have]
    if candidates:
        best = max(candidates, key=lambda lay: (len(have & lay.all_columns), -len(lay.all_columns)))
        problems = []
        for h in header:
            if h.strip() and norm(h) not in best.all_columns and norm(h) not in {norm(c) for c in best.ignored}:
                problems.append(Problem(file, 1, h, None, "extra-column",
                                        f"this column is not part of the {best.name} layout; it was not loaded",
                                        "warning"))
        return best, problems
    if not have:
        return None, [Problem(file, 1, None, None, "header", "the file has no header row")]
    closest = max(layouts, key=lambda lay: (len(have & lay.all_columns) / len(lay.all_columns)))
    lacking = sorted(closest.required - have)
    originals = {norm(c): c for c in list(closest.columns) + list(closest.known)}
    unexpected = [h for h in header if norm(h) not in closest.all_columns]
    message = (f"header not recognised. The closest layout is {closest.name}, which needs the column(s) "
               f"{', '.join(originals[c] for c in lacking)}")
    if unexpected:
        message += f"; found instead {', '.join(unexpected)}"
    message += ". Check the header row, or run `cscperf template` for the expected columns"
    column = unexpected[0] if unexpected else originals[lacking[0]]
    return None, [Problem(file, 1, column, None, "header", message, ERROR)]
