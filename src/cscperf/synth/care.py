"""A period of care as the 903 records it: placements, legal statuses, temporary moves, reviews, missing.

The route a child takes into and out of care (council.py) fixes the legal timeline and how care
ends; this module fills in where the child lives meanwhile. Placement types and providers are
weighted by age (babies with foster carers or in mother-and-baby units, teenagers in children's
homes and semi-independent living), moves come at rates that put ~10% of children looked after at
31 March at three or more placements in the year (LA04), and temporary moves (T0-T4) return the
child to the same placement, as the stability rule expects.
"""

from __future__ import annotations

import random

from cscperf.synth import rates
from cscperf.synth.days import Days, add_months, add_years, age_at
from cscperf.synth.people import Weighted, placement_postcode, urn
from cscperf.synth.world import Adoption, CarePeriod, Child, Episode, Missing

LONG_TERM = "long-term"       # a planned move: foster carers become the child's long-term carers
FOSTER = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})
RESIDENTIAL = frozenset({"K1", "K2", "R1", "S1", "R5"})
SUPPORTED = frozenset({"H5", "P2", "K3", "Z1"})
ADOPTIVE = frozenset({"A3", "A4", "A5", "A6"})
TEMPORARY = Weighted((("T1", 0.2), ("T2", 0.3), ("T3", 0.3), ("T4", 0.17), ("T0", 0.03)))

FIRST_PLACEMENT = {   # by age band at entry
    "baby": Weighted((("U6", 52), ("U3", 14), ("R3", 9), ("U5", 12), ("U2", 4), ("P1", 5), ("U4", 4))),
    "young": Weighted((("U6", 62), ("U3", 19), ("U4", 6), ("P1", 8), ("U5", 3), ("U1", 2))),
    "child": Weighted((("U6", 56), ("U3", 16), ("U4", 10), ("K2", 7), ("P1", 6), ("U1", 3), ("S1", 2))),
    "teen": Weighted((("U6", 44), ("U3", 8), ("K2", 28), ("U4", 4), ("P1", 4), ("R1", 2), ("S1", 2), ("K1", 2), ("H5", 6))),
    "older": Weighted((("U6", 22), ("U3", 4), ("K2", 22), ("H5", 42), ("P2", 4), ("Z1", 2), ("P1", 4))),
}
NEXT_PLACEMENT = {
    "baby": Weighted((("U6", 70), ("U3", 15), ("U4", 15))),
    "young": Weighted((("U6", 60), ("U4", 22), ("U3", 12), ("U1", 6))),
    "child": Weighted((("U6", 48), ("U4", 24), ("U3", 8), ("U1", 4), ("K2", 12), ("S1", 3), ("R1", 1))),
    "teen": Weighted((("U6", 36), ("U4", 12), ("U3", 5), ("K2", 36), ("H5", 5), ("R1", 2), ("K1", 2), ("S1", 2))),
    "older": Weighted((("H5", 52), ("K2", 18), ("U6", 14), ("U4", 4), ("P2", 8), ("Z1", 4))),
}
MEAN_DAYS = {"U1": 1500, "U2": 240, "U3": 640, "U4": 1500, "U5": 240, "U6": 430, "K1": 110, "K2": 330,
             "R1": 300, "R3": 90, "R5": 90, "S1": 520, "H5": 470, "P2": 420, "Z1": 150, "P1": 460}
PROVIDER = {
    "foster": Weighted((("PR1", 60), ("PR4", 35), ("PR5", 5))),
    "kin": Weighted((("PR1", 96), ("PR4", 4))),
    "K2": Weighted((("PR4", 74), ("PR1", 16), ("PR5", 10))),
    "H5": Weighted((("PR4", 68), ("PR1", 20), ("PR5", 12))),
    "K1": Weighted((("PR2", 60), ("PR1", 40))),
    "R1": Weighted((("PR3", 30), ("PR4", 70))),
    "R3": Weighted((("PR3", 40), ("PR5", 60))),
    "S1": Weighted((("PR4", 60), ("PR5", 40))),
    "adopt": Weighted((("PR1", 75), ("PR5", 25))),
    "other": Weighted((("PR1", 50), ("PR4", 50))),
}
MOVE_REASON = Weighted((("CARPL", 34), ("CREQB", 15), ("CREQO", 10), ("CHILD", 8), ("LAREQ", 5), ("STAND", 3),
                        ("ALLEG", 3), ("CLOSE", 3), ("APPRR", 2), ("OTHER", 17)))
PARTICIPATION = Weighted((("PN1", 52), ("PN2", 9), ("PN3", 14), ("PN4", 9), ("PN5", 6), ("PN6", 5), ("PN7", 5)))
RHI_REASONS = Weighted((("FAMILY", 22), ("PEERS", 24), ("EXPLOIT", 9), ("PLACEMENT", 14), ("SUBSTANCE", 8),
                        ("RELATIONSHIP", 8), ("SCHOOL", 4), ("MENTAL", 6), ("OTHER", 5)))
MISSING_DAYS = Weighted(((0, 34), (1, 31), (2, 14), (3, 8), (4, 4), (5, 3), (6, 2), (7, 1.5), (10, 1.5), (14, 0.7), (21, 0.3)))
AT_18_FOSTER = Weighted((("E17", 32), ("E5", 38), ("E6", 4), ("E13", 8), ("E8", 14), ("E7", 4)))
AT_18_OTHER = Weighted((("E5", 55), ("E6", 10), ("E8", 17), ("E13", 12), ("E7", 4), ("E9", 2)))


def band(age: int) -> str:
    return "baby" if age < 1 else "young" if age < 5 else "child" if age < 11 else "teen" if age < 16 else "older"


def provider_for(place: str, rng: random.Random) -> str:
    if place == "P1":
        return "PR0"
    if place in ("U1", "U2", "U3"):
        return PROVIDER["kin"](rng)
    if place in FOSTER:
        return PROVIDER["foster"](rng)
    if place in ADOPTIVE:
        return PROVIDER["adopt"](rng)
    return PROVIDER.get(place, PROVIDER["other"])(rng)


class Placement:
    __slots__ = ("start", "place", "provider", "pl_post", "urn", "new_carer", "reason")

    def __init__(self, start, place, provider, pl_post, urn_, new_carer, reason):
        self.start, self.place, self.provider = start, place, provider
        self.pl_post, self.urn, self.new_carer, self.reason = pl_post, urn_, new_carer, reason


class Carer:
    """Builds periods of care for one council (shared calendar and horizon)."""

    def __init__(self, days: Days, horizon: int):
        self.days = days
        self.horizon = horizon       # nothing after this day is ever written

    # ---- placements ------------------------------------------------------------------------

    def _placement(self, rng, child: Child, start: int, place: str, new_carer: bool, reason: str | None,
                   like: Placement | None = None) -> Placement:
        if like is not None and not new_carer:
            return Placement(start, place, like.provider, like.pl_post, like.urn, False, reason)
        if place == "P1":
            return Placement(start, place, "PR0", child.family.home_post, "XXXXXXX", new_carer, reason)
        prov = provider_for(place, rng)
        in_area = rng.random() < (0.9 if prov in ("PR1", "PR0") else 0.45 if prov == "PR4" else 0.6)
        registered = place in RESIDENTIAL or place in ("H5", "R3") or prov in ("PR4", "PR5")
        return Placement(start, place, prov, placement_postcode(rng, in_area), urn(rng) if registered else "XXXXXXX",
                         new_carer, reason)

    def _next(self, rng, prev: Placement, age: int) -> tuple[str, bool]:
        # Foster carers who become the child's long-term carers: a change of placement, same carers.
        if prev.place == "U6" and age < 16 and rng.random() < 0.33:
            return "U4", False
        if prev.place == "U3" and age < 16 and rng.random() < 0.33:
            return "U1", False
        return NEXT_PLACEMENT[band(age)](rng), True

    def placements(self, rng, child: Child, start: int, stop: int, first: str | None,
                   forced: list[tuple[int, str | None, bool]], emergency: bool) -> list[Placement]:
        """Placements from `start` until `stop` (exclusive). `forced` are planned moves (day, place,
        same carers): to adopters, to long-term carers (LONG_TERM), or to a new placement (None)."""
        age = age_at(child.dob, start)
        place = first or FIRST_PLACEMENT[band(age)](rng)
        out = [self._placement(rng, child, start, place, True, None)]
        forced = sorted(forced, key=lambda f: f[0])
        short_first = emergency and rng.random() < 0.45
        while True:
            cur = out[-1]
            if cur.place in ADOPTIVE:
                break
            if short_first:
                stay = rng.randint(5, 56)
                short_first = False
            else:
                stay = 1 + int(rng.expovariate(1 / MEAN_DAYS.get(cur.place, 400)))
            t = cur.start + stay
            if forced and forced[0][0] <= t:
                t, place, same = forced.pop(0)
                reason = "CARPL"
                if place == LONG_TERM:      # the carers become long-term carers, if they are foster carers
                    if cur.place not in ("U6", "U3"):
                        continue
                    place, same = ("U4" if cur.place == "U6" else "U1"), False
                elif place is None:         # a planned move to a new placement
                    place, same = NEXT_PLACEMENT[band(age_at(child.dob, t))](rng), True
                elif place == "A5" and cur.place not in FOSTER:
                    place, same = "A6", True    # placed with adopters who are not the current carers
            else:
                place, same = self._next(rng, cur, age_at(child.dob, t))
                reason = MOVE_REASON(rng) if same else "PLACE"
            if t >= stop or t > self.horizon:
                break
            if t <= cur.start:
                continue
            out.append(self._placement(rng, child, t, place, same, reason, like=cur))
        return out

    def _temporary_moves(self, rng, child: Child, placements: list[Placement], stop: int) -> list[Placement]:
        """Split some long placements by a hospital stay, holiday or respite (T0-T4) and a return."""
        out = []
        for i, p in enumerate(placements):
            out.append(p)
            until = placements[i + 1].start if i + 1 < len(placements) else min(stop, self.horizon)
            length = until - p.start
            if p.place in ADOPTIVE or p.place == "P1" or length < 60 or rng.random() > min(0.6, length / 365 * 0.085):
                continue
            t_start = p.start + rng.randint(20, length - 30)
            code = TEMPORARY(rng)
            t_end = t_start + (rng.randint(1, 7) if code == "T4" else rng.randint(2, 14))
            if t_end >= until - 5:
                continue
            out.append(Placement(t_start, code, "", "", "", True, "OTHER"))
            out.append(Placement(t_end, p.place, p.provider, p.pl_post, p.urn, True, "OTHER"))
        return out

    # ---- the period --------------------------------------------------------------------------

    def period(self, rng, child: Child, start: int, legal: list[tuple[int, str]], end: int | None, rec: str | None,
               cin: str, *, first: str | None = None, forced: list[tuple[int, str, bool]] = (),
               emergency: bool = False, adoption: Adoption | None = None) -> CarePeriod:
        """A period of care from `start`; `legal` = [(day, legal status)], the first on `start`.
        `end`/`rec`: when and why care ends (rec "AGE18" = at 18, reason chosen from the placement)."""
        stop = end if end is not None else self.horizon + 1
        places = self.placements(rng, child, start, stop, first, list(forced), emergency)
        places = self._temporary_moves(rng, child, places, stop)
        if rec == "AGE18":
            rec = (AT_18_FOSTER if places[-1].place in FOSTER else AT_18_OTHER)(rng)
            if rec == "E17" and places[-1].place not in FOSTER:
                rec = "E5"
        episodes = self._episodes(child, start, places, [(d, ls) for d, ls in legal if d < stop], end, rec, cin)
        period = CarePeriod(child, start, end, rec, episodes, adoption=adoption)
        period.reviews = self._reviews(rng, child, start, stop)
        period.prev_perm = self._previous_permanence(rng, child, start)
        child.periods.append(period)
        return period

    def short_breaks(self, child: Child, stays: list[tuple[int, int]], ls: str, place: str, provider: str,
                     pl_post: str, urn_: str) -> list[CarePeriod]:
        """Short breaks: each stay (V3) or agreement (V4) is its own episode and period of care."""
        out = []
        for s, e in stays:
            ep = Episode(s, "S", ls, "N2", place, provider, child.family.home_post, pl_post, urn_, e,
                         "E8" if ls == "V4" else "E4A")
            period = CarePeriod(child, s, e, ep.rec, [ep], short_breaks=True)
            child.periods.append(period)
            out.append(period)
        return out

    def _episodes(self, child, start, places, legal, end, rec, cin) -> list[Episode]:
        by_day: dict[int, list] = {}
        for p in places:
            by_day.setdefault(p.start, [None, None])[0] = p
        for d, ls in legal:
            by_day.setdefault(d, [None, None])[1] = ls
        episodes: list[Episode] = []
        cur_p, cur_ls = places[0], legal[0][1]
        for day in sorted(by_day):
            p, ls = by_day[day]
            if day == start:
                rne = "S"
            elif p is not None and ls is not None and ls != cur_ls:
                rne = "B" if p.new_carer else "U"
            elif p is not None:
                rne = "P" if p.new_carer else "T"
            elif ls is not None and ls != cur_ls:
                rne = "L"
            else:
                continue
            cur_p = p or cur_p
            cur_ls = ls or cur_ls
            if episodes:
                prev = episodes[-1]
                prev.end, prev.rec = day, "X1"
                if rne in "PBTU":
                    prev.reason_change = cur_p.reason or "CARPL"
            temp = cur_p.place.startswith("T")
            episodes.append(Episode(day, rne, cur_ls, cin, cur_p.place, cur_p.provider,
                                    child.family.home_post, "" if temp else cur_p.pl_post, cur_p.urn))
        episodes[-1].end, episodes[-1].rec = end, rec
        return episodes

    def _reviews(self, rng, child, start, stop) -> list[tuple[int, str]]:
        """CLA reviews: the first within 20 working days, the second 3 months on, then every 6 months."""
        d = self.days
        out = []
        first = d.add(start, rng.randint(8, 20) if rng.random() < 0.9 else rng.randint(21, 35))
        day, months = first, 3
        limit = min(stop, self.horizon + 1)
        while day < limit:
            code = "PN0" if age_at(child.dob, day) < 4 else PARTICIPATION(rng)
            out.append((day, code))
            due = add_months(day, months)
            day = d.on_or_before(due - rng.randint(0, 20)) if rng.random() < 0.92 else d.add(due, rng.randint(2, 30))
            months = 6
        return out

    def _previous_permanence(self, rng, child, start) -> tuple[str, str]:
        r = rng.random()
        if r > 0.12 or age_at(child.dob, start) < 2:
            return "Z1", ""
        code = "P1" if r < 0.03 else "P2" if r < 0.075 else "P3"
        d = self.days.uk(start - rng.randint(400, 3000))
        return code, ("zz" + d[2:] if rng.random() < 0.2 else d)

    # ---- missing ------------------------------------------------------------------------------

    def missing_in_care(self, rng, child: Child, period: CarePeriod, out: list[Missing], year_factor) -> None:
        if child.missing_rate <= 0 or period.short_breaks:
            return
        stop = min(period.end if period.end is not None else self.horizon + 1, self.horizon + 1)
        t = max(period.start, add_years(child.dob, 10))
        eps = period.episodes
        away = 0.15 if rng.random() < 0.7 else 0.4
        while True:
            ep = _episode_at(eps, t)
            factor = 1.5 if ep.place in RESIDENTIAL or ep.place in SUPPORTED else 0.7 if ep.place in FOSTER else 1.0
            t += 1 + int(rng.expovariate(child.missing_rate * factor * year_factor(t) / 365))
            if t >= stop:
                return
            ep = _episode_at(eps, t)
            length = MISSING_DAYS(rng)
            e = min(t + length, stop - 1) if stop - 1 >= t else t
            where = ("FOSTER" if ep.place in FOSTER else "CHILDRENS_HOME" if ep.place in RESIDENTIAL
                     else "SUPPORTED" if ep.place in SUPPORTED else "HOME" if ep.place == "P1" else "OTHER")
            m = Missing(child, "A" if rng.random() < away else "M", t, e, where,
                        bool(ep.pl_post) and not ep.pl_post.startswith("BW"), True)
            self.return_interview(rng, m)
            out.append(m)
            t = e + 1

    def return_interview(self, rng, m: Missing) -> None:
        if m.end is None:
            return
        m.offered = rng.random() < rates.RHI_OFFERED
        m.accepted = m.offered and rng.random() < rates.RHI_ACCEPTED
        if m.accepted:
            lag = rng.randint(0, 3) if rng.random() < rates.RHI_WITHIN_72H + 0.08 else rng.randint(4, 15)
            m.rhi_date = self.days.on_or_after(m.end + lag)
            if rng.random() < 0.07:
                m.reasons = "NOT_GIVEN"
            else:
                found = {RHI_REASONS(rng) for _ in range(1 + (rng.random() < 0.45) + (rng.random() < 0.15))}
                m.reasons = ";".join(sorted(found))


def _episode_at(episodes: list[Episode], t: int) -> Episode:
    found = episodes[0]
    for ep in episodes:
        if ep.start <= t:
            found = ep
        else:
            break
    return found
