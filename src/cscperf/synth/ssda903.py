"""The SSDA903 return for each collection year, as the council would have submitted it.

Each year's folder holds what was known on 31 March: episodes open at any time in the year, with an
episode still open on 31 March shown with blank DEC and REC even if it ended later (the next year's
return shows how it ended); the year's reviews and missing episodes; OC2 for children looked after
continuously for 12 months; OC3 for care leavers whose 17th-21st birthday fell in the year; AD1 for
children adopted in the year; and, from 2023/24, social worker episodes. Dates are dd/mm/yyyy and SEX
is 1/2, as in the DfE's CSV layouts (data-standards.md §1.1).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from cscperf.synth.csvfile import write_csv
from cscperf.synth.days import Days, add_years, age_at
from cscperf.synth.people import Weighted
from cscperf.synth.world import Child, World

COLUMNS = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "episodes": ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"),
    "reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "uasc": ("CHILD", "SEX", "DOB", "DUC"),
    "oc2": ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK",
            "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"),
    "oc3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "ad1": ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
    "placed_for_adoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    "previous_permanence": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "sw_episodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
}
SW_EPISODES_FROM = 2024          # first collection year with social worker episodes
SW_REASON = {"LEFTRL": "LEFTRL", "MANAGE": "MANAGE", "TSPROC": "CHCHAN", None: "CHCHAN"}
IN_TOUCH = Weighted((("YES", 90), ("NO", 4), ("REFU", 3), ("NREQ", 2), ("RHOM", 1)))
ACTIVE_YOUNG = Weighted((("F2", 40), ("P2", 6), ("F4", 7), ("F5", 8), ("P5", 4), ("F1", 1)))
ACTIVE_OLDER = Weighted((("F1", 8), ("P1", 2), ("F2", 12), ("P2", 4), ("F4", 8), ("F5", 16), ("P5", 6)))
NEET = Weighted((("G5", 62), ("G4", 20), ("G6", 18)))
ACCOM = Weighted((("B", 18), ("Z", 20), ("U", 22), ("D", 16), ("E", 8), ("K", 4), ("T", 3), ("S", 2), ("X", 2),
                  ("V", 1), ("W", 1), ("C", 3)))


class Writer903:
    def __init__(self, days: Days, world: World, allocations, seed: int, start: int, end: int):
        self.days, self.world, self.seed = days, world, seed
        self.allocations = allocations
        self.start, self.end = start, end
        self.people: set[Child] = set()      # every child in any year's return (they need a persons row)

    def years(self) -> list[int]:
        """Collection years (ending 31 March) that ended inside the window: a return is made once the
        year is over."""
        first, last = dt.date.fromordinal(self.start), dt.date.fromordinal(self.end)
        first_year = first.year + 1 if first > dt.date(first.year, 3, 31) else first.year
        last_year = last.year if last >= dt.date(last.year, 3, 31) else last.year - 1
        return list(range(first_year, last_year + 1))

    def write(self, out: Path, progress=None) -> dict[str, int]:
        counts = {}
        years = self.years()
        for i, year in enumerate(years):
            folder = out / str(year)
            folder.mkdir(parents=True, exist_ok=True)
            for name, rows in self.year_rows(year).items():
                if name == "sw_episodes" and year < SW_EPISODES_FROM:
                    continue                    # the table did not exist before 2023/24
                path = folder / f"{name}.csv"
                counts[str(path.relative_to(out.parent))] = write_csv(path, COLUMNS[name], rows, "\r\n")
            if progress:
                progress("ssda903", (i + 1) / len(years))
        return counts

    def year_rows(self, year: int) -> dict[str, list]:
        d = self.days
        y0, y1 = dt.date(year - 1, 4, 1).toordinal(), dt.date(year, 3, 31).toordinal()
        uk = d.uk

        def upto(o):
            return uk(o) if o is not None and o <= y1 else ""

        rows = {k: [] for k in COLUMNS}
        in_year: set[Child] = set()
        for period in self.world.periods:
            if period.start > y1 or (period.end is not None and period.end < y0):
                continue
            c = period.child
            for ep in period.episodes:
                if ep.start > y1 or (ep.end is not None and ep.end < y0):
                    continue
                closed = ep.end is not None and ep.end <= y1
                rows["episodes"].append((c.pid, uk(ep.start), ep.rne, ep.ls, ep.cin, ep.place, ep.provider,
                                         uk(ep.end) if closed else "", ep.rec if closed else "",
                                         (ep.reason_change or "") if closed else "", ep.home_post, ep.pl_post, ep.urn))
                in_year.add(c)
            for day, code in period.reviews:
                if y0 <= day <= y1:
                    rows["reviews"].append((c.pid, uk(c.dob), uk(day), code))
            if y0 <= period.start <= y1 and not period.short_breaks:
                perm, when = period.prev_perm
                rows["previous_permanence"].append((c.pid, uk(c.dob), perm, "", when))
            a = period.adoption
            if a is not None and a.decision <= y1 and (a.reversed is None or a.reversed >= y0):
                rows["placed_for_adoption"].append((c.pid, uk(c.dob), uk(a.decision), upto(a.reversed),
                                                    a.reversed_reason if a.reversed is not None and a.reversed <= y1 else ""))
            if a is not None and period.rec in ("E11", "E12") and period.end is not None and y0 <= period.end <= y1:
                rows["ad1"].append((c.pid, uk(c.dob), uk(a.decision), uk(a.match), "1" if a.foster_carers else "0",
                                    str(a.adopters), a.adopters_sex, a.adopters_ls))
            if (period.start <= y0 and not period.short_breaks and (period.end is None or period.end > y1)
                    and add_years(c.dob, 18) > y1):
                rows["oc2"].append(self._oc2(c, year, y1))
        for m in self.world.missing:
            if m.in_care and y0 <= m.start <= y1:
                rows["missing"].append((m.child.pid, uk(m.child.dob), m.type, uk(m.start), upto(m.end)))
                in_year.add(m.child)
        leavers = [c for f in self.world.families for c in f.children if c.left_care is not None and c.left_care <= y1]
        for c in leavers:
            for age in range(17, 22):
                birthday = add_years(c.dob, age)
                if y0 <= birthday <= y1 and c.left_care <= birthday:
                    rows["oc3"].append(self._oc3(c, year, age))
                    in_year.add(c)
        for c in in_year:
            if c.uasc:
                rows["uasc"].append((c.pid, "1" if c.sex == "M" else "2", uk(c.dob), upto(add_years(c.dob, 18))))
        if year >= SW_EPISODES_FROM:
            for a in self.allocations:
                if a.team.service != "CLA" or a.child not in in_year or a.start > y1:
                    continue
                if a.end is not None and (a.end < y0 or a.end <= a.start):
                    continue
                closed = a.end is not None and a.end <= y1
                rows["sw_episodes"].append((a.child.pid, uk(a.child.dob), a.worker.id, uk(a.start),
                                            uk(a.end) if closed else "", SW_REASON.get(a.reason, "OTHERS") if closed else ""))
        self.people |= in_year
        for c in in_year:
            rows["header"].append(self._header(c, year, y1))
        for name in rows:
            rows[name].sort(key=SORT_KEY.get(name, _child))
        return rows

    def _header(self, c: Child, year: int, y1: int) -> tuple:
        uk = self.days.uk
        sex = ("1" if c.sex == "M" else "2") if year <= 2025 else c.sex
        pupil = "UN1" if c.upn not in ("UN2",) and age_at(c.dob, y1) < 5 else c.upn
        if c.sex == "F":
            mother = c.mother_child_dob is not None and c.mother_child_dob <= y1
            return (c.pid, sex, uk(c.dob), c.ethnicity, pupil, "1" if mother else "0", uk(c.mother_child_dob) if mother else "")
        return (c.pid, sex, uk(c.dob), c.ethnicity, pupil, "", "")

    def _oc2(self, c: Child, year: int, y1: int) -> tuple:
        rng = random.Random(f"{self.seed}:oc2:{c.pid}:{year}")
        age = age_at(c.dob, y1)
        sdq, reason = "", ""
        if 4 <= age <= 16:
            if rng.random() < 0.78:
                sdq = str(max(0, min(40, int(rng.gauss(15, 7)))))
            else:
                reason = Weighted((("SDQ1", 30), ("SDQ2", 25), ("SDQ3", 15), ("SDQ4", 20), ("SDQ5", 10)))(rng)

        def flag(p):
            return "1" if rng.random() < p else "0"

        teeth = {2021: 0.4, 2022: 0.7}.get(year, 0.82)        # dentists closed in the pandemic
        misuse = flag(0.05) if age >= 11 else "0"
        return (c.pid, self.days.uk(c.dob), sdq, reason, flag(0.03) if age >= 10 else "",
                flag(0.9) if age < 5 else "", flag(0.85), flag(teeth), flag(0.89), misuse,
                flag(0.6) if misuse == "1" else "", flag(0.8) if misuse == "1" else "")

    def _oc3(self, c: Child, year: int, age: int) -> tuple:
        rng = random.Random(f"{self.seed}:oc3:{c.pid}:{year}")
        touch = IN_TOUCH(rng)
        if touch != "YES":
            return (c.pid, self.days.uk(c.dob), touch, "0", "0")
        eet = rng.random() < (0.65 if age <= 18 else 0.55)
        activ = (ACTIVE_YOUNG if age <= 18 else ACTIVE_OLDER)(rng) if eet else NEET(rng)
        letter = ACCOM(rng)
        if letter == "Z" and age > 21:
            letter = "U"
        suitable = "2" if letter in ("S", "X", "V", "W") or rng.random() < 0.05 else "1"
        return (c.pid, self.days.uk(c.dob), touch, activ, letter + suitable)


def _ymd(uk: str) -> str:
    return uk[6:] + uk[3:5] + uk[:2]


def _child(row: tuple):
    return row[0]


# Rows of a child together, in date order, as a council's system writes them.
SORT_KEY = {
    "episodes": lambda r: (r[0], _ymd(r[1])),
    "reviews": lambda r: (r[0], _ymd(r[2])),
    "missing": lambda r: (r[0], _ymd(r[3]), r[2]),
    "sw_episodes": lambda r: (r[0], _ymd(r[3]), r[2]),
    "placed_for_adoption": lambda r: (r[0], _ymd(r[2])),
}
