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

from cscperf.sources.problems import ERROR, WARNING, Problem


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
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            return _cp1252(data[3:]), "cp1252"    # a BOM, then bytes that are not UTF-8: see decode_mixed
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"      # Excel's "Unicode text"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Windows-1252 decodes any byte except five unused ones; they fall back to latin-1.
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            return data.decode("latin-1"), "latin-1"


def _cp1252(line: bytes) -> str:
    try:
        return line.decode("cp1252")
    except UnicodeDecodeError:
        return line.decode("latin-1")


def decode_mixed(data: bytes) -> tuple[str, str, list[int]] | None:
    """A UTF-8 file with some lines in Windows-1252 (rows pasted in from another export): each line
    decoded on its own, so the UTF-8 rows keep their accents. None unless the file really is mixed;
    otherwise the text, the encoding and the lines that were read as Windows-1252."""
    lines = (data[3:] if data.startswith(b"\xef\xbb\xbf") else data).split(b"\n")
    utf8_non_ascii, fallback, out = False, [], []
    for number, line in enumerate(lines, start=1):
        try:
            out.append(line.decode("utf-8"))
            utf8_non_ascii = utf8_non_ascii or not line.isascii()
        except UnicodeDecodeError:
            out.append(_cp1252(line))
            fallback.append(number)
    if not (utf8_non_ascii and fallback):
        return None
    return "\n".join(out), "utf-8 (some lines cp1252)", fallback


def binary_kind(data: bytes) -> str | None:
    """Why a file given as delimited text is not text at all, or None."""
    if data.startswith(b"PK\x03\x04"):
        return ("it is an Excel workbook or another zip file, not text. Give it its .xlsx name, or open it in Excel "
                "and save it as 'CSV UTF-8'")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "it is an old-style Excel (.xls) workbook, not text. Open it in Excel and save it as 'CSV UTF-8'"
    if b"\x00" in data[:4096]:
        return "it holds NUL bytes, so it is not a text file (or its encoding is not one cscperf reads: save it as 'CSV UTF-8')"
    return None


def sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_text_table(path: str | Path) -> TextTable:
    path = Path(path)
    data = path.read_bytes()
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and (why := binary_kind(data)):
        raise ValueError(why)
    text, encoding = decode(data)
    mixed = decode_mixed(data) if encoding in ("cp1252", "latin-1") else None
    if mixed:
        text, encoding, fallback = mixed
    table = TextTable(path, hashlib.sha256(data).hexdigest(), encoding, [])
    if mixed:
        for line in fallback:
            table.problems.append(Problem(
                table.name, line, None, None, "encoding",
                "this row is not UTF-8 like the rest of the file; it was read as Windows-1252. Check its accented "
                "letters and symbols, and save the file again as 'CSV UTF-8'", WARNING))
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
