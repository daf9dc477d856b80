"""Several councils' files into one snapshot: each council read and checked on its own, then its
identifiers qualified with its code, so the councils sit side by side and never join to each other.

A council is a folder (out/<code>/ as `cscperf synth --councils` writes). Its code is the [council]
code of the cscperf.toml in the folder, else the folder's name. Each council goes through `read_files`
exactly as if loaded alone (same checks, same merges, which therefore never cross councils); only
then are its identifier columns (model `Table.identifiers`) written "<code>:<id>". Councils are read
in worker processes, one council per process at a time, and handed to the store as they come.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tomllib
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from cscperf.config import read_population
from cscperf.model import BY_NAME
from cscperf.model.tables import COUNCIL_SEP
from cscperf.sources.load import Loaded, read_files
from cscperf.sources.problems import ERROR, LoadError, Problem

CONFIG = "cscperf.toml"


@dataclass(frozen=True)
class CouncilFolder:
    code: str
    name: str
    folder: Path
    ons_code: str = ""
    population: tuple[tuple[int, int], ...] = ()    # (mid-year, children aged 0-17) from its config, for its rates


def council_folders(parents: list[Path]) -> list[CouncilFolder]:
    """Every council folder under `parents` (each parent's sub-folders; a parent holding a cscperf.toml
    is itself one council), with its code and name. Raises ValueError naming what to fix."""
    found = []
    for parent in map(Path, parents):
        if not parent.is_dir():
            raise ValueError(f"{parent}: not a folder; give the folder holding one sub-folder per council")
        subs = [parent] if (parent / CONFIG).exists() else sorted(p for p in parent.iterdir()
                                                                    if p.is_dir() and not p.name.startswith("."))
        for sub in subs:
            raw = {}
            if (sub / CONFIG).exists():
                raw = tomllib.loads((sub / CONFIG).read_text(encoding="utf-8"))
            council = raw.get("council", {})
            code = str(council.get("code") or sub.name)
            population, _ = read_population(raw, str(sub / CONFIG))
            found.append(CouncilFolder(code, str(council.get("name", code)), sub, str(council.get("ons_code", "")),
                                       tuple(sorted(population.items()))))
    if not found:
        raise ValueError(f"no council folders in {', '.join(map(str, parents))}; expect one sub-folder per council")
    codes = [c.code for c in found]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise ValueError(f"council code(s) {', '.join(twice)} given by more than one folder; each council needs its own code")
    bad = [c for c in codes if COUNCIL_SEP in c or not c.strip()]
    if bad:
        raise ValueError(f"council code(s) {bad} cannot be used: a code must not be blank or hold {COUNCIL_SEP!r}")
    return found


def council_files(council: CouncilFolder) -> list[Path]:
    """What to read for a council: everything in its folder but its config."""
    return [p for p in sorted(council.folder.iterdir()) if p.name != CONFIG and not p.name.startswith(".")]


def qualify(loaded: Loaded, code: str) -> Loaded:
    """The same load with every identifier written "<code>:<id>" and every problem naming its council."""
    prefix = pa.scalar(code + COUNCIL_SEP)
    tables = {}
    for name, table in loaded.tables.items():
        for col in BY_NAME[name].identifiers:
            if col in table.column_names:
                i = table.schema.get_field_index(col)
                values = table.column(col).cast(pa.string())
                table = table.set_column(i, col, pc.binary_join_element_wise(prefix, values, ""))   # null stays null
        tables[name] = table
    problems = [_named(p, code) for p in loaded.problems]
    return dataclasses.replace(loaded, tables=tables, problems=problems)


def _read(args) -> tuple[CouncilFolder, Loaded | list[Problem]]:
    council, on_error, extract_date, covers_from = args
    try:
        loaded = read_files(council_files(council), on_error=on_error, extract_date=extract_date, covers_from=covers_from,
                            jobs=1)   # councils are read side by side already
    except LoadError as e:   # handed back as problems: an exception's own fields do not cross processes
        return council, [_named(p, council.code) for p in e.problems]
    return council, qualify(loaded, council.code)


def _named(p: Problem, code: str) -> Problem:
    return dataclasses.replace(p, file=f"{code}/{p.file}")


def read_councils(councils: list[CouncilFolder], on_error: str = "abort", extract_date: dt.date | None = None,
                  covers_from: dt.date | None = None, jobs: int | None = None) -> Iterator[tuple[CouncilFolder, Loaded]]:
    """Each council's checked, qualified load, in order. A LoadError names the council's files."""
    work = [(c, on_error, extract_date, covers_from) for c in councils]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(work)))
    with ProcessPoolExecutor(jobs) if jobs > 1 else nullcontext() as pool:
        for council, got in (pool.map if pool else map)(_read, work):
            if isinstance(got, list):
                raise LoadError(got, f"council {council.code} ({council.folder}): nothing was loaded; "
                                     f"{sum(p.severity == ERROR for p in got)} error(s) in its files")
            yield council, got


__all__ = ["CouncilFolder", "council_folders", "qualify", "read_councils"]
