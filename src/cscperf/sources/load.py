"""From a list of files and folders to validated canonical tables, ready to store as one snapshot.

Each file goes to the reader of its format (`readers`), which splits it into parts, one per
canonical table; every part is typed column by column and checked (`convert`, and `checks.row_checks`
and `checks.duplicates`); then the parts that fill the same table are merged (a record repeated across
collection years, or held by both a return and a template, becomes one, and is not "rejected"), and the
merged tables are checked against each other (`checks.table_checks`). Nothing is written here: the
store writes all of it or none of it.

An error means a row cannot be used: by default any error stops the load (LoadError, with every
problem found); with on_error="reject" those rows are left out and the rest loads. Warnings never
drop data. For every file, rows read = rows loaded + rows rejected.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Callable

import pyarrow as pa

from cscperf.model import BY_NAME
from cscperf.sources import checks, identity, yearcodes
from cscperf.sources.convert import convert
from cscperf.sources.layouts import Layout
from cscperf.sources.problems import ERROR, WARNING, LoadError, Problem
from cscperf.sources.readers import Part, reader_for
from cscperf.sources.scratch import connection

# Below this many bytes of files, starting reader processes (about half a second each) costs more than it saves.
PARALLEL_BYTES = 16_000_000
YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


@dataclass
class FileResult:
    """What became of one part of one file (a CSV is one part; a workbook or XML file, several)."""
    path: str
    sha256: str
    format: str | None = None
    part: str | None = None              # the part's name when a file has several (sheet, element)
    layout: str | None = None
    table: str | None = None
    encoding: str | None = None
    rows_read: int = 0
    rows_rejected: int = 0
    collection_year: int | None = None   # SSDA903 / CIN census: the year ending 31 March returned for

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


@dataclass
class Typed:
    """A part after typing: its rows, where they came from, and what period they cover."""
    rows: pa.Table
    layout: Layout
    result: FileResult
    index: int                       # order of the file in the load (later files win ties)
    covers: tuple[dt.date, dt.date] | None = None
    part: Part | None = None         # the text as read (for checks that need the file as written)
    part_index: int = 0              # order of the part in its file, e.g. a workbook's sheet (later parts win ties)

    @property
    def label(self) -> str:
        """How problems name where the rows came from: the file, or the file and its sheet."""
        return self.part.text.name if self.part else Path(self.result.path).name


def expand(paths: list[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Files named directly, and every file inside folders (sorted, so loads are repeatable)."""
    files, problems = [], []
    for p in map(Path, paths):
        if p.is_dir():
            files += [f for f in sorted(p.rglob("*")) if f.is_file() and not f.name.startswith(".")]
        elif p.is_file():
            files.append(p)
        else:
            problems.append(Problem(str(p), None, None, None, "missing-file", "no such file or folder", ERROR))
    return files, problems


def read_files(paths: list[str | Path], on_error: str = "abort", extract_date: dt.date | None = None,
               covers_from: dt.date | None = None, max_listed: int = checks.MAX_LISTED, dfe=None,
               jobs: int | None = 1, progress: Callable[[str, float], None] | None = None) -> Loaded:
    """Read, check and merge files. on_error: "abort" (any error stops the load: LoadError, with
    every problem found) or "reject" (rows with errors are left out, and files that cannot be read
    are left out whole). extract_date and covers_from, when known, say what period the extracts
    cover; otherwise the period is worked out from the data (`_coverage`). Dates after the extract
    date (after today, when it is not given) are reported and kept out of that period. max_listed: warnings listed one by
    one per rule, file and column (0: all). dfe: a `sources.dfe.Options` to run the DfE's own
    validation rules too (warnings `dfe:<code>`; see `sources.dfe`). jobs: processes reading files side by side;
    None: one per core when the files are large enough to repay starting them (`PARALLEL_BYTES`), else 1 (the
    commands' choice). It is 1 unless asked: a process started by `spawn` imports the caller's main module, which
    a script without an `if __name__ == "__main__":` guard would run again.
    progress: told each file's name and the share of the files read so far, as each is read."""
    files, problems = expand(paths)
    results: list[FileResult] = []
    typed_parts: dict[str, list[Typed]] = {}
    reference = extract_date or dt.date.today()
    work = [(path, index, reference, extract_date is not None) for index, path in enumerate(files)]
    if jobs is None:
        jobs = (os.cpu_count() or 1) if sum(path.stat().st_size for path in files) >= PARALLEL_BYTES else 1
    jobs = max(1, min(jobs, len(work)))
    # Files are read and typed independently, so side by side; in order, so messages keep the files' order.
    with _readers(jobs) or nullcontext() as pool:
        for done, (file_results, typed, found) in enumerate((pool.map if pool else map)(_read_file, work), start=1):
            if progress:
                progress(files[done - 1].name, done / len(files))
            results += file_results
            problems += found
            for t in typed:
                typed_parts.setdefault(t.layout.table, []).append(t)

    _assign_collection_years(typed_parts, reference)
    problems.extend(yearcodes.check_parts(typed_parts))   # codes outside their collection year's list
    identity.reconcile(typed_parts)       # census workers named by SWE number take the HR/SSD staff id
    coverage = _coverage(typed_parts, covers_from, reference)
    if extract_date is None and coverage:
        extract_date = max(to for _, to in coverage.values())
    tables = _merge(typed_parts)
    columns = {t.label: checks.source_columns(t.part.text, t.layout)
               for parts in typed_parts.values() for t in parts if t.part}
    problems.extend(checks.table_checks(tables, columns, coverage, extract_date))
    tables = {name: t.drop_columns(["_name", "_line"]) for name, t in tables.items()}
    if dfe is not None:
        from cscperf.sources import dfe as dfe_rules

        problems.extend(dfe_rules.check(files, typed_parts, dfe))
    problems = checks.cap(problems, max_listed)
    if on_error == "abort" and any(p.severity == ERROR for p in problems):
        raise LoadError(problems)
    return Loaded(tables, results, problems, coverage, extract_date)


def _readers(jobs: int) -> ProcessPoolExecutor | None:
    """`jobs` reader processes, or None (read in this process) for one job or where processes cannot be
    started (a sandbox without shared memory for their queues)."""
    if jobs < 2:
        return None
    try:   # spawn, not fork: the scratch DuckDB connection and any threads must not be copied mid-flight
        return ProcessPoolExecutor(jobs, mp_context=get_context("spawn"))
    except (OSError, NotImplementedError):
        return None


def _read_file(work: tuple[Path, int, dt.date, bool]) -> tuple[list[FileResult], list[Typed], list[Problem]]:
    """One file read, typed and checked: what became of each of its parts, the typed parts, the problems."""
    path, index, reference, reference_given = work
    results: list[FileResult] = []
    typed_parts: list[Typed] = []
    problems: list[Problem] = []
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    reader = reader_for(path)
    if reader is None:
        problems.append(Problem(path.name, None, None, None, "format",
                                "not a format cscperf reads (SSDA903 CSV or XML, CIN census XML, Annex A workbook, "
                                "workforce census XML, or a cscperf CSV template); skipped", WARNING))
        return [FileResult(str(path), sha)], [], problems      # listed, so the snapshot says what was not used
    try:
        parts, found = reader.read(path)
    except Exception as e:  # a file that cannot be read at all is rejected whole, saying why
        problems.append(Problem(path.name, None, None, None, "unreadable",
                                f"could not be read as {reader.format}: {e}", ERROR))
        return [FileResult(str(path), sha, reader.format)], [], problems
    problems.extend(found)
    if not parts:
        results.append(FileResult(str(path), sha, reader.format))
    for part_index, part in enumerate(parts):
        typed = _type_part(part, path, sha, reader.format, index, problems, reference, reference_given)
        results.append(typed.result if isinstance(typed, Typed) else typed)
        if isinstance(typed, Typed):
            typed.part_index = part_index
            typed_parts.append(typed)
    return results, typed_parts, problems


def _type_part(part: Part, path: Path, sha: str, fmt: str, index: int, problems: list[Problem],
               reference: dt.date, reference_given: bool) -> Typed | FileResult:
    text = part.text
    result = FileResult(str(path), sha, fmt, part=text.label or None, encoding=text.encoding,
                        rows_read=len(text.rows) + sum(1 for p in text.problems if p.rule == "row-length"),
                        collection_year=part.collection_year)
    if part.layout is None:
        result.rows_rejected = result.rows_read
        return result
    result.layout, result.table = part.layout.name, part.layout.table
    rows, found = convert(text, part.layout)
    found += checks.row_checks(rows, part.layout, text, reference, reference_given)
    problems.extend(found)
    bad_lines = {p.row for p in found + text.problems if p.severity == ERROR}
    result.rows_rejected = (result.rows_read - len(text.rows)) + sum(1 for line in text.lines if line in bad_lines)
    if bad_lines:
        keep = pa.array([line not in bad_lines for line in rows.column("_line").to_pylist()], pa.bool_())
        rows = rows.filter(keep)
    problems.extend(checks.duplicates(rows, part.layout, text))
    return Typed(rows, part.layout, result, index, part.covers, part)


def _assign_collection_years(parts: dict[str, list[Typed]], reference: dt.date | None = None) -> None:
    """SSDA903 files come a collection year at a time; work out each file's year from its episodes.

    Files are grouped by folder and the year in their name (2019-episodes.csv, SSDA903_2020_header.csv);
    a group's year ends on the 31 March on or after its latest episode start (DECOM). Only DECOM is
    used: review and end dates in real and sample files run past the year (data-standards.md §5).
    A part whose format states its year keeps it. DECOMs after `reference` (the extract date, or
    today) are typing slips, reported by `checks.row_checks`, and left out here.
    """
    groups: dict[tuple, list[FileResult]] = {}
    latest: dict[tuple, dt.date] = {}
    for table_parts in parts.values():
        for t in table_parts:
            if t.layout.format != "ssda903" or t.result.collection_year is not None:
                continue
            match = YEAR_IN_NAME.search(Path(t.result.path).name)
            key = (str(Path(t.result.path).parent), match.group(1) if match else None)
            groups.setdefault(key, []).append(t.result)
            if t.result.table == "cla_episodes":
                starts = [d for d in t.rows.column("start_date").to_pylist()
                          if d is not None and (reference is None or d <= reference)]
                if starts:
                    latest[key] = max([max(starts)] + ([latest[key]] if key in latest else []))
    for key, members in groups.items():
        if key in latest:
            year = latest[key].year + (1 if latest[key].month >= 4 else 0)
            for result in members:
                result.collection_year = year


def _merge(parts: dict[str, list[Typed]]) -> dict[str, pa.Table]:
    """One table per canonical table; a record held by several parts is one row: the richer source
    (a template over a return), then the later collection year, then the later file, then the later
    part of one file (a workbook's later sheet), then the later row of one part. Each row keeps `_name` and `_line`, where the row that was kept came from, for
    the checks across tables; `read_files` drops them before the tables are stored.

    Sources name the same record differently (a CIN census referral has a made-up id, the case
    management system its own): where the row kept for a record has another id than a row merged
    into it, references to the merged id in other tables are rewritten to the kept one, so a census
    assessment's factors still belong to the assessment kept (model `Table.id`, `references`).
    """
    con = connection()
    tables: dict[str, pa.Table] = {}
    kept_ids: dict[str, dict[str, str]] = {}     # table -> {id merged away: id kept}
    for name in sorted(parts, key=_depth):
        spec = BY_NAME[name]
        pieces = []
        for t in parts[name]:
            typed, result, n = t.rows, t.result, t.rows.num_rows
            if "collection_year" in spec.names and result.collection_year is not None:
                typed = typed.set_column(typed.schema.get_field_index("collection_year"), "collection_year",
                                         pa.array([result.collection_year] * n, pa.int64()))
            typed = (typed.append_column("_priority", pa.array([t.layout.priority] * n, pa.int32()))
                          .append_column("_year", pa.array([result.collection_year or 0] * n, pa.int32()))
                          .append_column("_file", pa.array([t.index] * n, pa.int32()))
                          .append_column("_part", pa.array([t.part_index] * n, pa.int32()))
                          .append_column("_name", pa.array([t.label] * n, pa.string())))
            pieces.append(typed)
        allrows = pa.concat_tables(pieces, promote_options="default")
        allrows = allrows.append_column("_seq", pa.array(range(allrows.num_rows), pa.int64()))   # the last tie-break
        for column, target in spec.references:
            if kept_ids.get(target):
                mapping = kept_ids[target]
                values = [mapping.get(v, v) for v in allrows.column(column).to_pylist()]
                allrows = allrows.set_column(allrows.schema.get_field_index(column), column, pa.array(values, pa.string()))
        con.register("allrows", allrows)
        key = ", ".join(f'"{k}"' for k in spec.key)
        cols = ", ".join(f'"{c}"' for c in spec.names)
        # Every tie broken, so the row kept never depends on the order DuckDB's threads meet the rows in.
        order = "_priority DESC, _year DESC, _file DESC, _part DESC, _line DESC, _seq DESC"
        if spec.id:
            kept_ids[name] = dict(con.sql(f"""
                SELECT DISTINCT "{spec.id}", kept FROM (
                    SELECT "{spec.id}", first_value("{spec.id}") OVER (PARTITION BY {key} ORDER BY {order}) AS kept
                    FROM allrows) WHERE "{spec.id}" IS NOT NULL AND kept IS NOT NULL AND "{spec.id}" <> kept""").fetchall())
        tables[name] = con.sql(f"""
            SELECT {cols}, _name, _line FROM allrows
            QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY {order}) = 1
            ORDER BY {key}""").to_arrow_table()
        con.unregister("allrows")
    return tables


def _depth(name: str) -> int:
    """How many references deep a table is: merged after the tables it refers to."""
    refs = BY_NAME[name].references
    return 1 + max(_depth(target) for _, target in refs) if refs else 0


def _coverage(parts: dict[str, list[Typed]], covers_from: dt.date | None = None,
              reference: dt.date | None = None) -> dict[str, tuple[dt.date, dt.date]]:
    """The period each table covers: the union of what its parts cover.

    A part covers what its format says (a CIN census or Annex A file), or for SSDA903 the collection
    year (1 April to 31 March). Other parts are extracts of history, covering from `covers_from`
    when the user says so; otherwise from the first date on which every one of the table's date
    columns has begun (a plan that started in 2012 can be in an extract from 2018, but the earliest
    plan *end* shows where the extract begins), taken back to the first of its month, as extracts
    are taken by month; to the part's latest date. Dates after `reference` (the extract date, or
    today) are typing slips (`checks.row_checks`) and do not stretch the period.
    """
    out: dict[str, tuple[dt.date, dt.date]] = {}
    for name, table_parts in parts.items():
        spec = BY_NAME[name]
        spans = []
        for t in table_parts:
            if t.covers:
                spans.append(t.covers)
            elif t.layout.format == "ssda903" and t.result.collection_year:
                spans.append((dt.date(t.result.collection_year - 1, 4, 1), dt.date(t.result.collection_year, 3, 31)))
            else:
                firsts, lasts = [], []
                for col in spec.event_dates:
                    values = [d for d in t.rows.column(col).to_pylist()
                              if d is not None and (reference is None or d <= reference)]
                    if values:
                        firsts.append(min(values))
                        lasts.append(max(values))
                if firsts:
                    spans.append((covers_from or max(firsts).replace(day=1), max(lasts)))
        if spans:
            out[name] = (min(a for a, _ in spans), max(b for _, b in spans))
    return out


__all__ = ["FileResult", "Loaded", "LoadError", "read_files"]
