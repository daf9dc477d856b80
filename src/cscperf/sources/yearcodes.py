"""Codes valid only in some collection years: a code outside its year's list is kept, with a warning.

The rules are data in `model.codes.YEAR_CODES`. A file's collection year is known only once its parts
are grouped (`load._assign_collection_years`), after typing, so this runs then, on the text as written
(SSDA903 SEX 1 and M both load as M, but only one of them is right for a given year). One warning per
file, column and code, at its first row, saying how many rows hold it.
"""

from __future__ import annotations

from cscperf.model import codes
from cscperf.sources.csvtext import TextTable
from cscperf.sources.layouts import Layout, norm
from cscperf.sources.problems import WARNING, Problem


def check(layout: Layout, text: TextTable, year: int | None) -> list[Problem]:
    """Warnings for the codes in the part that the list of its collection year does not hold."""
    if year is None:
        return []
    by_norm = {norm(h): i for i, h in enumerate(text.header)}
    problems = []
    for file_col, canon in layout.columns.items():
        rule = codes.YEAR_CODES.get((layout.format, canon))
        i = by_norm.get(norm(file_col))
        if rule is None or i is None:
            continue
        found: dict[str, list[int]] = {}          # code -> [first line, rows]
        for row, line in zip(text.rows, text.lines):
            code = row[i].strip().upper()
            if code in rule[1]:
                if code in found:
                    found[code][1] += 1
                else:
                    found[code] = [line, 1]
        for code, (line, n) in found.items():
            why = codes.year_code_problem(layout.format, canon, code, year)
            if why:
                more = f"; {n} rows hold it, this is the first" if n > 1 else ""
                problems.append(Problem(text.name, line, text.header[i], code, "code-year",
                                        f"{why}, and this file is for {codes.collection_year_name(year)}; "
                                        f"kept as written{more}", WARNING))
    return problems


def check_parts(parts: dict) -> list[Problem]:
    """`check` for every typed part of a load (`load.Typed`, which keeps its text as read)."""
    return [p for table_parts in parts.values() for t in table_parts if t.part is not None
            for p in check(t.layout, t.part.text, t.result.collection_year)]
