"""Reader for the CIN census XML return (the DfE's Children in Need census), every layout 2017-2027.

A census file is one `Message`: a `Header` (collection year, reference date) and `Children`, each
`Child` holding its identifiers, characteristics and one `CINdetails` per referral, with the referral's
assessments, CIN plans, section 47 enquiries, child protection plans and (from 2026/27) pre-proceedings
nested inside. The file is streamed (lxml `iterparse`, each `Child` cleared once read), so a national
file reads in constant memory.

Each `Child` is checked against the XML schema of the file's collection year (`schemas/cin/`, the
schema's year being the year ending 31 March) as it is read, and every schema error becomes a problem
naming the file, the line, the element and what the layout expects. The rows are then mapped into the
canonical tables (persons, disabilities, referrals, assessments, assessment_factors, cin_plans,
s47_enquiries, icpcs, cp_plans, cp_reviews, pre_proceedings) as text, exactly as written, for
`convert` to type and check like every other format.

Which schema errors stop a row, and which are warnings (the row is kept):

* errors: a file that is not well-formed XML (truncated, mismatched tags, bytes that are not the
  encoding it declares) is refused whole (one with no declaration that is not UTF-8 is read as
  Windows-1252 instead, with a warning, as CSV files are); an element that should appear once appearing twice with different values (which is meant
  cannot be told); a child returned twice in one file. Values that cannot be typed (a date that is
  not a date, a key date missing) are errors too, reported by `convert` at the line of the element.
* warnings: everything the reader can still read without guessing. Elements out of order, or of
  another year's layout (`Sex` in a 2023 file), are read by name; a code outside the year's list is
  kept (as for every format, `model.tables`); elements the layout requires but the canonical model
  does not (ReferralSource, ReferralNFA, Ethnicity) may be missing; unknown elements and stray text
  are ignored. Each is still reported, so a data team can fix it before the return goes to the DfE.
* nothing: yes/no values written `true`/`false`. The schemas allow only 0/1, but the DfE's guidance,
  councils' systems and the Data to Insight validator accept both (data-standards.md §3).

When a problem is one `convert` also finds (a bad date, an unknown code, a missing key date), the
reader does not report it twice: it points the row at the element's line instead, so `convert`'s
message names the element's own line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

from cscperf.model import codes
from cscperf.model import table as model_table
from cscperf.sources.convert import FALSE, TRUE
from cscperf.sources.csvtext import TextTable
from cscperf.sources.layouts import Layout
from cscperf.sources.problems import ERROR, WARNING, Problem
from cscperf.sources.readers import Part

FORMAT = "cin_census"
SCHEMA_DIR = Path(__file__).with_name("schemas") / "cin"
FIRST_SCHEMA_YEAR, LAST_SCHEMA_YEAR = 2017, 2026
# The 2026/27 census (collection year 2027) adds PreProceedingsandFGDM; no schema for it has been
# published with the others, so 2027 is the 2026 schema with this module added (schemas/cin/README.md).
# Which of its elements are required is our reading of the Data to Insight validator: only the start.
PRE_PROCEEDINGS_YEAR = 2027
PRE_PROCEEDINGS_XSD = """
<xs:complexType name="preproceedingsandfgdmtype" xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:sequence>
    <xs:element name="PPStartDate" type="xs:date" minOccurs="1" maxOccurs="1"/>
    <xs:element name="LBPSentDate" type="xs:date" minOccurs="0" maxOccurs="1"/>
    <xs:element name="FGDMMeetingOffer" type="yesnotype" minOccurs="0" maxOccurs="1"/>
    <xs:element name="FGDMMeetingFac" type="yesnotype" minOccurs="0" maxOccurs="1"/>
    <xs:element name="InitialPPMeetingDate" type="xs:date" minOccurs="0" maxOccurs="1"/>
    <xs:element name="ReviewMeetingsCount" type="positiveintegertype" minOccurs="0" maxOccurs="1"/>
    <xs:element name="StepDecisionDate" type="xs:date" minOccurs="0" maxOccurs="1"/>
    <xs:element name="PPOutcome" type="xs:string" minOccurs="0" maxOccurs="1"/>
    <xs:element name="CourtAppDate" type="xs:date" minOccurs="0" maxOccurs="1"/>
    <xs:element name="LetterInitCPDate" type="xs:date" minOccurs="0" maxOccurs="1"/>
  </xs:sequence>
</xs:complexType>"""
XS = "{http://www.w3.org/2001/XMLSchema}"

# GenderCurrent (to 2024) was 1 male, 2 female, 0 not recorded or unborn, 9 indeterminate; Sex (from
# 2025) is M, F, U. The model has M, F and U, so 0 and 9 both become U (unknown / not stated).
SEX = {"1": "M", "2": "F", "0": "U", "9": "U", "M": "M", "F": "F", "U": "U"}


def _layout(name: str, table: str, columns: dict[str, str], values=None) -> Layout:
    return Layout(f"CIN census {name}", FORMAT, table, columns, frozenset(columns), values=values or {}, priority=1)


# One layout per canonical table. File columns are the XML elements the values come from; the
# generated identifiers (referral_id, ...) are named as the canonical column.
LAYOUTS: dict[str, Layout] = {lay.table: lay for lay in (
    _layout("ChildIdentifiers", "persons",
            {"LAchildID": "person_id", "GenderCurrent": "sex", "Sex": "sex", "PersonBirthDate": "dob",
             "Ethnicity": "ethnicity", "UPN": "upn", "PersonDeathDate": "death_date", "Disabilities": "disability"},
            values={"sex": SEX}),
    _layout("Disabilities", "disabilities", {"LAchildID": "person_id", "Disability": "disability"}),
    _layout("CINdetails", "referrals",
            {"referral_id": "referral_id", "LAchildID": "person_id", "CINreferralDate": "referral_date",
             "ReferralSource": "referral_source", "PrimaryNeedCode": "primary_need", "ReferralNFA": "referral_nfa",
             "CINclosureDate": "closure_date", "ReasonForClosure": "closure_reason"}),
    _layout("Assessments", "assessments",
            {"assessment_id": "assessment_id", "LAchildID": "person_id", "referral_id": "referral_id",
             "AssessmentActualStartDate": "start_date", "AssessmentAuthorisationDate": "authorised_date"}),
    _layout("AssessmentFactors", "assessment_factors",
            {"assessment_id": "assessment_id", "LAchildID": "person_id", "AssessmentFactors": "factor"}),
    _layout("CINPlanDates", "cin_plans",
            {"cin_plan_id": "cin_plan_id", "LAchildID": "person_id", "referral_id": "referral_id",
             "CINPlanStartDate": "start_date", "CINPlanEndDate": "end_date"}),
    _layout("Section47", "s47_enquiries",
            {"s47_id": "s47_id", "LAchildID": "person_id", "referral_id": "referral_id",
             "S47ActualStartDate": "start_date", "ICPCnotRequired": "icpc_not_required"}),
    _layout("DateOfInitialCPC", "icpcs",
            {"icpc_id": "icpc_id", "s47_id": "s47_id", "LAchildID": "person_id", "DateOfInitialCPC": "icpc_date",
             "InitialCPCtarget": "target_date"}),
    _layout("ChildProtectionPlans", "cp_plans",
            {"cp_plan_id": "cp_plan_id", "LAchildID": "person_id", "CPPstartDate": "start_date",
             "CPPendDate": "end_date", "InitialCategoryOfAbuse": "initial_category",
             "LatestCategoryOfAbuse": "latest_category", "NumberOfPreviousCPP": "previous_plans"}),
    _layout("CPPreviewDate", "cp_reviews",
            {"cp_plan_id": "cp_plan_id", "LAchildID": "person_id", "CPPreviewDate": "review_date"}),
    # LetterInitCPDate has no canonical column yet; it is read by the schema check only.
    _layout("PreProceedingsandFGDM", "pre_proceedings",
            {"LAchildID": "person_id", "referral_id": "referral_id", "PPStartDate": "start_date",
             "LBPSentDate": "letter_before_proceedings_date", "FGDMMeetingOffer": "fgdm_offered",
             "FGDMMeetingFac": "fgdm_held", "InitialPPMeetingDate": "initial_meeting_date",
             "ReviewMeetingsCount": "review_meetings", "StepDecisionDate": "decision_date", "PPOutcome": "outcome",
             "CourtAppDate": "court_application_date"}),
)}
TABLE_ORDER = tuple(LAYOUTS)

# (parent element, element) -> (canonical table, column): where each value the reader loads goes.
COLUMN_OF: dict[tuple[str, str], tuple[str, str]] = {
    ("ChildIdentifiers", "LAchildID"): ("persons", "person_id"),
    ("ChildIdentifiers", "UPN"): ("persons", "upn"),
    ("ChildIdentifiers", "UPNunknown"): ("persons", "upn"),
    ("ChildIdentifiers", "PersonBirthDate"): ("persons", "dob"),
    ("ChildIdentifiers", "GenderCurrent"): ("persons", "sex"),
    ("ChildIdentifiers", "Sex"): ("persons", "sex"),
    ("ChildIdentifiers", "PersonDeathDate"): ("persons", "death_date"),
    ("ChildCharacteristics", "Ethnicity"): ("persons", "ethnicity"),
    ("Disabilities", "Disability"): ("disabilities", "disability"),
    ("CINdetails", "DateOfInitialCPC"): ("icpcs", "icpc_date"),
    ("FactorsIdentifiedAtAssessment", "AssessmentFactors"): ("assessment_factors", "factor"),
    ("Section47", "DateOfInitialCPC"): ("icpcs", "icpc_date"),
    ("Section47", "InitialCPCtarget"): ("icpcs", "target_date"),
    ("Reviews", "CPPreviewDate"): ("cp_reviews", "review_date"),
}
for _parent, _table in (("CINdetails", "referrals"), ("Assessments", "assessments"), ("CINPlanDates", "cin_plans"),
                        ("Section47", "s47_enquiries"), ("ChildProtectionPlans", "cp_plans"),
                        ("PreProceedingsandFGDM", "pre_proceedings")):
    for _element, _column in LAYOUTS[_table].columns.items():
        if _element[0].isupper() and _element != "LAchildID":
            COLUMN_OF.setdefault((_parent, _element), (_table, _column))

ID_FIELDS = ("LAchildID", "UPN", "UPNunknown", "PersonBirthDate", "GenderCurrent", "Sex", "PersonDeathDate")
CIN_FIELDS = ("CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate", "ReasonForClosure",
              "DateOfInitialCPC", "ReferralNFA")
ASSESSMENT_FIELDS = ("AssessmentActualStartDate", "AssessmentAuthorisationDate")
PLAN_FIELDS = ("CINPlanStartDate", "CINPlanEndDate")
S47_FIELDS = ("S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired")
CPP_FIELDS = ("CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse", "LatestCategoryOfAbuse", "NumberOfPreviousCPP")
PP_FIELDS = ("PPStartDate", "LBPSentDate", "FGDMMeetingOffer", "FGDMMeetingFac", "InitialPPMeetingDate",
             "ReviewMeetingsCount", "StepDecisionDate", "PPOutcome", "CourtAppDate")

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?")
UK_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")


# ---- the layouts of each year, from the schemas -------------------------------------------------------

@dataclass(frozen=True)
class Spec:
    """One year's layout: its schema (with Child and Header declared, so each can be checked on its
    own as the file streams) and, per element, its child elements in order with (min, max) counts."""
    year: int
    schema: etree.XMLSchema
    children: dict[str, tuple[tuple[str, int, int | None], ...]]
    enums: dict[str, tuple[str, ...]]

    @property
    def label(self) -> str:
        return f"{self.year} layout" + (" (2026 schema with PreProceedingsandFGDM)" if self.year > LAST_SCHEMA_YEAR else "")

    def names(self, parent: str) -> list[str]:
        return [n for n, _, _ in self.children.get(parent, ())]

    def count(self, parent: str, name: str) -> tuple[int, int | None] | None:
        for n, lo, hi in self.children.get(parent, ()):
            if n == name:
                return lo, hi
        return None


def layout_year(year: int) -> int:
    """The schema a collection year is checked against: 2017 for earlier years, 2027 (the 2026
    schema with pre-proceedings) for 2027 and later."""
    return min(max(year, FIRST_SCHEMA_YEAR), PRE_PROCEEDINGS_YEAR)


def _schema_doc(year: int):
    doc = etree.parse(str(SCHEMA_DIR / f"CIN_schema_{min(year, LAST_SCHEMA_YEAR)}.xsd"))
    root = doc.getroot()
    if year >= PRE_PROCEEDINGS_YEAR:
        root.append(etree.fromstring(PRE_PROCEEDINGS_XSD))
        sequence = root.find(f"{XS}complexType[@name='cindetailstype']/{XS}sequence")
        etree.SubElement(sequence, f"{XS}element", name="PreProceedingsandFGDM", type="preproceedingsandfgdmtype",
                         minOccurs="0", maxOccurs="unbounded")
    return doc


@lru_cache(maxsize=None)
def _layout_info(year: int) -> tuple[dict, dict]:
    return _structure(_schema_doc(year).getroot())


@lru_cache(maxsize=None)
def spec(year: int) -> Spec:
    year = layout_year(year)
    doc = _schema_doc(year)
    root = doc.getroot()
    children, enums = _layout_info(year)
    for name, type_ in (("Child", "childtype"), ("Header", "headertype")):
        etree.SubElement(root, f"{XS}element", name=name, type=type_)
    return Spec(year, etree.XMLSchema(doc), children, enums)


def _structure(root) -> tuple[dict, dict]:
    complex_types = {c.get("name"): c for c in root.iterfind(f"{XS}complexType")}
    simple_types = {s.get("name"): s for s in root.iterfind(f"{XS}simpleType")}
    children: dict[str, tuple] = {}
    enums: dict[str, tuple[str, ...]] = {}

    def walk(parent: str, ctype) -> None:
        sequence = ctype.find(f"{XS}sequence")
        items = []
        for el in sequence.iterfind(f"{XS}element") if sequence is not None else ():
            name, hi = el.get("name"), el.get("maxOccurs", "1")
            items.append((name, int(el.get("minOccurs", "1")), None if hi == "unbounded" else int(hi)))
            inline = el.find(f"{XS}complexType")
            if inline is None and el.get("type") in complex_types:
                inline = complex_types[el.get("type")]
            if inline is not None:
                walk(name, inline)
                continue
            simple = el.find(f"{XS}simpleType")
            if simple is None:
                simple = simple_types.get(el.get("type"))
            if simple is not None:
                values = tuple(e.get("value") for e in simple.iter(f"{XS}enumeration"))
                if values:
                    enums[name] = values
        children[parent] = tuple(items)

    walk("Message", complex_types["messagetype"])
    return children, enums


ALL_YEARS = tuple(range(FIRST_SCHEMA_YEAR, PRE_PROCEEDINGS_YEAR + 1))


@lru_cache(maxsize=None)
def known_elements(parent: str) -> frozenset[str]:
    """Every element `parent` holds in any year's layout."""
    return frozenset(n for y in ALL_YEARS for n, _, _ in _layout_info(y)[0].get(parent, ()))


def _years_text(years: list[int]) -> str:
    if not years:
        return ""
    if years == list(range(years[0], years[-1] + 1)):
        if years[-1] == PRE_PROCEEDINGS_YEAR:
            return f"the layouts from {years[0]}"
        return f"the {years[0]}-{years[-1]} layouts" if len(years) > 1 else f"the {years[0]} layout"
    return "the " + ", ".join(map(str, years)) + " layouts"


def element_years(parent: str, name: str) -> list[int]:
    return [y for y in ALL_YEARS if any(n == name for n, _, _ in _layout_info(y)[0].get(parent, ()))]


def code_years(element: str, code: str) -> list[int]:
    return [y for y in ALL_YEARS if code in _layout_info(y)[1].get(element, ())]


def codes_for(year: int, element: str) -> tuple[str, ...]:
    """The codes an element may hold in a collection year (from its schema)."""
    return _layout_info(layout_year(year))[1].get(element, ())


# ---- recognising a file -------------------------------------------------------------------------------

_ROOT = re.compile(rb"\s*(<\?xml[^>]*\?>\s*)?(<!--.*?-->\s*|<\?.*?\?>\s*|<!DOCTYPE[^>]*>\s*)*<Message[\s>]", re.S)
_COLLECTION = re.compile(rb"<Collection>\s*([^<\s]*)\s*</Collection>")
_DECLARED = re.compile(rb"<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")


def _head_bytes(head: bytes) -> bytes:
    if head.startswith(b"\xef\xbb\xbf"):
        return head[3:]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore").encode("utf-8")
    return head


class CINCensusReader:
    format = "CIN census XML"

    def accepts(self, path: Path, head: bytes) -> bool:
        """A `Message` whose CollectionDetails say CIN; or, with no header, CIN's own element names."""
        text = _head_bytes(head)
        if not _ROOT.match(text):
            return False
        collection = _COLLECTION.search(text)
        if collection:
            return collection.group(1).upper() == b"CIN"
        return b"<Header" not in text and (b"<LAchildID" in text or b"<CINdetails" in text)

    def read(self, path: Path) -> tuple[list[Part], list[Problem]]:
        reading = _Reading(Path(path))
        try:
            reading.parse()
        except _Refused as refused:
            return [], reading.notes + [refused.problem]
        return reading.parts(), reading.problems


READER = CINCensusReader()


# ---- reading one file ---------------------------------------------------------------------------------

class _Refused(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class _Row:
    table: str
    values: list[str]
    line: int                 # the record's own line (the start tag of its element)
    elements: tuple           # the elements its values came from, and its record element


def _text(el) -> str:
    return (el.text or "") if el is not None else ""


def _norm_date(text: str) -> str:
    """A date as yyyy-mm-dd where it is one, for identifiers: the same referral gets the same id in
    every year's file, however the date was written."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return text
    t = text.strip()
    if UK_DATE.fullmatch(t):
        d, m, y = t.split("/")
        return f"{y}-{int(m):02d}-{int(d):02d}"
    return t[:10] if ISO_DATE.fullmatch(t) else t


def make_id(child: str, kind: str, date: str) -> str:
    """Identifiers the census does not carry, made from the natural key (child and date), so they are
    stable across years and files: e.g. `DfEX0000001:referral:2022-10-06`."""
    return f"{child}:{kind}:{_norm_date(date)}"


def _date_ok(v: str) -> bool:
    """Whether `convert` reads this text as a date (its rule: dd/mm/yyyy or yyyy-mm-dd, real days)."""
    try:
        if UK_DATE.fullmatch(v):
            dt.datetime.strptime(v, "%d/%m/%Y")
            return True
        if ISO_DATE.fullmatch(v):
            dt.date.fromisoformat(v[:10])
            return True
    except ValueError:
        return False
    return False


def convert_reports(table: str, column: str, value: str) -> bool:
    """Whether `convert` will itself report this value (so the reader need not)."""
    col = model_table(table).column(column)
    v = value.strip()
    if not v:
        return col.required
    if col.type == "date":
        return not _date_ok(v)
    if col.type == "int":
        try:
            return float(v) != int(float(v))
        except (ValueError, OverflowError):
            return True
    if col.type == "bool":
        return v.lower() not in TRUE + FALSE
    if col.codes:
        mapped = LAYOUTS[table].values.get(column, {}).get(v.upper(), v.upper())
        return mapped not in getattr(codes, col.codes.upper())
    return False


class _Reading:
    CHECK_VALID = False     # check every element of valid Childs too (the tests compare both ways)

    def __init__(self, path: Path):
        self.path, self.name = path, path.name
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []                 # said even if the file is refused (encoding fallback)
        self.rows: dict[str, list[tuple[list[str], int]]] = {t: [] for t in TABLE_ORDER}
        self.row_errors: dict[str, list[Problem]] = {t: [] for t in TABLE_ORDER}
        self.spec: Spec | None = None
        self.collection_year: int | None = None
        self.encoding = "utf-8"
        self.children: dict[str, int] = {}             # LAchildID -> line of its first Child
        self.header_seen = False
        self._fresh()

    def _fresh(self) -> None:
        """Per Child: what the schema check and the rows share."""
        self.conv_lines: set[int] = set()   # lines of values `convert` will report itself: rows point there
        self.err_lines: set[int] = set()    # lines of errors the reader reports (their rows are rejected)
        self.reported: set = set()          # elements (or (parent, missing name)) already reported
        self.loaded: set = set()            # elements whose values went into rows
        self.strict = True                  # check every element (a Child that failed its schema)

    # -- parsing ------------------------------------------------------------------------------------

    def parse(self) -> None:
        with open(self.path, "rb") as f:
            head = f.read(4096)
        bom = {b"\xef\xbb\xbf": "UTF-8", b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}
        said = next((name for mark, name in bom.items() if head.startswith(mark)), None)
        declared = _DECLARED.search(_head_bytes(head))
        self.encoding = (declared.group(1).decode() if declared else said or "UTF-8").lower()
        try:
            self._parse(None)
        except etree.XMLSyntaxError as e:
            if not _encoding_error(e) or declared or said:
                raise _Refused(self._syntax_problem(e, None, declared is not None)) from None
            # No declaration, no byte-order mark, and not UTF-8: as for CSV files, read it as
            # Windows-1252 (what Windows programs write), and say so.
            line = e.lineno
            self.__init__(self.path)
            self.encoding = "windows-1252"
            self.notes.append(Problem(self.name, line, None, None, "encoding",
                                      "the file is not UTF-8 and its XML declaration names no encoding; it was read as "
                                      "Windows-1252. Check accented letters, and declare the encoding "
                                      "(<?xml version=\"1.0\" encoding=\"windows-1252\"?>) or save it as UTF-8", WARNING))
            try:
                self._parse("windows-1252")
            except etree.XMLSyntaxError as e2:
                raise _Refused(self._syntax_problem(e2, "windows-1252", False)) from None
        self.problems = self.notes + sorted(self.problems, key=lambda p: p.row or 0)

    def _parse(self, encoding: str | None) -> None:
        context = etree.iterparse(str(self.path), events=("end",), tag=("Header", "Child"), encoding=encoding,
                                  remove_comments=True, remove_pis=True, resolve_entities=False, no_network=True,
                                  huge_tree=True)
        root = None
        for _, el in context:
            if root is None:
                root = el.getroottree().getroot()
                self._root_is_message(root)
            parent = el.getparent()
            if el.tag == "Header":
                if parent is root:
                    self._header(el)
                continue
            if parent is None or parent.tag != "Children" or parent.getparent() is not root:
                continue       # a Child anywhere else is reported as an unknown element of its parent
            if self.spec is None:
                self._set_year(None, None)
            self._child(el)
            el.clear(keep_tail=True)
            while el.getprevious() is not None:
                prev = el.getprevious()
                if isinstance(prev.tag, str) and prev.tag != "Child":
                    self._warn(prev.sourceline, prev.tag, None, "element-unknown",
                               f"{prev.tag} is not an element of Children in any CIN census layout; it was not loaded")
                del parent[0]
        self._structure_problems(context.root)

    def _syntax_problem(self, e: etree.XMLSyntaxError, encoding: str | None, declared: bool) -> Problem:
        line = e.lineno or None
        element, opened = self._open_element(encoding)
        where = f"<{element}> (opened at line {opened})" if element else "the file"
        if _encoding_error(e):
            said = self.encoding.upper()
            how = "its XML declaration says it is" if declared else "it starts with a byte-order mark for"
            return Problem(self.name, line, element, self._bad_bytes(line), "encoding",
                           f"{how} {said}, but this line holds bytes that are not {said} (it was probably saved as "
                           f"Windows-1252). Save it as {said}, or declare encoding=\"windows-1252\"; nothing was "
                           f"loaded from this file")
        msg = e.msg or str(e)
        if "Premature end of data" in msg or ("Extra content" not in msg and line and line >= _count_lines(self.path)):
            return Problem(self.name, line, element, None, "truncated",
                           f"the file stops inside {where}: it looks truncated (cut short when it was copied or "
                           f"saved). A CIN census ends with </Message>; nothing was loaded from this file")
        return Problem(self.name, line, element, None, "xml",
                       f"not well-formed XML inside {where}: {msg}; nothing was loaded from this file")

    def _open_element(self, encoding: str | None) -> tuple[str | None, int | None]:
        """The innermost element open where parsing failed (a second pass, only for refused files)."""
        stack: list[tuple[str, int]] = []
        try:
            for event, el in etree.iterparse(str(self.path), events=("start", "end"), encoding=encoding,
                                             remove_comments=True, resolve_entities=False, no_network=True,
                                             huge_tree=True):
                if event == "start":
                    stack.append((el.tag, el.sourceline))
                else:
                    stack.pop()
                    el.clear(keep_tail=True)
        except etree.XMLSyntaxError:
            pass
        return stack[-1] if stack else (None, None)

    def _bad_bytes(self, line: int | None) -> str | None:
        if not line:
            return None
        with open(self.path, "rb") as f:
            for n, raw in enumerate(f, start=1):
                if n == line:
                    break
            else:
                return None
        try:
            raw.decode("utf-8")
            return None
        except UnicodeDecodeError as u:
            chunk = raw[u.start:u.end]
            return f"{chunk.decode('cp1252', errors='replace')} (byte {' '.join(f'0x{b:02X}' for b in chunk)})"

    # -- header and year ----------------------------------------------------------------------------

    def _header(self, header) -> None:
        self.header_seen = True
        details = header.find("CollectionDetails")
        year_el = details.find("Year") if details is not None else None
        ref_el = details.find("ReferenceDate") if details is not None else None
        year_text, ref_text = _text(year_el).strip(), _text(ref_el).strip()
        # The collection year is the Header's Year (the schema to check against, and the year the file
        # covers: 1 April to 31 March); the ReferenceDate only where there is no Year.
        year = int(year_text) if re.fullmatch(r"\d{4}", year_text) else None
        ref = dt.date.fromisoformat(_norm_date(ref_text)) if _date_ok(ref_text) else None
        # A census year ends on 31 March: the year of a reference date is the one ending on or after it.
        ref_year = ref.year + (1 if ref.month >= 4 else 0) if ref else None
        if year and ref_year and year != ref_year:
            self._warn(ref_el.sourceline, "ReferenceDate", ref_text, "collection-year",
                       f"the reference date falls in collection year {ref_year} (1 April {ref_year - 1} to 31 March "
                       f"{ref_year}) but Year says {year}; the file was read as the {year} census, as its Year says. "
                       f"Check the Header")
        self._set_year(year or ref_year, header)

    def _set_year(self, year: int | None, header) -> None:
        line = header.sourceline if header is not None else None
        if year is None:
            self.spec = spec(LAST_SCHEMA_YEAR)
            self._warn(line, "CollectionDetails", None, "collection-year",
                       f"the file gives no collection Year or ReferenceDate in a Header, so its census year is not known: "
                       f"it was checked against the {LAST_SCHEMA_YEAR} layout, and the period it covers is taken from "
                       f"its dates")
        else:
            self.collection_year = year
            self.spec = spec(year)
            if year < FIRST_SCHEMA_YEAR:
                self._warn(line, "Year", str(year), "collection-year",
                           f"cscperf has the CIN census layouts from {FIRST_SCHEMA_YEAR}; this {year} file was checked "
                           f"against the {FIRST_SCHEMA_YEAR} layout")
            elif year > LAST_SCHEMA_YEAR:
                self._warn(line, "Year", str(year), "collection-year",
                           f"cscperf has no published schema for {year}; the file was checked against the "
                           f"{LAST_SCHEMA_YEAR} schema with the 2026/27 PreProceedingsandFGDM module added")
        if header is not None:
            self._fresh()
            self._check(header)

    # -- one child ----------------------------------------------------------------------------------

    def _child(self, child) -> None:
        # A Child that passes its schema (nearly all of them) is read without the checks: no element can
        # be unknown, repeated or missing, so there is nothing to report and each row keeps its record's
        # line. Otherwise every element is checked, and each row points at the line of its first problem.
        self._fresh()
        self.strict = not self.spec.schema.validate(child) or self.CHECK_VALID
        self.staged: list[_Row] = []
        sex_column = self.sex_column
        top = self._index(child)
        ids, ids_index = self._fields(_first(top, "ChildIdentifiers"), ID_FIELDS)
        chars, chars_index = self._fields(_first(top, "ChildCharacteristics"), ("Ethnicity",))
        la = _value(ids, "LAchildID").strip()
        sex = ids.get(sex_column)
        if sex is None:
            sex = ids.get("GenderCurrent" if sex_column == "Sex" else "Sex")
        upn = ids.get("UPN")
        if upn is None:        # persons.upn holds UN1-UN7 where there is no UPN, as SSDA903 UPN does
            upn = ids.get("UPNunknown")
        if la:
            if la in self.children:
                self.strict = True         # a valid Child can still repeat another: its rows must point at it
                self._row_error("persons", ids["LAchildID"].sourceline, "LAchildID", la, "duplicate-child",
                                f"this child is in the file twice (first at line {self.children[la]}): a census returns "
                                f"each child once, with all of their CINdetails in one Child. Merge the two")
            else:
                self.children[la] = child.sourceline
        disabilities = []
        for block in chars_index.get("Disabilities", ()):
            for d in self._index(block).get("Disability", ()):
                disabilities.append(d)
                self._row("disabilities", [la, d.text or ""], d)
        # persons.disability: a code other than NONE means disabled; only NONE means not; none, not known.
        disabled = ""
        if disabilities:
            disabled = "true" if any((d.text or "").strip().upper() != "NONE" for d in disabilities) else "false"
        values = [_value(ids, "LAchildID"), _text(sex), _value(ids, "PersonBirthDate"), _value(chars, "Ethnicity"),
                  _text(upn), _value(ids, "PersonDeathDate"), disabled]     # in the order of self.header("persons")
        self._row("persons", values, child, _first(top, "ChildIdentifiers"), _first(top, "ChildCharacteristics"),
                  sex, upn, chars.get("Ethnicity"), ids.get("LAchildID"), ids.get("PersonBirthDate"),
                  ids.get("PersonDeathDate"))
        for cin in top.get("CINdetails", ()):
            self._cin_details(cin, la)
        if self.strict:
            for row in self.staged:
                self.loaded.update(row.elements)
            self._check(child, validated=True)
            for row in self.staged:
                lines = {e.sourceline for e in row.elements}
                own = lines & self.err_lines or lines & self.conv_lines
                self.rows[row.table].append((row.values, min(own) if own else row.line))

    def _row(self, table: str, values: list[str], record, *elements) -> None:
        """A row of `table` from `record` (the element whose start tag gives its line)."""
        if self.strict:
            self.staged.append(_Row(table, values, record.sourceline,
                                    tuple(e for e in (record, *elements) if e is not None)))
        else:
            self.rows[table].append((values, record.sourceline))

    def _cin_details(self, cin, la: str) -> None:
        f, inside = self._fields(cin, CIN_FIELDS)
        ref_date = _value(f, "CINreferralDate")
        rid = make_id(la, "referral", ref_date)
        self._row("referrals", [rid, la, ref_date, _value(f, "ReferralSource"), _value(f, "PrimaryNeedCode"),
                                _value(f, "ReferralNFA"), _value(f, "CINclosureDate"), _value(f, "ReasonForClosure")],
                  cin, *(f.get(n) for n in CIN_FIELDS if n != "DateOfInitialCPC"))
        for a in inside.get("Assessments", ()):
            fa, a_index = self._fields(a, ASSESSMENT_FIELDS)
            start = _value(fa, "AssessmentActualStartDate")
            aid = make_id(la, "assessment", start)
            self._row("assessments", [aid, la, rid, start, _value(fa, "AssessmentAuthorisationDate")], a,
                      *fa.values())
            for block in a_index.get("FactorsIdentifiedAtAssessment", ()):
                for factor in self._index(block).get("AssessmentFactors", ()):
                    self._row("assessment_factors", [aid, la, factor.text or ""], factor)
        for p in inside.get("CINPlanDates", ()):
            fp, _ = self._fields(p, PLAN_FIELDS)
            start = _value(fp, "CINPlanStartDate")
            self._row("cin_plans", [make_id(la, "cin_plan", start), la, rid, start, _value(fp, "CINPlanEndDate")], p,
                      *fp.values())
        s47_icpcs = set()
        for s in inside.get("Section47", ()):
            fs, _ = self._fields(s, S47_FIELDS)
            start = _value(fs, "S47ActualStartDate")
            sid = make_id(la, "s47", start)
            self._row("s47_enquiries", [sid, la, rid, start, _value(fs, "ICPCnotRequired")], s,
                      fs.get("S47ActualStartDate"), fs.get("ICPCnotRequired"))
            icpc = fs.get("DateOfInitialCPC")
            if icpc is not None and (icpc.text or "").strip():
                date = icpc.text
                s47_icpcs.add(_norm_date(date))
                self._row("icpcs", [make_id(la, "icpc", date), sid, la, date, _value(fs, "InitialCPCtarget")], icpc,
                          fs.get("InitialCPCtarget"))
        cin_icpc = f.get("DateOfInitialCPC")
        if cin_icpc is not None and (cin_icpc.text or "").strip():
            self._cin_icpc(cin_icpc, la, s47_icpcs)
        for plan in inside.get("ChildProtectionPlans", ()):
            fc, plan_index = self._fields(plan, CPP_FIELDS)
            start = _value(fc, "CPPstartDate")
            pid = make_id(la, "cp_plan", start)
            self._row("cp_plans", [pid, la, start, _value(fc, "CPPendDate"), _value(fc, "InitialCategoryOfAbuse"),
                                   _value(fc, "LatestCategoryOfAbuse"), _value(fc, "NumberOfPreviousCPP")], plan,
                      *fc.values())
            for block in plan_index.get("Reviews", ()):
                for review in self._index(block).get("CPPreviewDate", ()):
                    self._row("cp_reviews", [pid, la, review.text or ""], review)
        for pp in inside.get("PreProceedingsandFGDM", ()):
            fpp, _ = self._fields(pp, PP_FIELDS + ("LetterInitCPDate",))
            self._row("pre_proceedings", [la, rid, *(_value(fpp, n) for n in PP_FIELDS)], pp,
                      *(fpp.get(n) for n in PP_FIELDS))

    def _cin_icpc(self, el, la: str, s47_icpcs: set[str]) -> None:
        # A DateOfInitialCPC on CINdetails is a conference too (the DfE asks for it there when no
        # Section47 holds it), unless a Section47 of the same referral holds the same date: then it is
        # that conference, written twice. Where the Section47s hold other dates, both are loaded and
        # the difference is pointed out.
        date = el.text
        if _norm_date(date) in s47_icpcs:
            return
        self._row("icpcs", [make_id(la, "icpc", date), "", la, date, ""], el)
        if s47_icpcs:
            self._warn(el.sourceline, "DateOfInitialCPC", date.strip(), "icpc-dates",
                       f"the referral's DateOfInitialCPC differs from the conference date in its Section47 "
                       f"({', '.join(sorted(s47_icpcs))}); both were loaded as conferences. If they are one "
                       f"conference, correct the date that is wrong")

    # -- elements -----------------------------------------------------------------------------------

    def _index(self, el) -> dict[str, list]:
        """An element's children by name; a child no layout has there is reported, and not loaded."""
        out: dict[str, list] = {}
        if el is None:
            return out
        if not self.strict:
            for c in el:
                out.setdefault(c.tag, []).append(c)
            return out
        known = known_elements(el.tag)
        for c in el:
            tag = c.tag
            if not isinstance(tag, str):
                continue
            if tag not in known:
                if c not in self.reported:
                    self.reported.add(c)
                    self._warn(c.sourceline, tag, None, "element-unknown",
                               f"{tag} is not an element of {el.tag} in any CIN census layout; it was not loaded")
                continue
            out.setdefault(tag, []).append(c)
        return out

    def _fields(self, el, names: tuple[str, ...]) -> tuple[dict, dict]:
        """The single-valued elements `names` of `el` (by name), and all its children (`_index`). One
        written twice with different values is an error (which is meant cannot be told) that rejects
        the record; with the same value, a warning."""
        found: dict = {}
        if el is None:
            return found, {}
        index = self._index(el)
        if not self.strict:
            for name in names:
                items = index.get(name)
                if items:
                    found[name] = items[0]
            return found, index
        for name in names:
            items = index.get(name)
            if not items:
                continue
            first = found[name] = items[0]
            for extra in items[1:]:
                self.reported.add(extra)
                value = _text(extra).strip()
                if value == _text(first).strip():
                    self._warn(extra.sourceline, name, value, "element-duplicate",
                               f"{name} is written twice in this {el.tag} (first at line {first.sourceline}), with "
                               f"the same value; the layout allows it once")
                elif (el.tag, name) in COLUMN_OF:
                    self._row_error(COLUMN_OF[(el.tag, name)][0], extra.sourceline, name, value, "element-duplicate",
                                    f"{name} is written twice in this {el.tag} with different values (the first, "
                                    f"{_text(first).strip()!r}, at line {first.sourceline}): which is meant cannot be "
                                    f"told, so the record cannot be used. Keep the right one")
                else:
                    self._warn(extra.sourceline, name, value, "element-duplicate",
                               f"{name} is written twice in this {el.tag} with different values (the first at line "
                               f"{first.sourceline}); the layout allows it once. cscperf does not load it")
        return found, index

    # -- the schema check ---------------------------------------------------------------------------

    def _check(self, el, validated: bool = False) -> None:
        """Report what the year's schema finds wrong with a Child (validated already) or the Header."""
        schema = self.spec.schema
        if not validated and schema.validate(el):
            return
        for err in schema.error_log:
            message = err.message or ""
            target = _resolve(el, err.path, err.line, message)
            if target is None:
                self._warn(err.line, None, None, "schema", f"{_plain(message)} ({self.spec.label})")
            elif "This element is not expected" in message:
                self._unexpected(target, _expected(message))
            elif "Missing child element" in message:
                self._missing(target, _expected(message), err.line)
            elif "Character content other than whitespace" in message:
                self._stray_text(target)
            elif len(target) == 0:
                self._value(target, message)
            elif target not in self.reported:
                self.reported.add(target)
                self._warn(err.line, target.tag, None, "schema", f"{_plain(message)} ({self.spec.label})")

    def _unexpected(self, el, expected: list[str]) -> None:
        if el in self.reported:
            return
        self.reported.add(el)
        parent = el.getparent()
        name, where, layout = el.tag, parent.tag, self.spec.label
        if name not in self.spec.names(where):
            hint = ": Sex replaced GenderCurrent in 2025. Check the Year in the Header" \
                if name in ("Sex", "GenderCurrent") else ""
            read = "it was read anyway" if el in self.loaded or name in ("CINPlanDates", "PreProceedingsandFGDM") \
                else "cscperf does not load it"
            self._warn(el.sourceline, name, None, "element-year",
                       f"{name} is not part of {where} in the {layout} (it is in "
                       f"{_years_text(element_years(where, name))}){hint}; {read}")
            return
        count = self.spec.count(where, name)
        same = [c for c in parent if c.tag == name]
        if count and count[1] is not None and len(same) > count[1]:
            self._warn(el.sourceline, name, None, "element-duplicate",
                       f"{name} appears {len(same)} times in this {where} (first at line {same[0].sourceline}); the "
                       f"{layout} allows it once, and only the first was read")
            return
        present = {c.tag for c in parent}
        if [x for x in expected if x not in present and (self.spec.count(where, x) or (0, 0))[0] >= 1]:
            self._missing(parent, expected, el.sourceline)
            return
        self._warn(el.sourceline, name, None, "element-order",
                   f"{name} is out of order in {where}: at this point the {layout} expects "
                   f"{' or '.join(expected) if expected else 'nothing more'}. It was read anyway (cscperf reads elements "
                   f"by name), but the DfE will reject the file until the order is put right")

    def _missing(self, parent, expected: list[str], line: int | None) -> None:
        where = parent.tag
        present = {c.tag for c in parent}
        for name in expected:
            count = self.spec.count(where, name)
            if name in present or not count or count[0] < 1 or (parent, name) in self.reported:
                continue
            self.reported.add((parent, name))
            target = COLUMN_OF.get((where, name))
            if target and model_table(target[0]).column(target[1]).required and parent in self.loaded:
                self.conv_lines.add(parent.sourceline)     # convert says "a value is required", at this line
                continue
            if where in ("FactorsIdentifiedAtAssessment", "Disabilities", "Reviews"):
                message = (f"{where} is empty: the {self.spec.label} needs at least one {name} in it"
                           + (" (21 means no factors identified)" if name == "AssessmentFactors" else ""))
            else:
                message = f"{where} has no {name}, which the {self.spec.label} requires; the rest was loaded"
            self._warn(parent.sourceline if line is None else line, name, None, "element-missing", message)

    def _stray_text(self, el) -> None:
        if el in self.reported:
            return
        self.reported.add(el)
        for line, text in [(el.sourceline, el.text)] + [(c.sourceline, c.tail) for c in el]:
            if text and text.strip():
                self._warn(line, el.tag, text.strip(), "text-content",
                           f"text stands between the elements of {el.tag}, where the layout allows none; it was ignored")

    def _value(self, el, message: str) -> None:
        if el in self.reported:
            return
        self.reported.add(el)
        parent = el.getparent()
        name, value = el.tag, _text(el)
        v = value.strip()
        enum = self.spec.enums.get(name, ())
        if enum == ("0", "1") and v.lower() in ("true", "false"):
            return     # yes/no written true/false: accepted (see the module docstring)
        target = COLUMN_OF.get((parent.tag if parent is not None else "", name)) if el in self.loaded else None
        if target and convert_reports(*target, value):
            self.conv_lines.add(el.sourceline)
            return
        kept = "kept as written" if target else "cscperf does not load this element"
        if "[facet 'enumeration']" in message:
            years = [y for y in code_years(name, v) if y != self.spec.year]
            if years:
                why = f"{v} is not a {name} code in the {self.spec.label}; it is one in {_years_text(years)}"
            else:
                listed = f" ({', '.join(enum)})" if 0 < len(enum) <= 12 else ""
                why = f"not a {name} code in the {self.spec.label}{listed}"
            mapped = LAYOUTS[target[0]].values.get(target[1], {}).get(v.upper()) if target else None
            if mapped and mapped != v:
                kept = f"read as {mapped}"
        elif "atomic type 'xs:date'" in message:
            if _date_ok(v):
                why = "the layout writes dates as yyyy-mm-dd"
                kept = f"read as {_norm_date(v)}" if target else kept
            else:
                why = "not a date (the layout writes dates as yyyy-mm-dd)"
        elif "[facet 'pattern']" in message:
            pattern = re.search(r"pattern '([^']*)'", message)
            why = f"does not match the layout's pattern for {name}" + (f" ({pattern.group(1)})" if pattern else "")
        elif "[facet 'minLength']" in message or not v:
            why = f"{name} is empty; the layout needs a value"
        else:
            why = f"{_plain(message)} ({self.spec.label})"
        self._warn(el.sourceline, name, v, "schema", f"{why}; {kept}")

    # -- results ------------------------------------------------------------------------------------

    def _root_is_message(self, root) -> None:
        if root.tag == "Message":
            return
        namespace = etree.QName(root).namespace
        why = (f"its elements are in the XML namespace {namespace}, and the CIN census layouts use none: remove the "
               f"xmlns attribute from Message" if namespace else
               "the file's root element is not Message, so it is not a CIN census")
        raise _Refused(Problem(self.name, root.sourceline, etree.QName(root).localname, None, "xml",
                               f"{why}; nothing was loaded from it"))

    def _structure_problems(self, root) -> None:
        if root is None:
            return
        self._root_is_message(root)
        for el in root:
            if not isinstance(el.tag, str):
                continue
            if el.tag == "Children":
                for c in el:
                    if isinstance(c.tag, str) and c.tag != "Child":
                        self._warn(c.sourceline, c.tag, None, "element-unknown",
                                   f"{c.tag} is not an element of Children in any CIN census layout; it was not loaded")
            elif el.tag != "Header":
                self._warn(el.sourceline, el.tag, None, "element-unknown",
                           f"{el.tag} is not an element of Message in any CIN census layout; it was not loaded")
        if self.spec is None:
            self._set_year(None, None)
        if not self.rows["persons"]:
            self._warn(root.sourceline, "Children", None, "empty", "the census holds no Child: nothing to load from it")

    @property
    def sex_column(self) -> str:
        return "Sex" if self.spec is not None and self.spec.year >= 2025 else "GenderCurrent"

    def header(self, table: str) -> list[str]:
        columns = list(LAYOUTS[table].columns)
        if table == "persons":
            columns.remove("GenderCurrent" if self.spec is not None and self.spec.year >= 2025 else "Sex")
        return columns

    def parts(self) -> list[Part]:
        sha = hashlib.sha256()
        with open(self.path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                sha.update(block)
        digest = sha.hexdigest()
        year = self.collection_year
        covers = (dt.date(year - 1, 4, 1), dt.date(year, 3, 31)) if year else None
        in_layout = set(TABLE_ORDER)
        for table, element in (("cin_plans", "CINPlanDates"), ("pre_proceedings", "PreProceedingsandFGDM")):
            if element not in self.spec.names("CINdetails"):
                in_layout.discard(table)
        parts = []
        for table in TABLE_ORDER:
            rows = self.rows[table]
            if not rows and table not in in_layout:
                continue     # the year's layout has no such element: the file says nothing about that table
            text = TextTable(self.path, digest, self.encoding, self.header(table), [r[0] for r in rows],
                             [r[1] for r in rows], list(self.row_errors[table]))
            parts.append(Part(LAYOUTS[table], text, collection_year=year, covers=covers))
        return parts

    def _warn(self, line, column, value, rule, message) -> None:
        self.problems.append(Problem(self.name, line, column, value, rule, message, WARNING))

    def _row_error(self, table: str, line: int, column: str, value: str | None, rule: str, message: str) -> None:
        problem = Problem(self.name, line, column, value, rule, message, ERROR)
        self.err_lines.add(line)
        self.row_errors[table].append(problem)     # the row at this line is rejected (load._type_part)
        self.problems.append(problem)


def _value(fields: dict, name: str) -> str:
    el = fields.get(name)
    return (el.text or "") if el is not None else ""


def _first(index: dict, name: str):
    items = index.get(name)
    return items[0] if items else None


def _encoding_error(e: etree.XMLSyntaxError) -> bool:
    m = e.msg or ""
    return ("encoding" in m.lower() and ("Invalid bytes" in m or "not proper" in m)) or "not proper UTF-8" in m


def _count_lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b"")) + 1


_PATH_STEP = re.compile(r"^([A-Za-z_][\w.-]*)(?:\[(\d+)\])?$")


def _resolve(root, path: str | None, line: int, message: str):
    """The element a schema error is about: from its path below the checked element, else by name and line."""
    if path:
        steps = [s for s in path.split("/") if s]
        # The path starts at the checked element (/Child/...), or at the document (/Message/Children/Child[3]/...).
        while steps and _PATH_STEP.match(steps[0]) and _PATH_STEP.match(steps[0]).group(1) != root.tag:
            steps.pop(0)
        el = root if steps else None
        for step in steps[1:]:
            m = _PATH_STEP.match(step)
            if el is None or m is None:
                el = None
                break
            same = [c for c in el if c.tag == m.group(1)]
            i = int(m.group(2) or 1) - 1
            el = same[i] if i < len(same) else None
        if el is not None:
            return el
    name = re.match(r"Element '([^']+)'", message or "")
    for el in root.iter(name.group(1) if name else None):
        if el.sourceline == line:
            return el
    return None


def _expected(message: str) -> list[str]:
    m = re.search(r"Expected is (?:one of )?\( ([^)]*) \)", message)
    return [x.strip() for x in m.group(1).split(",")] if m else []


def _plain(message: str) -> str:
    """libxml2's message without its "Element 'X': " prefix (the element is named in the column)."""
    return re.sub(r"^Element '[^']+': ", "", message or "").strip().rstrip(".")


__all__ = ["READER", "LAYOUTS", "spec", "codes_for", "make_id", "layout_year"]
