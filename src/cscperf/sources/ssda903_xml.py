"""Reader for SSDA903 XML (EXPSSDA903), the XML form of the children looked after return.

    EXPSSDA903 > CHILD*
      HEADER: CHILDID, UPN, SEX, DOB, ETHNIC, UASC, DUC?, AD1 fields?, OC3 fields?, AMISSING*, AREVIEW*,
              MOTHER?, MC_DOB?, PERMANENCE?, OC2?, AD_PLACED*
      EPISODE*: DECOM, RNE, LS, CIN, PL, PL_POST?, HOME_POST?, URN?, PLACE_PROVIDER?, DEC, REC, REASON_PLACE_CHANGE?

(data-standards.md §1.2; the DfE's "Expanded SSDA903 Return" schema.) The XML carries the same tables
as the CSV files, so it is mapped with the CSV layouts (`ssda903.LAYOUTS`): one mapping per 903 table,
with only the two tags the XML names differently (CHILDID for CHILD, PL for PLACE) renamed. AD1, OC3
and UASC sit inline in HEADER; AMISSING, AREVIEW, PERMANENCE, OC2 and AD_PLACED are nested in it.

A file is streamed a CHILD at a time (lxml iterparse, each CHILD cleared once read), so a national
return reads in bounded memory. Problems name the line of the element the row came from; a file
written on one line (as some systems and the D2I sample do) has no useful line numbers, so its rows
are numbered by element instead (the 37th EPISODE is row 37), and the part's name says so.

The file states no collection year; it is one return, so its year is the one ending on the 31 March
on or after its latest episode start (DECOM), the rule `load` applies to CSV folders.

What is refused, and how: a file that is not well-formed XML (truncated, say) is rejected whole with
the line where it breaks; a file declared UTF-8 that holds Windows-1252 bytes is read as Windows-1252,
with a warning; a child returned twice (the same CHILDID in two CHILD elements) is an error on every
row of the second; an element the layout does not know is a warning (not loaded), once per name.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

from lxml import etree

from cscperf.sources import ssda903
from cscperf.sources.csvtext import TextTable
from cscperf.sources.layouts import Layout
from cscperf.sources.problems import ERROR, WARNING, Problem
from cscperf.sources.xmlfiles import (encoding_warning, head_bytes, is_encoding_error, local as _local, numbering,
                                      part_label, sha256_of, syntax_problem)

FORMAT = "SSDA903 XML (EXPSSDA903)"
ROOT = "EXPSSDA903"
XML_NAMES = {"CHILD": "CHILDID", "PLACE": "PL"}     # CSV column -> XML element, where they differ


def _xml_layout(table: str) -> Layout:
    """The CSV layout of a 903 table, with the columns named as the XML names them."""
    csv_layout = next(lay for lay in ssda903.LAYOUTS if lay.table == table)
    rename = lambda cols: frozenset(XML_NAMES.get(c, c) for c in cols)   # noqa: E731
    return dataclasses.replace(
        csv_layout, name=csv_layout.name.replace("SSDA903 ", "SSDA903 XML ", 1),
        columns={XML_NAMES.get(c, c): canon for c, canon in csv_layout.columns.items()},
        optional=rename(csv_layout.optional), known=rename(csv_layout.known))


@dataclasses.dataclass
class Group:
    """One part of the file: the rows of one canonical table, and where in the XML they are."""
    key: str                  # HEADER, UASC, AD1, OC3, PERMANENCE, OC2, AMISSING, AREVIEW, AD_PLACED, EPISODE
    layout: Layout
    element: str | None       # the element each row is (None: fields inline in HEADER)
    unit: str                 # what a row number counts in a file with no line breaks
    fields: tuple[str, ...] = ()
    rows: list[list[str]] = dataclasses.field(default_factory=list)
    lines: list[int] = dataclasses.field(default_factory=list)
    ordinals: list[int] = dataclasses.field(default_factory=list)
    count: int = 0
    # row index -> (rule, message): errors found while reading (a repeated child)
    errors: dict[int, tuple[str, str]] = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        self.fields = tuple(c for c in self.layout.columns if c != "CHILDID")
        self.allowed = frozenset(self.fields)

    def add(self, child_id: str, values: dict[str, str], line: int, ordinal: int) -> int:
        self.rows.append([child_id] + [values.get(f, "") for f in self.fields])
        self.lines.append(line)
        self.ordinals.append(ordinal)
        return len(self.rows) - 1


def _groups() -> dict[str, Group]:
    return {g.key: g for g in (
        Group("HEADER", _xml_layout("persons"), None, "CHILD"),
        Group("UASC", _xml_layout("uasc"), None, "CHILD"),
        Group("AD1", _xml_layout("adoptions"), None, "CHILD"),
        Group("OC3", _xml_layout("care_leavers"), None, "CHILD"),
        Group("PERMANENCE", _xml_layout("previous_permanence"), "PERMANENCE", "CHILD"),
        Group("OC2", _xml_layout("cla_outcomes"), "OC2", "CHILD"),
        Group("AMISSING", _xml_layout("missing_episodes"), "AMISSING", "AMISSING"),
        Group("AREVIEW", _xml_layout("cla_reviews"), "AREVIEW", "AREVIEW"),
        Group("AD_PLACED", _xml_layout("placed_for_adoption"), "AD_PLACED", "AD_PLACED"),
        Group("EPISODE", _xml_layout("cla_episodes"), "EPISODE", "EPISODE"),
    )}


# The fields each element may hold (what is not here is an unknown element: warned about, not loaded).
HEADER_FIELDS = ("CHILDID", "UPN", "SEX", "DOB", "ETHNIC", "UASC", "DUC", "DATE_INT", "DATE_MATCH", "FOSTER_CARE",
                 "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR", "IN_TOUCH", "ACTIV", "ACCOM", "MOTHER", "MC_DOB")
NESTED = ("AMISSING", "AREVIEW", "PERMANENCE", "OC2", "AD_PLACED")
HEADER_ALLOWED = frozenset(HEADER_FIELDS)
INLINE = {"UASC": ("UASC", "DUC"), "AD1": ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
          "OC3": ("IN_TOUCH", "ACTIV", "ACCOM")}
YES = ("1", "Y", "YES", "TRUE")
DATE = re.compile(r"(?P<d1>\d{1,2})/(?P<m1>\d{1,2})/(?P<y1>\d{4})$|(?P<y2>\d{4})-(?P<m2>\d{2})-(?P<d2>\d{2})")


def _tag(elem) -> str:
    """The element's name without a namespace ('' for comments): `xmlfiles.local`, inlined for speed."""
    tag = elem.tag
    if tag.__class__ is not str:
        return ""
    return tag[tag.index("}") + 1:] if tag[0] == "{" else tag


def _fields(elem, allowed: frozenset[str], unknown, where: str, line: int, nested: list | None = None) -> dict[str, str]:
    """The text of an element's children that `allowed` names (nested blocks into `nested`); others are unknown."""
    values = {}
    for f in elem:
        tag = _tag(f)
        if tag in allowed:
            text = f.text
            values[tag] = text.strip() if text else ""
        elif nested is not None and tag in NESTED:
            nested.append((tag, f))
        elif tag:
            unknown.add(tag, f.sourceline or line, where)
    return values


class _Unknown:
    """Elements the layout does not know: one warning per name, at its first occurrence."""

    def __init__(self, file: str):
        self.file = file
        self.seen: dict[str, list] = {}      # name -> [line, where, count]

    def add(self, name: str, line: int, where: str) -> None:
        if name in self.seen:
            self.seen[name][2] += 1
        else:
            self.seen[name] = [line, where, 1]

    def problems(self) -> list[Problem]:
        out = []
        for name, (line, where, n) in self.seen.items():
            more = f"; {n} <{name}> elements in the file" if n > 1 else ""
            out.append(Problem(self.file, line, name, None, "unknown-element",
                               f"<{name}> ({where}) is not part of the SSDA903 XML layout; it was not loaded{more}",
                               WARNING))
        return out


def _start_year(decom: str) -> int | None:
    """The collection year (ending 31 March) an episode starting on `decom` (dd/mm/yyyy or yyyy-mm-dd)
    falls in; None if it is not a date (the typing reports it)."""
    m = DATE.match(decom)
    if not m:
        return None
    day, month, year = (m["d1"], m["m1"], m["y1"]) if m["d1"] else (m["d2"], m["m2"], m["y2"])
    try:
        dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return int(year) + (1 if int(month) >= 4 else 0)


class NotA903File(Exception):
    """Well-formed XML, but not an SSDA903 return."""

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.line = line


class SSDA903XML:
    format = FORMAT

    def accepts(self, path: Path, head: bytes) -> bool:
        return re.search(rb"<\s*(\w+:)?" + ROOT.encode() + rb"[\s>/]", head_bytes(head)) is not None

    def read(self, path: Path):
        path = Path(path)
        problems: list[Problem] = []
        try:
            result = self._parse(path, None)
        except NotA903File as e:
            return [], [Problem(path.name, e.line, None, None, "xml", f"{e}: this is not an SSDA903 XML return; "
                                "nothing from this file was loaded", ERROR)]
        except etree.XMLSyntaxError as e:
            if not is_encoding_error(e):
                return [], [syntax_problem(path, e)]
            try:
                result = self._parse(path, "cp1252")
            except etree.XMLSyntaxError as e2:
                return [], [syntax_problem(path, e2)]
            problems.append(encoding_warning(path, e))
        groups, found, year, encoding = result
        return self._parts(path, groups, problems + found, year, encoding)

    def _parse(self, path: Path, encoding: str | None):
        name = path.name
        groups = _groups()
        unknown = _Unknown(name)
        seen_ids: dict[str, tuple[int, int]] = {}    # CHILDID -> (CHILD number, line)
        problems: list[Problem] = []
        children = 0
        years: list[int] = []
        # Events for CHILD elements only (lxml filters in C); each CHILD is read when it ends, then freed
        # with everything before it, so memory stays bounded whatever the file's size.
        context = etree.iterparse(str(path), events=("end",), tag="{*}CHILD", encoding=encoding, huge_tree=True,
                                  remove_blank_text=True, recover=False)
        root = None
        for _, elem in context:
            parent = elem.getparent()
            if root is None:
                root = parent if parent is not None else elem
                if _local(root.tag) != ROOT:
                    raise NotA903File(f"the root element is <{_local(root.tag)}>, not <{ROOT}>", root.sourceline)
            if parent is not root:
                continue                              # a CHILD inside something else: reported with it below
            children += 1
            years += self._child(name, elem, children, groups, unknown, seen_ids, problems)
            elem.clear(keep_tail=False)
            while (previous := elem.getprevious()) is not None:
                if _local(previous.tag) not in ("CHILD", ""):
                    unknown.add(_local(previous.tag), previous.sourceline or 0, f"under <{ROOT}>")
                del root[0]
        root = context.root if root is None else root
        if root is not None and _local(root.tag) != ROOT:
            raise NotA903File(f"the root element is <{_local(root.tag)}>, not <{ROOT}>", root.sourceline)
        for elem in root if root is not None else ():
            if _local(elem.tag) not in ("CHILD", ""):
                unknown.add(_local(elem.tag), elem.sourceline or 0, f"under <{ROOT}>")
        problems += unknown.problems()
        if children == 0:
            problems.append(Problem(name, None, None, None, "empty", "the file holds no <CHILD> elements; nothing to load",
                                    WARNING))
        year = max(years) if years else None
        return groups, problems, year, encoding or "utf-8"

    def _child(self, name: str, child, number: int, groups: dict[str, Group], unknown: _Unknown,
               seen_ids: dict[str, tuple[int, int]], problems: list[Problem]) -> list[int]:
        line = child.sourceline or 0
        header = None
        episodes = []
        for elem in child:
            tag = _tag(elem)
            if tag == "HEADER" and header is None:
                header = elem
            elif tag == "EPISODE":
                episodes.append(elem)
            elif tag:
                unknown.add(tag, elem.sourceline or line, f"in CHILD {number}")
        nested: list = []
        fields = _fields(header, HEADER_ALLOWED, unknown, f"in the HEADER of CHILD {number}", line, nested) \
            if header is not None else {}
        child_id = fields.get("CHILDID", "")
        who = f"CHILD {number}" + (f", CHILDID {child_id}" if child_id else "")
        header_line = header.sourceline if header is not None else line
        added: list[tuple[Group, int]] = []

        def add(key: str, values: dict[str, str], at: int, ordinal: int) -> None:
            g = groups[key]
            added.append((g, g.add(child_id, values, at, ordinal)))

        if header is None:
            problems.append(Problem(name, line, "HEADER", None, "required",
                                    f"{who} has no <HEADER>: the child's details (CHILDID, SEX, DOB) are missing", ERROR))
        else:
            add("HEADER", fields, header_line, number)
            if fields.get("UASC", "").upper() in YES or fields.get("DUC"):
                add("UASC", fields, header_line, number)
            for key in ("AD1", "OC3"):
                if any(fields.get(f) for f in INLINE[key]):
                    add(key, fields, header_line, number)
        for tag, elem in nested:
            g = groups[tag]
            values = _fields(elem, g.allowed, unknown, f"in <{tag}> of {who}", line)
            if tag in ("PERMANENCE", "OC2") and not any(values.values()):
                continue                                 # an empty block: nothing returned
            g.count += 1
            add(tag, values, elem.sourceline or line, number if tag in ("PERMANENCE", "OC2") else g.count)
        years = []
        g = groups["EPISODE"]
        for elem in episodes:
            values = _fields(elem, g.allowed, unknown, f"in an EPISODE of {who}", line)
            g.count += 1
            add("EPISODE", values, elem.sourceline or line, g.count)
            year = _start_year(values.get("DECOM", ""))
            if year:
                years.append(year)
        if child_id:
            if child_id in seen_ids:
                first_no, first_line = seen_ids[child_id]
                message = (f"CHILDID {child_id} is returned twice: CHILD {first_no} (line {first_line}) and CHILD {number} "
                           f"(line {line}). A child is returned once, with all their episodes; the second one was not "
                           f"used. Merge the two in the case management system and export the return again")
                for grp, index in added:
                    grp.errors[index] = ("duplicate-child", message)
                return []
            seen_ids[child_id] = (number, line)
        return years

    def _parts(self, path: Path, groups: dict[str, Group], problems: list[Problem], year: int | None,
               encoding: str):
        from cscperf.sources.readers import Part

        digest = sha256_of(path)
        parts = []
        for g in groups.values():
            if not g.rows:
                continue
            numbers, by_line = numbering(g.lines, g.ordinals)
            label = part_label(path.name, g.key, g.unit, by_line)
            text = TextTable(path, digest, encoding, ["CHILDID", *g.fields], g.rows, numbers, label=label)
            for index, (rule, message) in sorted(g.errors.items()):
                text.problems.append(Problem(label, numbers[index], "CHILDID", g.rows[index][0], rule, message, ERROR))
            problems += text.problems
            parts.append(Part(g.layout, text, collection_year=year))
        return parts, problems


READER = SSDA903XML()
