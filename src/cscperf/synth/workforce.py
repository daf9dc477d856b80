"""Teams, social workers and who held each child's case.

Each service (assessment, safeguarding, children in care, leaving care) gets teams sized from the
cases it holds over the window, so caseloads sit around 15-18 per FTE (WF01). A post is held by a
line of workers: permanent staff stay ~5 years, agency staff under one, with a gap between leaver and
starter; about half of the gaps are filled by agency staff, which keeps agency at ~15% of FTE.

Allocations are worked out by sweeping the days in order: a case starting in a service goes to the
sibling's worker if there is one, else to the least-loaded worker (per FTE) of the family's local
team; when a worker leaves, their cases pass to colleagues the same day; a starter picks up cases
from the busiest colleagues. So every open case is allocated at every moment.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from bisect import bisect_left
from dataclasses import dataclass, field

from cscperf.synth import rates
from cscperf.synth.days import Days, add_years
from cscperf.synth.people import Weighted, staff_name
from cscperf.synth.world import Child, Segment

SERVICES = ("ASSESSMENT", "SAFEGUARDING", "CLA", "LEAVING_CARE")
LOCALITIES = ("Blackwater", "Kingsford", "Easthaven", "Millbrook", "Ashcombe", "Redford", "Stoneleigh")
TEAM_LABEL = {"ASSESSMENT": "Assessment Team", "SAFEGUARDING": "Safeguarding and Family Support",
              "CLA": "Children in Care", "LEAVING_CARE": "Leaving Care"}
PERMANENT_ROLE = Weighted((("SW", 55), ("SSW", 25), ("ASYE", 12), ("PS", 8)))
AGENCY_ROLE = Weighted((("SW", 70), ("SSW", 30)))
FTE = Weighted(((1.0, 78), (0.8, 10), (0.6, 7), (0.5, 5)))
LEAVE_REASON = Weighted((("1", 70), ("5", 8), ("7", 9), ("8", 5), ("4", 2), ("2", 1), ("9", 5)))
AGENCY_LEAVE_REASON = Weighted((("8", 60), ("9", 40)))
MEAN_FTE = 0.93


@dataclass(eq=False)
class Team:
    id: str
    name: str
    service: str
    workers: list = field(default_factory=list)     # in post now (during the sweep)


@dataclass(eq=False)
class Worker:
    id: str
    name: str
    team: Team
    role: str
    fte: float
    agency: bool
    start: int
    leave: int | None = None
    reason: str | None = None
    cases: dict = field(default_factory=dict)       # child -> open Allocation (during the sweep)
    post: int = 0                                   # the post held (workers of one post follow each other)
    swe: str = ""                                   # Social Work England number (social workers; not PAs)

    @property
    def load(self) -> float:
        return len(self.cases) / (self.fte * (0.75 if self.role == "ASYE" else 1.0))


@dataclass(eq=False)
class Allocation:
    child: Child
    worker: Worker
    team: Team
    start: int
    end: int | None = None
    reason: str | None = None      # why it ended: LEFTRL, MANAGE, TSPROC (moved service), or None
    key: int = 0                   # the segment of the case it covers


def swe_number(seed: int, worker_id: str) -> str:
    """A social worker's Social Work England registration number: SW and ten digits, stable for the worker
    (a hash, so no random draw is used up and nothing else the generator writes changes)."""
    digits = int(hashlib.sha256(f"{seed}:swe:{worker_id}".encode()).hexdigest(), 16) % 10**10
    return f"SW{digits:010d}"


class Workforce:
    def __init__(self, days: Days, start: int, end: int, seed: int, scale: float):
        self.days, self.start, self.end, self.seed, self.scale = days, start, end, seed, scale
        self.sweep_from = add_years(start, -2)
        self.rng = random.Random(f"{seed}:workforce")
        self.teams: list[Team] = []
        self.workers: list[Worker] = []
        self.allocations: list[Allocation] = []
        self._ids = 0
        self.posts = 0                  # posts created (the workforce census counts vacant ones)

    # ---- staffing ------------------------------------------------------------------------------

    def demand(self, segments: list[Segment]) -> dict[str, float]:
        """Average open cases per service at the month ends of the window."""
        from cscperf.synth.days import month_ends

        ends = month_ends(dt.date.fromordinal(self.start), dt.date.fromordinal(self.end))
        count = dict.fromkeys(SERVICES, 0)
        for s in segments:
            # Month ends D with start <= D < end.
            first = bisect_left(ends, s.start)
            last = len(ends) if s.end is None else bisect_left(ends, s.end)
            count[s.service] += max(0, last - first)
        return {k: v / len(ends) for k, v in count.items()}

    def _new_id(self) -> str:
        self._ids += 1
        return f"SW{10000 + self._ids * 37 % 90000:05d}"

    def _worker(self, team: Team, start: int, *, manager: bool = False, agency: bool | None = None) -> Worker:
        rng = self.rng
        if agency is None:
            agency = rng.random() < rates.AGENCY_FILLS
        if manager:
            role, agency, fte = "TM", False, 1.0
        elif team.service == "LEAVING_CARE":
            role, agency, fte = "PA", False, FTE(rng)
        else:
            role = AGENCY_ROLE(rng) if agency else PERMANENT_ROLE(rng)
            fte = 1.0 if agency else FTE(rng)
        w = Worker(self._new_id(), staff_name(rng), team, role, fte, agency, start)
        w.swe = "" if role == "PA" else swe_number(self.seed, w.id)
        self.workers.append(w)
        return w

    def staff(self, demand: dict[str, float]) -> None:
        rng, d = self.rng, self.days
        tid = 0
        for service in SERVICES:
            n_teams = max(1, round(rates.TEAMS[service] * self.scale))
            posts = max(n_teams, round(demand[service] / (rates.CASES_PER_FTE[service] * MEAN_FTE * (1 - rates.VACANCY))))
            teams = []
            for i in range(n_teams):
                tid += 1
                name = TEAM_LABEL[service] + ("" if n_teams == 1 else f" {LOCALITIES[i % len(LOCALITIES)]}")
                teams.append(Team(f"T{tid:02d}", name, service))
            self.teams.extend(teams)
            for team in teams:
                # The team manager: long in post, replaced without a gap (an interim covers).
                t = self.sweep_from - rng.randint(30, 3000)
                self.posts += 1
                while t <= self.end:
                    m = self._worker(team, d.on_or_after(t), manager=True)
                    m.post = self.posts
                    leave = m.start + int(rng.expovariate(1 / (7 * 365)))
                    if leave > self.end:
                        break
                    m.leave, m.reason = d.on_or_after(leave), LEAVE_REASON(rng)
                    if m.leave <= self.sweep_from:
                        self.workers.remove(m)
                    t = m.leave
            for p in range(posts):
                self._post(teams[p % n_teams])

    def _post(self, team: Team) -> None:
        """The line of workers who hold one post, from before the sweep to the extract date."""
        rng, d = self.rng, self.days
        agency = rng.random() < rates.AGENCY
        back = rng.randint(10, 365) if agency else rng.randint(30, 8 * 365)
        t = self.sweep_from - back
        self.posts += 1
        while t <= self.end:
            w = self._worker(team, d.on_or_after(t), agency=agency)
            w.post = self.posts
            years = rates.AGENCY_TENURE_YEARS if w.agency else rates.PERMANENT_TENURE_YEARS
            leave = w.start + 30 + int(rng.expovariate(1 / (years * 365)))
            if leave > self.end:
                return
            w.leave = d.on_or_after(leave)
            w.reason = AGENCY_LEAVE_REASON(rng) if w.agency else LEAVE_REASON(rng)
            if w.leave <= self.sweep_from:
                self.workers.remove(w)
            t = w.leave + rng.randint(0, 110)
            agency = None

    # ---- allocations ----------------------------------------------------------------------------

    def allocate(self, segments: list[Segment]) -> None:
        self._by_service = {s: [t for t in self.teams if t.service == s] for s in SERVICES}
        self._open: dict[int, Allocation] = {}          # segment number -> its open allocation
        self._waiting: dict[int, tuple] = {}            # segments nobody was in post to take (tiny councils)
        T0 = self.sweep_from
        moving = {(id(s.child), s.start) for s in segments}
        events = []     # (day, order, n, kind, item): starters, case ends, leavers, case starts
        for w in self.workers:
            if w.start > T0:
                events.append((w.start, 0, len(events), "join", w))
            elif w.leave is None or w.leave > T0:
                w.team.workers.append(w)
            if w.leave is not None and w.leave > T0:
                events.append((w.leave, 2, len(events), "leave", w))
        for k, s in enumerate(segments):
            if (s.end is not None and s.end <= T0) or s.start > self.end:
                continue
            events.append((max(s.start, T0), 3, len(events), "open", (k, s)))
            if s.end is not None and s.end <= self.end:
                events.append((s.end, 1, len(events), "close", (k, s)))
        events.sort(key=lambda e: e[:3])
        for day, _, _, kind, item in events:
            if kind == "join":
                item.team.workers.append(item)
                for key in [k for k, (c, t) in self._waiting.items() if t.service == item.team.service]:
                    child, team = self._waiting.pop(key)
                    self._give(child, team, day, key, day)
                if item.role != "TM":
                    self._rebalance(item, day)
            elif kind == "leave":
                if item in item.team.workers:
                    item.team.workers.remove(item)
                for a in sorted(item.cases.values(), key=lambda a: (a.start, a.child.pid)):
                    self._end(a, day, "LEFTRL")
                    self._give(a.child, a.team, day, a.key, day)
            elif kind == "close":
                k, s = item
                self._waiting.pop(k, None)
                a = self._open.pop(k, None)
                if a is not None:
                    self._end(a, day, "TSPROC" if (id(s.child), s.end) in moving else None)
            else:
                k, s = item
                teams = self._by_service[s.service]
                self._give(s.child, teams[s.child.family.locality % len(teams)], day, k, s.start)

    def _end(self, a: Allocation, day: int, reason: str | None) -> None:
        a.end, a.reason = day, reason
        a.worker.cases.pop(a.child, None)

    def _give(self, child: Child, team: Team, day: int, key: int, begin: int) -> None:
        """Allocate the child's case (segment `key`) from `begin` (back-dated for cases open when the
        sweep starts) to the sibling's worker, or the least-loaded worker of the team or service."""
        teams = self._by_service[team.service]
        worker = None
        for sib in child.family.children:
            if sib is not child:
                for w in team.workers:
                    if sib in w.cases and w.role != "TM":
                        worker = w
                        break
            if worker:
                break
        if worker is None:
            pool = ([w for w in team.workers if w.role != "TM"]
                    or [w for t in teams for w in t.workers if w.role != "TM"]
                    or list(team.workers) or [w for t in teams for w in t.workers])
            if not pool:
                self._waiting[key] = (child, team)      # nobody in post at all: the next starter takes it
                return
            worker = min(pool, key=lambda w: (w.load, w.id))
        a = Allocation(child, worker, worker.team, max(begin, worker.start), key=key)
        worker.cases[child] = a
        self.allocations.append(a)
        self._open[key] = a

    def _rebalance(self, new: Worker, day: int) -> None:
        """A starter picks up cases from the busiest colleagues in the team."""
        team = [w for w in new.team.workers if w is not new and w.role != "TM"]
        if not team:
            return
        target = sum(len(w.cases) for w in team) / max(0.1, sum(w.fte for w in team)) * new.fte
        target *= 0.6 if new.role == "ASYE" else 0.85
        for _ in range(int(target)):
            busiest = max(team, key=lambda w: (w.load, w.id))
            if busiest.load <= new.load + 1 or not busiest.cases:
                break
            a = max(busiest.cases.values(), key=lambda a: (a.start, a.child.pid))
            if a.start >= day:
                break
            self._end(a, day, "MANAGE")
            b = Allocation(a.child, new, new.team, day, key=a.key)
            new.cases[a.child] = b
            self.allocations.append(b)
            self._open[a.key] = b
