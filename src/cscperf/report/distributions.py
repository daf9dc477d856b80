"""Distributions the deep dives need and the catalogue does not (yet) carry, from the canonical tables.

**Interim, by design.** The report reads the results table wherever the catalogue has the measure.
The committee's deep dives also ask for profiles (missing episodes by age, times missing per child,
where from, duration, return-interview reasons; care proceedings by duration band and court, the
backlog; caseloads per worker and team, starters and leavers) that kpis.md lists (MI03, MI05, MI07,
MI08, CT04, WF02-WF08) but the catalogue did not hold when this was written. Each function here
computes one such profile for one council, as counts only: the canonical rows are filtered to the
window in the engine (Ibis), and the little that is left is counted in Python by small pure
functions that the tests check against hand-worked cases. Nothing here returns a child's row, and
every table the report prints from these goes through suppression (`report.safety`).

Each function names the kpis.md id it stands in for; when that id joins the catalogue the deep dive
uses the results instead and the function can go (or become the indicator's units). docs/report.md
lists them.

Windows: "in the 12 months to D" is [first day of the month 11 months before D's month, D], both ends
inclusive, as every rolling indicator (cscperf.periods.window_start).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from statistics import median

from cscperf.indicators.breakdowns import AGE_BANDS, NOT_RECORDED
from cscperf.model import codes
from cscperf.periods import window_start

WEEKS_26 = 26 * 7       # days: the statutory 26 weeks (Children and Families Act 2014)
CASE_HOLDING = codes.CASE_HOLDING_ROLES
SOCIAL_WORK_ROLES = (*codes.CASE_HOLDING_ROLES, "TM")   # registered social work roles (workforce census scope)


@dataclass
class Breakdown:
    """Counts for a whole and for each category of it, in display order.

    `adds_up` is False where a unit can fall in several categories (a child missing from two kinds of
    placement, an interview giving two reasons), so categories may sum to more than the whole."""
    title: str
    fields: tuple[str, ...]
    total: dict[str, float]
    rows: list[tuple[str, dict[str, float]]] = field(default_factory=list)
    adds_up: bool = True

    def row(self, label: str) -> dict[str, float] | None:
        return next((r for k, r in self.rows if k == label), None)


def age_on(dob: dt.date | None, day: dt.date) -> int | None:
    """Whole years from dob to day (a birthday on `day` counts), as cscperf.indicators.breakdowns.age_at."""
    if dob is None:
        return None
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def age_band_of(age: int | None) -> str:
    if age is None:
        return NOT_RECORDED
    label = NOT_RECORDED
    for low, name in AGE_BANDS:
        if age >= low:
            label = name
    return label


AGE_ORDER = [name for _, name in AGE_BANDS] + [NOT_RECORDED]


def in_window(d: dt.date | None, month: dt.date) -> bool:
    return d is not None and window_start(month) <= d <= month


# ---- missing children (stands in for kpis.md MI03, MI05, MI07, MI08) ------------------------------

# Coarser than the bands in committee-reports.md §9 (1, 2, 3, 4, 5, 6-10, ...), which a county-sized council
# would mostly have to suppress; these keep the distinction members asked about (once, a few times, often).
TIMES_BANDS = ((1, 1, "Once"), (2, 3, "2 or 3 times"), (4, 10, "4 to 10 times"), (11, None, "More than 10 times"))
DURATION_BANDS = ((0, 0, "Back the same day"), (1, 1, "1 day"), (2, 3, "2 to 3 days"), (4, 7, "4 to 7 days"),
                  (8, None, "More than 7 days"))
STILL_MISSING = "Not yet returned"


def _band(x: int, bands) -> str:
    for low, high, label in bands:
        if x >= low and (high is None or x <= high):
            return label
    raise ValueError(f"{x} is in no band")


def _episodes_children(eps: list[dict], key, order: list[str] | None = None, title: str = "", adds_up: bool = True
                       ) -> Breakdown:
    episodes, children = Counter(), defaultdict(set)
    for e in eps:
        k = key(e)
        episodes[k] += 1
        children[k].add(e["person_id"])
    labels = order or sorted(episodes)
    rows = [(k, {"episodes": episodes.get(k, 0), "children": len(children.get(k, ()))}) for k in labels
            if episodes.get(k, 0) or order is None]
    total = {"episodes": len(eps), "children": len({e["person_id"] for e in eps})}
    return Breakdown(title, ("episodes", "children"), total, rows, adds_up)


def missing_started(eps: list[dict], month: dt.date) -> list[dict]:
    """Missing (type M) episodes that started in the 12 months to the month end."""
    return [e for e in eps if e.get("missing_type", "M") == "M" and in_window(e["start_date"], month)]


def missing_ended(eps: list[dict], month: dt.date) -> list[dict]:
    """Missing (type M) episodes whose return date is in the 12 months to the month end (as MI06)."""
    return [e for e in eps if e.get("missing_type", "M") == "M" and in_window(e.get("end_date"), month)]


def missing_by_age(eps: list[dict], month: dt.date) -> Breakdown:
    """Episodes started in the window and the children they belong to, by age at the episode's start.
    A child whose birthday moves them up a band during the year counts in each band they went missing in."""
    return _episodes_children(missing_started(eps, month), lambda e: age_band_of(age_on(e.get("dob"), e["start_date"])),
                              AGE_ORDER, "Missing episodes and children by age at the start of the episode", adds_up=False)


def times_missing(eps: list[dict], month: dt.date) -> Breakdown:
    """Children by how many times they went missing in the window (and those episodes)."""
    started = missing_started(eps, month)
    per_child = Counter(e["person_id"] for e in started)
    children, episodes = Counter(), Counter()
    for n in per_child.values():
        band = _band(n, TIMES_BANDS)
        children[band] += 1
        episodes[band] += n
    rows = [(label, {"children": children[label], "episodes": episodes[label]}) for _, _, label in TIMES_BANDS
            if children[label]]
    return Breakdown("Children by the number of times they went missing", ("children", "episodes"),
                     {"children": len(per_child), "episodes": len(started)}, rows)


def missing_from(eps: list[dict], month: dt.date) -> Breakdown:
    order = list(codes.MISSING_FROM.values()) + [NOT_RECORDED]
    return _episodes_children(missing_started(eps, month),
                              lambda e: codes.MISSING_FROM.get(e.get("missing_from") or "", NOT_RECORDED),
                              order, "Where children went missing from", adds_up=False)


def missing_area(eps: list[dict], month: dt.date) -> Breakdown:
    def where(e):
        v = e.get("out_of_area")
        return NOT_RECORDED if v is None else ("Outside the council's area" if v else "Inside the council's area")
    return _episodes_children(missing_started(eps, month), where,
                              ["Inside the council's area", "Outside the council's area", NOT_RECORDED],
                              "Missing inside or outside the council's area", adds_up=False)


def missing_duration(eps: list[dict], month: dt.date) -> Breakdown:
    """Episodes started in the window by calendar days from start to return (dates only)."""
    def band(e):
        if e.get("end_date") is None or e["end_date"] > month:
            return STILL_MISSING
        return _band((e["end_date"] - e["start_date"]).days, DURATION_BANDS)
    order = [label for _, _, label in DURATION_BANDS] + [STILL_MISSING]
    b = _episodes_children(missing_started(eps, month), band, order, "How long children were missing", adds_up=False)
    return Breakdown(b.title, ("episodes",), {"episodes": b.total["episodes"]},
                     [(k, {"episodes": r["episodes"]}) for k, r in b.rows])


def return_interviews(eps: list[dict], month: dt.date, within_days: int = 3) -> dict[str, int]:
    """Return interviews for episodes ended in the window: offered, accepted, held, held within 72 hours
    (0 to `within_days` calendar days after the return, as MI06)."""
    ended = missing_ended(eps, month)
    def held(e):
        return e.get("rhi_date") is not None and e["rhi_date"] >= e["end_date"]
    return {
        "ended": len(ended),
        "offered": sum(1 for e in ended if e.get("rhi_offered")),
        "accepted": sum(1 for e in ended if e.get("rhi_accepted")),
        "held": sum(1 for e in ended if held(e)),
        "within_72_hours": sum(1 for e in ended if held(e) and (e["rhi_date"] - e["end_date"]).days <= within_days),
    }


def rhi_reasons(eps: list[dict], month: dt.date) -> Breakdown:
    """Reasons given at return interviews held for episodes ended in the window (an interview can give
    several), counted as interviews giving each reason."""
    held = [e for e in missing_ended(eps, month) if e.get("rhi_date") is not None]
    with_reason = [e for e in held if e.get("rhi_reasons")]
    counts = Counter()
    for e in with_reason:
        for code in {c.strip() for c in e["rhi_reasons"].split(";") if c.strip()}:
            counts[codes.RHI_REASON.get(code, code)] += 1
    rows = [(label, {"interviews": n}) for label, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return Breakdown("Reasons given at return interviews", ("interviews",), {"interviews": len(with_reason)}, rows,
                     adds_up=False)


def missing_by_month(eps: list[dict], months: list[dt.date]) -> list[tuple[dt.date, int, int]]:
    """(month end, episodes started in that month, children who went missing in it)."""
    out = []
    for d in months:
        inside = [e for e in eps if e.get("missing_type", "M") == "M" and e["start_date"].year == d.year
                  and e["start_date"].month == d.month]
        out.append((d, len(inside), len({e["person_id"] for e in inside})))
    return out


def missing_rows(tables: dict, month: dt.date, months_back: int = 12) -> list[dict]:
    """The type M episodes that started or ended in the window (or the `months_back` months before it),
    with the child's date of birth: the input of the functions above."""
    from ibis import _

    from cscperf.periods import months_back as back

    start = back(window_start(month), months_back)
    m = tables["missing_episodes"]
    m = m.filter((m.missing_type == "M") & (m.start_date <= month)
                 & ((m.start_date >= start) | (m.end_date.notnull() & (m.end_date >= start))))
    p = tables["persons"].select(_p=_.person_id, dob=_.dob)
    joined = m.left_join(p, m.person_id == p._p)
    cols = ["person_id", "missing_type", "start_date", "end_date", "missing_from", "out_of_area", "rhi_offered",
            "rhi_accepted", "rhi_date", "rhi_reasons", "dob"]
    return joined.select(*cols).to_pyarrow().to_pylist()


# ---- visits (stands in for kpis.md CP08 and the visit-level measures) -------------------------------

VISIT_TYPES = ("CP", "CIN", "CLA")
HOME = "HOME"


def visits_summary(visits: list[dict], month: dt.date) -> Breakdown:
    """Visits dated in the month by type: visits, child seen, seen alone, seen at home, seen elsewhere
    (seen alone, at home and elsewhere are counted among visits where the child was seen)."""
    inside = [v for v in visits if v["visit_date"].year == month.year and v["visit_date"].month == month.month]
    def counts(vs):
        seen = [v for v in vs if v.get("seen")]
        return {"visits": len(vs), "seen": len(seen), "alone": sum(1 for v in seen if v.get("seen_alone")),
                "home": sum(1 for v in seen if v.get("location") == HOME),
                "elsewhere": sum(1 for v in seen if v.get("location") not in (None, HOME))}
    rows = [(t, counts([v for v in inside if v["visit_type"] == t])) for t in VISIT_TYPES]
    return Breakdown("Statutory visits by type of plan", ("visits", "seen", "alone", "home", "elsewhere"),
                     counts(inside), [r for r in rows if r[1]["visits"]])


def visit_locations(visits: list[dict], month: dt.date) -> Breakdown:
    """Where children were seen at visits in the month, by type of plan (columns) and place (rows)."""
    inside = [v for v in visits if v["visit_date"].year == month.year and v["visit_date"].month == month.month
              and v.get("seen")]
    order = list(codes.VISIT_LOCATION) + [None]
    rows = []
    for loc in order:
        here = [v for v in inside if v.get("location") == loc]
        if here:
            rows.append((codes.VISIT_LOCATION.get(loc, NOT_RECORDED),
                         {t: sum(1 for v in here if v["visit_type"] == t) for t in VISIT_TYPES}))
    total = {t: sum(1 for v in inside if v["visit_type"] == t) for t in VISIT_TYPES}
    return Breakdown("Where children were seen", VISIT_TYPES, total, rows)


def seen_alone_by_month(visits: list[dict], months: list[dt.date]) -> dict[str, list[tuple[dt.date, int, int]]]:
    """Per type of plan and month: (month end, visits where the child was seen, of which seen alone)."""
    out: dict[str, list] = {t: [] for t in VISIT_TYPES}
    for d in months:
        inside = [v for v in visits if v["visit_date"].year == d.year and v["visit_date"].month == d.month and v.get("seen")]
        for t in VISIT_TYPES:
            of_type = [v for v in inside if v["visit_type"] == t]
            out[t].append((d, len(of_type), sum(1 for v in of_type if v.get("seen_alone"))))
    return out


def visit_rows(tables: dict, first: dt.date, month: dt.date) -> list[dict]:
    v = tables["visits"]
    v = v.filter((v.visit_date >= first) & (v.visit_date <= month))
    return v.select("visit_type", "visit_date", "seen", "seen_alone", "location").to_pyarrow().to_pylist()


# ---- care proceedings (stands in for kpis.md CT02 locally, CT04, and the backlog) -------------------

@dataclass(frozen=True)
class Proceedings:
    """One set of care proceedings (siblings together), as CT03 counts them."""
    proceedings_id: str
    court: str
    issued: dt.date
    concluded: dt.date | None     # the latest final order, once every child in it has one
    children: int

    def open_at(self, d: dt.date) -> bool:
        return self.issued <= d and (self.concluded is None or self.concluded > d)

    def weeks(self) -> float | None:
        return None if self.concluded is None else (self.concluded - self.issued).days / 7


def proceedings(rows: list[dict]) -> list[Proceedings]:
    """Care proceedings rows (one per child) to sets of proceedings, by CT03's rule: issued on the
    earliest issue date, concluded on the latest final order once every child has one."""
    by_id: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_id[r["proceedings_id"]].append(r)
    out = []
    for pid, rs in sorted(by_id.items()):
        orders = [r.get("final_order_date") for r in rs]
        courts = Counter(r.get("court") or NOT_RECORDED for r in rs)
        out.append(Proceedings(pid, courts.most_common(1)[0][0], min(r["issue_date"] for r in rs),
                               max(orders) if all(orders) else None, len(rs)))
    return out


DURATION_WEEK_BANDS = ((0, 26, "26 weeks or less"), (26, 39, "Over 26 and up to 39 weeks"),
                       (39, 52, "Over 39 and up to 52 weeks"), (52, None, "Over 52 weeks"))


def duration_band(weeks: float) -> str:
    """The band of a duration in weeks (days / 7, not rounded): 26 weeks or less is 182 days or fewer."""
    for low, high, label in DURATION_WEEK_BANDS:
        if (low == 0 or weeks > low) and (high is None or weeks <= high):
            return label
    raise ValueError(weeks)


def concluded_in(procs: list[Proceedings], month: dt.date) -> list[Proceedings]:
    return [p for p in procs if in_window(p.concluded, month)]


def durations(procs: list[Proceedings], month: dt.date) -> tuple[Breakdown, dict]:
    """Proceedings concluded in the window by duration band, and their average, median and number
    within 26 weeks (26 weeks = 182 days or fewer from issue to the final order)."""
    done = concluded_in(procs, month)
    counts = Counter(duration_band(p.weeks()) for p in done)
    rows = [(label, {"proceedings": counts[label]}) for _, _, label in DURATION_WEEK_BANDS]
    weeks = [p.weeks() for p in done]
    stats = {"concluded": len(done), "mean_weeks": sum(weeks) / len(weeks) if weeks else None,
             "median_weeks": median(weeks) if weeks else None,
             "within_26": sum(1 for p in done if (p.concluded - p.issued).days <= WEEKS_26)}
    return Breakdown("Care proceedings concluded, by duration", ("proceedings",), {"proceedings": len(done)}, rows), stats


def by_court(procs: list[Proceedings], month: dt.date) -> list[dict]:
    """Per court: proceedings open at the month end, concluded in the window, their average weeks and
    the number concluded within 26 weeks."""
    courts = sorted({p.court for p in procs if p.open_at(month) or in_window(p.concluded, month)})
    out = []
    for c in courts:
        here = [p for p in procs if p.court == c]
        done = concluded_in(here, month)
        out.append({"court": c, "open": sum(1 for p in here if p.open_at(month)), "concluded": len(done),
                    "mean_weeks": sum(p.weeks() for p in done) / len(done) if done else None,
                    "within_26": sum(1 for p in done if (p.concluded - p.issued).days <= WEEKS_26)})
    return out


def backlog(procs: list[Proceedings], months: list[dt.date]) -> list[tuple[dt.date, int, int, int, int]]:
    """(month end, open, open for more than 26 weeks, issued in the month, concluded in the month)."""
    out = []
    for d in months:
        open_ = [p for p in procs if p.open_at(d)]
        out.append((d, len(open_), sum(1 for p in open_ if (d - p.issued).days > WEEKS_26),
                    sum(1 for p in procs if p.issued.year == d.year and p.issued.month == d.month),
                    sum(1 for p in procs if p.concluded and p.concluded.year == d.year and p.concluded.month == d.month)))
    return out


def proceedings_rows(tables: dict) -> list[dict]:
    t = tables["care_proceedings"]
    return t.select("proceedings_id", "issue_date", "court", "final_order_date").to_pyarrow().to_pylist()


# ---- workforce (stands in for kpis.md WF02, WF04, WF07, WF08) -----------------------------------

CASELOAD_BANDS = ((0, 0, "No cases"), (1, 10, "1 to 10"), (11, 15, "11 to 15"), (16, 20, "16 to 20"),
                  (21, 25, "21 to 25"), (26, None, "26 or more"))


def in_post(p: dict, d: dt.date) -> bool:
    """In post at D: started on or before D (or no start recorded) and not left by D (leave date after D)."""
    return (p.get("start_date") is None or p["start_date"] <= d) and (p.get("leave_date") is None or p["leave_date"] > d)


def caseloads(staff: list[dict], allocations: list[dict], d: dt.date) -> list[dict]:
    """Each case-holding-role worker in post at D with the distinct children allocated to them at D
    (allocation start <= D, end null or after D), as WF01 counts them (agency workers included)."""
    held: dict[str, set] = defaultdict(set)
    for a in allocations:
        if a["start_date"] <= d and (a.get("end_date") is None or a["end_date"] > d):
            held[a["professional_id"]].add(a["person_id"])
    return [{"professional_id": p["professional_id"], "team_id": p.get("team_id"), "fte": p.get("fte") or 1.0,
             "agency": bool(p.get("agency")), "cases": len(held.get(p["professional_id"], ()))}
            for p in staff if p.get("role") in CASE_HOLDING and in_post(p, d)]


def caseload_bands(loads: list[dict]) -> Breakdown:
    counts = Counter(_band(w["cases"], CASELOAD_BANDS) for w in loads)
    rows = [(label, {"workers": counts[label]}) for _, _, label in CASELOAD_BANDS]
    return Breakdown("Case-holding social workers by number of cases", ("workers",), {"workers": len(loads)}, rows)


def team_caseloads(loads: list[dict], names: dict[str, str]) -> list[dict]:
    """Per team: case-holding workers in post, of them agency, FTE, cases held, cases per FTE of the
    workers holding any case (WF01's rule, for the team)."""
    out = []
    for team in sorted({w["team_id"] for w in loads}, key=lambda t: names.get(t, t or "")):
        ws = [w for w in loads if w["team_id"] == team]
        holding = [w for w in ws if w["cases"] > 0]
        fte = sum(w["fte"] for w in holding)
        out.append({"team": names.get(team, team or NOT_RECORDED), "workers": len(ws),
                    "agency": sum(1 for w in ws if w["agency"]), "fte": sum(w["fte"] for w in ws),
                    "cases": sum(w["cases"] for w in ws), "per_fte": sum(w["cases"] for w in holding) / fte if fte else None})
    return out


def staffing(staff: list[dict], d: dt.date) -> dict:
    """Registered social workers (case-holding roles and team managers) at D and over the 12 months to D:
    headcount and FTE in post, agency FTE and share, starters and leavers (headcount, FTE), and turnover:
    council-employed leavers' FTE in the 12 months over council-employed FTE in post at D (WF02's rule,
    monthly and local)."""
    sw = [p for p in staff if p.get("role") in SOCIAL_WORK_ROLES]
    now = [p for p in sw if in_post(p, d)]
    employed = [p for p in now if not p.get("agency")]
    agency = [p for p in now if p.get("agency")]
    starters = [p for p in sw if in_window(p.get("start_date"), d)]
    leavers = [p for p in sw if in_window(p.get("leave_date"), d)]
    employed_leavers = [p for p in leavers if not p.get("agency")]
    fte = lambda ps: sum(p.get("fte") or 1.0 for p in ps)  # noqa: E731
    total_fte = fte(now)
    return {"in_post": len(now), "fte": total_fte, "employed": len(employed), "employed_fte": fte(employed),
            "agency": len(agency), "agency_fte": fte(agency),
            "agency_share": 100 * fte(agency) / total_fte if total_fte else None,
            "starters": len(starters), "starters_fte": fte(starters), "leavers": len(leavers), "leavers_fte": fte(leavers),
            "employed_leavers": len(employed_leavers),
            "turnover": 100 * fte(employed_leavers) / fte(employed) if employed else None}


def staff_rows(tables: dict) -> list[dict]:
    t = tables["professionals"]
    return t.select("professional_id", "team_id", "role", "fte", "agency", "start_date", "leave_date").to_pyarrow().to_pylist()


def allocation_rows(tables: dict, d: dt.date) -> list[dict]:
    a = tables["allocations"]
    a = a.filter((a.start_date <= d) & (a.end_date.isnull() | (a.end_date > d)))
    return a.select("person_id", "professional_id", "start_date", "end_date").to_pyarrow().to_pylist()


def vacancies_at(tables: dict, d: dt.date) -> dict | None:
    """The latest vacancy census on or before D (CSWW LALevelVacancies), or None."""
    v = tables["vacancies"]
    rows = v.filter(v.census_date <= d).order_by(v.census_date.desc()).limit(1).to_pyarrow().to_pylist()
    return rows[0] if rows else None
