"""The simulation: families referred to the council, and what happens to each child afterwards.

Families arrive on working days (a Poisson stream with seasons and the 2020 lockdown dip). Each
family is simulated to the end on its own random stream, seeded from (seed, family number), so a
family's story does not depend on any other's: that is what would let a much larger council be
simulated and written a chunk of families at a time. Only the workforce (allocations, which need
every open case at once) and the planted CP-visit trajectory are worked out across families.

Steady state from the first month: the stream starts years before the data window. For the four
years before it every family is simulated (CP plans and proceedings open at the start come from
there); before that, only families whose story leads into care are (children in care since they
were babies are still looked after at the start). Nothing before the window is written unless it is
still open then, as in a real extract.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np

from cscperf.synth import rates
from cscperf.synth.care import LONG_TERM, Carer
from cscperf.synth.days import Days, add_years, age_at
from cscperf.synth.people import Weighted, ethnicity, home_postcode, upn, uasc_ethnicity
from cscperf.synth.world import (Adoption, Assessment, CarePeriod, Child, Family, ICPC, Missing, Plan, Proceedings,
                                 Referral, S47, Segment, World)

SOURCE = Weighted((("6", 29), ("2A", 19), ("2B", 2), ("3A", 3), ("3B", 3), ("3C", 1), ("3D", 2), ("3E", 3),
                   ("3F", 4), ("5A", 5), ("5B", 2), ("5C", 2), ("5D", 3), ("1A", 5), ("1B", 1), ("1C", 1),
                   ("1D", 1), ("4", 2), ("7", 2), ("8", 6), ("9", 1), ("10", 2)))
NEED = Weighted((("N1", 56), ("N2", 3), ("N3", 4), ("N4", 8), ("N5", 18), ("N6", 2), ("N7", 1), ("N8", 4), ("N0", 2)))
ABUSE = Weighted((("NEG", 48), ("EMO", 36), ("PHY", 7), ("SAB", 4), ("MUL", 5)))
AGE = {   # age of the eldest child at referral, by route: (age, weight)
    "any": [(0, 10), (1, 5), (2, 5), (3, 5), (4, 5)] + [(a, 5.2) for a in range(5, 10)] + [(a, 5.5) for a in range(10, 16)] + [(16, 5), (17, 4)],
    "cp": [(0, 17), (1, 7), (2, 7), (3, 7), (4, 7)] + [(a, 5.2) for a in range(5, 10)] + [(a, 4.2) for a in range(10, 16)] + [(16, 2), (17, 1)],
    "emergency": [(0, 18), (1, 5), (2, 5), (3, 5), (4, 5)] + [(a, 3) for a in range(5, 10)] + [(a, 5.8) for a in range(10, 16)] + [(16, 5), (17, 3)],
    "teen": [(12, 9), (13, 14), (14, 18), (15, 20), (16, 22), (17, 17)],
    "disabled": [(a, 1) for a in range(4, 16)],
    "uasc": [(14, 8), (15, 22), (16, 42), (17, 28)],
}
AGE = {k: Weighted(v) for k, v in AGE.items()}
ORDERS = {   # final order by age at the final hearing
    "young": Weighted((("PO", 38), ("CO", 27), ("SGO", 25), ("CAO", 4), ("SO", 4), ("NO_ORDER", 2))),
    "child": Weighted((("CO", 52), ("SGO", 24), ("CAO", 8), ("SO", 11), ("PO", 3), ("NO_ORDER", 2))),
    "teen": Weighted((("CO", 66), ("SGO", 9), ("SO", 14), ("CAO", 7), ("NO_ORDER", 4))),
}
SGO_REC = Weighted((("E45", 35), ("E46", 15), ("E47", 45), ("E48", 5)))
PERMANENT_EXITS = frozenset({"E11", "E12", "E41", "E45", "E46", "E47", "E48"})
NOT_CARE_LEAVERS = PERMANENT_EXITS | {"E3", "E15", "E16", "E2"}
ROUTE = Weighted(rates.ROUTES)
COURT = Weighted(rates.COURTS)
# A family referred again is more likely than a new one to need a plan (and never starts short breaks).
REREFERRAL_ROUTE = Weighted([(r, p * rates.REREFER_ROUTE_BOOST.get(r, 1.0)) for r, p in rates.ROUTES if r != "short_breaks"])
ASSESSMENT_LAG = Weighted(((0, 35), (1, 30), (2, 20), (3, 15)))     # working days from referral
FAMILY_SIZE = Weighted(rates.FAMILY_SIZE)


def _ord(t: tuple[int, int, int]) -> int:
    return dt.date(*t).toordinal()


class Council:
    def __init__(self, seed: int, scale: float, start: dt.date, end: dt.date, la_code: str):
        self.seed, self.scale, self.la_code = seed, scale, la_code
        self.start, self.end = start.toordinal(), end.toordinal()
        self.days = Days(dt.date(start.year - 22, 1, 1), dt.date(end.year + 20, 12, 31))
        self.carer = Carer(self.days, self.end)
        self.world = World()
        self.full_from = add_years(self.start, -4)      # every family simulated from here
        self.care_from = add_years(self.start, -18)     # care-bound families only, from here
        self._pid = 0
        lock = rates.LOCKDOWN
        self._lockdown = (_ord(lock[0]), _ord(lock[1]), lock[2])

    # ---- the stream of families -------------------------------------------------------------

    def simulate(self, progress=None) -> World:
        arrivals = self._arrivals()
        n = len(arrivals)
        for i, (day, route) in enumerate(arrivals):
            rng = random.Random(f"{self.seed}:family:{i}")
            self._family(i, day, route, rng)
            if progress and i % 2000 == 0:
                progress("families", i / n)
        self._missing_from_home()
        return self.world

    def _season(self, o: int) -> float:
        d = dt.date.fromordinal(o)
        f = rates.SEASON[(d.month - 4) % 12]
        a, b, dip = self._lockdown
        return f * dip if a <= o <= b else f

    def _arrivals(self) -> list[tuple[int, str]]:
        """(referral day, route) of every family, in date order; drawn from one seeded stream."""
        np_rng = np.random.default_rng([self.seed, 1])
        rng = random.Random(f"{self.seed}:arrivals")
        wd = [o for o in self.days.wdays if self.care_from <= o <= self.end]
        per_day = rates.NEW_FAMILIES_PER_YEAR * self.scale / 252.5
        counts = np_rng.poisson([per_day * self._season(o) for o in wd])
        nts = _ord(rates.UASC_NTS_MANDATORY)
        uasc = np_rng.poisson([rates.UASC_PER_YEAR[o >= nts] * self.scale / 252.5 if o >= self.full_from else 0.0
                               for o in wd])
        care = [(r, p) for r, p in rates.ROUTES if r in rates.CARE_ROUTES]
        care_route = Weighted(care)
        p_care = sum(p for _, p in care)
        convert = rates.EARLY_CARE_BOOST * p_care / (1 - p_care)
        out = []
        for o, n, u in zip(wd, counts.tolist(), uasc.tolist()):
            for _ in range(n):
                route = ROUTE(rng)
                if o < self.full_from and route not in rates.CARE_ROUTES and rng.random() < convert:
                    route = care_route(rng)
                if o >= self.full_from or route in rates.CARE_ROUTES:
                    out.append((o, route))
            out.extend((o, "uasc") for _ in range(u))
        return out

    # ---- children ------------------------------------------------------------------------------

    def _new_child(self, fam: Family, rng, day: int, age: int, *, uasc: bool = False, late_ok: bool = True) -> Child:
        self._pid += 1
        # A 17-year-old referred for protection or care has a few months left before 18.
        dob = day - int(age * 365.25) - rng.randint(1, 364 if late_ok or age < 17 else 200)
        sex = "M" if rng.random() < (0.9 if uasc else 0.51) else "F"
        eth = uasc_ethnicity(rng) if uasc else ethnicity(rng)
        pupil = "UN2" if uasc else upn(rng, self.la_code)     # shown as UN1 while under 5
        prior = 0
        if rng.random() < rates.PRIOR_PLANS:
            prior = 1 if rng.random() < 0.8 else 2
        c = Child(f"{1_000_000 + self._pid * 7 + rng.randrange(7):08d}", sex, dob, eth, pupil, fam,
                  disability=rng.random() < 0.05, uasc=uasc, prior_plans=prior)
        fam.children.append(c)
        return c

    def _family(self, no: int, day: int, route: str, rng) -> None:
        fam = Family(no, rng.randrange(12), home_postcode(rng))
        self.world.families.append(fam)
        if route == "uasc":
            self._uasc(fam, day, rng)
            return
        key = {"cp": "cp", "cp_care": "cp", "emergency": "emergency", "teen_s20": "teen",
               "short_breaks": "disabled"}.get(route, "any")
        eldest = AGE[key](rng)
        size = 1 if route in ("teen_s20", "short_breaks") else FAMILY_SIZE(rng)
        ages = [eldest]
        for _ in range(size - 1):
            a = ages[-1] - rng.randint(1, 4)
            if a >= 0:
                ages.append(a)
        late_ok = route in ("nfa", "assess_close", "cin", "s47", "short_breaks")
        kids = [self._new_child(fam, rng, day, a, late_ok=late_ok) for a in ages]
        if route == "short_breaks":
            kids[0].disability = True
        if route == "emergency" and rng.random() < 0.3:
            day -= rng.randint(0, 2)            # police protection happens at any hour, any day
        while True:
            closed = self._episode(fam, kids, day, route, rng)
            if closed is None or closed >= self.end:
                return
            if rng.random() >= rates.REREFER.get(route, 0.2):
                return
            day = self.days.on_or_after(closed + 7 + int(rng.expovariate(1 / rates.REREFER_MEAN_DAYS)))
            kids = [c for c in kids if age_at(c.dob, day) < 17]
            if day > self.end or not kids:
                return
            route = REREFERRAL_ROUTE(rng)
            if route == "teen_s20" and (len(kids) > 1 or age_at(kids[0].dob, day) < 12):
                route = "cin"

    # ---- one referral of a family, to its closure -------------------------------------------

    def _episode(self, fam: Family, kids: list[Child], r: int, route: str, rng) -> int | None:
        """Simulate one referral of the family's children; the day the family's case closed, or None
        if a child stays in care or leaves care as a care leaver (no re-referral of the family)."""
        d, w = self.days, self.world
        source = SOURCE(rng)
        if source == "5D" and r < _ord((2022, 4, 1)):
            source = "5A"
        need = "N9" if route in ("nfa", "assess_close") and rng.random() < 0.6 else NEED(rng)
        if route == "short_breaks":
            need = "N2"
        refs = {c: Referral("", c, r, source, need) for c in kids}
        w.referrals.extend(refs.values())
        if route == "nfa":
            for ref in refs.values():
                ref.nfa, ref.closure, ref.reason = True, r, "RC8"
            return r
        a_start = d.add(r, ASSESSMENT_LAG(rng))
        a_auth = d.add(a_start, self._assessment_days(a_start, rng))
        for c in kids:
            w.assessments.append(Assessment("", c, refs[c], a_start, a_auth, rng.random() < 0.97))
        s47_routes = ("s47", "icpc_no_plan", "cp", "cp_care", "emergency")
        s47s = {}
        transfer_in = route == "cp" and rng.random() < 0.03     # on a plan in another council: no S47 here
        if route in s47_routes and not transfer_in:
            s_start = r if route == "emergency" else d.add(r, rng.randint(0, 1))
            if route != "emergency" and rng.random() < 0.08:
                s_start = r + 1                 # strategy discussion out of hours, perhaps a Saturday
            for c in kids:
                s47s[c] = S47("", c, refs[c], s_start, None)
                w.s47s.append(s47s[c])

        if route == "assess_close":
            reason = "RC9" if a_auth >= _ord((2022, 4, 1)) and rng.random() < 0.3 else "RC8"
            return self._close_all(kids, refs, a_auth, reason, "ASSESSMENT", r)
        if route == "cin":
            until = d.on_or_after(a_auth + rng.randint(75, 280))
            self._support(kids, refs, r, a_auth, until)
            return until
        if route == "s47":
            s_end = d.add(s47s[kids[0]].start, rng.randint(5, 20))
            for s in s47s.values():
                s.end = s_end
            handover = max(a_auth, s_end)
            if rng.random() < 0.45:
                until = d.on_or_after(handover + rng.randint(45, 190))
                self._support(kids, refs, r, handover, until)
                return until
            return self._close_all(kids, refs, handover, "RC8", "ASSESSMENT", r)
        if route in ("icpc_no_plan", "cp", "cp_care"):
            return self._child_protection(fam, kids, refs, s47s, r, a_auth, route, rng)
        if route == "emergency":
            return self._emergency(fam, kids, refs, s47s, r, rng)
        if route == "teen_s20":
            return self._teen(fam, kids[0], refs[kids[0]], r, a_auth, rng)
        if route == "short_breaks":
            return self._short_breaks(fam, kids[0], refs[kids[0]], r, a_auth, rng)
        raise AssertionError(route)

    def _assessment_days(self, a_start: int, rng) -> int:
        p = self._drift(rates.ASSESS_ON_TIME, a_start)
        if rng.random() < p:
            return min(45, max(3, int(rng.triangular(4, 46, 36))))
        return 46 + int(rng.expovariate(1 / 14))

    def _drift(self, pair: tuple[float, float], o: int) -> float:
        """A rate moving linearly from pair[0] at the window start to pair[1] at its end."""
        f = min(1.0, max(0.0, (o - self.start) / max(1, self.end - self.start)))
        return pair[0] + (pair[1] - pair[0]) * f

    def _seg(self, c: Child, service: str, s: int, e: int | None) -> None:
        if e is None or e > s:
            self.world.segments.append(Segment(c, service, s, e))

    def _close_all(self, kids, refs, day, reason, service, r) -> int:
        for c in kids:
            refs[c].closure, refs[c].reason = day, reason
            self._seg(c, service, r, day)
        return day

    def _cap(self, c: Child, day: int) -> int:
        """Children's services end at 18: a plan or CIN case open then closes on the birthday."""
        return min(day, add_years(c.dob, 18))

    def _support(self, kids, refs, r, handover, until, reason="RC7") -> None:
        """Assessment, then child-in-need support until `until`, then the case closes."""
        for c in kids:
            end = self._cap(c, until)
            self._seg(c, "ASSESSMENT", r, min(handover, end))
            self._seg(c, "SAFEGUARDING", handover, end)
            if end > handover:
                self.world.cin_support.append((c, handover, end))
            refs[c].closure, refs[c].reason = end, reason

    # ---- child protection ---------------------------------------------------------------------

    def _child_protection(self, fam, kids, refs, s47s, r, a_auth, route, rng) -> int | None:
        d, w = self.days, self.world
        if not s47s:
            # A transfer-in conference for children who moved here on a plan (left out of S47-03).
            icpc_day = d.add(r, rng.randint(5, 15))
            for c in kids:
                c.prior_plans += 1
                w.icpcs.append(ICPC("", None, c, icpc_day, True, transfer_in=True))
        else:
            s_start = s47s[kids[0]].start
            p = self._drift(rates.ICPC_ON_TIME, s_start)
            wd = rng.randint(6, 15) if rng.random() < p else 16 + int(rng.expovariate(1 / 6))
            icpc_day = d.add(s_start, wd)
            s_end = d.add(s_start, max(4, wd - rng.randint(1, 5)))
            for c in kids:
                s47s[c].end = s_end
                w.icpcs.append(ICPC("", s47s[c], c, icpc_day, route != "icpc_no_plan"))
        if route == "icpc_no_plan":
            until = d.on_or_after(icpc_day + rng.randint(75, 200))
            self._support(kids, refs, r, icpc_day, until)
            return until
        for c in kids:
            self._seg(c, "ASSESSMENT", r, icpc_day)
        if route == "cp":
            length = self._plan_days(rng)
            plan_end = d.on_or_after(icpc_day + length)
            step_down = rng.random() < rates.PLAN_STEP_DOWN_CIN
            until = d.on_or_after(plan_end + rng.randint(45, 190)) if step_down else plan_end
            for c in kids:
                self._plan(c, icpc_day, self._cap(c, plan_end), rng)
                if step_down and self._cap(c, until) > plan_end:
                    w.cin_support.append((c, plan_end, self._cap(c, until)))
                self._seg(c, "SAFEGUARDING", icpc_day, self._cap(c, until))
                refs[c].closure, refs[c].reason = self._cap(c, until), "RC7"
            return until
        # Plan, pre-proceedings, then care proceedings for the sibling group.
        issue = d.add(icpc_day, rng.randint(40, 200))
        in_care, at_home = [], []
        for c in kids:
            (at_home if age_at(c.dob, issue) >= 16 else in_care).append(c)
        for c in in_care:
            self._plan(c, icpc_day, issue, rng)
        for c in at_home:
            self._plan(c, icpc_day, self._cap(c, d.on_or_after(issue + rng.randint(30, 180))), rng)
            until = self._cap(c, d.on_or_after(issue + rng.randint(60, 240)))
            self._seg(c, "SAFEGUARDING", icpc_day, until)
            refs[c].closure, refs[c].reason = until, "RC7"
        for c in in_care:
            self._seg(c, "SAFEGUARDING", icpc_day, issue)
        if not in_care:
            return None
        self._proceedings(fam, in_care, refs, issue, issue, [], rng, first=None)
        return None

    def _plan_days(self, rng) -> int:
        r, acc = rng.random(), 0.0
        for weight, lo, hi in rates.PLAN_DAYS:
            acc += weight
            if r < acc:
                return rng.randint(lo, hi)
        return rng.randint(rates.PLAN_DAYS[-1][1], rates.PLAN_DAYS[-1][2])

    def _plan(self, c: Child, start: int, end: int, rng) -> Plan | None:
        if start >= add_years(c.dob, 18):
            return None
        first = ABUSE(rng)
        latest = first if rng.random() < 0.88 else ABUSE(rng)
        plan = Plan("", c, start, end, first, latest, c.prior_plans + c.plans)
        c.plans += 1
        self.world.plans.append(plan)
        return plan

    # ---- care -----------------------------------------------------------------------------------

    def _missing_propensity(self, c: Child, start: int, rng) -> None:
        age = age_at(c.dob, start)
        p = rates.MISSER_TEEN if age >= 11 else rates.MISSER_TEEN * 0.5 if age >= 5 else rates.MISSER_CHILD
        if c.missing_rate == 0 and rng.random() < p:
            c.missing_rate = rng.gammavariate(rates.MISSING_RATE_SHAPE, rates.MISSING_RATE_MEAN / rates.MISSING_RATE_SHAPE)

    def _missing_year_factor(self, o: int) -> float:
        a, b, _ = self._lockdown
        return 0.55 if a <= o <= b else 1.0

    def _care(self, c: Child, ref: Referral, start: int, legal, end, rec, rng, **kw) -> CarePeriod | None:
        """A period of care, and the case afterwards: support at home, leaving care, or closure."""
        d = self.days
        if kw.get("first") is None:
            kw.pop("first", None)
        eighteen = add_years(c.dob, 18)
        if eighteen - start < 14:               # too near 18 to come into care: the case closes instead
            ref.closure, ref.reason = start, "RC7"
            return None
        if end is None or end >= eighteen:
            end, rec = eighteen, "AGE18"
        cin = ref.need if ref.need not in ("N0", "N9") else "N1"
        self._missing_propensity(c, start, rng)
        period = self.carer.period(rng, c, start, legal, end, rec, cin, **kw)
        self.world.periods.append(period)
        self.carer.missing_in_care(rng, c, period, self.world.missing, self._missing_year_factor)
        self._seg(c, "CLA", start, end)
        rec = period.rec
        in_care_from_14 = end - max(start, add_years(c.dob, 14))
        if c.sex == "F" and c.mother_child_dob is None and rng.random() < 0.03:
            fifteen = add_years(c.dob, 15)
            if fifteen < end - 60:
                c.mother_child_dob = rng.randint(max(start, fifteen), end - 1)
        if rec not in NOT_CARE_LEAVERS and age_at(c.dob, end) >= 16 and in_care_from_14 >= 91:
            c.left_care = end
            self._seg(c, "LEAVING_CARE", end, add_years(c.dob, 21))
            ref.closure, ref.reason = end, "RC6" if rec == "E7" else "RC7"
        elif rec in ("E4A", "E4B", "E13", "E41") and age_at(c.dob, end) < 17 and rng.random() < 0.7:
            until = d.on_or_after(end + rng.randint(45, 190))
            self._seg(c, "SAFEGUARDING", end, until)
            self.world.cin_support.append((c, end, until))
            ref.closure, ref.reason = until, "RC3" if rec == "E41" else "RC7"
        else:
            reason = {"E11": "RC1", "E12": "RC1", "E2": "RC2", "E41": "RC3", "E3": "RC5", "E7": "RC6"}.get(rec)
            reason = reason or ("RC4" if rec in ("E45", "E46", "E47", "E48") else "RC7")
            ref.closure, ref.reason = end, reason
        return period

    def _proceedings(self, fam, kids, refs, issue: int, care_start: int, legal_before, rng, first) -> None:
        """Care proceedings for a sibling group issued on `issue`; care from `care_start` (interim care
        order on issue unless `legal_before` says how the children were already looked after)."""
        d, w = self.days, self.world
        year = dt.date.fromordinal(issue).year
        mean = rates.PROCEEDINGS_WEEKS.get(year, rates.PROCEEDINGS_WEEKS[max(rates.PROCEEDINGS_WEEKS)])
        weeks = min(110.0, max(10.0, rng.gauss(mean, rates.PROCEEDINGS_SD_WEEKS)))
        final = d.on_or_after(issue + int(weeks * 7))
        court = COURT(rng)
        rows = []
        home_under_ico = first is None and rng.random() < 0.05
        ffa = first is None and rng.random() < 0.35
        for c in kids:
            age = age_at(c.dob, final)
            order = ORDERS["young" if age < 4 else "child" if age < 11 else "teen"](rng)
            pr = Proceedings("", c, issue, court, final, order)
            rows.append(pr)
            legal = list(legal_before) or [(care_start, "C1")]
            if legal[-1][1] != "C1":
                legal.append((issue, "C1"))
            end, rec, adoption, forced = None, None, None, []
            place = first
            if place is None and age_at(c.dob, care_start) < 1 and ffa:
                place = "U5"                    # fostering for adoption
            elif home_under_ico:
                place = "P1"
            if order == "CO":
                legal.append((final, "C2"))
                end, rec = self._long_term_exit(c, final, rng, sgo=age < 12)
                x = rng.random()
                if x < 0.25:
                    forced = [(final, LONG_TERM, False)]      # care order and long-term carers: U
                elif x < 0.35:
                    forced = [(final, None, True)]            # care order and a planned move: B
            elif order == "PO":
                legal.append((final, "E1"))
                adoption, end, rec, forced = self._adoption(c, care_start, final, place, rng)
                if adoption.reversed is not None:
                    # The placement order is revoked some months after the decision; the care order revives.
                    legal.append((d.on_or_after(adoption.reversed + rng.randint(30, 200)), "C2"))
            elif order == "SGO":
                end, rec = final, SGO_REC(rng)
            elif order == "CAO":
                end, rec = final, "E41"
            elif order == "SO":
                end, rec = final, "E13" if rng.random() < 0.5 else "E4A"
            else:
                end, rec = final, "E4B"
            if legal_before and issue > care_start and rng.random() < 0.3:
                forced = forced + [(issue, None, True)]        # interim care order and a move: B
            self._care(c, refs[c], care_start, legal, end, rec, rng, first=place, forced=forced,
                       emergency=care_start == issue and not legal_before, adoption=adoption)
        w.proceedings.extend(rows)

    def _long_term_exit(self, c: Child, start: int, rng, sgo: bool) -> tuple[int | None, str | None]:
        """Leaving long-term care before 18: home (~4% a year) or a later special guardianship order."""
        # At least a day in care: a draw under one day would end care on the day it began (seen at national size).
        t_home = start + max(1, int(rng.expovariate(0.045 / 365)))
        t_sgo = start + max(1, int(rng.expovariate(0.05 / 365))) if sgo else 10**9
        t = min(t_home, t_sgo)
        if t >= add_years(c.dob, 18):
            return None, None
        return self.days.on_or_after(t), ("E4A" if t == t_home else Weighted((("E45", 70), ("E46", 30)))(rng))

    def _adoption(self, c: Child, care_start: int, po: int, place: str | None, rng):
        d = self.days
        decision = max(care_start + 14, d.on_or_before(po - rng.randint(10, 100)))
        decision = d.on_or_after(decision)
        adoption = Adoption(decision)
        if rng.random() < 0.08:
            adoption.reversed = d.on_or_after(po + rng.randint(150, 500))
            adoption.reversed_reason = Weighted((("RD1", 40), ("RD2", 10), ("RD3", 35), ("RD4", 15)))(rng)
            end, rec = self._long_term_exit(c, adoption.reversed, rng, sgo=True)
            return adoption, end, rec, []
        foster_carers = place == "U5" or rng.random() < 0.1
        adoption.match = d.on_or_after(po + (rng.randint(20, 120) if foster_carers else rng.randint(45, 330)))
        adoption.placed = d.on_or_after(adoption.match + rng.randint(7, 35))
        adoption.order = d.on_or_after(adoption.placed + rng.randint(110, 380))
        adoption.foster_carers = foster_carers
        adoption.adopters = 1 if rng.random() < 0.1 else 2
        if adoption.adopters == 1:
            adoption.adopters_sex, adoption.adopters_ls = ("F1" if rng.random() < 0.9 else "M1"), "L3"
        else:
            adoption.adopters_sex = Weighted((("MF", 84), ("FF", 8), ("MM", 8)))(rng)
            adoption.adopters_ls = ("L11" if rng.random() < 0.5 else "L12") if adoption.adopters_sex != "MF" else \
                Weighted((("L0", 68), ("L2", 32)))(rng)
        placement = ("A5", False) if foster_carers else ("A6", True)
        rec = "E12" if rng.random() < 0.8 else "E11"
        return adoption, adoption.order, rec, [(adoption.placed, placement[0], placement[1])]

    def _emergency(self, fam, kids, refs, s47s, r, rng) -> int | None:
        d = self.days
        s_end = d.add(r, rng.randint(5, 15))
        for s in s47s.values():
            s.end = s_end
        kind = Weighted((("L1", 35), ("L2", 5), ("V2", 60)))(rng)
        legal, forced = [(r, kind)], []
        if kind == "L1":
            legal.append((r + rng.randint(1, 3), "V2"))
        elif kind == "L2":
            legal.append((r + rng.randint(2, 8), "C1"))
        if kind != "V2" and rng.random() < 0.5:
            forced = [(legal[1][0], None, True)]        # out of the emergency placement as the order changes: B
        if kind != "L2" and rng.random() < 0.45:
            back = r + rng.randint(2, 70)
            rec = Weighted((("E4A", 55), ("E13", 30), ("E4B", 15)))(rng)
            for c in kids:
                self._care(c, refs[c], r, [x for x in legal if x[0] < back], back, rec, rng, emergency=True,
                           forced=[f for f in forced if f[0] < back])
            return None
        issue = d.add(max(x[0] for x in legal), rng.randint(2, 40))
        self._proceedings(fam, kids, refs, issue, r, legal, rng, first=None)
        return None

    def _teen(self, fam, c: Child, ref: Referral, r: int, a_auth: int, rng) -> int | None:
        d = self.days
        start = d.add(r, rng.randint(0, 25)) if rng.random() < 0.7 else r + rng.randint(0, 20)
        self._seg(c, "ASSESSMENT", r, start)
        age = age_at(c.dob, start)
        x = rng.random()
        if x < (0.4 if age >= 16 else 0.47):
            end = start + rng.randint(14, 300)
            self._care(c, ref, start, [(start, "V2")], end, Weighted((("E4A", 60), ("E4B", 25), ("E13", 15)))(rng), rng)
            return None
        if x < 0.83 or age >= 16:
            end, rec = self._long_term_exit(c, start, rng, sgo=False)
            self._care(c, ref, start, [(start, "V2")], end, rec, rng)
            return None
        issue = d.add(start, rng.randint(40, 200))
        self._proceedings(fam, [c], {c: ref}, issue, start, [(start, "V2")], rng, first=None)
        return None

    def _short_breaks(self, fam, c: Child, ref: Referral, r: int, a_auth: int, rng) -> int | None:
        d = self.days
        until = min(d.on_or_after(add_years(c.dob, 18) - 30), d.on_or_after(a_auth + rng.randint(700, 2500)))
        self._support([c], {c: ref}, r, a_auth, until)
        ls = "V4" if rng.random() < 0.65 else "V3"
        home = rng.random() < 0.6
        place, provider = ("K2", "PR1") if home else ("U6", "PR1")
        pl_post = home_postcode(rng)
        urn = f"SC{rng.randint(100000, 499999)}" if home else "XXXXXXX"
        stays, t = [], d.on_or_after(a_auth + rng.randint(20, 60))
        while t < until:
            if ls == "V4":
                e = min(t + rng.randint(300, 364), until)
                stays.append((t, e))
                t = e + rng.randint(1, 20)
            else:
                e = t + rng.randint(2, 4)
                stays.append((t, e))
                t = e + rng.randint(28, 100)
        self.world.periods.extend(self.carer.short_breaks(c, stays, ls, place, provider, pl_post, urn))
        return until

    def _uasc(self, fam: Family, r: int, rng) -> None:
        c = self._new_child(fam, rng, r, AGE["uasc"](rng), uasc=True)
        ref = Referral("", c, r, Weighted((("6", 40), ("5C", 35), ("8", 25)))(rng), "N8")
        self.world.referrals.append(ref)
        self.world.assessments.append(Assessment("", c, ref, r, self.days.add(r, self._assessment_days(r, rng)), True))
        x = rng.random()
        if x < 0.1:
            end, rec = r + rng.randint(10, 90), "E3"
        elif x < 0.14:
            end, rec = r + rng.randint(20, 200), "E15"
        elif x < 0.15:
            end, rec = r + rng.randint(30, 300), "E16"
        else:
            end, rec = None, None
        age = age_at(c.dob, r)
        first = Weighted((("U6", 80), ("U4", 10), ("K2", 10)))(rng) if age < 16 else \
            Weighted((("H5", 68), ("U6", 22), ("K2", 10)))(rng)
        self._care(c, ref, r, [(r, "V2")], end, rec, rng, first=first)

    # ---- missing from home -------------------------------------------------------------------------

    def _missing_from_home(self) -> None:
        """Children with an open case at home (not looked after) who go missing; no 903 record."""
        d, w = self.days, self.world
        for i, seg in enumerate(w.segments):
            if seg.service not in ("SAFEGUARDING", "ASSESSMENT"):
                continue
            c = seg.child
            seg_end = seg.end if seg.end is not None else self.end + 1
            if seg_end < self.start - 60 or seg.start > self.end:
                continue
            teen = add_years(c.dob, 11)
            lo, hi = max(seg.start, teen), min(seg_end, add_years(c.dob, 18), self.end + 1)
            if lo >= hi:
                continue
            rng = random.Random(f"{self.seed}:home-missing:{c.pid}:{seg.start}")
            if rng.random() >= rates.MISSING_FROM_HOME:
                continue
            rate = rng.gammavariate(1.3, 3.0 / 1.3)
            t = lo
            while True:
                t += 1 + int(rng.expovariate(rate * self._missing_year_factor(t) / 365))
                if t >= hi:
                    break
                e = min(t + Weighted(((0, 45), (1, 35), (2, 12), (3, 8)))(rng), hi - 1)
                m = Missing(c, "M", t, e, "HOME", rng.random() < 0.08, False)
                self.carer.return_interview(rng, m)
                w.missing.append(m)
                t = e + 1
