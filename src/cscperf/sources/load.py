"""From a list of files and folders to validated canonical tables, ready to store as one snapshot.

Each file is recognised by its header, typed column by column, and checked; then the files that
fill the same table are merged (a record repeated across collection years, or held by both a return
and a template, becomes one). Nothing is written here: the store writes all of it or none of it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from cscperf.model import BY_NAME
from cscperf.sources import ssda903, templates
from cscperf.sources.convert import convert
from cscperf.sources.csvtext import read_text_table
from cscperf.sources.layouts import Layout, recognise
from cscperf.sources.problems import ERROR, WARNING, LoadError, Problem

LAYOUTS: list[Layout] = ssda903.LAYOUTS + templates.LAYOUTS
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


@dataclass
class FileResult:
    path: str
    sha256: str
    layout: str | None = None
    table: str | None = None
    encoding: str | None = None
    rows_read: int = 0
    rows_rejected: int = 0
    collection_year: int | None = None   # SSDA903: the year ending 31 March the file was returned for

    @property
    def rows_loaded(self) -> int:
        return self.rows_read - self.rows_rejected


@dataclass
class Loaded:
    tables: dict[str, pa.Table]
    files: list[FileResult]
    problems: list[Problem]
    coverage: dict[str, tuple[dt.date, dt.date]]
    extract_date: dt.date | None
    skipped: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]


def expand(paths: list[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Files named directly, and the text files inside folders (sorted, so loads are repeatable)."""
    files, problems = [], []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES:
                    files.append(f)
                elif f.is_file():
                    problems.append(Problem(str(f), None, None, None, "format",
                                            f"{f.suffix or 'this'} files are not read yet; skipped", WARNING))
        elif p.is_file():
            files.append(p)
        else:
            problems.append(Problem(str(p), None, None, None, "missing-file", "no such file or folder", ERROR))
    return files, problems


def read_files(paths: list[str | Path], on_error: str = "abort", extract_date: dt.date | None = None,
               covers_from: dt.date | None = None) -> Loaded:
    """Read, check and merge files. on_error: "abort" (any error stops the load) or "reject"
    (rows with errors are left out, and files that cannot be read are left out whole).
    extract_date and covers_from, when known, say what period the extracts cover; otherwise the
    period is worked out from the data (`_coverage`)."""
    files, problems = expand(paths)
    results: list[FileResult] = []
    parts: dict[str, list[tuple[pa.Table, Layout, FileResult, int]]] = {}
    for index, path in enumerate(files):
        text = read_text_table(path)
        result = FileResult(str(path), text.sha256, encoding=text.encoding,
                            rows_read=len(text.rows) + len(text.problems))
        results.append(result)
        problems.extend(text.problems)
        if text.empty:
            problems.append(Problem(path.name, None, None, None, "empty", "the file is empty; nothing to load", WARNING))
            continue
        layout, found = recognise(text.header, LAYOUTS, path.name)
        problems.extend(found)
        if layout is None:
            result.rows_rejected = result.rows_read
            continue
        result.layout, result.table = layout.name, layout.table
        typed, found = convert(text, layout)
        problems.extend(found)
        bad_lines = {p.row for p in found + text.problems if p.severity == ERROR}
        result.rows_rejected = len(text.problems) + sum(1 for line in text.lines if line in bad_lines)
        if bad_lines:
            keep = pa.array([line not in bad_lines for line in typed.column("_line").to_pylist()])
            typed = typed.filter(keep)
        parts.setdefault(layout.table, []).append((typed, layout, result, index))

    if on_error == "abort" and any(p.severity == ERROR for p in problems):
        raise LoadError(problems)

    _assign_collection_years(parts)
    tables, merge_problems = _merge(parts)
    problems.extend(merge_problems)
    problems.extend(_orphans(tables))
    coverage = _coverage(tables, parts, covers_from)
    if extract_date is None and coverage:
        extract_date = max(to for _, to in coverage.values())
    return Loaded(tables, results, problems, coverage, extract_date)


def _assign_collection_years(parts) -> None:
    """SSDA903 files come a collection year at a time; work out each file's year from its episodes.

    Files are grouped by folder and the year in their name (2019-episodes.csv, SSDA903_2020_header.csv);
    a group's year ends on the 31 March on or after its latest episode start (DECOM). Only DECOM is
    used: review and end dates in real and sample files run past the year (data-standards.md §5).
    """
    groups: dict[tuple, list[FileResult]] = {}
    latest: dict[tuple, dt.date] = {}
    for table_parts in parts.values():
        for typed, layout, result, _ in table_parts:
            if layout.format != "ssda903":
                continue
            match = YEAR_IN_NAME.search(Path(result.path).name)
            key = (str(Path(result.path).parent), match.group(1) if match else None)
            groups.setdefault(key, []).append(result)
            if result.table == "cla_episodes":
                starts = [d for d in typed.column("start_date").to_pylist() if d is not None]
                if starts:
                    latest[key] = max([max(starts)] + ([latest[key]] if key in latest else []))
    for key, members in groups.items():
        if key in latest:
            year = latest[key].year + (1 if latest[key].month >= 4 else 0)
            for result in members:
                result.collection_year = year


def _merge(parts) -> tuple[dict[str, pa.Table], list[Problem]]:
    con = duckdb.connect()
    tables, problems = {}, []
    for name, table_parts in parts.items():
        spec = BY_NAME[name]
        pieces = []
        for typed, layout, result, index in table_parts:
            n = typed.num_rows
            if "collection_year" in spec.names and result.collection_year is not None:
                typed = typed.set_column(typed.schema.get_field_index("collection_year"), "collection_year",
                                         pa.array([result.collection_year] * n, pa.int64()))
            typed = (typed.append_column("_priority", pa.array([layout.priority] * n, pa.int32()))
                          .append_column("_year", pa.array([result.collection_year or 0] * n, pa.int32()))
                          .append_column("_file", pa.array([index] * n, pa.int32()))
                          .append_column("_name", pa.array([Path(result.path).name] * n, pa.string())))
            pieces.append(typed)
        con.register("allrows", pa.concat_tables(pieces, promote_options="default"))
        key = ", ".join(f'"{k}"' for k in spec.key)
        cols = ", ".join(f'"{c}"' for c in spec.names)
        order = "_priority DESC, _year DESC, _file DESC, _line DESC"
        # The same record twice in one file is a fault in the file: say so, keep the later row.
        for name_, line, first in con.sql(f"""
                SELECT _name, _line, first_value(_line) OVER w FROM allrows
                WINDOW w AS (PARTITION BY _file, {key} ORDER BY _line)
                QUALIFY row_number() OVER w > 1""").fetchall():
            problems.append(Problem(name_, line, None, None, "duplicate",
                                    f"the same {name} record as row {first} (same {', '.join(spec.key)}); the later row is kept",
                                    WARNING))
        tables[name] = con.sql(f"""
            SELECT {cols} FROM allrows
            QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY {order}) = 1
            ORDER BY {key}""").to_arrow_table()
        con.unregister("allrows")
    con.close()
    return tables, problems


def _orphans(tables: dict[str, pa.Table]) -> list[Problem]:
    """Records for a child with no header row: kept, but a data team will want to know."""
    if "persons" not in tables:
        return []
    known = set(tables["persons"].column("person_id").to_pylist())
    problems = []
    for name, t in tables.items():
        if name == "persons" or "person_id" not in t.column_names:
            continue
        missing = sorted({p for p in t.column("person_id").to_pylist() if p is not None and p not in known})
        if missing:
            shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
            problems.append(Problem(name, None, "person_id", None, "orphan",
                                    f"{len(missing)} child(ren) in {name} have no header/person row: {shown}", WARNING))
    return problems


def _coverage(tables, parts, covers_from: dt.date | None = None) -> dict[str, tuple[dt.date, dt.date]]:
    """The period each table covers.

    SSDA903 tables cover the collection years loaded (1 April to 31 March). Other tables are
    extracts of history, covering from `covers_from` when the user says so; otherwise from the first
    date on which every one of the table's date columns has begun (a plan that started in 2012 can
    be in an extract from 2018, but the earliest plan *end* shows where the extract begins), taken
    back to the first of its month, as extracts are taken by month; to the table's latest date.
    """
    out = {}
    for name, t in tables.items():
        spec = BY_NAME[name]
        years = [r.collection_year for _, lay, r, _ in parts[name] if lay.format == "ssda903" and r.collection_year]
        firsts, lasts = [], []
        for col in spec.event_dates:
            values = [d for d in t.column(col).to_pylist() if d is not None]
            if values:
                firsts.append(min(values))
                lasts.append(max(values))
        if years:
            out[name] = (dt.date(min(years) - 1, 4, 1), dt.date(max(years), 3, 31))
        elif firsts:
            start = covers_from or max(firsts).replace(day=1)
            out[name] = (start, max(lasts))
    return out


__all__ = ["FileResult", "Loaded", "LoadError", "read_files"]
