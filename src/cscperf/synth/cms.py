"""The case-management-system extract: canonical-layout CSVs of the history touching the window.

A record is in the extract if it was open at some time from the extract's first day (start on or
before the extract date, end on or after that day), or, for a one-day event, if it happened then; an
S47 enquiry before it is kept when its conference is in it (the ICPC needs its start). What happened
after the extract date is not known yet: later end dates are blank, later events absent. Column names
are those of `cscperf.model.tables`; dates ISO; booleans true/false.

The extract begins a few weeks before the first reporting month, as an analyst would take it: the
loader dates a table's coverage from its earliest end date, and the first reporting month is only
whole if that falls before it. HR and legal-tracker tables, whose end dates are few, hold longer.
"""

from __future__ import annotations

from pathlib import Path

from cscperf.synth.csvfile import write_csv
from cscperf.synth.days import Days, age_at
from cscperf.synth.world import Child, World


def _b(v: bool | None) -> str:
    return "" if v is None else "true" if v else "false"


# The columns this extract fills, in the order its rows hold them: an extract carries the columns it
# has (the model may have more; templates may leave optional columns out).
COLUMNS = {
    "persons": ("person_id", "sex", "dob", "ethnicity", "upn", "disability", "death_date", "is_mother", "mother_child_dob"),
    "referrals": ("referral_id", "person_id", "referral_date", "referral_source", "primary_need", "referral_nfa",
                  "closure_date", "closure_reason"),
    "assessments": ("assessment_id", "person_id", "referral_id", "start_date", "authorised_date", "child_seen"),
    "s47_enquiries": ("s47_id", "person_id", "referral_id", "start_date", "end_date"),
    "icpcs": ("icpc_id", "s47_id", "person_id", "icpc_date", "cp_plan", "transfer_in"),
    "cp_plans": ("cp_plan_id", "person_id", "start_date", "end_date", "initial_category", "latest_category", "previous_plans"),
    "visits": ("visit_id", "person_id", "visit_type", "visit_date", "seen", "seen_alone", "location"),
    "missing_episodes": ("person_id", "missing_type", "start_date", "end_date", "missing_from", "out_of_area",
                         "rhi_offered", "rhi_accepted", "rhi_date", "rhi_reasons"),
    "care_proceedings": ("proceedings_id", "person_id", "issue_date", "court", "final_order_date", "final_order"),
    "teams": ("team_id", "team_name", "service"),
    "professionals": ("professional_id", "name", "team_id", "role", "fte", "agency", "start_date", "leave_date",
                      "leave_reason", "swe_number"),
    "allocations": ("person_id", "professional_id", "team_id", "start_date", "end_date"),
}

MARGIN_DAYS = 0           # the extract begins on the first reporting day
STAFF_HISTORY_DAYS = 730  # HR: staff in post in the two years before
LEGAL_HISTORY_DAYS = 365  # legal tracker: proceedings open in the year before


class WriterCMS:
    def __init__(self, days: Days, world: World, workforce, start: int, end: int):
        self.days, self.world, self.workforce = days, world, workforce
        self.start, self.end = start - MARGIN_DAYS, end
        self.staff_start = start - STAFF_HISTORY_DAYS
        self.legal_start = start - LEGAL_HISTORY_DAYS

    def _open(self, s: int, e: int | None, since: int | None = None) -> bool:
        return s <= self.end and (e is None or e >= (self.start if since is None else since))

    def _cut(self, o: int | None) -> str:
        """A date as known on the extract date: blank if it has not happened yet."""
        return self.days.iso(o) if o is not None and o <= self.end else ""

    def assign_ids(self) -> None:
        """Identifiers in date order, as a case management system hands them out."""
        w = self.world
        for prefix, items, key in (("R", w.referrals, lambda r: (r.date, r.child.pid)),
                                   ("A", w.assessments, lambda a: (a.start, a.child.pid)),
                                   ("S", w.s47s, lambda s: (s.start, s.child.pid)),
                                   ("C", w.icpcs, lambda i: (i.date, i.child.pid)),
                                   ("P", w.plans, lambda p: (p.start, p.child.pid))):
            for n, item in enumerate(sorted(items, key=key), start=1):
                item.id = f"{prefix}{n:07d}"
        groups: dict[tuple, list] = {}
        for pr in w.proceedings:
            groups.setdefault((pr.issue, pr.child.family.no), []).append(pr)
        per_year: dict[int, int] = {}
        for (issue, _), rows in sorted(groups.items(), key=lambda kv: (kv[0][0], min(p.child.pid for p in kv[1]))):
            yy = self.days.iso(issue)[2:4]
            per_year[yy] = per_year.get(yy, 0) + 1
            for pr in rows:
                pr.id = f"BW{yy}C{per_year[yy]:05d}"

    def tables(self) -> dict[str, list[tuple]]:
        d, w, iso, cut = self.days, self.world, self.days.iso, self._cut
        t: dict[str, list[tuple]] = {}
        people: set[Child] = set()

        def closed(o):
            return o is not None and o <= self.end

        t["referrals"] = [(r.id, r.child.pid, iso(r.date), r.source, r.need, _b(r.nfa), cut(r.closure),
                           r.reason if closed(r.closure) else "")
                          for r in w.referrals if self._open(r.date, r.closure)]
        t["assessments"] = [(a.id, a.child.pid, a.referral.id, iso(a.start), cut(a.authorised), _b(a.seen))
                            for a in w.assessments if self._open(a.start, a.authorised)]
        icpcs = [i for i in w.icpcs if self.start <= i.date <= self.end]
        needed = {id(i.s47) for i in icpcs}
        t["s47_enquiries"] = [(s.id, s.child.pid, s.referral.id, iso(s.start), cut(s.end))
                              for s in w.s47s if self._open(s.start, s.end) or id(s) in needed]
        t["icpcs"] = [(i.id, i.s47.id if i.s47 else "", i.child.pid, iso(i.date), _b(i.plan), _b(i.transfer_in)) for i in icpcs]
        t["cp_plans"] = [(p.id, p.child.pid, iso(p.start), cut(p.end), p.initial, p.latest, str(p.previous))
                         for p in w.plans if self._open(p.start, p.end)]
        visits = sorted((v for v in w.visits if self.start <= v.date <= self.end),
                        key=lambda v: (v.date, v.child.pid, v.type))
        t["visits"] = [(f"V{n:08d}", v.child.pid, v.type, iso(v.date), _b(v.seen), _b(v.alone if v.seen else False),
                        v.location) for n, v in enumerate(visits, start=1)]
        t["missing_episodes"] = []
        for m in sorted(w.missing, key=lambda m: (m.child.pid, m.start, m.type)):
            if not self.start <= m.start <= self.end:
                continue
            back = closed(m.end)
            t["missing_episodes"].append((m.child.pid, m.type, iso(m.start), cut(m.end), m.where, _b(m.out_of_area),
                                          _b(m.offered) if back else "", _b(m.accepted) if back else "",
                                          cut(m.rhi_date) if back else "", m.reasons if back and closed(m.rhi_date) else ""))
        t["care_proceedings"] = [(p.id, p.child.pid, iso(p.issue), p.court, cut(p.final),
                                  p.order if closed(p.final) else "")
                                 for p in w.proceedings if self._open(p.issue, p.final, self.legal_start)]
        wf = self.workforce
        t["teams"] = [(tm.id, tm.name, tm.service) for tm in wf.teams]
        t["professionals"] = [(p.id, p.name, p.team.id, p.role, f"{p.fte:.1f}", _b(p.agency), iso(p.start),
                               cut(p.leave), p.reason if closed(p.leave) else "", p.swe)
                              for p in sorted(wf.workers, key=lambda p: p.id)
                              if self._open(p.start, p.leave, self.staff_start)]
        t["allocations"] = [(a.child.pid, a.worker.id, a.team.id, iso(a.start), cut(a.end))
                            for a in wf.allocations
                            if self._open(a.start, a.end) and (a.end is None or a.end > a.start)]
        for name in ("referrals", "assessments", "s47_enquiries", "icpcs", "cp_plans", "care_proceedings"):
            t[name].sort()
        t["allocations"].sort()
        by_pid = {c.pid: c for f in w.families for c in f.children}
        for name, rows in t.items():
            col = COLUMNS[name].index("person_id") if "person_id" in COLUMNS[name] else None
            if col is not None:
                people.update(by_pid[r[col]] for r in rows)
        self.people = people
        return t

    def persons(self, extra: set[Child]) -> list[tuple]:
        iso = self.days.iso
        rows = []
        for c in sorted(self.people | extra, key=lambda c: c.pid):
            pupil = "UN1" if c.upn != "UN2" and age_at(c.dob, self.end) < 5 else c.upn
            mother = c.mother_child_dob is not None and c.mother_child_dob <= self.end
            rows.append((c.pid, c.sex, iso(c.dob), c.ethnicity, pupil, _b(c.disability), "",
                         _b(mother) if c.sex == "F" else "", iso(c.mother_child_dob) if mother else ""))
        return rows

    def write(self, out: Path, extra_people: set[Child]) -> dict[str, int]:
        out.mkdir(parents=True, exist_ok=True)
        tables = self.tables()
        tables = {"persons": self.persons(extra_people), **tables}
        counts = {}
        for name, rows in tables.items():
            path = out / f"{name}.csv"
            counts[str(path.relative_to(out.parent))] = write_csv(path, COLUMNS[name], rows)
        return counts
