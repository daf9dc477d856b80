"""The CIN census return for each collection year, as the council would have sent it to the DfE.

One XML file per collection year that ended inside the window, `cin_census/CIN_Census_<year>.xml`
(the year ending 31 March), in that year's layout and valid against its schema: GenderCurrent 1/2 up
to 2024 and Sex M/F from 2025, CINPlanDates from 2022, and only the codes the year's schema lists (5D
and RC9 from 2023, assessment factors 18B/18C/19B/19C from 2021 and 24A from 2022).

It holds what the council knew on 31 March: every child with a referral (CIN episode) open at any time
in the year, with the episode's assessments, CIN plans, section 47 enquiries and child protection plans
that were open in the year. Later dates are blank (a plan still open on 31 March has no end date; the
next year's return shows it ending), as in the SSDA903 writer. The same simulated world feeds the CMS
extract, so the demo holds each referral twice and the loader's natural keys make it one.

The world has no assessment factors, disabilities by type or CP review dates; they are drawn here from
each record's own random stream (seeded by the child and the date), so every year's file agrees.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from xml.sax.saxutils import escape

from cscperf.sources.cin_census import codes_for
from cscperf.synth.days import Days, add_months, age_at
from cscperf.synth.people import Weighted
from cscperf.synth.world import Child, Referral, World

# Factors identified at assessment, weighted roughly as in England's CIN census (domestic abuse and
# parental mental health the most common). Codes a year's schema lacks fall back (18B -> 18A, ...).
FACTORS = Weighted((("3B", 30), ("3A", 24), ("4B", 29), ("17A", 20), ("16A", 18), ("2B", 16), ("1B", 15),
                    ("4A", 13), ("14A", 9), ("18C", 7), ("18B", 3), ("6B", 8), ("5B", 6), ("4C", 4), ("2A", 4),
                    ("3C", 4), ("15A", 5), ("19C", 3), ("19B", 2), ("10A", 4), ("11A", 3), ("24A", 4), ("13A", 2),
                    ("7A", 2), ("6A", 3), ("5A", 3), ("1A", 2), ("20", 6), ("9A", 1), ("12A", 1), ("22A", 0.3),
                    ("23A", 0.3)))
FALLBACK = {"18B": "18A", "18C": "18A", "19B": "19A", "19C": "19A", "24A": "20"}
DISABILITY = Weighted((("LD", 30), ("AUT", 28), ("COMM", 14), ("BEH", 12), ("MOB", 6), ("HAND", 2), ("PC", 3),
                       ("HEAR", 2), ("VIS", 2), ("INC", 1), ("CON", 1), ("DDA", 4)))
SEX_FROM = 2025          # Sex (M/F/U) replaced GenderCurrent (1/2/0/9)
CIN_PLANS_FROM = 2022    # CINPlanDates first collected


class WriterCIN:
    def __init__(self, days: Days, world: World, seed: int, start: int, end: int, la_code: str):
        self.days, self.world, self.seed = days, world, seed
        self.start, self.end, self.la_code = start, end, la_code
        self._index()

    def _index(self) -> None:
        """Each child's referrals, and what belongs to each referral (plans and CIN support belong
        to the latest referral on or before they start)."""
        w = self.world
        self.referrals: dict[Child, list[Referral]] = {}
        for r in w.referrals:
            self.referrals.setdefault(r.child, []).append(r)
        for refs in self.referrals.values():
            refs.sort(key=lambda r: r.date)
        by: dict[tuple[str, int], list] = {}
        for kind, items in (("assessments", w.assessments), ("s47s", w.s47s)):
            for x in items:
                by.setdefault((kind, id(x.referral)), []).append(x)
        self.icpc_of = {id(i.s47): i for i in w.icpcs if i.s47 is not None}
        for i in w.icpcs:
            if i.s47 is None:
                self._own(by, "transfer_in", i.child, i.date, i)
        for p in w.plans:
            self._own(by, "plans", p.child, p.start, p)
        for c, s, e in w.cin_support:
            self._own(by, "cin_plans", c, s, (s, e))
        self.by = by

    def _own(self, by, kind, child, day, item) -> None:
        refs = [r for r in self.referrals.get(child, ()) if r.date <= day]
        if refs:
            by.setdefault((kind, id(refs[-1])), []).append(item)

    def years(self) -> list[int]:
        """Collection years (ending 31 March) that ended inside the window."""
        first, last = dt.date.fromordinal(self.start), dt.date.fromordinal(self.end)
        first_year = first.year + 1 if first > dt.date(first.year, 3, 31) else first.year
        last_year = last.year if last >= dt.date(last.year, 3, 31) else last.year - 1
        return list(range(first_year, last_year + 1))

    def write(self, out: Path, progress=None) -> dict[str, int]:
        out.mkdir(parents=True, exist_ok=True)
        counts = {}
        years = self.years()
        for i, year in enumerate(years):
            path = out / f"CIN_Census_{year}.xml"
            lines, referrals = self.year_lines(year)
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write("\n".join(lines) + "\n")
            counts[str(path.relative_to(out.parent))] = referrals
            if progress:
                progress("cin census", (i + 1) / len(years))
        return counts

    def year_lines(self, year: int) -> tuple[list[str], int]:
        """The file's lines, and how many referrals (CINdetails) it holds."""
        d = self.days
        iso = d.iso
        y0, y1 = dt.date(year - 1, 4, 1).toordinal(), dt.date(year, 3, 31).toordinal()
        factor_codes = set(codes_for(year, "AssessmentFactors"))

        def known(o):
            return o is not None and o <= y1

        def open_in_year(s, e):
            return s <= y1 and (e is None or e >= y0)

        out = ['<?xml version="1.0" encoding="UTF-8"?>', "<Message>", "  <Header>", "    <CollectionDetails>",
               "      <Collection>CIN</Collection>", f"      <Year>{year}</Year>",
               f"      <ReferenceDate>{year}-03-31</ReferenceDate>", "    </CollectionDetails>", "    <Source>",
               "      <SourceLevel>L</SourceLevel>", f"      <LEA>{self.la_code}</LEA>",
               "      <SoftwareCode>cscperf synthetic council</SoftwareCode>", "      <Release>1</Release>",
               "      <SerialNo>001</SerialNo>", f"      <DateTime>{year}-05-15T09:00:00</DateTime>", "    </Source>",
               "  </Header>", "  <Children>"]
        n_referrals = 0
        for child in sorted(self.referrals, key=lambda c: c.pid):
            refs = [r for r in self.referrals[child] if open_in_year(r.date, r.closure)]
            if not refs:
                continue
            out += ["    <Child>", "      <ChildIdentifiers>", f"        <LAchildID>{escape(child.pid)}</LAchildID>"]
            if child.upn.startswith("UN") or age_at(child.dob, y1) < 5:
                out.append(f"        <UPNunknown>{child.upn if child.upn.startswith('UN') else 'UN1'}</UPNunknown>")
            else:
                out.append(f"        <UPN>{child.upn}</UPN>")
            out.append(f"        <PersonBirthDate>{iso(child.dob)}</PersonBirthDate>")
            if year >= SEX_FROM:
                out.append(f"        <Sex>{child.sex}</Sex>")
            else:
                out.append(f"        <GenderCurrent>{'1' if child.sex == 'M' else '2'}</GenderCurrent>")
            out += ["      </ChildIdentifiers>", "      <ChildCharacteristics>",
                    f"        <Ethnicity>{child.ethnicity}</Ethnicity>"]
            if child.disability:
                out.append("        <Disabilities>")
                out += [f"          <Disability>{code}</Disability>" for code in self._disabilities(child)]
                out.append("        </Disabilities>")
            out.append("      </ChildCharacteristics>")
            for r in refs:
                n_referrals += 1
                out += self._cin_details(r, year, y0, y1, factor_codes, known, open_in_year)
            out.append("    </Child>")
        out += ["  </Children>", "</Message>"]
        return out, n_referrals

    def _cin_details(self, r: Referral, year, y0, y1, factor_codes, known, open_in_year) -> list[str]:
        d, iso, by, key = self.days, self.days.iso, self.by, id(r)
        out = ["      <CINdetails>", f"        <CINreferralDate>{iso(r.date)}</CINreferralDate>",
               f"        <ReferralSource>{r.source}</ReferralSource>", f"        <PrimaryNeedCode>{r.need}</PrimaryNeedCode>"]
        if known(r.closure):
            out += [f"        <CINclosureDate>{iso(r.closure)}</CINclosureDate>",
                    f"        <ReasonForClosure>{r.reason}</ReasonForClosure>"]
        # A transfer-in conference has no section 47 here: its date is the referral's DateOfInitialCPC.
        transfer = [i for i in by.get(("transfer_in", key), ()) if y0 <= i.date <= y1]
        if transfer:
            out.append(f"        <DateOfInitialCPC>{iso(transfer[0].date)}</DateOfInitialCPC>")
        for a in sorted(by.get(("assessments", key), ()), key=lambda a: a.start):
            if not open_in_year(a.start, a.authorised):
                continue
            out += ["        <Assessments>", f"          <AssessmentActualStartDate>{iso(a.start)}</AssessmentActualStartDate>"]
            if known(a.authorised):
                out.append(f"          <AssessmentAuthorisationDate>{iso(a.authorised)}</AssessmentAuthorisationDate>")
                out.append("          <FactorsIdentifiedAtAssessment>")
                out += [f"            <AssessmentFactors>{f}</AssessmentFactors>"
                        for f in self._factors(a.child, a.start, r.need, factor_codes)]
                out.append("          </FactorsIdentifiedAtAssessment>")
            out.append("        </Assessments>")
        if year >= CIN_PLANS_FROM:
            for s, e in sorted(by.get(("cin_plans", key), ())):
                if open_in_year(s, e):
                    out += ["        <CINPlanDates>", f"          <CINPlanStartDate>{iso(s)}</CINPlanStartDate>"]
                    if known(e):
                        out.append(f"          <CINPlanEndDate>{iso(e)}</CINPlanEndDate>")
                    out.append("        </CINPlanDates>")
        for s in sorted(by.get(("s47s", key), ()), key=lambda s: s.start):
            icpc = self.icpc_of.get(id(s))
            held = icpc is not None and known(icpc.date)
            if not (open_in_year(s.start, s.end) or (held and icpc.date >= y0)):
                continue
            out += ["        <Section47>", f"          <S47ActualStartDate>{iso(s.start)}</S47ActualStartDate>",
                    f"          <InitialCPCtarget>{iso(d.add(s.start, 15))}</InitialCPCtarget>"]
            if held:
                out.append(f"          <DateOfInitialCPC>{iso(icpc.date)}</DateOfInitialCPC>")
            not_required = icpc is None and known(s.end)
            out += [f"          <ICPCnotRequired>{'1' if not_required else '0'}</ICPCnotRequired>", "        </Section47>"]
        out.append(f"        <ReferralNFA>{'1' if r.nfa else '0'}</ReferralNFA>")
        for p in sorted(by.get(("plans", key), ()), key=lambda p: p.start):
            if not open_in_year(p.start, p.end):
                continue
            out += ["        <ChildProtectionPlans>", f"          <CPPstartDate>{iso(p.start)}</CPPstartDate>"]
            if known(p.end):
                out.append(f"          <CPPendDate>{iso(p.end)}</CPPendDate>")
            out += [f"          <InitialCategoryOfAbuse>{p.initial}</InitialCategoryOfAbuse>",
                    f"          <LatestCategoryOfAbuse>{p.latest}</LatestCategoryOfAbuse>",
                    f"          <NumberOfPreviousCPP>{p.previous}</NumberOfPreviousCPP>"]
            reviews = [x for x in self._reviews(p.child, p.start, p.end) if y0 <= x <= y1]
            if reviews:
                out.append("          <Reviews>")
                out += [f"            <CPPreviewDate>{iso(x)}</CPPreviewDate>" for x in reviews]
                out.append("          </Reviews>")
            out.append("        </ChildProtectionPlans>")
        out.append("      </CINdetails>")
        return out

    def _factors(self, child: Child, start: int, need: str, allowed: set[str]) -> list[str]:
        """Factors identified at the end of an assessment: from its own random stream, so every year's
        file agrees; "21" (no factors) for most assessments of children found not in need."""
        rng = random.Random(f"{self.seed}:cin-factors:{child.pid}:{start}")
        if need == "N9" and rng.random() < 0.7:
            return ["21"]
        chosen: list[str] = []
        for _ in range(1 + int(rng.random() < 0.55) + int(rng.random() < 0.25) + int(rng.random() < 0.1)):
            code = FACTORS(rng)
            code = code if code in allowed else FALLBACK.get(code, "20")
            if code not in chosen:
                chosen.append(code)
        return sorted(chosen, key=lambda c: (int(c.rstrip("ABCDEF")), c))

    def _disabilities(self, child: Child) -> list[str]:
        rng = random.Random(f"{self.seed}:cin-disability:{child.pid}")
        codes = [DISABILITY(rng)]
        if rng.random() < 0.3:
            second = DISABILITY(rng)
            if second not in codes:
                codes.append(second)
        return codes

    def _reviews(self, child: Child, start: int, end: int | None) -> list[int]:
        """Review conferences of a plan: the first within three months of the initial conference, then
        every six months (a few late), while the plan is open; on working days."""
        rng = random.Random(f"{self.seed}:cp-reviews:{child.pid}:{start}")
        out, day, months = [], start, 3
        while True:
            due = add_months(day, months)
            day = self.days.on_or_before(due - rng.randint(0, 20)) if rng.random() < 0.93 else \
                self.days.on_or_after(due + rng.randint(1, 25))
            if day > self.end or (end is not None and day >= end):
                return out
            out.append(day)
            months = 6
