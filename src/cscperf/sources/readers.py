"""File formats: which reader takes a file, decided by its content (the first bytes), not its name.

A reader turns one file into parts: each part is one canonical table's rows, still as text with the
line (or sheet row) each came from, and the layout that maps its columns. Typing and checking are
then the same for every format (`convert`). To add a format, write a module with a `READER` that
has `format`, `accepts(path, head)` and `read(path)`, and list it in `READER_MODULES`.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from cscperf.sources import hr, ssd, ssda903, templates
from cscperf.sources.csvtext import TextTable, read_text_table
from cscperf.sources.layouts import Layout, recognise
from cscperf.sources.problems import WARNING, Problem

HEAD_BYTES = 4096


@dataclass
class Part:
    """One canonical table's rows from one file (one sheet, one XML element type, one CSV)."""
    layout: Layout | None          # None: the rows could not be matched to any layout (all rejected)
    text: TextTable
    collection_year: int | None = None                 # when the format states it (CIN census, CSWW)
    covers: tuple[dt.date, dt.date] | None = None      # the period the format says the rows cover


class Reader(Protocol):
    format: str

    def accepts(self, path: Path, head: bytes) -> bool: ...

    def read(self, path: Path) -> tuple[list[Part], list[Problem]]: ...


class DelimitedText:
    """CSV, TSV and other delimited text: SSDA903 tables, cscperf templates, SSD tables and HR exports,
    told apart by header."""
    format = "delimited text"
    suffixes = {".csv", ".tsv", ".txt"}
    layouts: list[Layout] = ssda903.LAYOUTS + templates.LAYOUTS + ssd.LAYOUTS + hr.LAYOUTS

    def accepts(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() in self.suffixes

    def read(self, path: Path) -> tuple[list[Part], list[Problem]]:
        text = read_text_table(path)
        problems = list(text.problems)
        if text.empty:
            problems.append(Problem(text.name, None, None, None, "empty", "the file is empty; nothing to load", WARNING))
            return [], problems
        layout, found = recognise(text.header, self.layouts, text.name)
        if layout is not None and layout.skip:      # recognised, but holds nothing cscperf loads
            return [], problems + [Problem(text.name, None, None, None, "skipped-table", f"{layout.skip}; skipped", WARNING)]
        return [Part(layout, text)], problems + found


# Modules holding one READER each, tried in this order after delimited text.
READER_MODULES = (
    "cscperf.sources.ssda903_xml",
    "cscperf.sources.cin_census",
    "cscperf.sources.workforce_census",
    "cscperf.sources.annex_a",
)


@lru_cache(maxsize=1)
def readers() -> tuple[Reader, ...]:
    return (DelimitedText(), *(importlib.import_module(m).READER for m in READER_MODULES))


def reader_for(path: Path) -> Reader | None:
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
    for reader in readers():
        if reader.accepts(path, head):
            return reader
    return None
