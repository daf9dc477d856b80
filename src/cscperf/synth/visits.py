"""Statutory visits (CP, CIN, CLA), and the planted CP-visit trajectory.

CP visits follow the local 10-working-day standard: a worker on top of the case visits every 5 to
10 working days (most often at 9 or 10); a late visit comes 11 or more working days on. The share of
on-time intervals is set from the trajectory, so the month-end figure drifts naturally from
`cp_visits_from` to `cp_visits_to`. Chance alone would then leave it a few points off at a given
month end (about 450 children), so `plant_cp07` finishes the job at each month end: a few children
are visited in time who would not have been, or a few visits slip past the month end. A visit moved
within 10 working days of one month end never changes the next month end (at least 18 working days
later), so month ends are settled one at a time, exactly as CP07 counts (kpis.md §3.1).
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_right

from cscperf.synth import rates
from cscperf.synth.days import Days, age_at
from cscperf.synth.people import Weighted
from cscperf.synth.world import Plan, Visit, World

WINDOW = 10
ON_TIME_GAP = Weighted(((5, 1), (6, 4), (7, 9), (8, 16), (9, 25), (10, 36)))
LATE_MEAN_EXTRA = 9.0        # a late visit comes 11 + ~Exp(9) working days after the last
CP_PLACE = Weighted((("HOME", 72), ("SCHOOL", 17), ("OFFICE", 4), ("OTHER", 7)))
CIN_PLACE = Weighted((("HOME", 76), ("SCHOOL", 15), ("OFFICE", 4), ("OTHER", 5)))
CLA_PLACE = Weighted((("PLACEMENT", 80), ("SCHOOL", 10), ("OTHER", 6), ("OFFICE", 4)))


def _mean(w: Weighted) -> float:
    prev, total = 0.0, 0.0
    for v, c in zip(w.values, w.cum):
        total += v * (c - prev)
        prev = c
    return total / w.cum[-1]


MEAN_ON_TIME = _mean(ON_TIME_GAP)
# Late gaps are 11 + int(Exp(9)) working days: mean 11 + 8.5. Not-seen visits and their retries
# lengthen a gap by ~0.1 day on average; ignored.
MEAN_LATE = 11 + LATE_MEAN_EXTRA - 0.5


class Trajectory:
    """The planted CP07 figure at each month end: linear between two anchor dates, flat outside,
    with a point or two of month-to-month noise (none at the anchors, so they read exactly)."""

    def __init__(self, first: dt.date, last: dt.date, value_from: float, value_to: float, seed: int):
        self.a, self.b = first.toordinal(), last.toordinal()
        self.v0, self.v1 = value_from, value_to
        self.rng = random.Random(f"{seed}:cp07-noise")

    def base(self, o: int) -> float:
        if o <= self.a:
            return self.v0
        if o >= self.b:
            return self.v1
        return self.v0 + (self.v1 - self.v0) * (o - self.a) / (self.b - self.a)

    def at(self, o: int) -> float:
        noise = self.rng.gauss(0.0, 0.011)
        if o in (self.a, self.b):
            return self.base(o)
        return min(0.98, max(0.2, self.base(o) + noise))

    def on_time_share(self, o: int) -> float:
        """Share of on-time visit intervals that makes the month-end figure `base(o)` on average.

        Over an interval of L working days a child counts as visited on min(L, 11) of them, so with a
        share p of on-time intervals the figure is (p·E[on] + (1-p)·11) / (p·E[on] + (1-p)·E[late])."""
        c = self.base(o)
        on, late = MEAN_ON_TIME, MEAN_LATE
        p = (c * late - 11) / (c * late - 11 - c * on + on)
        return min(1.0, max(0.0, p))


class Visitor:
    """Visits from `since` (the extract's first day) to `end`; the trajectory is planted from `start`."""

    def __init__(self, days: Days, start: int, end: int, seed: int, trajectory: Trajectory, since: int | None = None):
        self.days, self.start, self.end, self.seed = days, start, end, seed
        self.since = start if since is None else since
        self.trajectory = trajectory

    def _visit(self, rng, child, kind, day, seen, places: Weighted) -> Visit:
        if not seen:
            return Visit(child, kind, day, False, False, "HOME" if kind != "CLA" else "PLACEMENT")
        alone = age_at(child.dob, day) >= rates.SEEN_ALONE_MIN_AGE and rng.random() < rates.SEEN_ALONE
        return Visit(child, kind, day, True, alone, places(rng))

    def cp_visits(self, plan: Plan) -> list[Visit]:
        """Visits during a CP plan, from the plan start (only those in the data window are kept)."""
        d = self.days
        rng = random.Random(f"{self.seed}:cp-visits:{plan.child.pid}:{plan.start}")
        stop = min(plan.end if plan.end is not None else self.end + 1, self.end + 1)
        out = []
        t = d.add(plan.start, rng.randint(0, 4))
        while t < stop:
            seen = rng.random() >= rates.NOT_SEEN
            if t >= self.since:
                out.append(self._visit(rng, plan.child, "CP", t, seen, CP_PLACE))
            if not seen:
                t = d.add(t, rng.randint(1, 3))
            elif rng.random() < self.trajectory.on_time_share(t):
                t = d.add(t, ON_TIME_GAP(rng))
            else:
                t = d.add(t, 11 + int(rng.expovariate(1 / LATE_MEAN_EXTRA)))
        return out

    def regular(self, child, kind: str, start: int, stop: int | None, first_within: int, gap: tuple[int, int],
                on_time: float, late: tuple[int, int], places: Weighted, key: str) -> list[Visit]:
        d = self.days
        rng = random.Random(f"{self.seed}:{kind}-visits:{child.pid}:{start}:{key}")
        stop = min(stop if stop is not None else self.end + 1, self.end + 1)
        out = []
        t = d.add(start, rng.randint(1, first_within))
        while t < stop:
            seen = rng.random() >= rates.NOT_SEEN * 0.6
            if t >= self.since:
                out.append(self._visit(rng, child, kind, t, seen, places))
            if not seen:
                t = d.add(t, rng.randint(1, 5))
            else:
                t = d.add(t, rng.randint(*gap) if rng.random() < on_time else rng.randint(*late))
        return out

    def all_visits(self, world: World, progress=None) -> None:
        visits = world.visits
        for c, s, e in world.cin_support:
            if (e is None or e >= self.since) and s <= self.end:
                visits += self.regular(c, "CIN", s, e, 10, (12, 20), 0.8, (21, 35), CIN_PLACE, "")
        for period in world.periods:
            if period.short_breaks or (period.end is not None and period.end < self.since) or period.start > self.end:
                continue
            eps = period.episodes
            # A visit within a week of each new placement, then at most six-weekly.
            starts = [ep.start for ep in eps if ep.rne in "SPB" and not ep.place.startswith("T")]
            for i, s in enumerate(starts):
                e = starts[i + 1] if i + 1 < len(starts) else period.end
                visits += self.regular(period.child, "CLA", s, e, 5, (18, 30), 0.88, (31, 48), CLA_PLACE, str(i))
        by_plan = {}
        for plan in world.plans:
            if (plan.end is None or plan.end > self.since) and plan.start <= self.end:
                by_plan[plan] = self.cp_visits(plan)
        if progress:
            progress("visits", 0.5)
        plant_cp07(self, by_plan)
        for vs in by_plan.values():
            visits += vs


def plant_cp07(visitor: Visitor, by_plan: dict[Plan, list[Visit]]) -> None:
    """Make the share of CP children seen in the last 10 working days equal the trajectory at every
    month end of the window (same rule as indicator CP07: seen visits since the plan start, plans
    started within 10 working days and not yet visited left out)."""
    from cscperf.synth.days import month_ends

    d = visitor.days
    rng = random.Random(f"{visitor.seed}:cp07-plant")
    ends = month_ends(dt.date.fromordinal(visitor.start), dt.date.fromordinal(visitor.end))
    plans = sorted(by_plan, key=lambda p: (p.start, p.child.pid))
    dates = {p: [v.date for v in by_plan[p]] for p in plans}

    def add_visit(p, D, lo):
        first_day = max(lo, d.on_or_after(p.start), visitor.start)
        last_day = d.on_or_before(min(D, visitor.end))
        if first_day > last_day:
            return False
        # Visited just in time: most such visits come near the end of the window.
        n = d.busdays(first_day, last_day) + 1
        day = d.add(first_day, max(0, n - 1 - int(rng.expovariate(0.5))))
        if day > last_day or day in dates[p]:
            return False
        k = bisect_right(dates[p], day)
        dates[p].insert(k, day)
        by_plan[p].insert(k, visitor._visit(rng, p.child, "CP", day, True, CP_PLACE))
        return True

    def slip_visits(p, D, lo):
        """The visits seen in the window slip a few days past the month end (or had not happened
        by the extract date)."""
        keep_v, keep_d, moved = [], [], []
        for v in by_plan[p]:
            (moved if lo <= v.date <= D and v.seen else keep_v).append(v)
        keep_d = [v.date for v in keep_v]
        for v in moved[-1:]:
            day = d.add(D + 1, rng.randint(0, 3))
            limit = min(p.end - 1 if p.end is not None else visitor.end, visitor.end)
            if day <= limit and day not in keep_d:
                v.date = day
                k = bisect_right(keep_d, day)
                keep_d.insert(k, day)
                keep_v.insert(k, v)
        by_plan[p], dates[p] = keep_v, keep_d

    for D in ends:
        lo = d.earliest_within(D, WINDOW)
        comp, late, fresh = [], [], []          # fresh: new plans not yet visited (left out)
        for p in plans:
            if p.start > D:
                break
            if p.end is not None and p.end <= D:
                continue
            vs = by_plan[p]
            i = bisect_right(dates[p], D)
            last = next((vs[j].date for j in range(i - 1, -1, -1) if vs[j].seen), None)
            if last is None:
                (fresh if d.busdays(p.start, D) <= WINDOW else late).append(p)
            elif d.busdays(last, D) <= WINDOW:
                comp.append(p)
            else:
                late.append(p)
        den = len(comp) + len(late)
        if not den:
            continue
        target = visitor.trajectory.at(D)
        if D in (visitor.trajectory.a, visitor.trajectory.b):
            # At the anchors the figure should read exactly as planted to one decimal place
            # (60.5%, 76.3%): bring a new plan in (visited) or leave one out, if that helps.
            comp, den = _anchor(d, D, target, comp, late, fresh, den, add_visit, slip_visits, lo)
        want = round(target * den)
        if want > len(comp):
            for p in rng.sample(late, min(len(late), want - len(comp))):
                add_visit(p, D, lo)
        elif want < len(comp):
            movable = [p for p in comp if d.busdays(p.start, D) > WINDOW]
            for p in rng.sample(movable, min(len(movable), len(comp) - want)):
                slip_visits(p, D, lo)


def _anchor(d, D, target, comp, late, fresh, den, add_visit, slip_visits, lo):
    goal = round(target * 100, 1)
    new_visited = [p for p in comp if d.busdays(p.start, D) <= WINDOW]
    for delta in (0, 1, -1, 2, -2, 3, -3):
        n = den + delta
        if (delta > 0 and len(fresh) < delta) or (delta < 0 and len(new_visited) < -delta):
            continue
        if round(round(target * n) / n * 100, 1) != goal:
            continue
        if delta > 0:
            for p in fresh[:delta]:
                if add_visit(p, D, lo):
                    comp = comp + [p]
        elif delta < 0:
            for p in new_visited[:-delta]:
                slip_visits(p, D, lo)
            comp = [p for p in comp if p not in new_visited[:-delta]]
        return comp, len(comp) + len(late)
    return comp, den
