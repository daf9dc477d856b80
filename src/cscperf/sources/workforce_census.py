"""Reader for the children's social work workforce census (CSWW) XML.

    Message > Header > CollectionDetails (Collection CSWW, Year, ReferenceDate) and Source (LEA, ...)
            > LALevelVacancies (NumberOfVacancies, NoAgencyFTE, NoAgencyHeadcount)
            > CSWWWorker+ (AgencyWorker, SWENo, FTE, ..., OrgRole, RoleStartDate, RoleEndDate, ReasonLeave,
                           FTE30, Cases30, WorkingDaysLost, Absat30Sept, ReasonAbsence, CFKSSstatus, ...)

(data-standards.md §6; the schema is `schemas/csww/social_work_workforce_2022.xsd`.) Recognised by
content: a `Message` whose collection is CSWW. Every file is checked against the schema; what does
not conform is a warning with its line, the element and what was expected (the values cscperf loads
are typed and checked as well, so a bad date or number is an error on that worker's row).

Each CSWWWorker fills two tables: `professionals` (who the worker is: agency, FTE, role from OrgRole,
start and end dates in the role, reason for leaving) and `workforce_census` (their figures at the
census date: FTE30, Cases30, working days lost, absence at 30 September). LALevelVacancies fills
`vacancies`. The census date is the header's ReferenceDate (or 30 September of its Year).

The census has no staff id. A worker is identified by their Social Work England number (SWENo), which
every social worker has; failing that, by an id made from what the census says about them that does
not change from year to year (birth date, gender, ethnicity, role start date, qualifying
institution), so the same worker gets the same id in every year's census. A council's HR file or SSD
extract names the same people by staff id; those rows win over the census where both name one id.

OrgRole and the CFKSS status give the model's role: 3 first-line manager -> TM; 4 senior
practitioner -> SSW (PS if a practice supervisor); 5 case holder -> SW (ASYE if in the assessed and
supported year); 1, 2 and 6 (managers above team level, qualified without cases) -> OTHER. The
census's own OrgRole is kept in `org_role`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from functools import lru_cache
from pathlib import Path

from lxml import etree

from cscperf.sources.csvtext import TextTable
from cscperf.sources.layouts import Layout
from cscperf.sources.problems import ERROR, WARNING, Problem
from cscperf.sources.xmlfiles import (encoding_warning, head_bytes, is_encoding_error, local, numbering, part_label,
                                      sha256_of, syntax_problem, text)

FORMAT = "children's social work workforce census XML (CSWW)"
SCHEMA = Path(__file__).parent / "schemas" / "csww" / "social_work_workforce_2022.xsd"

WORKER_ID = "SWENo or generated id"
ROLE = "role (from OrgRole)"
CENSUS_DATE = "ReferenceDate"

PROFESSIONALS = Layout(
    "CSWW workers", "csww", "professionals",
    {WORKER_ID: "professional_id", "SWENo": "swe_number", "OrgRole": "org_role", ROLE: "role",
     "AgencyWorker": "agency", "FTE": "fte", "RoleStartDate": "start_date", "RoleEndDate": "leave_date",
     "ReasonLeave": "leave_reason"},
    priority=1)
CENSUS = Layout(
    "CSWW workers at the census date", "csww", "workforce_census",
    {WORKER_ID: "professional_id", CENSUS_DATE: "census_date", "FTE30": "fte", "Cases30": "cases",
     "WorkingDaysLost": "working_days_lost", "Absat30Sept": "absent", "ReasonAbsence": "absence_reason"},
    priority=1)
VACANCIES = Layout(
    "CSWW LA-level vacancies", "csww", "vacancies",
    {CENSUS_DATE: "census_date", "NumberOfVacancies": "vacancies_fte", "NoAgencyFTE": "agency_fte",
     "NoAgencyHeadcount": "agency_headcount"},
    priority=1)
LAYOUTS = [PROFESSIONALS, CENSUS, VACANCIES]

# Elements whose values cscperf types itself: a schema complaint about their value would repeat the
# row problem the typing reports, so only the typing's is kept.
TYPED = {"AgencyWorker", "FTE", "RoleStartDate", "RoleEndDate", "ReasonLeave", "FTE30", "Cases30", "WorkingDaysLost",
         "Absat30Sept", "NumberOfVacancies", "NoAgencyFTE", "NoAgencyHeadcount"}
# What identifies a worker without an SWENo, year after year.
STABLE = ("PersonBirthDate", "GenderCurrent", "Ethnicity", "RoleStartDate", "QualInst")


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def role_of(org_role: str, cfkss: str) -> str | None:
    """The model's professional_role for a CSWW OrgRole (None: OrgRole not given)."""
    if org_role == "3":
        return "TM"
    if org_role == "4":
        return "PS" if cfkss == "3" else "SSW"
    if org_role == "5":
        return "ASYE" if cfkss == "1" else "SW"
    if org_role:
        return "OTHER"
    return None


def _explain(message: str) -> tuple[str, str | None]:
    """A schema message in plain words, and the value it is about (if it names one)."""
    m = re.match(r"Element '([^']+)': (.*)", message)
    element, rest = (m.group(1), m.group(2)) if m else (None, message)
    value = None
    if v := re.search(r"[Tt]he value '([^']*)'|'([^']*)' is not a valid value", rest):
        value = v.group(1) if v.group(1) is not None else v.group(2)
    expected = re.search(r"Expected is (?:one of )?\( ([^)]*) \)", rest)
    if "This element is not expected" in rest:
        if expected:
            listed = expected.group(1).strip()
            what = f"one of {listed}" if "," in listed else listed
            return (f"<{element}> is not expected here; the schema expects {what} at this point "
                    f"(is a required element missing, or are elements out of order?)"), value
        return f"<{element}> is not expected here", value
    if "Missing child element" in rest and expected:
        return f"<{element}> is incomplete: {expected.group(1).strip()} is missing", value
    if "[facet 'enumeration']" in rest:
        allowed = re.search(r"set \{([^}]*)\}", rest)
        codes = allowed.group(1).replace("'", "") if allowed else "the schema's list"
        return f"not one of the codes allowed for <{element}> ({codes})", value
    if "[facet 'pattern']" in rest and element == "SWENo":
        return "not a Social Work England number (two letters then ten digits, e.g. SW1234567890)", value
    if "[facet 'pattern']" in rest:
        return f"not in the form the schema allows for <{element}>", value
    if "[facet 'fractionDigits']" in rest:
        return f"too many decimal places for <{element}>", value
    if "[facet 'minInclusive']" in rest or "[facet 'maxInclusive']" in rest:
        return f"outside the range the schema allows for <{element}> (FTE is 0 to 1)", value
    if "is not a valid value of the atomic type 'xs:date'" in rest:
        return f"<{element}> is not a date as yyyy-mm-dd", value
    if "is not a valid value of the atomic type" in rest:
        return f"<{element}> is not a valid {rest.rsplit('atomic type ', 1)[-1].strip('.').strip(chr(39))}", value
    return (f"<{element}>: {rest}" if element else rest), value


class WorkforceCensus:
    format = FORMAT

    def accepts(self, path: Path, head: bytes) -> bool:
        head = head_bytes(head)
        if re.search(rb"<Collection>\s*CSWW\s*</Collection>", head):
            return True
        return b"<Message" in head and (b"<CSWWWorker" in head or b"<LALevelVacancies" in head)

    def read(self, path: Path):
        path = Path(path)
        problems: list[Problem] = []
        data = path.read_bytes()          # a census is small: read whole, so the schema can check it
        try:
            doc = etree.parse(io.BytesIO(data), etree.XMLParser(huge_tree=True, remove_blank_text=True))
        except etree.XMLSyntaxError as e:
            if not is_encoding_error(e):
                return [], [syntax_problem(path, e)]
            try:
                doc = etree.parse(io.BytesIO(data), etree.XMLParser(huge_tree=True, remove_blank_text=True,
                                                                     encoding="cp1252"))
            except etree.XMLSyntaxError as e2:
                return [], [syntax_problem(path, e2)]
            problems.append(encoding_warning(path, e))
        root = doc.getroot()
        name = path.name
        if local(root.tag) != "Message":
            return [], [Problem(name, root.sourceline, None, None, "xml",
                                f"the root element is <{local(root.tag)}>, not <Message>: this is not a workforce census "
                                "file; nothing from it was loaded", ERROR)]
        problems += self._schema_problems(name, doc)

        def find(elem, *path_):
            for step in path_:
                elem = next((c for c in elem if local(c.tag) == step), None) if elem is not None else None
            return elem

        details = find(root, "Header", "CollectionDetails")
        ref = find(details, "ReferenceDate")
        year = find(details, "Year")
        census = text(ref) if ref is not None else ""
        census_line = (ref if ref is not None else year if year is not None else root).sourceline
        year_text = text(year) if year is not None else ""
        if not census and re.fullmatch(r"\d{4}", year_text):
            census = f"{year_text}-09-30"
        try:
            census_day = dt.date.fromisoformat(census)
        except ValueError:
            found = f" (found {census!r})" if census else ""
            return [], problems + [Problem(name, census_line, "ReferenceDate", census or None, "census-date",
                                           "the file does not give its census date as yyyy-mm-dd in "
                                           f"Header/CollectionDetails/ReferenceDate (or a Year){found}; without it the "
                                           "figures cannot be dated, so nothing from this file was loaded", ERROR)]
        collection_year = int(year_text) if re.fullmatch(r"\d{4}", year_text) else census_day.year
        lea = text(find(root, "Header", "Source", "LEA")) if find(root, "Header", "Source", "LEA") is not None else ""

        workers, census_rows, lines, ordinals = [], [], [], []
        for n, w in enumerate((c for c in root if local(c.tag) == "CSWWWorker"), start=1):
            values: dict[str, list[str]] = {}
            for c in w:
                if local(c.tag):
                    values.setdefault(local(c.tag), []).append(text(c))
            line = w.sourceline or 0
            first = {k: v[0] for k, v in values.items()}
            for many in ("Absat30Sept", "ReasonAbsence"):
                if len(set(values.get(many, []))) > 1:
                    problems.append(Problem(name, line, many, ", ".join(values[many]), "csww-repeated",
                                            f"worker {n} has several <{many}> values; the first ({values[many][0]}) "
                                            "was loaded", WARNING))
            worker_id = first.get("SWENo", "")
            if not worker_id:
                stable = "|".join([lea] + [first.get(k, "") for k in STABLE])
                if not any(first.get(k) for k in STABLE):
                    stable += f"|{n}"
                worker_id = f"CSWW-{lea or 'LA'}-{hashlib.sha1(stable.encode()).hexdigest()[:10].upper()}"
                how = ("made from their birth date, gender, ethnicity, role start date and qualifying institution, so "
                       "the same worker gets the same id in other years' censuses"
                       if any(first.get(k) for k in STABLE) else
                       "made from their place in the file, as nothing else identifies them: it will not match other "
                       "years' censuses")
                problems.append(Problem(name, line, "SWENo", None, "csww-id",
                                        f"worker {n} has no SWENo; they are identified as {worker_id}, {how}", WARNING))
            role = role_of(first.get("OrgRole", ""), first.get("CFKSSstatus", ""))
            if role is None:
                cases = first.get("Cases30", "")
                role = "ASYE" if first.get("CFKSSstatus") == "1" else "SW" if cases.isdigit() and int(cases) > 0 else "OTHER"
                why = ("are in the assessed and supported year (CFKSSstatus 1)" if role == "ASYE" else
                       "held cases at the census date" if role == "SW" else "held no cases at the census date")
                problems.append(Problem(name, line, "OrgRole", None, "csww-role",
                                        f"worker {n} ({worker_id}) has no OrgRole; their role was taken as {role}: "
                                        f"they {why}", WARNING))
            workers.append([worker_id, first.get("SWENo", ""), first.get("OrgRole", ""), role,
                            first.get("AgencyWorker", ""), first.get("FTE", ""), first.get("RoleStartDate", ""),
                            first.get("RoleEndDate", ""), first.get("ReasonLeave", "")])
            census_rows.append([worker_id, census, first.get("FTE30", ""), first.get("Cases30", ""),
                                first.get("WorkingDaysLost", ""), first.get("Absat30Sept", ""),
                                first.get("ReasonAbsence", "")])
            lines.append(line)
            ordinals.append(n)

        from cscperf.sources.readers import Part

        digest = sha256_of(path)
        encoding = (doc.docinfo.encoding or "utf-8").lower()
        try:                                      # the census year: the day after the previous census date
            year_start = census_day.replace(year=census_day.year - 1)
        except ValueError:                        # 29 February
            year_start = census_day - dt.timedelta(days=366)
        parts = []
        if workers:
            numbers, by_line = numbering(lines, ordinals)
            label = part_label(name, "CSWWWorker", "CSWWWorker", by_line)
            parts.append(Part(PROFESSIONALS, TextTable(path, digest, encoding, list(PROFESSIONALS.columns), workers,
                                                       numbers, label=label),
                              collection_year=collection_year, covers=(year_start + dt.timedelta(days=1), census_day)))
            parts.append(Part(CENSUS, TextTable(path, digest, encoding, list(CENSUS.columns), census_rows, numbers,
                                                label=label),
                              collection_year=collection_year, covers=(census_day, census_day)))
        else:
            problems.append(Problem(name, None, "CSWWWorker", None, "empty", "the file lists no workers (CSWWWorker)",
                                    WARNING))
        vac = find(root, "LALevelVacancies")
        if vac is not None:
            v = {local(c.tag): text(c) for c in vac if local(c.tag)}
            row = [census, v.get("NumberOfVacancies", ""), v.get("NoAgencyFTE", ""), v.get("NoAgencyHeadcount", "")]
            parts.append(Part(VACANCIES, TextTable(path, digest, encoding, list(VACANCIES.columns), [row],
                                                   [vac.sourceline or 1], label=f"{name}, LALevelVacancies"),
                              collection_year=collection_year, covers=(census_day, census_day)))
        return parts, problems

    def _schema_problems(self, name: str, doc) -> list[Problem]:
        xsd = schema()
        if xsd.validate(doc):
            return []
        out = []
        for e in xsd.error_log:
            message, value = _explain(e.message)
            element = re.match(r"Element '([^']+)'", e.message)
            element = element.group(1) if element else None
            if element in TYPED and value is not None:
                continue                      # the row's typing reports it, as an error on that worker
            out.append(Problem(name, e.line, element, value, "schema",
                               f"{message} (checked against {SCHEMA.name}; the rest of the file was read)", WARNING))
        return out


READER = WorkforceCensus()
