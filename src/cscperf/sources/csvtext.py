"""Rows of text values with the line each came from; and reading delimited text files as councils write them.

UTF-8 with or without a byte-order mark, or Windows-1252 (what Excel on Windows saves); comma, tab
or semicolon separated. Every value stays text here, so child identifiers keep their leading zeros;
types are checked later, column by column, with the row each value came from.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from cscperf.sources.problems import ERROR, Problem


@dataclass
class TextTable:
    path: Path
    sha256: str
    encoding: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)     # line in the file of each row
    problems: list[Problem] = field(default_factory=list)
    label: str = ""      # how problems name where the rows came from, if not the file name ("x.xlsx, List 7")

    @property
    def name(self) -> str:
        return self.label or self.path.name

    @property
    def empty(self) -> bool:
        return not self.header


def decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Windows-1252 decodes any byte except five unused ones; they fall back to latin-1.
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            return data.decode("latin-1"), "latin-1"


def sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_text_table(path: str | Path) -> TextTable:
    path = Path(path)
    data = path.read_bytes()
    text, encoding = decode(data)
    table = TextTable(path, hashlib.sha256(data).hexdigest(), encoding, [])
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first_line))
    name = table.name
    for record in reader:
        if not any(v.strip() for v in record):
            continue  # blank lines (and files that are only a newline) carry nothing
        if not table.header:
            table.header = [h.strip().lstrip("\ufeff") for h in record]
            continue
        line = reader.line_num
        if len(record) != len(table.header):
            # A truncated (or over-long) row cannot be lined up with the columns: reject it whole.
            missing = table.header[len(record):]
            what = (f"the row has {len(record)} values but the header has {len(table.header)}; "
                    + (f"no value for {', '.join(missing)}" if missing else "extra values at the end"))
            table.problems.append(Problem(name, line, missing[0] if missing else None, None,
                                          "row-length", f"{what} (is the row truncated?)", ERROR))
            continue
        table.rows.append(record)
        table.lines.append(line)
    return table
