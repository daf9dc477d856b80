"""What the XML readers share: element names without namespaces, row numbers, and saying plainly why a
file is not usable XML."""

from __future__ import annotations

import hashlib
from pathlib import Path

from lxml import etree

from cscperf.sources.problems import ERROR, WARNING, Problem


def local(tag) -> str:
    """An element's name without its namespace ('' for comments and processing instructions)."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[1] if tag[:1] == "{" else tag


def head_bytes(head: bytes) -> bytes:
    """The first bytes of a file as UTF-8, so a reader can look for its root element: files saved as
    UTF-16 (with a byte-order mark) are decoded first."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore").encode("utf-8")
    return head


def text(elem) -> str:
    return (elem.text or "").strip()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_encoding_error(e: etree.XMLSyntaxError) -> bool:
    """The file declares (or defaults to) UTF-8 but holds bytes that are not UTF-8."""
    message = str(e)
    return "not proper UTF-8" in message or "Invalid bytes in character encoding" in message


def encoding_warning(path: Path, e: etree.XMLSyntaxError) -> Problem:
    return Problem(path.name, e.lineno, None, None, "encoding",
                   "the file says it is UTF-8 but holds bytes that are not (the first at this line); it was read as "
                   "Windows-1252. Check accented letters, and ask for the export to be saved as UTF-8", WARNING)


def syntax_problem(path: Path, e: etree.XMLSyntaxError) -> Problem:
    """The file cannot be read as XML: where it breaks, and what that probably means."""
    message = str(getattr(e, "msg", None) or e)
    line = e.lineno or (e.position[0] if getattr(e, "position", None) else None)
    if "end of data" in message.lower():
        what = (f"the file ends before its XML is complete ({message}): it looks truncated. Export it again; "
                "nothing from this file was loaded")
    else:
        what = f"the file is not well-formed XML ({message}); nothing from this file was loaded"
    return Problem(path.name, line, None, None, "xml", what, ERROR)


def numbering(lines: list[int], ordinals: list[int]) -> tuple[list[int], bool]:
    """Row numbers for a part: the lines its elements start on when each is on its own line (a file
    written with line breaks), else their order in the file. Returns (numbers, by_line)."""
    by_line = bool(lines) and all(lines) and all(a < b for a, b in zip(lines, lines[1:]))
    return (lines if by_line else ordinals), by_line


def part_label(file: str, what: str, unit: str, by_line: bool) -> str:
    """How problems name a part of an XML file: 'x.xml, EPISODE', and how its rows are numbered."""
    return f"{file}, {what}" + ("" if by_line else f" (numbered by {unit}: the file has no line breaks)")
