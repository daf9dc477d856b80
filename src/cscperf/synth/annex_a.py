"""The Ofsted Annex A workbook the synthetic council would hand an inspector on the extract date.

`out/annex_a/Annex_A_<extract date>.xlsx`: lists 1-11 on sheets "List 1" ... "List 11", with the
current template's headers and values ("a) Male", "q) 6: Police", "C2: Full care order") and Excel
date cells, over the window Annex A covers (`sources.annex_a_values.window`: the 6 months to the
extract date; 12 for list 11). It is a separate snapshot kind: the demo does not load it.

Lists 3-10 are projections of the simulated world, the same one the 903 returns and the CMS extract
come from, so what they share agrees (a CP plan's last visit here is the latest seen CP visit in the
CMS extract). The world has no contacts, early help, adopters, CP review conferences or health
checks; those are derived here, each from its own seeded stream, from what the world does hold:
- contacts: one on the day of each referral, some earlier contacts of the same children that did
  not become referrals, and contacts about children known before whose cases are closed;
- early help assessments: after contacts that went no further, and after CIN cases closed to early
  help (RC9) or stepped down;
- adopters: the families matched with the children adopted (one or two adopters, as the 903 AD1
  says), with earlier stages worked back from the match; and some who enquired in the year and
  were still in the process or left it;
- review conferences three months after the plan starts and six-monthly after; health assessments
  within 28 days of care starting, then six-monthly under 5, yearly from 5; yearly dental checks.
Allocated team and worker are those holding the child's case on the extract date.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import zipfile
from bisect import bisect_left
from collections import defaultdict
from pathlib import Path

from cscperf.model import codes
from cscperf.sources import annex_a_values as V
from cscperf.synth.days import Days, add_months, add_years, age_at
from cscperf.synth.people import Weighted, ethnicity as draw_ethnicity
from cscperf.synth.ssda903 import ACCOM, ACTIVE_OLDER, ACTIVE_YOUNG, IN_TOUCH, NEET
from cscperf.synth.world import CarePeriod, Child, World

FIXED_TIME = (1980, 1, 1, 0, 0, 0)          # zip entry times, so the same world writes the same bytes
ORGANISATIONS = Weighted((("Early Help {loc}", 62), ("{school}", 22), ("Health Visiting Service", 9),
                          ("Family Hubs {loc}", 7)))
SCHOOLS = ("Blackwater Primary School", "Kingsford Academy", "St Anne's CE Primary", "Millbrook High School",
           "Redford Community College", "Ashcombe Infant School")
LOCALITIES = ("Blackwater", "Kingsford", "Easthaven", "Millbrook", "Ashcombe", "Redford", "Stoneleigh")


def _d(o: int | None) -> dt.date | None:
    return None if o is None else dt.date.fromordinal(o)


def _yn(flag: bool | None) -> str | None:
    return None if flag is None else V.YES if flag else V.NO


class WriterAnnexA:
    def __init__(self, days: Days, world: World, workforce, start: int, end: int, seed: int):
        self.days, self.world, self.workforce, self.seed = days, world, workforce, seed
        self.start, self.D = start, end
        extract = dt.date.fromordinal(end)
        self.w0 = V.window(extract, 1)[0].toordinal()
        self.w12 = V.window(extract, 11)[0].toordinal()
        self.children = [c for f in world.families for c in f.children]
        self._index()

    # ---- what the world holds, by child -----------------------------------------------------------

    def _index(self) -> None:
        D, w = self.D, self.world
        self.allocated = {}          # child -> allocation open on the extract date
        for a in self.workforce.allocations:
            if a.start <= D and (a.end is None or a.end > D) and (a.end is None or a.end > a.start):
                self.allocated[a.child] = a
        self.seen_visits = defaultdict(list)       # child -> sorted [(day, type, alone)] of visits the child was seen at
        for v in w.visits:
            if v.seen and v.date <= D:
                self.seen_visits[v.child].append((v.date, v.type, v.alone))
        for vs in self.seen_visits.values():
            vs.sort()
        self.referral_days = defaultdict(list)
        for r in w.referrals:
            self.referral_days[r.child].append(r.date)
        self.s47_days, self.icpc_days = defaultdict(list), defaultdict(list)
        for s in w.s47s:
            self.s47_days[s.child].append(s.start)
        for i in w.icpcs:
            self.icpc_days[i.child].append(i.date)
        for table in (self.referral_days, self.s47_days, self.icpc_days):
            for days in table.values():
                days.sort()
        self.icpc_of = {id(i.s47): i for i in w.icpcs if i.s47 is not None}
        self.plans_of = defaultdict(list)
        for p in w.plans:
            self.plans_of[p.child].append(p)
        self.support_of = defaultdict(list)
        for c, s, e in w.cin_support:
            self.support_of[c].append((s, e))

    def _open(self, s: int, e: int | None, at: int) -> bool:
        return s <= at and (e is None or e > at)

    def _cut(self, o: int | None) -> dt.date | None:
        return _d(o) if o is not None and o <= self.D else None

    def _worker(self, c: Child, still_open: bool = True) -> tuple[str | None, str | None]:
        a = self.allocated.get(c) if still_open else None
        return (a.team.name, a.worker.name) if a else (None, None)

    def _last_seen(self, c: Child, lo: int, hi: int, kind: str | None = None) -> tuple[int, bool] | None:
        found = None
        for day, typ, alone in self.seen_visits.get(c, ()):
            if day > hi:
                break
            if day >= lo and (kind is None or typ == kind):
                found = (day, alone)
        return found

    def _count_before(self, days: list[int], day: int) -> int:
        """Events in the 12 months before `day` (not counting `day` itself)."""
        return bisect_left(days, day) - bisect_left(days, day - 365)

    def _person(self, c: Child, disability: bool = False) -> list:
        row = [c.pid, V.SEX_LABEL[c.sex], V.ETHNICITY_LABEL[c.ethnicity], _d(c.dob), age_at(c.dob, self.D)]
        return row + [_yn(c.disability)] if disability else row

    def _looked_after(self, c: Child, at: int) -> bool:
        return any(not p.short_breaks and self._open(p.start, p.end, at) for p in c.periods)

    # ---- the lists ------------------------------------------------------------------------------

    def lists(self) -> dict[int, list[list]]:
        return {1: self.list1(), 2: self.list2(), 3: self.list3(), 4: self.list4(), 5: self.list5(), 6: self.list6(),
                7: self.list7(), 8: self.list8(), 9: self.list9(), 10: self.list10(), 11: self.list11()}

    def contacts(self) -> list[tuple[Child, int, str]]:
        """(child, day, referral source) of every contact in the window."""
        rng = random.Random(f"{self.seed}:annex-a:contacts")
        wdays = [o for o in self.days.wdays if self.w0 <= o <= self.D]
        out = {}
        referred = sorted((r for r in self.world.referrals if self.w0 <= r.date <= self.D),
                          key=lambda r: (r.date, r.child.pid))
        for r in referred:
            out[(r.child, r.date)] = r.source
            if rng.random() < 0.35:               # an earlier contact about the same child that went no further
                day = self.days.on_or_before(r.date - rng.randint(7, 150))
                if day >= self.w0:
                    out.setdefault((r.child, day), rng.choice(("6", "2A", "3F", "1A", "8", "5C")))
        known = sorted({r.child for r in self.world.referrals if r.closure is not None and r.closure < self.w0},
                       key=lambda c: c.pid)
        for _ in range(int(len(referred) * 0.6) if known else 0):   # children known before, their cases closed
            c = rng.choice(known)
            day = rng.choice(wdays)
            if age_at(c.dob, day) < 18 and not any(d <= day <= d + 30 for d in self.referral_days[c]):
                out.setdefault((c, day), rng.choice(("6", "6", "2A", "3A", "1A", "1C", "8", "9", "4", "10")))
        return sorted(((c, day, src) for (c, day), src in out.items()), key=lambda t: (t[1], t[0].pid))

    def list1(self) -> list[list]:
        self._contacts = self.contacts()
        return [self._person(c) + [_d(day), V.SOURCE_LABEL[src]] for c, day, src in self._contacts]

    def list2(self) -> list[list]:
        rng = random.Random(f"{self.seed}:annex-a:early-help")
        starts = {}
        referred = {(r.child, r.date) for r in self.world.referrals}
        for c, day, _ in self._contacts:
            if (c, day) not in referred and rng.random() < 0.25:
                starts.setdefault(c, self.days.add(day, rng.randint(3, 15)))
        for r in self.world.referrals:
            if r.closure is not None and self.w0 - 30 <= r.closure <= self.D and (
                    r.reason == "RC9" or (r.reason == "RC7" and rng.random() < 0.3)):
                starts.setdefault(r.child, self.days.add(r.closure, rng.randint(2, 20)))
        rows = []
        for c, s in sorted(starts.items(), key=lambda kv: (kv[1], kv[0].pid)):
            if not self.w0 <= s <= self.D or age_at(c.dob, s) >= 18:
                continue
            done = self.days.add(s, rng.randint(8, 45))
            org = ORGANISATIONS(rng).format(loc=LOCALITIES[c.family.locality % len(LOCALITIES)], school=rng.choice(SCHOOLS))
            rows.append(self._person(c) + [_d(s), self._cut(done), org])
        return rows

    def list3(self) -> list[list]:
        rows = []
        for r in sorted(self.world.referrals, key=lambda r: (r.date, r.child.pid)):
            if not self.w0 <= r.date <= self.D:
                continue
            team, worker = self._worker(r.child)
            rows.append(self._person(r.child) + [
                _d(r.date), V.SOURCE_LABEL[r.source], _yn(r.nfa),
                self._count_before(self.referral_days[r.child], r.date), team, worker])
        return rows

    def list4(self) -> list[list]:
        rows = []
        for a in sorted(self.world.assessments, key=lambda a: (a.start, a.child.pid)):
            if a.start > self.D or (a.authorised is not None and a.authorised < self.w0):
                continue
            done = self._cut(a.authorised)
            outcome = None
            if done is not None:
                ref = a.referral
                outcome = _yn(ref.closure is None or ref.closure > a.authorised)
            team, worker = self._worker(a.child)
            rows.append(self._person(a.child, True) + [_d(a.start), _yn(a.seen), done, outcome, team, worker])
        return rows

    def list5(self) -> list[list]:
        rows = []
        for s in sorted(self.world.s47s, key=lambda s: (s.start, s.child.pid)):
            if not self.w0 <= s.start <= self.D:
                continue
            icpc = self.icpc_of.get(id(s))
            held = icpc is not None and icpc.date <= self.D
            unnecessary = V.NO if held else (V.YES if s.end is not None and s.end <= self.D else None)
            team, worker = self._worker(s.child)
            rows.append(self._person(s.child, True) + [
                _d(s.start), unnecessary, _d(icpc.date) if held else None, _yn(icpc.plan) if held else None,
                self._count_before(self.s47_days[s.child], s.start),
                self._count_before(self.icpc_days[s.child], s.start), team, worker])
        return rows

    def _case_status(self, c: Child, closure: int | None) -> str:
        D = self.D
        if closure is not None and closure <= D:
            return "CLOSED"
        if self._looked_after(c, D):
            return "CLA"
        if any(self._open(p.start, p.end, D) for p in self.plans_of.get(c, ())):
            return "CP"
        if any(self._open(s, e, D) for s, e in self.support_of.get(c, ())):
            return "CIN"
        return "ASSESSMENT"

    def list6(self) -> list[list]:
        rows = []
        for r in sorted(self.world.referrals, key=lambda r: (r.date, r.child.pid)):
            if r.nfa or r.date > self.D or (r.closure is not None and r.closure < self.w0):
                continue
            closed = r.closure is not None and r.closure <= self.D
            seen = self._last_seen(r.child, r.date, min(r.closure, self.D) if closed else self.D)
            team, worker = self._worker(r.child, not closed)
            rows.append(self._person(r.child, True) + [
                _d(r.date), V.NEED_LABEL[r.need], _d(seen[0]) if seen else None, _d(r.closure) if closed else None,
                V.CLOSURE_LABEL[r.reason] if closed else None, V.CASE_STATUS_LABEL[self._case_status(r.child, r.closure)],
                team, worker])
        return rows

    def review_conferences(self, start: int, end: int | None) -> list[int]:
        """CP review conferences: three months after the plan starts, then every six months."""
        out, day, months = [], start, 3
        stop = min(end if end is not None else self.D + 1, self.D + 1)
        while True:
            day = self.days.on_or_before(add_months(day, months))
            if day >= stop:
                return out
            out.append(day)
            months = 6

    def _emergency(self, c: Child) -> bool:
        since = self.D - 183
        return any(ep.ls in ("L1", "L2") and ep.start <= self.D and (ep.end is None or ep.end >= since)
                   for p in c.periods for ep in p.episodes)

    def list7(self) -> list[list]:
        rows = []
        for p in sorted(self.world.plans, key=lambda p: (p.start, p.child.pid)):
            if p.start > self.D or (p.end is not None and p.end < self.w0):
                continue
            ended = p.end is not None and p.end <= self.D
            hi = min(p.end, self.D) if ended else self.D
            visit = self._last_seen(p.child, p.start, hi, "CP")
            reviews = self.review_conferences(p.start, p.end)
            team, worker = self._worker(p.child, not ended)
            rows.append(self._person(p.child, True) + [
                _d(p.start), V.ABUSE_LABEL[p.initial], V.ABUSE_LABEL[p.latest], _d(visit[0]) if visit else None,
                _yn(visit[1]) if visit else None, _d(reviews[-1]) if reviews else None, _d(p.end) if ended else None,
                _yn(self._emergency(p.child)), p.previous, team, worker])
        return rows

    # -- list 8 -------------------------------------------------------------------------------------

    def _periods_in_window(self) -> list[CarePeriod]:
        latest: dict[Child, CarePeriod] = {}
        for p in self.world.periods:
            if p.short_breaks or p.start > self.D or (p.end is not None and p.end < self.w0):
                continue
            if p.child not in latest or p.start > latest[p.child].start:
                latest[p.child] = p
        return sorted(latest.values(), key=lambda p: (p.start, p.child.pid))

    def _permanence(self, p: CarePeriod, ep, age: int) -> str:
        if ep.ls in ("E1", "D1") or ep.place.startswith("A"):
            return "adoption"
        if ep.place in ("U1", "U4"):
            return "fostering"
        if p.rec in ("E45", "E46", "E47", "E48", "E41"):
            return "sgo"
        if ep.place in ("K2", "R1", "S1", "K1") and age >= 13:
            return "residential"
        if ep.place in ("H5", "P2", "K3") and age >= 16:
            return "supported"
        if ep.ls in ("V2", "C1", "L1", "L2"):
            return "home"
        return "other"

    def _health(self, c: Child, p: CarePeriod, hi: int) -> tuple[int | None, int | None]:
        rng = random.Random(f"{self.seed}:annex-a:health:{c.pid}:{p.start}")
        day = p.start + rng.randint(10, 28)
        last = None
        while day <= hi:
            last = day
            day = add_months(day, 6 if age_at(c.dob, day) < 5 else 12) - rng.randint(0, 25)
        dental = None
        if age_at(c.dob, hi) >= 1 and rng.random() < 0.85:
            day = p.start + rng.randint(30, 120)
            while day <= hi:
                dental = day
                day = add_months(day, 12) - rng.randint(0, 40)
        return last, dental

    def list8(self) -> list[list]:
        D = self.D
        ends = defaultdict(list)
        for p in self.world.periods:
            if not p.short_breaks and p.end is not None:
                ends[p.child].append(p.end)
        missing = defaultdict(list)
        for m in self.world.missing:
            if m.in_care and m.start <= D:
                missing[m.child].append(m)
        rows = []
        for p in self._periods_in_window():
            c = p.child
            ceased = p.end is not None and p.end <= D
            hi = p.end if ceased else D
            eps = [ep for ep in p.episodes if ep.start <= hi]
            cur = eps[-1]
            ls_start = max(ep.start for ep in eps if ep.rne in "SLBU")
            pl_start = max(ep.start for ep in eps if ep.rne in "SPBTU")
            second = any(p.start - 365 <= e < p.start for e in ends[c])
            review = max((d for d, _ in p.reviews if d <= hi), default=None)
            visit = self._last_seen(c, p.start, hi, "CLA")
            health, dental = self._health(c, p, hi)
            moves = sum(1 for ep in eps if ep.rne in "SPBTU" and ep.start > D - 365 and not ep.place.startswith("T"))
            placements = moves + (1 if p.start <= D - 365 else 0)
            year = [m for m in missing[c] if D - 365 < m.start]
            last_missing = max((m for m in missing[c] if m.type == "M" and m.end is not None and m.end <= D),
                               key=lambda m: m.start, default=None)
            in_area = cur.pl_post.startswith("BW") if cur.pl_post else None
            team, worker = self._worker(c, not ceased)
            rows.append(self._person(c)[:5] + [
                _yn(c.uasc), _yn(c.disability), _d(p.start), V.NEED_LABEL.get(p.episodes[0].cin, p.episodes[0].cin),
                _yn(second), _d(ls_start), f"{cur.ls}: {codes.LEGAL_STATUS[cur.ls]}", _d(review),
                _d(visit[0]) if visit else None, V.PERMANENCE_LABEL[self._permanence(p, cur, age_at(c.dob, hi))],
                _d(review), _d(health), _d(dental), placements, _d(p.end) if ceased else None,
                f"{p.rec}: {codes.REASON_EPISODE_CEASED[p.rec]}" if ceased else None, _d(pl_start),
                f"{cur.place}: {codes.PLACEMENT_TYPE[cur.place]}",
                f"{cur.provider}: {codes.PLACEMENT_PROVIDER[cur.provider]}" if cur.provider else None,
                cur.pl_post or None, cur.urn or None, None if in_area is None else "a) In" if in_area else "b) Out",
                None if in_area is None else "Blackwater" if in_area else "Other local authority",
                sum(1 for m in year if m.type == "M"), sum(1 for m in year if m.type == "A"),
                _yn(last_missing.offered) if last_missing else None,
                _yn(last_missing.accepted) if last_missing else None, team, worker])
        return rows

    # -- lists 9-11 ----------------------------------------------------------------------------------

    def list9(self) -> list[list]:
        D = self.D
        rows = []
        leavers = [c for c in self.children if c.left_care is not None and c.left_care <= D < add_years(c.dob, 21)]
        for c in sorted(leavers, key=lambda c: (c.left_care, c.pid)):
            rng = random.Random(f"{self.seed}:annex-a:leaver:{c.pid}")
            age = age_at(c.dob, D)
            touch = IN_TOUCH(rng)
            accom = activity = suitable = contact = None
            if touch == "YES":
                letter = ACCOM(rng)
                suitable = "2" if letter in ("S", "X", "V", "W") or rng.random() < 0.05 else "1"
                accom = V.ACCOMMODATION_LABEL[letter]
                code = ((ACTIVE_YOUNG if age <= 18 else ACTIVE_OLDER)(rng) if rng.random() < 0.6 else NEET(rng))
                activity = V.ACTIVITY_LABEL[code]
                contact = self.days.on_or_before(D - rng.randint(0, 50))
            pathway = self.days.on_or_before(D - rng.randint(0, 175))
            team, worker = self._worker(c)
            rows.append(self._person(c) + [
                _yn(c.uasc), _yn(c.disability), team, worker, worker,
                V.ELIGIBILITY_LABEL["relevant" if age < 18 else "former relevant"],
                _d(max(pathway, c.left_care)), V.IN_TOUCH_LABEL[touch], _d(contact), accom,
                V.SUITABILITY_LABEL.get(suitable), activity])
        return rows

    def _adoptions(self) -> list[CarePeriod]:
        out = []
        for p in self.world.periods:
            a = p.adoption
            if a is None or a.decision > self.D:
                continue
            if (a.reversed is not None and a.reversed < self.w0) or (a.order is not None and a.order < self.w0):
                continue
            out.append(p)
        return sorted(out, key=lambda p: (p.adoption.decision, p.child.pid))

    def families(self) -> dict[tuple, str]:
        """Adopter family ids, one for each group of siblings matched together."""
        groups = sorted({(p.adoption.match, p.child.family.no) for p in self.world.periods
                         if p.adoption is not None and p.adoption.match is not None and p.adoption.match <= self.D})
        return {g: f"AF{n:05d}" for n, g in enumerate(groups, start=1)}

    def list10(self) -> list[list]:
        fam = self.families()
        rows = []
        for p in self._adoptions():
            a, c = p.adoption, p.child
            order = next((ep.start for ep in p.episodes if ep.ls == "E1"), None)
            ffa = next((ep.start for ep in p.episodes if ep.place in ("U2", "U5")), None)
            reversed_ = a.reversed is not None and a.reversed <= self.D
            family = fam.get((a.match, c.family.no)) if a.match is not None and a.match <= self.D else None
            rows.append([c.pid, family] + self._person(c, True)[1:] + [
                _d(p.start), _d(a.decision), self._cut(order), self._cut(a.match), self._cut(a.placed),
                self._cut(a.order), _d(a.reversed) if reversed_ else None,
                V.REVERSED_LABEL[a.reversed_reason] if reversed_ else None, self._cut(ffa)])
        return rows

    def list11(self) -> list[list]:
        D, w12 = self.D, self.w12
        fam = self.families()
        groups = defaultdict(list)
        for p in self.world.periods:
            a = p.adoption
            if a is not None and (a.match, p.child.family.no) in fam:
                groups[(a.match, p.child.family.no)].append(p)
        rows, written = [], 0
        for key, fid in fam.items():
            periods = groups[key]
            a = periods[0].adoption
            if a.order is not None and a.order < w12:
                continue                                  # out of the process before the year began
            written += 1
            rng = random.Random(f"{self.seed}:annex-a:adopters:{fid}")
            approval = self.days.on_or_before(a.match - rng.randint(20, 240))
            stage2_end = self.days.on_or_before(approval - rng.randint(10, 40))
            stage2_start = self.days.on_or_before(stage2_end - rng.randint(90, 130))
            stage1_end = self.days.on_or_before(stage2_start - rng.randint(1, 20))
            stage1_start = self.days.on_or_before(stage1_end - rng.randint(40, 70))
            enquiry = self.days.on_or_before(stage1_start - rng.randint(5, 30))
            placed = min((x.adoption.placed for x in periods if x.adoption.placed is not None), default=None)
            n_placed = sum(1 for x in periods if x.adoption.placed is not None and x.adoption.placed <= D)
            sexes = [s for s in a.adopters_sex if s in "MF"][:a.adopters] or ["F"]
            for k, sex in enumerate(sexes, start=1):
                rows.append([f"{fid}-{k}", fid, V.SEX_LABEL[sex], V.ETHNICITY_LABEL[draw_ethnicity(rng)], V.NO,
                             _yn(a.foster_carers), _d(enquiry), _d(stage1_start), _d(stage1_end), _d(stage2_start),
                             _d(stage2_end), _d(stage2_start), _d(approval), _d(a.match), self._cut(placed),
                             n_placed if placed is not None and placed <= D else None, self._cut(a.order), None, None])
        # Adopters who enquired in the year and had not been matched by the extract date.
        rng = random.Random(f"{self.seed}:annex-a:adopters:unmatched")
        wdays = [o for o in self.days.wdays if w12 <= o <= D]
        for n in range(1, max(1, written // 2) + 1):
            fid = f"AU{n:05d}"
            enquiry = rng.choice(wdays)
            steps = [enquiry]
            for lo, hi in ((5, 30), (40, 70), (1, 20), (90, 130), (10, 40)):
                nxt = self.days.on_or_after(steps[-1] + rng.randint(lo, hi))
                if nxt > D:
                    break
                steps.append(nxt)
            left, reason = None, None
            if rng.random() < 0.35:
                left = self.days.on_or_after(steps[-1] + rng.randint(1, 60))
                if left <= D:
                    reason = Weighted((("Withdrew", 60), ("Process on hold", 25), ("Application refused", 15)))(rng)
                else:
                    left = None
            dates = [_d(x) for x in steps[1:]] + [None] * (5 - len(steps[1:]))
            stage1_start, stage1_end, stage2_start, stage2_end, approval = dates
            sexes = ["F", "M" if rng.random() < 0.85 else "F"][:2 if rng.random() < 0.8 else 1]
            for k, sex in enumerate(sexes, start=1):
                rows.append([f"{fid}-{k}", fid, V.SEX_LABEL[sex],
                             V.ETHNICITY_LABEL[draw_ethnicity(rng)], V.NO, V.NO, _d(enquiry), stage1_start, stage1_end,
                             stage2_start, stage2_end, stage2_start, approval, None, None, None, None, _d(left),
                             V.LEFT_LABEL[reason] if reason else None])
        return rows

    # ---- the workbook ----------------------------------------------------------------------------

    def write(self, folder: Path) -> tuple[Path, dict[int, int]]:
        """Write the workbook; its path and the rows of each list."""
        from openpyxl import Workbook

        folder.mkdir(parents=True, exist_ok=True)
        extract = dt.date.fromordinal(self.D)
        path = folder / f"Annex_A_{extract.isoformat()}.xlsx"
        wb = Workbook(write_only=True)
        stamp = dt.datetime.combine(extract, dt.time())
        wb.properties.creator = "cscperf synthetic council"
        wb.properties.created = wb.properties.modified = stamp
        counts = {}
        for n, rows in self.lists().items():
            ws = wb.create_sheet(f"List {n}")
            ws.append([header for header, _, _ in V.HEADERS[n]])
            for row in rows:
                ws.append(row)
            counts[n] = len(rows)
        buffer = io.BytesIO()
        wb.save(buffer)
        _write_reproducibly(buffer.getvalue(), path, stamp)
        return path, counts


def _write_reproducibly(data: bytes, path: Path, stamp: dt.datetime) -> None:
    """Rewrite the xlsx (a zip) with fixed entry times and the modified time openpyxl sets on saving
    replaced by the extract date: the same rows give the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                 rb"\g<1>" + stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(entry, content)
