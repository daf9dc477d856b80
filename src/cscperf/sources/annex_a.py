"""Reader for Ofsted Annex A workbooks (ILACS lists 1-11), as councils actually send them.

A workbook is recognised by its content: a sheet is a list when it is named so ("List 7") or, failing
that, when its header row holds that list's columns. Headers are matched by words, not spelling
(case, punctuation, curly quotes, "))", extra words; `annex_a_values.HEADERS`), the header may sit
below blank or title rows, columns may come in any order, and extra columns are reported and left
out. Cells are read as text (fastexcel, stack-notes §4): date cells and Excel serial numbers in date
columns become ISO dates, formulas give their saved value, non-breaking spaces become spaces, and
free-text values ("a) Male", "C2 - Full care order", "Y", "q) 6: Police") become the model's codes.
Typing and checking is then `convert`'s, as for every format.

Annex A is a snapshot over a window: 6 months to the inspection (extract) date, 12 for list 11. The
extract date is the one the workbook states (a dated title row above a header, or a full date in the
file name), else the latest event date in it. Each part says what it covers:
- event lists and lists of everything open in the window (contacts, early help, referrals, CIN
  episodes, assessments, S47s and ICPCs, CP plans, adoption milestones, adopters, children) cover
  the window;
- facts that are only known as at the extract date (the latest visit, review, health and dental
  check; the current CLA episode; allocations; care leavers' status; UASC) cover the extract date's
  month, so snapshot indicators (CP07, LA01, ...) are worked out at the extract date only: from the
  last visit alone, an earlier month end's CP07 would be wrong.

How each list fills the canonical tables (generated identifiers are built from the child and the
date, so the same file always gives the same ids; `AA-<kind>-<child>-<date>`):
- every list: persons (one row per child; where lists disagree about a child, the highest-numbered
  list's value is kept and a warning says so);
- L1 contacts; L2 early_help_episodes; L3 referrals; L4 assessments; L5 s47_enquiries and icpcs;
- L6 referrals (the CIN episode; a referral in both L3 and L6 carries the columns of both) and, when
  the case status is not CP or CLA, "Date Child Was Last Seen" as a CIN visit (child seen);
- L7 cp_plans; the last statutory visit as a CP visit (child seen; seen alone as given); the latest
  review conference as a cp_review;
- L8 cla_episodes: the current episode only, starting on the latest of the care, legal status and
  placement start dates (RNE S, L, P or B accordingly); the last social work visit as a CLA visit;
  the latest review as a cla_review; the last health assessment (IHA when within 28 days of care
  starting, else RHA) and dental check as cla_health; UASC as uasc;
- L9 care_leavers (ACCOM = the OC3 letter of the accommodation type plus 1/2 for suitable or not),
  uasc; L10 permanence; L11 adopters;
- the allocated team and worker of every row whose case is not closed (L3 not NFA; L6 not closed;
  L7 plan not ended; L8 still looked after) as an allocation open at the extract date, the worker
  and team named as written (Annex A carries names, not staff ids).

What the canonical model cannot hold (read, checked where dates, and not loaded):
- L3 number of referrals in 12 months, L5 numbers of S47s and ICPCs in 12 months: counts the LA
  pre-aggregates, derivable from history;
- L4 "assessed as requiring social care support" (the assessment's outcome): would be
  `assessments.outcome` (bool);
- L6 case status: used only to type the last-seen visit;
- L8 second period in 12 months, permanence plan, last IRO visit, number of placements in 12
  months, placement location and LA, missing and absent counts in 12 months, return interview
  offered and accepted after the last missing episode: these are a child's CLA position at the
  extract date, not events. They matter (stability, missing, IRO and permanence measures are built
  on them) and would fit one table, `cla_snapshot` (person_id, as_at_date, placements_12m,
  missing_12m, absent_12m, rhi_offered_last, rhi_accepted_last, permanence_plan, iro_contact_date,
  placement_location, placement_la, second_period_12m), key (person_id, as_at_date);
- the earlier episodes of a period of care (only the current one is known); the model would hold the
  period itself if it had the SSD's split into periods, placements and legal statuses;
- L10/L11 family identifier on the child's side (it links a child to its adopters): would be
  `permanence.adopter_family_id`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cscperf.model import codes, table as model_table
from cscperf.sources import annex_a_values as V
from cscperf.sources.csvtext import TextTable
from cscperf.sources.layouts import Layout
from cscperf.sources.problems import ERROR, WARNING, Problem

FORMAT = "Ofsted Annex A workbook"
LAYOUT_FORMAT = "annex_a"
SCAN_ROWS = 30                       # rows searched for a sheet's header
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
EXCEL_EPOCH = dt.date(1899, 12, 30)

# Fields read but not loaded (the model has no column for them; see the module's docstring).
NOT_LOADED = frozenset({"age", "referrals_12m", "outcome", "s47_12m", "icpc_12m", "second", "permanence", "iro",
                        "placements_12m", "location", "placement_la", "missing_12m", "absent_12m", "rhi_offered",
                        "rhi_accepted"})
# Tables known only as at the extract date.
STATE_TABLES = frozenset({"visits", "cp_reviews", "cla_episodes", "cla_reviews", "cla_health", "uasc", "care_leavers",
                          "allocations"})

# ---- text --------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[a-z0-9]+")
_PREFIX = re.compile(r"^\(?([a-z])[).]\s*", re.I)
_LIST_NAME = re.compile(r"^\s*(?:list|l)\s*[-_.:]?\s*(\d{1,2})(?!\d)", re.I)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("\u2019", "'").replace("\u2018", "'"))


def _keyword_score(words: set[str], keys: tuple[str, ...]) -> int:
    score = 0
    for key in keys:
        negative = key.startswith("!")
        word = key[1:] if negative else key
        if word.endswith("*"):
            hit = any(w.startswith(word[:-1]) for w in words)
        else:
            hit = word in words
        if negative:
            if hit:
                return 0
        elif not hit:
            return 0
        else:
            score += 1
    return score


def _squash(text: str) -> str:
    return " ".join(tokens(text))


# ---- dates ---------------------------------------------------------------------------------------

_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"), start=1)}
_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?")
_D_MON_Y = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[ \-]([A-Za-z]{3,9})[ \-,]+(\d{4})")
_SERIAL = re.compile(r"(\d{5})(?:\.\d+)?")
_DATE_IN_TEXT = re.compile(r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}[ \-][A-Za-z]{3,9}[ \-,]+\d{4}")


@lru_cache(maxsize=65536)
def parse_date(text: str) -> dt.date | None:
    """A date written as Excel and councils write them: ISO (with or without a time), dd/mm/yyyy,
    dd-mm-yyyy, dd.mm.yyyy, 16 Sep 2020, or an Excel serial number (1927-2173). Day first, always."""
    text = text.strip()
    try:
        if m := _ISO.fullmatch(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY.fullmatch(text):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        if (m := _D_MON_Y.fullmatch(text)) and m[2][:3].lower() in _MONTHS:
            return dt.date(int(m[3]), _MONTHS[m[2][:3].lower()], int(m[1]))
        if m := _SERIAL.fullmatch(text):
            return EXCEL_EPOCH + dt.timedelta(days=int(m[1]))
    except ValueError:
        return None
    return None


# ---- values --------------------------------------------------------------------------------------

@lru_cache(maxsize=65536)
def map_value(domain: str, text: str) -> str | None:
    """The code a free-text value stands for ("" = stated as not known), or None if not recognised."""
    spec = V.DOMAINS[domain]
    body = text
    letter = None
    if m := _PREFIX.match(text):
        letter, body = m[1].lower(), text[m.end():]
    words = tokens(body)
    if spec["codes"]:
        for i, w in enumerate(words):
            code = spec["codes"].get(w.upper())
            if code is not None and (len(w) > 2 or i == 0):
                return code
    found = set(words)
    for keys, code in spec["rules"]:
        if _keyword_score(found, keys):
            return code
    if letter is not None and letter in spec["letters"]:
        return spec["letters"][letter]
    return None


def _examples(domain: str) -> str:
    spec = V.DOMAINS[domain]
    shown = list(dict.fromkeys(v for v in list(spec["codes"].values()) + [c for _, c in spec["rules"]] if v))[:8]
    return ", ".join(shown)


# ---- reading the workbook --------------------------------------------------------------------------

@dataclass
class Sheet:
    name: str
    rows: list[list[str]]         # cleaned cell text ("" when blank); rows[i] is the sheet's row i + 1


def _clean_column(col):
    import pyarrow as pa
    import pyarrow.compute as pc

    if col.type != pa.string():
        col = col.cast(pa.string())
    col = pc.replace_substring_regex(col, "[\u2018\u2019]", "'")
    col = pc.replace_substring_regex(col, "[\u201c\u201d]", '"')
    col = pc.replace_substring_regex(col, "[\\s\u00a0\u200b\ufeff]+", " ")
    col = pc.utf8_trim(col, " ")
    col = pc.replace_substring_regex(col, "^(\\d{4}-\\d{2}-\\d{2}) 00:00:00$", "\\1")   # a date cell, as text
    return col.fill_null("").to_pylist()


_last: tuple[tuple, list[Sheet]] | None = None     # the workbook `accepts` read, for `read` to use


def load_workbook(path: Path) -> list[Sheet]:
    """Every sheet's cells as text; rows are kept from the sheet's first row (skip_rows=0), so the row
    numbers problems give are Excel's."""
    global _last
    import fastexcel

    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if _last is not None and _last[0] == key:
        return _last[1]
    reader = fastexcel.read_excel(str(path))
    sheets = []
    for name in reader.sheet_names:
        data = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_arrow()
        columns = [_clean_column(data.column(i)) for i in range(data.num_columns)]
        rows = [list(r) for r in zip(*columns)] if columns else []
        sheets.append(Sheet(name, rows))
    _last = (key, sheets)
    return sheets


def match_header(cells: list[str], list_no: int) -> tuple[dict[str, int], list[int]]:
    """Which column holds each of a list's fields (most specific match first), and the columns left over."""
    exact = {_squash(tmpl): f for tmpl, f, _ in V.HEADERS[list_no]}
    pairs = []
    for col, cell in enumerate(cells):
        if not cell:
            continue
        words = set(tokens(cell))
        squashed = _squash(cell)
        for order, (_, fld, alternatives) in enumerate(V.HEADERS[list_no]):
            score = 100 if exact.get(squashed) == fld else max(_keyword_score(words, a) for a in alternatives)
            if score:
                pairs.append((-score, col, order, fld))
    pairs.sort()
    found: dict[str, int] = {}
    used: set[int] = set()
    for _, col, _, fld in pairs:
        if fld not in found and col not in used:
            found[fld] = col
            used.add(col)
    return found, [c for c, cell in enumerate(cells) if cell and c not in used]


def _specific(list_no: int) -> set[str]:
    return {f for _, f, _ in V.HEADERS[list_no] if f not in V.SHARED_FIELDS}


def _fit(cells: list[str], list_no: int) -> tuple[bool, float, int]:
    found, _ = match_header(cells, list_no)
    specific = _specific(list_no)
    return (set(V.REQUIRED[list_no]) <= set(found), len(specific & set(found)) / len(specific), len(found))


def _name_number(name: str) -> int | None:
    if (m := _LIST_NAME.match(name)) and 1 <= int(m[1]) <= 11:
        return int(m[1])
    return None


def _header_row(sheet: Sheet) -> int | None:
    """Index of the header row: the first of the top rows that holds at least three of some list's
    columns, one of them particular to that list."""
    for i, row in enumerate(sheet.rows[:SCAN_ROWS]):
        if sum(1 for c in row if c) < 2:
            continue
        for n in V.HEADERS:
            found, _ = match_header(row, n)
            if len(found) >= 3 and set(found) & _specific(n):
                return i
    return None


def identify(sheet: Sheet) -> tuple[int | None, int | None, str | None]:
    """(list number, header row index, note): which list a sheet holds, by its name, else its header."""
    named = _name_number(sheet.name)
    header = _header_row(sheet)
    if header is None:
        return named, None, None
    cells = sheet.rows[header]
    fits = {n: _fit(cells, n) for n in V.HEADERS}
    best = max(fits, key=lambda n: fits[n])
    if named is not None:
        ok, frac, _ = fits[named]
        if ok or frac >= 0.5 or not (fits[best][0] and fits[best][1] >= 0.6) or best == named:
            return named, header, None
        return best, header, (f"the sheet is named List {named} but holds the columns of List {best} "
                              f"({V.SUBJECTS[best]}); it was read as List {best}")
    name_words = tokens(sheet.name)

    def named_so(n: int) -> bool:
        return all(any(t.startswith(w) for t in name_words) for w in V.SHEET_WORDS[n])

    best = max(fits, key=lambda n: (fits[n], named_so(n)))
    if not fits[best][0] or fits[best][1] < 0.5:      # unnamed: its header must plainly be the list's
        return None, header, None
    return best, header, None


class Ids:
    """Identifiers from the child and a date: the same file always gives the same ids."""

    def __init__(self):
        self.seen: dict[str, int] = {}

    def __call__(self, kind: str, pid: str, when: dt.date | None, raw: str = "") -> str:
        base = f"AA-{kind}-{pid}-{when.strftime('%Y%m%d') if when else raw or 'nodate'}"
        n = self.seen.get(base, 0) + 1
        self.seen[base] = n
        return base if n == 1 else f"{base}-{n}"



# ---- one list ------------------------------------------------------------------------------------

@dataclass
class ListSheet:
    """One list as found in the workbook: its sheet, header and rows (by sheet row number)."""
    no: int
    sheet: Sheet
    header_row: int                       # 1-based
    columns: dict[str, int]               # field -> column index
    label: str
    records: list[tuple[int, list[str]]] = field(default_factory=list)
    consumed: dict[str, set[int]] = field(default_factory=dict)   # field -> rows whose value a part carries
    problems: list[Problem] = field(default_factory=list)          # found by this reader, row by row
    ids: Ids = field(default_factory=lambda: Ids())

    def header(self, fld: str) -> str:
        return self.sheet.rows[self.header_row - 1][self.columns[fld]]

    def template(self, fld: str) -> str:
        return next(t for t, f, _ in V.HEADERS[self.no] if f == fld)

    def raw(self, rec: list[str], fld: str) -> str:
        i = self.columns.get(fld)
        if i is None or i >= len(rec):
            return ""
        value = rec[i]
        return "" if value.lower() in V.BLANK else value

    def date(self, rec: list[str], fld: str) -> dt.date | None:
        value = self.raw(rec, fld)
        return parse_date(value) if value else None

    def code(self, rec: list[str], fld: str) -> str | None:
        value = self.raw(rec, fld)
        return map_value(V.FIELD_DOMAIN[fld], value) if value else ""

    def problem(self, line: int, fld: str | None, value: str | None, rule: str, message: str, severity: str) -> None:
        self.problems.append(Problem(self.label, line, self.header(fld) if fld else None, value, rule, message, severity))


def _text_for(lst: ListSheet, rec: list[str], line: int, fld: str, table: str, column: str) -> str:
    """A file value as the canonical column expects it (ISO dates, codes); unrecognised values stay as
    written, for `convert` to report, or are reported here when the column has no code list to check."""
    value = lst.raw(rec, fld)
    if not value:
        return ""
    col = model_table(table).column(column)
    if col.type == "date":
        found = parse_date(value)
        return found.isoformat() if found else value
    domain = V.FIELD_DOMAIN.get(fld)
    if domain is None and col.type == "bool":
        domain = "yes_no"
    if domain is None:
        return value
    mapped = map_value(domain, value)
    if mapped is not None:
        return mapped
    if col.type == "str" and not col.codes:
        lst.problem(line, fld, value, "code", f"not a recognised value for {lst.template(fld)} (expected one of "
                    f"{_examples(domain)}, or the template's wording); kept as written", WARNING)
    return value


class Builder:
    """One part: a canonical table's rows from one list; each column comes from a file column or is
    derived here (and named so, with what it was derived from)."""

    def __init__(self, lst: ListSheet, table: str, what: str, spec: list[tuple[str, str | None]],
                 derived_names: dict[str, str] | None = None):
        self.lst, self.table, self.what = lst, table, what
        names = derived_names or {}
        self.spec = [(canon, src) for canon, src in spec if src is None or src in lst.columns]
        self.header = [lst.header(src) if src else names.get(canon, f"{canon} (derived by cscperf)")
                       for canon, src in self.spec]
        self.rows: list[list[str]] = []
        self.lines: list[int] = []

    def add(self, line: int, rec: list[str], **derived: str) -> None:
        row = []
        for canon, src in self.spec:
            if src is None:
                row.append(derived.get(canon, ""))
            else:
                row.append(_text_for(self.lst, rec, line, src, self.table, canon))
                self.lst.consumed.setdefault(src, set()).add(line)
        self.rows.append(row)
        self.lines.append(line)

    def part(self, path: Path, sha: str, covers: tuple[dt.date, dt.date]):
        from cscperf.sources.readers import Part

        lst = self.lst
        layout = Layout(f"Annex A list {lst.no}: {self.what}", LAYOUT_FORMAT, self.table,
                        {h: canon for h, (canon, _) in zip(self.header, self.spec)}, priority=1)
        text = TextTable(path, sha, "xlsx", list(self.header), self.rows, self.lines, [], lst.label)
        return Part(layout, text, covers=covers)


def _pid(lst: ListSheet, rec: list[str]) -> str:
    return lst.raw(rec, "child_id")


# ---- the reader ----------------------------------------------------------------------------------

class AnnexA:
    format = FORMAT

    def accepts(self, path: Path, head: bytes) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            sheets = load_workbook(path)
        except Exception:
            return path.suffix.lower() in XLSX_SUFFIXES     # a damaged workbook: `read` says why
        return any(identify(s)[0] is not None for s in sheets)

    def read(self, path: Path):
        path = Path(path)
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        sheets = load_workbook(path)
        problems: list[Problem] = []
        lists = self._find_lists(path, sheets, problems)
        usable = {n: lst for n, lst in sorted(lists.items()) if isinstance(lst, ListSheet)}
        parts = [lst.part for _, lst in sorted(lists.items()) if isinstance(lst, Refused) and lst.part is not None]
        cx = _Context(path, sha, self._extract_date(path, sheets, usable, problems), usable)
        for n, lst in usable.items():
            builders = BUILD[n](cx, lst)
            _check_unconsumed(lst)
            errors = [p for p in lst.problems if p.severity == ERROR]
            for b in builders:
                part = b.part(path, sha, cx.covers(n, b.table))
                part.text.problems.extend(errors)     # a row this reader found wrong is wrong in every part
                parts.append(part)
            problems.extend(lst.problems)
        problems.extend(cx.persons_problems)
        return parts, problems

    # -- lists ---------------------------------------------------------------------------------

    def _find_lists(self, path: Path, sheets: list[Sheet], problems: list[Problem]) -> dict:
        lists: dict[int, object] = {}
        for sheet in sheets:
            n, header, note = identify(sheet)
            label = f"{path.name}, {sheet.name}"
            if n is None:
                if any(any(c for c in r) for r in sheet.rows):
                    problems.append(Problem(label, None, None, None, "sheet",
                                            "not one of the Annex A lists (no list name, and no header row of a list's "
                                            "columns in its first 30 rows); not read", WARNING))
                continue
            if _name_number(sheet.name) != n:
                label += f" (List {n})"
            if n in lists:
                first = lists[n].label if isinstance(lists[n], ListSheet) else lists[n].label
                problems.append(Problem(label, None, None, None, "sheet",
                                        f"a second sheet holding List {n} ({V.SUBJECTS[n]}); only {first} was read",
                                        ERROR))
                continue
            if note:
                problems.append(Problem(label, header + 1, None, None, "sheet", note, WARNING))
            if header is None:
                if not any(any(c for c in r) for r in sheet.rows):
                    problems.append(Problem(label, None, None, None, "empty",
                                            f"the sheet is empty: no header row and no rows; nothing was loaded for "
                                            f"List {n} ({V.SUBJECTS[n]})", WARNING))
                    lists[n] = Refused(label, None)
                    continue
                wanted = ", ".join(t for t, f, _ in V.HEADERS[n] if f in V.REQUIRED[n])
                problems.append(Problem(label, None, None, None, "header",
                                        f"no header row found in the first {SCAN_ROWS} rows; expected a row with the "
                                        f"List {n} columns ({wanted}, ...)", ERROR))
                lists[n] = Refused(label, None)
                continue
            lists[n] = self._list(path, sheet, n, header, label, problems)
        absent = [n for n in V.HEADERS if n not in lists]
        if len(lists) == 1 and absent:
            # A list sent on its own (some councils send one workbook a list): said once, not an error.
            [n] = lists
            problems.append(Problem(path.name, None, None, None, "missing-list",
                                    f"this workbook holds only Annex A List {n} ({V.SUBJECTS[n]}); the other lists "
                                    "must come from other files", WARNING))
            return lists
        for n in absent:
            specific = [t for t, f, _ in V.HEADERS[n] if f in V.REQUIRED[n] and f != "child_id"][:3]
            shown = ", ".join(specific) if specific else ", ".join(t for t, _, _ in V.HEADERS[n][:3])
            why = (" (adopters are often held by the regional adoption agency, so a council's workbook may leave "
                   "it out)" if n == 11 else "")
            problems.append(Problem(path.name, None, None, None, "missing-list",
                                    f"no sheet holds Annex A List {n} ({V.SUBJECTS[n]}): expected a sheet named "
                                    f"'List {n}', or one whose header has {shown}{why}; send the sheet with its "
                                    f"header row even when it has no rows", WARNING if n == 11 else ERROR))
        return lists

    def _list(self, path: Path, sheet: Sheet, n: int, header: int, label: str, problems: list[Problem]):
        cells = sheet.rows[header]
        columns, extras = match_header(cells, n)
        lst = ListSheet(n, sheet, header + 1, columns, label)
        for i, row in enumerate(sheet.rows[header + 1:], start=header + 2):
            if any(row):
                lst.records.append((i, row))
        missing = [f for f in V.REQUIRED[n] if f not in columns]
        extra_names = [cells[c] for c in extras]
        if missing:
            wanted = ", ".join(f"'{lst.template(f)}'" for f in missing)
            message = f"no column for {wanted}, which List {n} ({V.SUBJECTS[n]}) needs; the list was not loaded"
            if extra_names:
                message += f". Found instead: {', '.join(repr(h) for h in extra_names)}; rename the column to the template's header"
            problems.append(Problem(label, header + 1, extra_names[0] if extra_names else None, None, "header",
                                    message, ERROR))
            text = TextTable(path, "", "xlsx", cells, [r for _, r in lst.records], [i for i, _ in lst.records], [], label)
            return Refused(label, _refused(text))
        for c in extras:
            problems.append(Problem(label, header + 1, cells[c], None, "extra-column",
                                    f"this column is not part of Annex A List {n}; it was not loaded", WARNING))
        for tmpl, fld, _ in V.HEADERS[n]:
            if fld not in columns and fld not in NOT_LOADED:
                hint = f" (unrecognised columns: {', '.join(repr(h) for h in extra_names)})" if extra_names else ""
                problems.append(Problem(label, header + 1, None, None, "missing-column",
                                        f"no column for '{tmpl}'; what it holds was not loaded{hint}", WARNING))
        return lst

    # -- the extract date --------------------------------------------------------------------

    def _extract_date(self, path: Path, sheets: list[Sheet], lists: dict, problems: list[Problem]) -> dt.date:
        stated, where = None, None
        for sheet in sheets:
            header = next((l.header_row - 1 for l in lists.values() if isinstance(l, ListSheet) and l.sheet is sheet),
                          None)
            for row in sheet.rows[:header if header is not None else 0]:
                text = " ".join(c for c in row if c)
                if not re.search(r"as at|as of|extract|snapshot|inspection|run date|report date|reporting date", text, re.I):
                    continue
                for found in _DATE_IN_TEXT.findall(text):
                    if d := parse_date(found):
                        stated, where = d, f"sheet {sheet.name}"
                        break
                if stated:
                    break
            if stated:
                break
        if stated is None:
            for pattern, order in ((r"(20\d\d)[-_](\d\d)[-_](\d\d)", (1, 2, 3)), (r"(\d\d)[-_.](\d\d)[-_.](20\d\d)", (3, 2, 1))):
                if m := re.search(pattern, path.stem):
                    try:
                        stated = dt.date(int(m[order[0]]), int(m[order[1]]), int(m[order[2]]))
                        where = "the file name"
                    except ValueError:
                        pass
                    break
        latest, at = None, None
        today = dt.date.today()
        for lst in lists.values():
            if not isinstance(lst, ListSheet):
                continue
            for fld in lst.columns:
                if fld not in V.DATE_FIELDS or fld == "dob":
                    continue
                for line, rec in lst.records:
                    d = lst.date(rec, fld)
                    if d and d <= today and (latest is None or d > latest):
                        latest, at = d, (lst, line, fld)
        if stated is None:
            if latest is None:
                problems.append(Problem(path.name, None, None, None, "extract-date",
                                        "the workbook holds no event dates, so its extract date is not known; "
                                        "today's date was used", WARNING))
                return today
            return latest
        if latest is not None and latest > stated:
            lst, line, fld = at
            problems.append(Problem(lst.label, line, lst.header(fld), latest.isoformat(), "extract-date",
                                    f"a date after the extract date {stated.isoformat()} that {where} states; the "
                                    f"lists are taken to end on {stated.isoformat()}", WARNING))
        return stated


@dataclass
class Refused:
    """A list that was found but cannot be used: its rows, refused whole (or nothing, if it had none)."""
    label: str
    part: object


def _refused(text: TextTable):
    from cscperf.sources.readers import Part

    return Part(None, text)


def _check_unconsumed(lst: ListSheet) -> None:
    """Dates that no part carries (used to derive others, or not loaded) are checked here."""
    for fld in lst.columns:
        if fld not in V.DATE_FIELDS:
            continue
        done = lst.consumed.get(fld, set())
        for line, rec in lst.records:
            value = lst.raw(rec, fld)
            if value and line not in done and parse_date(value) is None:
                not_loaded = fld in NOT_LOADED
                lst.problem(line, fld, value, "date", "expected a date as dd/mm/yyyy or yyyy-mm-dd"
                            + (" (the column is not loaded)" if not_loaded else ""), WARNING if not_loaded else ERROR)


# ---- building the parts ----------------------------------------------------------------------------

@dataclass
class _Context:
    path: Path
    sha: str
    extract_date: dt.date
    lists: dict[int, ListSheet]
    persons_problems: list[Problem] = field(default_factory=list)
    _persons: dict | None = None

    def covers(self, list_no: int, table: str) -> tuple[dt.date, dt.date]:
        if table in STATE_TABLES:
            return self.extract_date.replace(day=1), self.extract_date
        return V.window(self.extract_date, list_no)

    @property
    def iso(self) -> str:
        return self.extract_date.isoformat()

    def open_at_extract(self, d: dt.date | None, raw: str) -> bool:
        """A case with this end date is still open at the extract date (blank, or later)."""
        return not raw or (d is not None and d > self.extract_date)

    # -- people ------------------------------------------------------------------------------------

    def consensus(self) -> dict[str, dict[str, str]]:
        """Each child's sex, date of birth, ethnicity and disability as the lists agree on them (the
        highest-numbered list's value where they differ, with a warning)."""
        if self._persons is not None:
            return self._persons
        out: dict[str, dict[str, str]] = {}
        where: dict[tuple[str, str], tuple[ListSheet, int, str]] = {}
        for n in sorted(self.lists, reverse=True):
            lst = self.lists[n]
            if n == 11:
                continue
            for line, rec in lst.records:
                pid = _pid(lst, rec)
                if not pid:
                    continue
                mine = out.setdefault(pid, {})
                for fld in ("sex", "ethnicity", "disability", "dob"):
                    if fld not in lst.columns:
                        continue
                    value = _person_value(lst, rec, fld)
                    if value is None:
                        continue
                    if fld not in mine:
                        mine[fld] = value
                        where[(pid, fld)] = (lst, line, lst.raw(rec, fld))
                    elif mine[fld] != value and (pid, fld, "warned") not in where:
                        kept_list, kept_line, kept_raw = where[(pid, fld)]
                        where[(pid, fld, "warned")] = None
                        self.persons_problems.append(Problem(
                            lst.label, line, lst.header(fld), lst.raw(rec, fld), "conflict",
                            f"child {pid}: differs from {kept_list.label} row {kept_line} ({kept_raw!r}); "
                            f"the value of List {kept_list.no} was kept", WARNING))
        self._persons = out
        return out

    def persons(self, lst: ListSheet) -> Builder:
        b = Builder(lst, "persons", "children", [("person_id", "child_id"), ("sex", "sex"), ("dob", "dob"),
                                                 ("ethnicity", "ethnicity"), ("disability", "disability")])
        # Columns the sheet lacks are filled from the other lists.
        have = {canon for canon, _ in b.spec}
        for canon in ("sex", "dob", "ethnicity", "disability"):
            if canon not in have:
                b.spec.append((canon, None))
                b.header.append(f"{canon} (from other lists)")
        agreed = self.consensus()
        seen = set()
        for line, rec in lst.records:
            pid = _pid(lst, rec)
            if not pid or pid in seen:
                continue
            seen.add(pid)
            b.add(line, rec, **agreed.get(pid, {}))
            # Where this row's own value is valid, the agreed one is used (the lists then say the same).
            for i, (canon, src) in enumerate(b.spec):
                if canon == "person_id":
                    continue
                if src is not None and _person_value(lst, rec, src) is not None:
                    b.rows[-1][i] = agreed[pid][canon]
                elif src is not None and not lst.raw(rec, src) and canon in agreed.get(pid, {}):
                    b.rows[-1][i] = agreed[pid][canon]
        # Later rows of the same child: their own values are checked here (a part holds one row a child).
        for fld in ("sex", "ethnicity", "disability", "dob"):
            if fld not in lst.columns:
                continue
            done = lst.consumed.get(fld, set())
            for line, rec in lst.records:
                value = lst.raw(rec, fld)
                if not value or line in done or fld == "dob":
                    continue
                if _person_value(lst, rec, fld) is None and _pid(lst, rec):
                    domain = V.FIELD_DOMAIN[fld]
                    lst.problem(line, fld, value, "code", f"not a recognised value for {lst.template(fld)} (expected "
                                f"one of {_examples(domain)}, or the template's wording)",
                                WARNING if fld != "disability" else ERROR)
        return b

    def allocations(self, lst: ListSheet, rows: list[tuple[int, list[str]]]) -> Builder | None:
        if "worker" not in lst.columns:
            return None
        b = Builder(lst, "allocations", "allocations at the extract date",
                    [("person_id", "child_id"), ("professional_id", "worker"), ("team_id", "team"), ("start_date", None)],
                    {"start_date": "allocated on the extract date (derived by cscperf)"})
        seen = set()
        for line, rec in rows:
            pid, worker = _pid(lst, rec), lst.raw(rec, "worker")
            if not pid or not worker or (pid, worker) in seen:
                continue
            seen.add((pid, worker))
            b.add(line, rec, start_date=self.iso)
        return b


def _person_value(lst: ListSheet, rec: list[str], fld: str) -> str | None:
    """A valid value of a person column, as the model holds it; None when blank or not recognised."""
    raw = lst.raw(rec, fld)
    if not raw:
        return None
    if fld == "dob":
        d = parse_date(raw)
        return d.isoformat() if d else None
    code = map_value(V.FIELD_DOMAIN[fld], raw)
    if fld == "sex":
        return code if code in codes.SEX else None
    if fld == "ethnicity":
        return code if code in codes.ETHNICITY else None
    return code if code in ("true", "false") else None


def build_1(cx: _Context, lst: ListSheet) -> list[Builder]:
    b = Builder(lst, "contacts", "contacts", [("contact_id", None), ("person_id", "child_id"),
                                              ("contact_date", "contact_date"), ("contact_source", "contact_source")])
    for line, rec in lst.records:
        b.add(line, rec, contact_id=lst.ids("CON", _pid(lst, rec), lst.date(rec, "contact_date"),
                                           lst.raw(rec, "contact_date")))
    _outside_window(cx, lst, "contact_date")
    return [b, cx.persons(lst)]


def build_2(cx: _Context, lst: ListSheet) -> list[Builder]:
    b = Builder(lst, "early_help_episodes", "early help assessments",
                [("episode_id", None), ("person_id", "child_id"), ("start_date", "start"), ("end_date", "end"),
                 ("organisation", "organisation")])
    for line, rec in lst.records:
        b.add(line, rec, episode_id=lst.ids("EH", _pid(lst, rec), lst.date(rec, "start"), lst.raw(rec, "start")))
    return [b, cx.persons(lst)]


def _referral_facts(cx: _Context) -> tuple[dict, dict]:
    """Valid L3 and L6 values by (child, referral date): a referral in both lists carries both."""
    l3, l6 = {}, {}
    if (lst := cx.lists.get(3)) is not None:
        for _, rec in lst.records:
            d = lst.date(rec, "referral_date")
            if d and _pid(lst, rec):
                source = lst.code(rec, "referral_source") if "referral_source" in lst.columns else ""
                nfa = lst.code(rec, "nfa") if "nfa" in lst.columns else ""
                l3[(_pid(lst, rec), d)] = {"referral_source": source if source in codes.REFERRAL_SOURCE else "",
                                           "referral_nfa": nfa if nfa in ("true", "false") else ""}
    if (lst := cx.lists.get(6)) is not None:
        for _, rec in lst.records:
            d = lst.date(rec, "cin_start")
            if d and _pid(lst, rec):
                need = lst.code(rec, "need") if "need" in lst.columns else ""
                closure = lst.date(rec, "closure")
                reason = lst.code(rec, "closure_reason") if "closure_reason" in lst.columns else ""
                l6[(_pid(lst, rec), d)] = {"primary_need": need if need in codes.CATEGORY_OF_NEED else "",
                                           "closure_date": closure.isoformat() if closure else "",
                                           "closure_reason": reason if reason and reason.startswith("RC") else ""}
    return l3, l6


def build_3(cx: _Context, lst: ListSheet) -> list[Builder]:
    _, l6 = _referral_facts(cx)
    b = Builder(lst, "referrals", "referrals",
                [("referral_id", None), ("person_id", "child_id"), ("referral_date", "referral_date"),
                 ("referral_source", "referral_source"), ("referral_nfa", "nfa"), ("primary_need", None),
                 ("closure_date", None), ("closure_reason", None)],
                {"primary_need": "Primary Need Code (from List 6)", "closure_date": "CIN Closure Date (from List 6)",
                 "closure_reason": "Reason for Closure (from List 6)"})
    still_open = []
    for line, rec in lst.records:
        pid, d = _pid(lst, rec), lst.date(rec, "referral_date")
        b.add(line, rec, referral_id=lst.ids("REF", pid, d, lst.raw(rec, "referral_date")), **l6.get((pid, d), {}))
        if lst.code(rec, "nfa") != "true":
            still_open.append((line, rec))
    _outside_window(cx, lst, "referral_date")
    return [b, cx.persons(lst), *filter(None, [cx.allocations(lst, still_open)])]


def build_4(cx: _Context, lst: ListSheet) -> list[Builder]:
    b = Builder(lst, "assessments", "assessments",
                [("assessment_id", None), ("person_id", "child_id"), ("start_date", "start"),
                 ("authorised_date", "authorised"), ("child_seen", "seen")])
    for line, rec in lst.records:
        b.add(line, rec, assessment_id=lst.ids("ASM", _pid(lst, rec), lst.date(rec, "start"), lst.raw(rec, "start")))
    return [b, cx.persons(lst), *filter(None, [cx.allocations(lst, lst.records)])]


def build_5(cx: _Context, lst: ListSheet) -> list[Builder]:
    s47 = Builder(lst, "s47_enquiries", "section 47 enquiries",
                  [("s47_id", None), ("person_id", "child_id"), ("start_date", "s47_start"),
                   ("icpc_not_required", "icpc_unnecessary")])
    icpc = Builder(lst, "icpcs", "initial child protection conferences",
                   [("icpc_id", None), ("s47_id", None), ("person_id", "child_id"), ("icpc_date", "icpc_date"),
                    ("cp_plan", "icpc_plan")])
    for line, rec in lst.records:
        pid = _pid(lst, rec)
        s47_id = lst.ids("S47", pid, lst.date(rec, "s47_start"), lst.raw(rec, "s47_start"))
        s47.add(line, rec, s47_id=s47_id)
        if pid and lst.raw(rec, "icpc_date"):
            icpc.add(line, rec, s47_id=s47_id,
                     icpc_id=lst.ids("ICPC", pid, lst.date(rec, "icpc_date"), lst.raw(rec, "icpc_date")))
    _outside_window(cx, lst, "s47_start")
    return [s47, icpc, cx.persons(lst), *filter(None, [cx.allocations(lst, lst.records)])]


def build_6(cx: _Context, lst: ListSheet) -> list[Builder]:
    l3, _ = _referral_facts(cx)
    b = Builder(lst, "referrals", "CIN episodes",
                [("referral_id", None), ("person_id", "child_id"), ("referral_date", "cin_start"),
                 ("primary_need", "need"), ("closure_date", "closure"), ("closure_reason", "closure_reason"),
                 ("referral_source", None), ("referral_nfa", None)],
                {"referral_source": "Referral Source (from List 3)", "referral_nfa": "Referral NFA? (from List 3)"})
    visits = Builder(lst, "visits", "last seen (CIN visits)",
                     [("visit_id", None), ("person_id", "child_id"), ("visit_type", None), ("visit_date", "last_seen"),
                      ("seen", None)],
                     {"visit_type": "CIN (derived: the case status is not CP or CLA)", "seen": "seen (derived)"})
    still_open = []
    for line, rec in lst.records:
        pid, d = _pid(lst, rec), lst.date(rec, "cin_start")
        b.add(line, rec, referral_id=lst.ids("REF", pid, d, lst.raw(rec, "cin_start")), **l3.get((pid, d), {}))
        status = lst.code(rec, "case_status") if "case_status" in lst.columns else ""
        if pid and lst.raw(rec, "last_seen") and status not in ("CP", "CLA"):
            visits.add(line, rec, visit_id=lst.ids("CINV", pid, lst.date(rec, "last_seen"), lst.raw(rec, "last_seen")),
                       visit_type="CIN", seen="true")
        if cx.open_at_extract(lst.date(rec, "closure"), lst.raw(rec, "closure")):
            still_open.append((line, rec))
    return [b, visits, cx.persons(lst), *filter(None, [cx.allocations(lst, still_open)])]


def build_7(cx: _Context, lst: ListSheet) -> list[Builder]:
    plans = Builder(lst, "cp_plans", "child protection plans",
                    [("cp_plan_id", None), ("person_id", "child_id"), ("start_date", "start"), ("end_date", "end"),
                     ("initial_category", "initial_category"), ("latest_category", "latest_category"),
                     ("previous_plans", "previous"), ("emergency_protection", "epo")])
    # Annex A asks for the last statutory visit at which the child was seen: `seen` is true.
    visits = Builder(lst, "visits", "last statutory visits (CP visits)",
                     [("visit_id", None), ("person_id", "child_id"), ("visit_type", None), ("visit_date", "last_visit"),
                      ("seen", None), ("seen_alone", "seen_alone")],
                     {"visit_type": "CP (derived)", "seen": "seen (derived: a statutory visit sees the child)"})
    reviews = Builder(lst, "cp_reviews", "latest review conferences",
                      [("cp_plan_id", None), ("person_id", "child_id"), ("review_date", "review")])
    still_open = []
    for line, rec in lst.records:
        pid, start = _pid(lst, rec), lst.date(rec, "start")
        plan_id = lst.ids("CPP", pid, start, lst.raw(rec, "start"))
        plans.add(line, rec, cp_plan_id=plan_id)
        if pid and lst.raw(rec, "last_visit"):
            visits.add(line, rec, visit_id=lst.ids("CPV", pid, lst.date(rec, "last_visit"), lst.raw(rec, "last_visit")),
                       visit_type="CP", seen="true")
        if pid and lst.raw(rec, "review"):
            reviews.add(line, rec, cp_plan_id=plan_id if start else "")
        if cx.open_at_extract(lst.date(rec, "end"), lst.raw(rec, "end")):
            still_open.append((line, rec))
    return [plans, visits, reviews, cx.persons(lst), *filter(None, [cx.allocations(lst, still_open)])]


def build_8(cx: _Context, lst: ListSheet) -> list[Builder]:
    episode_start = ("start of the current episode (derived: the latest of Date Started to be Looked After, "
                     "Start date of current legal status, Start Date of Most Recent Placement)")
    episodes = Builder(lst, "cla_episodes", "current episodes of care",
                       [("person_id", "child_id"), ("start_date", None), ("rne", None),
                        ("legal_status", "legal_status"), ("category_of_need", "need"),
                        ("placement_type", "placement_type"), ("placement_provider", "provider"),
                        ("end_date", "ceased"), ("reason_ceased", "reason_ceased"), ("placement_postcode", "postcode"),
                        ("urn", "urn")],
                       {"start_date": episode_start,
                        "rne": "RNE (derived: S, L, P or B from which of those dates is the latest)"})
    visits = Builder(lst, "visits", "last social work visits (CLA visits)",
                     [("visit_id", None), ("person_id", "child_id"), ("visit_type", None), ("visit_date", "sw_visit"),
                      ("seen", None)], {"visit_type": "CLA (derived)", "seen": "seen (derived)"})
    reviews = Builder(lst, "cla_reviews", "latest statutory reviews", [("person_id", "child_id"), ("review_date", "review")])
    health = Builder(lst, "cla_health", "last health assessments",
                     [("person_id", "child_id"), ("check_type", None), ("check_date", "health")],
                     {"check_type": "IHA or RHA (derived: IHA within 28 days of care starting)"})
    dental = Builder(lst, "cla_health", "last dental checks",
                     [("person_id", "child_id"), ("check_type", None), ("check_date", "dental")],
                     {"check_type": "DENTAL (derived)"})
    uasc = Builder(lst, "uasc", "unaccompanied asylum-seeking children", [("person_id", "child_id")])
    still_open = []
    for line, rec in lst.records:
        pid = _pid(lst, rec)
        dates = {}
        bad = False
        for fld in ("cla_start", "ls_start", "placement_start"):
            raw = lst.raw(rec, fld)
            dates[fld] = parse_date(raw) if raw else None
            bad |= bool(raw) and dates[fld] is None      # reported by _check_unconsumed
        if not bad:
            known = [d for d in dates.values() if d]
            start = max(known) if known else None
            if start is None:
                rne = ""
            elif start == dates["cla_start"]:
                rne = "S"
            elif dates["ls_start"] == dates["placement_start"] == start:
                rne = "B"
            elif dates["placement_start"] == start:
                rne = "P"
            else:
                rne = "L"
            episodes.add(line, rec, start_date=start.isoformat() if start else "", rne=rne)
        if not pid:
            continue
        if lst.raw(rec, "sw_visit"):
            visits.add(line, rec, visit_id=lst.ids("CLAV", pid, lst.date(rec, "sw_visit"), lst.raw(rec, "sw_visit")),
                       visit_type="CLA", seen="true")
        if lst.raw(rec, "review"):
            reviews.add(line, rec)
        if lst.raw(rec, "health"):
            checked, began = lst.date(rec, "health"), dates["cla_start"]
            initial = checked is not None and began is not None and checked <= began + dt.timedelta(days=28)
            health.add(line, rec, check_type="IHA" if initial else "RHA")
        if lst.raw(rec, "dental"):
            dental.add(line, rec, check_type="DENTAL")
        if "uasc" in lst.columns and lst.raw(rec, "uasc"):
            flag = lst.code(rec, "uasc")
            if flag == "true":
                uasc.add(line, rec)
            elif flag is None:
                lst.problem(line, "uasc", lst.raw(rec, "uasc"), "code", "expected yes or no (a) Yes, b) No, Y, N)",
                            WARNING)
        if cx.open_at_extract(lst.date(rec, "ceased"), lst.raw(rec, "ceased")):
            still_open.append((line, rec))
    return [episodes, visits, reviews, health, dental, uasc, cx.persons(lst),
            *filter(None, [cx.allocations(lst, still_open)])]


def build_9(cx: _Context, lst: ListSheet) -> list[Builder]:
    leavers = Builder(lst, "care_leavers", "care leavers",
                      [("person_id", "child_id"), ("in_touch", "in_touch"), ("activity", "activity"),
                       ("accommodation", None), ("eligibility", "eligibility"), ("latest_contact_date", "contact"),
                       ("pathway_plan_review_date", "pathway"), ("personal_adviser", "pa")],
                      {"accommodation": "ACCOM (derived: the OC3 letter of Type of Accommodation, then 1 suitable or "
                                        "2 not, from Suitability of Accommodation)"})
    uasc = Builder(lst, "uasc", "unaccompanied asylum-seeking children", [("person_id", "child_id")])
    for line, rec in lst.records:
        accom = ""
        if lst.raw(rec, "accommodation"):
            letter = lst.code(rec, "accommodation")
            if letter is None:
                lst.problem(line, "accommodation", lst.raw(rec, "accommodation"), "code",
                            f"not a recognised accommodation type (expected one of {_examples('accommodation')} "
                            "or the template's wording); not loaded", WARNING)
            else:
                suitable = lst.code(rec, "suitability") if "suitability" in lst.columns else ""
                if suitable is None:
                    lst.problem(line, "suitability", lst.raw(rec, "suitability"), "code",
                                "not a recognised suitability (expected a) Suitable or b) Not suitable)", WARNING)
                accom = letter + (suitable or "") if letter else ""
        leavers.add(line, rec, accommodation=accom)
        pid = _pid(lst, rec)
        if pid and "uasc" in lst.columns and lst.code(rec, "uasc") == "true":
            uasc.add(line, rec)
    return [leavers, uasc, cx.persons(lst), *filter(None, [cx.allocations(lst, lst.records)])]


def build_10(cx: _Context, lst: ListSheet) -> list[Builder]:
    b = Builder(lst, "permanence", "adoption milestones",
                [("person_id", "child_id"), ("entered_care_date", "entered_care"), ("decision_date", "decision"),
                 ("placement_order_date", "placement_order"), ("matched_date", "matched"), ("placed_date", "placed"),
                 ("adoption_order_date", "adoption_order"), ("reversed_date", "reversed"),
                 ("reversed_reason", "reversed_reason"), ("ffa_placed_date", "ffa_date")])
    for line, rec in lst.records:
        b.add(line, rec)
    return [b, cx.persons(lst)]


def build_11(cx: _Context, lst: ListSheet) -> list[Builder]:
    b = Builder(lst, "adopters", "adopters",
                [("adopter_id", "adopter_id"), ("family_id", "family_id"), ("sex", "sex"), ("ethnicity", "ethnicity"),
                 ("disability", "disability"), ("fostering_for_adoption", "ffa"), ("enquiry_date", "enquiry"),
                 ("stage1_start", "stage1_start"), ("stage1_end", "stage1_end"), ("stage2_start", "stage2_start"),
                 ("stage2_end", "stage2_end"), ("application_date", "application"), ("approval_date", "approval"),
                 ("matched_date", "matched"), ("placed_date", "placed"), ("children_placed", "children_placed"),
                 ("adoption_order_date", "adoption_order"), ("left_date", "left"), ("left_reason", "left_reason")])
    for line, rec in lst.records:
        b.add(line, rec)
    return [b]


BUILD = {1: build_1, 2: build_2, 3: build_3, 4: build_4, 5: build_5, 6: build_6, 7: build_7, 8: build_8, 9: build_9,
         10: build_10, 11: build_11}


def _outside_window(cx: _Context, lst: ListSheet, fld: str) -> None:
    """One warning per list for event dates outside the window the list covers."""
    if fld not in lst.columns:
        return
    first, last = V.window(cx.extract_date, lst.no)
    outside = [(line, lst.raw(rec, fld)) for line, rec in lst.records
               if (d := lst.date(rec, fld)) is not None and not first <= d <= last]
    if outside:
        line, value = outside[0]
        lst.problem(line, fld, value, "window",
                    f"{len(outside)} row(s) have a {lst.template(fld)} outside the list's window "
                    f"({first.isoformat()} to {last.isoformat()}), the first here; they were loaded", WARNING)


READER = AnnexA()
