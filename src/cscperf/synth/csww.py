"""The children's social work workforce census (CSWW) the council would have returned each 30 September.

One XML file a year, `workforce/CSWW_<year>.xml`, valid against the 2022 schema
(`sources/schemas/csww/`), written from the simulated workforce: every social worker (personal
advisers are not social workers, so not in it) in post at the census date or who left during the
year to it; their FTE, agency status, role (OrgRole and CFKSS status from the model's role), start
and end dates in the role, reason for leaving, cases held at the census date (their open
allocations), working days lost and absence; and the council's vacancies: posts with nobody in them,
and posts held by agency workers (the DfE counts a post covered by an agency worker as vacant).

What the simulation does not decide (birth dates, gender, ethnicity, qualification, sickness) is
drawn from a random stream of the worker's own, so it is the same in every year's file.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from pathlib import Path

from lxml import etree

from cscperf.synth.days import Days, add_years
from cscperf.synth.people import Weighted, ethnicity

ORG_ROLE = {"TM": "3", "SSW": "4", "PS": "4", "SW": "5", "ASYE": "5"}
CFKSS = {"ASYE": "1", "SW": "2", "SSW": "2", "PS": "3", "TM": "3"}
START_ORIGIN = Weighted((("2", 45), ("5", 8), ("6", 10), ("7", 7), ("3", 4), ("8", 6), ("9", 20)))
LEAVER_DESTINATION = Weighted((("1", 40), ("3", 15), ("4", 10), ("5", 8), ("6", 12), ("7", 5), ("8", 10)))
GENDER = Weighted((("2", 84), ("1", 15), ("9", 1)))
UNIVERSITIES = ("University of Blackwater", "Kingsford University", "The Open University", "Easthaven University",
                "University of the Midlands", "Millbrook College of Social Work")
ABSENCE = Weighted((("SIC", 55), ("MAT", 25), ("TRN", 8), ("OTH", 8), ("UNP", 4)))


class WriterCSWW:
    def __init__(self, days: Days, workforce, seed: int, la_code: str, start: int, end: int):
        self.days, self.workforce, self.seed, self.la_code = days, workforce, seed, la_code
        self.start, self.end = start, end

    def census_dates(self) -> list[int]:
        first, last = dt.date.fromordinal(self.start), dt.date.fromordinal(self.end)
        return [d.toordinal() for y in range(first.year, last.year + 1)
                if first <= (d := dt.date(y, 9, 30)) <= last]

    def write(self, out: Path) -> dict[str, int]:
        out.mkdir(parents=True, exist_ok=True)
        counts = {}
        for census in self.census_dates():
            year = dt.date.fromordinal(census).year
            path = out / f"CSWW_{year}.xml"
            root = self.message(census)
            etree.ElementTree(root).write(str(path), encoding="UTF-8", xml_declaration=True, pretty_print=True)
            counts[str(path.relative_to(out.parent))] = len(root.findall("CSWWWorker"))
        return counts

    def message(self, census: int) -> etree._Element:
        iso = self.days.iso
        previous = add_years(census, -1)
        workers = [w for w in self.workforce.workers if w.role != "PA" and w.start <= census
                   and (w.leave is None or w.leave > previous)]
        workers.sort(key=lambda w: w.id)
        in_post = [w for w in workers if w.leave is None or w.leave > census]
        cases = Counter()
        for a in self.workforce.allocations:
            if a.start <= census and (a.end is None or a.end > census) and (a.end is None or a.end > a.start):
                cases[a.worker] += 1
        agency = [w for w in in_post if w.agency]
        held = {w.post for w in in_post}
        posts = {w.post for w in self.workforce.workers if w.role != "PA" and w.start <= census}
        empty = len(posts - held)
        vacancies = empty + sum(w.fte for w in agency)

        root = etree.Element("Message")
        header = etree.SubElement(root, "Header")
        details = etree.SubElement(header, "CollectionDetails")
        _sub(details, "Collection", "CSWW")
        _sub(details, "Year", str(dt.date.fromordinal(census).year))
        _sub(details, "ReferenceDate", iso(census))
        source = etree.SubElement(header, "Source")
        _sub(source, "SourceLevel", "L")
        _sub(source, "LEA", self.la_code)
        _sub(source, "SoftwareCode", "cscperf synthetic council")
        _sub(source, "DateTime", f"{iso(census + 21)}T09:00:00")
        vac = etree.SubElement(root, "LALevelVacancies")
        _sub(vac, "NumberOfVacancies", f"{vacancies:.2f}")
        _sub(vac, "NoAgencyFTE", f"{sum(w.fte for w in agency):.2f}")
        _sub(vac, "NoAgencyHeadcount", str(len(agency)))
        for w in workers:
            root.append(self.worker(w, census, cases[w]))
        return root

    def worker(self, w, census: int, cases: int) -> etree._Element:
        iso = self.days.iso
        rng = random.Random(f"{self.seed}:csww:{w.id}")            # the worker's own stream: same every year
        born = w.start - int((rng.uniform(22, 35) if w.role == "ASYE" else rng.uniform(23, 58)) * 365.25)
        gender, eth, uni = GENDER(rng), ethnicity(rng), rng.choice(UNIVERSITIES)
        eth = "WOTH" if eth in ("WIRT", "WROM") else eth           # the census's list has no Traveller / Roma codes
        level = "2" if rng.random() < 0.35 else "1"
        origin = "4" if w.agency else "1" if w.role == "ASYE" else START_ORIGIN(rng)
        destination = LEAVER_DESTINATION(rng)
        sick_rate = rng.gammavariate(0.6, 14)                      # days lost a year: most few, some many
        year_rng = random.Random(f"{self.seed}:csww:{w.id}:{census}")
        left = w.leave is not None and w.leave <= census
        e = etree.Element("CSWWWorker")
        _sub(e, "AgencyWorker", "1" if w.agency else "0")
        _sub(e, "SWENo", w.swe)
        _sub(e, "FTE", f"{w.fte:.6f}")
        _sub(e, "PersonBirthDate", iso(born))
        _sub(e, "GenderCurrent", gender)
        _sub(e, "Ethnicity", eth)
        _sub(e, "QualInst", uni)
        _sub(e, "QualLevel", level)
        _sub(e, "OrgRole", ORG_ROLE[w.role])
        _sub(e, "RoleStartDate", iso(w.start))
        _sub(e, "StartOrigin", origin)
        if left:
            _sub(e, "RoleEndDate", iso(w.leave))
            _sub(e, "LeaverDestination", "3" if w.agency else destination)
            _sub(e, "ReasonLeave", w.reason or "9")
        else:
            _sub(e, "FTE30", f"{w.fte:.6f}")
            _sub(e, "Cases30", str(cases))
            _sub(e, "WorkingDaysLost", f"{min(200.0, year_rng.expovariate(1 / max(0.1, sick_rate)) * w.fte):.2f}")
            absent = year_rng.random() < 0.05
            _sub(e, "Absat30Sept", "1" if absent else "0")
            if absent:
                _sub(e, "ReasonAbsence", ABSENCE(year_rng))
        if w.role in CFKSS:
            _sub(e, "CFKSSstatus", CFKSS[w.role])
        return e


def _sub(parent, tag: str, value: str) -> etree._Element:
    e = etree.SubElement(parent, tag)
    e.text = value
    return e
