"""What each page shows, built from the data for one person: no HTTP, no HTML.

Every builder takes the data (`web.data`), the person (`auth.Principal`) and the "as at" choice
(snapshot and month), and returns a dict for its template, including `tables`: the page's tables as
`DataTable`s, which the template renders and the CSV/XLSX export writes (so an export is exactly
what is on screen). Builders raise `Forbidden` when the person may not see what was asked for;
`audit` on the returned page says what child-level data it shows, for the audit log.

Members get suppressed results (`suppression.suppress`, as the public report): a hidden figure shows
as [c] (GSS shorthand), and no child id or worker ever reaches their pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cscperf import judge
from cscperf.config import month_end
from cscperf.indicators import catalogue, get
from cscperf.indicators.breakdowns import UNALLOCATED
from cscperf.indicators.spec import UP, Indicator
from cscperf.report import charts
from cscperf.report import formatting as fmt
from cscperf.web.auth import Principal
from cscperf.web.data import ALL, DashboardData, SnapshotView, team_at

SUPPRESSED = "[c]"          # GSS shorthand for a figure hidden to protect confidentiality
TREND_MONTHS = 24
TREND_WIDTH, TREND_HEIGHT = 640, 200
SPARK_POINTS = 13
RAG_CLASS = {judge.GREEN: "rag-green", judge.AMBER: "rag-amber", judge.RED: "rag-red", judge.NOT_RATED: "rag-none"}
DIMENSIONS = {"team": "Team", "age_band": "Age band", "sex": "Sex", "ethnicity_group": "Ethnic group",
              "disability": "Disability", "legal_status": "Legal status", "placement_type": "Placement type"}
HIDDEN_DIMENSIONS = ("worker",)     # reached through a team, never listed council-wide
OVERDUE, DUE_SOON, LATER = "overdue", "due soon", "later"   # engine.due_list's statuses
SEX = {"M": "Male", "F": "Female", "U": "Not known"}
# Unit columns not listed as the definition's own (they are shown elsewhere or are internal).
UNIT_PLUMBING = {"period_end", "unit_id", "num", "den", "team", "worker", "age_band", "sex", "ethnicity_group",
                 "disability", "person_id", "team_id", "professional_id"}


class Forbidden(Exception):
    """The person may not see this; `what` says what was asked for (for the audit log)."""

    def __init__(self, message: str, what: str, children: tuple[str, ...] = ()):
        super().__init__(message)
        self.what = what
        self.children = children


class NotFound(Exception):
    pass


# ---- tables: one model for the screen and the export ------------------------------------------------

@dataclass
class Cell:
    text: str
    value: Any = None          # the raw value for exports (None: use the text)
    href: str | None = None
    cls: str = ""

    @property
    def raw(self):
        return self.text if self.value is None else self.value


@dataclass
class DataTable:
    name: str
    caption: str
    columns: list[tuple[str, bool]]           # (title, numeric)
    rows: list[list[Cell]] = field(default_factory=list)
    child_level: bool = False
    empty: str = "Nothing to show."
    row_headers: bool = True                   # the first column names the row


@dataclass
class AsAt:
    """The snapshot and month a page is for; carried in every link as ?snapshot=N&month=YYYY-MM."""
    snap: SnapshotView
    month: dt.date
    snapshots: list[SnapshotView]
    explicit: dict[str, str]

    @property
    def extract_date(self) -> dt.date:
        return self.snap.info.extract_date or self.month

    @property
    def latest_month(self) -> bool:
        return self.month == self.snap.months[-1]


def as_at(data: DashboardData, snapshot: str | None, month: str | None) -> AsAt:
    """The as-at choice from the query string (defaults: the newest snapshot with figures, its latest month)."""
    state = data.state()
    explicit = {}
    sid = None
    if snapshot:
        try:
            sid = int(snapshot)
        except ValueError:
            raise NotFound(f"snapshot {snapshot!r} is not a number") from None
        explicit["snapshot"] = str(sid)
    try:
        snap = data.snapshot(sid)
    except KeyError:
        raise NotFound(f"there is no snapshot {sid}") from None
    if not snap.months:
        raise NotFound(f"snapshot {snap.id} has no figures yet (`cscperf compute --snapshot {snap.id}`)")
    chosen = snap.months[-1]
    if month:
        try:
            y, m = (int(x) for x in month.split("-")[:2])
            chosen = month_end(y, m)
        except ValueError:
            raise NotFound(f"month {month!r}: expected YYYY-MM") from None
        if chosen not in snap.months:
            raise NotFound(f"snapshot {snap.id} has no figures for {fmt.month_name(chosen)}")
        explicit["month"] = f"{chosen:%Y-%m}"
    snaps = [s for s in state.snapshots.values() if s.months]
    return AsAt(snap, chosen, snaps, explicit)


# ---- formatting helpers --------------------------------------------------------------------------------

def short_day(d: dt.date | None) -> str:
    return fmt.DASH if d is None else f"{d.day} {d:%b %Y}"


def add_months(d: dt.date, months: int) -> dt.date:
    n = d.year * 12 + d.month - 1 + months
    return month_end(n // 12, n % 12 + 1)


def figure_text(ind: Indicator, row: dict | None) -> str:
    if row is None:
        return fmt.DASH
    if row.get("suppressed"):
        return SUPPRESSED
    return fmt.value(row["value"], ind.unit, ind.decimals)


def shows_counts(ind: Indicator, who: Principal) -> bool:
    """Whether the numbers behind a figure are shown. To members only where suppression protects
    them: a percentage's numerator and denominator, a rate's numerator (its denominator is the
    population). An average's or a median's sums are not checked by suppression (it looks at the
    number of units), and a sum of 3 weeks or a median's "1" must not read as a count of children."""
    return not who.suppressed or ind.is_percentage or ind.per_population


def counts_text(ind: Indicator, row: dict | None, who: Principal | None = None) -> str:
    if row is None or row.get("suppressed") or (who is not None and not shows_counts(ind, who)):
        return ""
    return fmt.counts(row["numerator"], row["denominator"], ind.unit)


def value_of(row: dict | None) -> float | None:
    return None if row is None or row.get("suppressed") else row["value"]


def count_cell(x: float | None, suppressed: bool = False) -> Cell:
    if suppressed:
        return Cell(SUPPRESSED, SUPPRESSED, cls="num count")
    return Cell(fmt.count(x), x, cls="num count")


def humanise(column: str) -> str:
    words = column.replace("_", " ").strip()
    words = {"wd": "working days", "rhi": "return interview"}.get(words, words)
    words = words.replace(" wd", " (working days)").replace("rhi ", "return interview ")
    return words[:1].upper() + words[1:]


def plain(v) -> str:
    if v is None:
        return fmt.DASH
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, dt.datetime):
        return f"{v:%d %b %Y %H:%M}"
    if isinstance(v, dt.date):
        return short_day(v)
    if isinstance(v, float):
        return fmt.count(v)
    return str(v)


def target_text(ind: Indicator, target) -> tuple[str, str]:
    if target is None:
        return ("For information" if ind.polarity not in (judge.UP, judge.DOWN) else "No target"), ""
    note = target.source
    if ind.polarity in (judge.UP, judge.DOWN) and target.tolerance > 0:
        edge = target.value - target.tolerance if ind.polarity == judge.UP else target.value + target.tolerance
        note += f"; amber to {fmt.value(edge, ind.unit, ind.decimals)}"
    return fmt.value(target.value, ind.unit, ind.decimals), note


def _sum_units(units: list[dict]) -> dict:
    return {"numerator": sum(u["num"] or 0 for u in units), "denominator": sum(u["den"] or 0 for u in units),
            "units": len(units)}


def unit_figure(ind: Indicator, units: list[dict], month: dt.date, data: DashboardData, whole: list[dict]) -> dict:
    """A figure from units, as the engine sums them (engine.result_row): a worker's within a team."""
    from cscperf import engine

    r = {"period_end": month, **_sum_units(units)}
    if ind.shares:
        r["denominator"] = _sum_units(whole)["denominator"]
    row = engine.result_row(ind, r, None, engine.Populations(data.config), 0, "")
    row["suppressed"] = False
    return row


def exceptions_of(ind: Indicator, units: list[dict]) -> list[dict]:
    """The units that count against performance: engine.child_list's `exceptions` rule, applied to the
    units already in memory (tests check the two agree)."""
    if not ind.is_percentage:
        return list(units)
    if ind.polarity == UP:
        return [u for u in units if (u["den"] or 0) > 0 and (u["num"] or 0) < (u["den"] or 0)]
    return [u for u in units if (u["num"] or 0) > 0]


def team_column(units: list[dict]) -> str | None:
    if not units:
        return None
    return "team" if "team" in units[0] else "team_id" if "team_id" in units[0] else None


def worker_column(units: list[dict]) -> str | None:
    if not units:
        return None
    return "worker" if "worker" in units[0] else "professional_id" if "professional_id" in units[0] else None


# ---- the common frame ---------------------------------------------------------------------------------

def base(data: DashboardData, who: Principal, at: AsAt | None) -> dict:
    return {"council": data.config.council_name, "who": who, "at": at, "stale": data.stale,
            "tables": [], "audit": None}


# ---- scorecard -----------------------------------------------------------------------------------------

def scorecard(data: DashboardData, who: Principal, at: AsAt) -> dict:
    res = data.results(at.snap, who.suppressed)
    month = at.month
    previous, last_year = add_months(month, -1), add_months(month, -12)
    baseline = data.config.baseline
    reported = res.indicators()
    areas: dict[str, list[dict]] = {}
    table = DataTable("scorecard", f"Summary of key areas, {fmt.month_name(month)}",
                      [("Indicator", False), ("Baseline " + (fmt.month_name(baseline) if baseline else "(not set)"), True),
                       (fmt.month_name(last_year), True), (fmt.month_name(previous), True), (fmt.month_name(month), True),
                       ("Numbers", True), ("Target", False), ("RAG", False), (f"Since {fmt.month_name(previous)}", False),
                       ("Since baseline", False)])
    not_reported = []
    sparks = _sparklines(data, [ind for ind in catalogue() if ind.id in reported], res, month)
    for ind in catalogue():
        if ind.id not in reported:
            not_reported.append(ind)
            continue
        latest = res.at(ind.id, month)
        prev, ly = res.at(ind.id, previous), res.at(ind.id, last_year)
        base_row = res.at(ind.id, baseline) if baseline else None
        target = data.config.targets.get(ind.id)
        t_text, t_note = target_text(ind, target)
        rating = judge.rag(value_of(latest), target, ind.polarity, decimals=ind.decimals)
        vs_prev = judge.direction(value_of(latest), value_of(prev), ind.polarity, ind.unit)
        vs_base = (judge.direction(value_of(latest), value_of(base_row), ind.polarity, ind.unit) if baseline
                   else judge.Judged(judge.NO_ARROW, "no baseline set"))
        spark = sparks[ind.id]
        row = {"ind": ind, "latest": figure_text(ind, latest), "counts": counts_text(ind, latest, who),
               "previous": figure_text(ind, prev), "last_year": figure_text(ind, ly),
               "baseline": figure_text(ind, base_row) if baseline else fmt.DASH,
               "target": t_text, "target_note": t_note, "rag": rating, "rag_class": RAG_CLASS[rating],
               "vs_previous": vs_prev, "vs_baseline": vs_base, "spark": spark,
               "good_is": fmt.polarity_text(ind.polarity)}
        areas.setdefault(ind.area, []).append(row)
        table.rows.append([Cell(f"{ind.id} {ind.title}", href=f"/indicators/{ind.id}"), Cell(row["baseline"], value_of(base_row)),
                           Cell(row["last_year"], value_of(ly)), Cell(row["previous"], value_of(prev)),
                           Cell(row["latest"], value_of(latest)), Cell(row["counts"]), Cell(t_text, target.value if target else None),
                           Cell(rating), Cell(f"{vs_prev.arrow} {vs_prev.word}"), Cell(f"{vs_base.arrow} {vs_base.word}")])
    words = [r["rag"] for rows in areas.values() for r in rows]
    return {**base(data, who, at), "title": f"Summary of key areas, {fmt.month_name(month)}", "areas": areas,
            "previous_month": previous, "last_year_month": last_year, "baseline": baseline,
            "rag_counts": [(w, words.count(w)) for w in (judge.GREEN, judge.AMBER, judge.RED, judge.NOT_RATED)],
            "not_reported": not_reported, "tables": [table], "band_text": judge.band_text}


def _points(res, ind: Indicator, month: dt.date, n: int, breakdown: str = ALL) -> list[charts.Point]:
    months = [add_months(month, k) for k in range(-(n - 1), 1)]
    return [charts.Point(d, value_of(res.at(ind.id, d, breakdown))) for d in months]


def _sparklines(data: DashboardData, inds: list[Indicator], res, month: dt.date) -> dict[str, dict]:
    """The scorecard's sparklines (the report's), kept by what they draw: a member's and an analyst's
    are one and the same unless a month was suppressed. Those not yet drawn are rendered together
    (`charts.render_many` uses several threads)."""
    found, todo = {}, []
    for ind in inds:
        points = _points(res, ind, month, SPARK_POINTS)
        target = data.config.targets.get(ind.id)
        t_value = target.value if target else None
        key = ("spark", ind.id, tuple(points), t_value)
        kept = data.memo.peek(key)
        if kept is not None:
            found[ind.id] = kept
            continue
        title = charts.describe(ind.id, points, ind.unit, ind.decimals, t_value)
        desc = f"{ind.title}, month by month: {charts.listing(points, ind.unit, ind.decimals)}."
        todo.append((ind.id, key, title, desc, points, t_value))
    drawable = [t for t in todo if any(p.value is not None for p in t[4])]
    svgs = dict(zip((t[0] for t in drawable), charts.render_many(
        [(charts.spec(points, t_value), f"spark-{i}", title, desc) for i, _, title, desc, points, t_value in drawable])))
    for ind_id, key, title, _desc, _points_, _t in todo:
        found[ind_id] = {"svg": svgs.get(ind_id, ""), "title": title}
        data.memo.put(key, found[ind_id])
    return found


# ---- indicator page ----------------------------------------------------------------------------------

def _references(data: DashboardData, ind: Indicator, comparators: tuple = ()) -> tuple:
    """The trend chart's reference lines: the target, then the comparators (as the report draws them)."""
    refs = []
    target = data.config.targets.get(ind.id)
    if target is not None:
        refs.append(charts.Reference(f"Target {fmt.value(target.value, ind.unit, ind.decimals)}", target.value, "target"))
    for kind, value, year in comparators:
        refs.append(charts.Reference(f"{kind} {fmt.value(value, ind.unit, ind.decimals)} ({year})", value,
                                     "England" if kind == "England" else "SN"))
    return tuple(refs)


def _trend(data: DashboardData, at: AsAt, who: Principal, ind: Indicator, res, breakdown: str = ALL,
           comparators: tuple = ()) -> dict:
    """The trend chart (the report's `charts.trend_spec`) and its table, for the 24 months to the
    chosen month (cached)."""
    points = _points(res, ind, at.month, TREND_MONTHS, breakdown)
    first = next((i for i, p in enumerate(points) if p.value is not None or res.at(ind.id, p.month, breakdown)), None)
    points = points[first:] if first is not None else points

    def make():
        target = data.config.targets.get(ind.id)
        t_value = target.value if target else None
        title = charts.describe(ind.id if breakdown == ALL else f"{ind.id} ({breakdown.replace('=', ' ')})",
                                points, ind.unit, ind.decimals, t_value)
        desc = f"{ind.title}, month by month: {charts.listing(points, ind.unit, ind.decimals)}."
        svg = ""
        if any(p.value is not None for p in points):
            spec = charts.trend_spec(points, ind.unit, ind.decimals, _references(data, ind, comparators),
                                     width=TREND_WIDTH, height=TREND_HEIGHT)
            svg = charts.render(spec, f"trend-{ind.id}-{breakdown}", title, desc)
        return {"svg": svg, "title": title, "months": [p.month for p in points]}
    # Kept by what it draws, so a member's chart and an analyst's are one unless a month was suppressed.
    chart = data.memo.get(("trend", ind.id, breakdown, tuple(points), comparators,
                           data.config.targets.get(ind.id)), make)
    counts = shows_counts(ind, who)
    table = DataTable(f"trend-{breakdown}".replace("=", "-"), f"{ind.id} month by month" +
                      ("" if breakdown == ALL else f", {breakdown.replace('=', ' ')}"),
                      [("Month", False), ("Figure", True)] + ([("Numerator", True), ("Denominator", True)] if counts else []))
    for d in reversed(chart["months"]):
        r = res.at(ind.id, d, breakdown)
        hidden = bool(r and r.get("suppressed"))
        table.rows.append([Cell(fmt.month_name(d), d), Cell(figure_text(ind, r), value_of(r), cls="num")]
                          + ([count_cell(r["numerator"] if r else None, hidden),
                              count_cell(r["denominator"] if r else None, hidden)] if counts else []))
    return {**chart, "table": table}


def _comparators(data: DashboardData, ind: Indicator, month: dt.date, res) -> tuple[DataTable, dict, tuple]:
    from cscperf import comparators as comp

    found = data.comparators()
    levels = [comp.ENGLAND, comp.REGION, comp.SN_MEAN if data.config.sn_average == "mean" else comp.SN_MEDIAN]
    table = DataTable("comparators", f"{ind.id} beside England, the region and statistical neighbours",
                      [("Comparator", False), ("Year", False), ("Figure", True), ("This council, same year end", True),
                       ("Source", False)], empty="No published comparator is loaded for this indicator.")
    england, lines, objects = None, [], {}
    for level in levels:
        c = comp.latest(found, ind.id, level, month)
        if c is None:
            continue
        if level == comp.ENGLAND:
            england = c.value
        lines.append(("England" if level == comp.ENGLAND else level, c.value, c.time_period))
        objects[level] = c
        ours = res.at(ind.id, c.period_end)
        label = level + (f" ({c.areas} councils)" if level in (comp.SN_MEAN, comp.SN_MEDIAN) else "")
        table.rows.append([Cell(label), Cell(c.time_period), Cell(fmt.value(c.value, ind.unit, ind.decimals), c.value, cls="num"),
                           Cell(figure_text(ind, ours), value_of(ours), cls="num"), Cell(c.source)])
    return table, objects, tuple(lines)


def _natural_order(row: dict):
    """Breakdown rows in their natural order: age bands youngest first, "not recorded" and
    "unallocated" last, everything else alphabetically."""
    from cscperf.indicators.breakdowns import AGE_BANDS, NOT_RECORDED

    dim, _, value = row["breakdown"].partition("=")
    ages = [label for _, label in AGE_BANDS]
    last = value in (NOT_RECORDED, UNALLOCATED)
    return (last, ages.index(value) if dim == "age_band" and value in ages else len(ages), value)


def _breakdown_tables(ind: Indicator, res, month: dt.date, names, link_teams: bool, counts: bool = True) -> list[DataTable]:
    dims = res.breakdowns(ind.id, month)
    order = list(DIMENSIONS) + sorted(d for d in dims if d not in DIMENSIONS)
    out = []
    for dim in order:
        if dim not in dims or dim in HIDDEN_DIMENSIONS:
            continue
        table = DataTable(f"breakdown-{dim}", f"{ind.id} by {DIMENSIONS.get(dim, humanise(dim)).lower()}, {fmt.month_name(month)}",
                          [(DIMENSIONS.get(dim, humanise(dim)), False), ("Figure", True)]
                          + ([("Numerator", True), ("Denominator", True)] if counts else []))
        for r in sorted(dims[dim], key=_natural_order):
            value = r["breakdown"].split("=", 1)[1]
            hidden = bool(r.get("suppressed"))
            label = names.team(value) if dim == "team" and value != UNALLOCATED else SEX.get(value, value) if dim == "sex" else value
            href = f"/indicators/{ind.id}/teams/{value}" if dim == "team" and link_teams and value != UNALLOCATED else None
            table.rows.append([Cell(label, value, href=href), Cell(figure_text(ind, r), value_of(r), cls="num")]
                              + ([count_cell(r["numerator"], hidden), count_cell(r["denominator"], hidden)] if counts else []))
        out.append(table)
    return out


def _team_bars(data: DashboardData, at: AsAt, who: Principal, ind: Indicator, res, names) -> str:
    """The teams side by side: the report's `charts.bars_spec`, suppressed bars drawn as "[c]" only."""
    def make():
        rows = sorted(res.breakdowns(ind.id, at.month).get("team", []), key=_natural_order)
        if len(rows) < 2:
            return ""
        bars = [(names.team(r["breakdown"].split("=", 1)[1]), value_of(r), figure_text(ind, r)) for r in rows]
        if not any(v is not None for _, v, _ in bars):
            return ""
        target = data.config.targets.get(ind.id)
        spec = charts.bars_spec(bars, ind.unit, width=420, rule=("Target", target.value) if target else None)
        title = f"{ind.id} by team, {fmt.month_name(at.month)}"
        desc = "; ".join(f"{name} {label}" for name, _, label in bars) + "."
        return charts.render(spec, f"teams-{ind.id}", title, desc)
    return data.memo.get(("team-bars", at.snap.key, who.suppressed, ind.id, at.month), make)


def commentary(data: DashboardData, who: Principal, ind: Indicator, res, month: dt.date, found: dict) -> dict:
    """The report's commentary for the indicator (`report.commentary`): what the data show, written from
    the figures, and the analysts' notes for the month (why, what is being done, owner) from
    `commentary.toml`. A member's sentences are written from what a member may see: no counts where
    suppression does not protect them."""
    from cscperf.report import commentary as words

    counts = shows_counts(ind, who)

    def obs(d: dt.date | None):
        r = res.at(ind.id, d) if d else None
        if r is None:
            return None
        return words.Obs(d, value_of(r), r["numerator"] if counts else None, r["denominator"] if counts else None,
                         bool(r.get("suppressed")))
    latest = obs(month) or words.Obs(month, None)
    baseline = data.config.baseline
    sn = found.get("SN mean") or found.get("SN median")
    lines = words.indicator_text(ind, latest, obs(add_months(month, -1)), obs(baseline), obs(add_months(month, -12)),
                                 data.config.targets.get(ind.id), found.get("England"), sn, data.config.sn_average)
    if latest.suppressed:
        lines.append("The figure rests on a small number of children and is not shown [c].")
    notes, problem = data.notes()
    return {"lines": lines, "notes": words.notes_for(notes, month, indicator=ind.id) + words.notes_for(notes, month, area=ind.area),
            "problem": problem}


def indicator_page(data: DashboardData, who: Principal, at: AsAt, indicator_id: str) -> dict:
    try:
        ind = get(indicator_id)
    except KeyError:
        raise NotFound(f"there is no indicator {indicator_id}") from None
    res = data.results(at.snap, who.suppressed)
    if not res.series(ind.id):
        raise NotFound(f"snapshot {at.snap.id} has no figures for {ind.id}")
    names = data.names(at.snap)
    latest = res.at(ind.id, at.month)
    prev = res.at(ind.id, add_months(at.month, -1))
    baseline = data.config.baseline
    base_row = res.at(ind.id, baseline) if baseline else None
    target = data.config.targets.get(ind.id)
    t_text, t_note = target_text(ind, target)
    rating = judge.rag(value_of(latest), target, ind.polarity, decimals=ind.decimals)
    comp_table, found, lines = _comparators(data, ind, at.month, res)
    trend = _trend(data, at, who, ind, res, ALL, lines)
    breakdowns = _breakdown_tables(ind, res, at.month, names, link_teams=True, counts=shows_counts(ind, who))
    linked = [a for a in data.state().actions if ind.id in a.indicators]
    return {**base(data, who, at), "title": f"{ind.id} {ind.title}", "ind": ind, "latest": figure_text(ind, latest),
            "counts": counts_text(ind, latest, who), "rag": rating, "rag_class": RAG_CLASS[rating], "target": t_text,
            "target_note": t_note, "vs_previous": judge.direction(value_of(latest), value_of(prev), ind.polarity, ind.unit),
            "vs_baseline": (judge.direction(value_of(latest), value_of(base_row), ind.polarity, ind.unit) if baseline
                            else judge.Judged(judge.NO_ARROW, "no baseline set")),
            "baseline": baseline, "good_is": fmt.polarity_text(ind.polarity), "trend": trend,
            "comparators": comp_table, "breakdowns": breakdowns, "commentary": commentary(data, who, ind, res, at.month, found),
            "actions": linked, "has_teams": any(t.name == "breakdown-team" for t in breakdowns),
            "team_chart": _team_bars(data, at, who, ind, res, names),
            "tables": [trend["table"], comp_table, *breakdowns]}


# ---- drill-down: team, worker, children -------------------------------------------------------------------

def team_page(data: DashboardData, who: Principal, at: AsAt, indicator_id: str, team: str) -> dict:
    page = indicator_page(data, who, at, indicator_id)
    ind = page["ind"]
    res = data.results(at.snap, who.suppressed)
    breakdown = f"team={team}"
    if not res.series(ind.id, breakdown):
        raise NotFound(f"{ind.id} has no figures for team {team}")
    names = data.names(at.snap)
    row = res.at(ind.id, at.month, breakdown)
    trend = _trend(data, at, who, ind, res, breakdown)
    tables = [trend["table"]]
    workers = None
    if who.may_see_team_records(team):
        units = data.units(at.snap, ind.id, at.month)
        tc, wc = team_column(units), worker_column(units)
        mine = [u for u in units if tc and u[tc] == team]
        workers = DataTable("workers", f"{ind.id} by worker in {names.team(team)}, {fmt.month_name(at.month)}",
                            [("Worker", False), ("Figure", True), ("Numerator", True), ("Denominator", True),
                             ("Counted", True)], empty="No worker holds a case counted in this figure.")
        by_worker: dict[str, list[dict]] = {}
        for u in mine:
            by_worker.setdefault(u[wc] if wc else UNALLOCATED, []).append(u)
        for worker_id, us in sorted(by_worker.items(), key=lambda kv: names.worker(kv[0])):
            fig = unit_figure(ind, us, at.month, data, units)
            workers.rows.append([Cell(names.worker(worker_id), worker_id,
                                      href=f"/indicators/{ind.id}/teams/{team}/workers/{worker_id}"),
                                 Cell(figure_text(ind, fig), fig["value"], cls="num"), count_cell(fig["numerator"]),
                                 count_cell(fig["denominator"]), count_cell(fig["units"])])
        tables.append(workers)
    return {**base(data, who, at), "title": f"{ind.id} {ind.title}: {names.team(team)}", "ind": ind, "team": team,
            "team_name": names.team(team), "figure": figure_text(ind, row), "counts": counts_text(ind, row, who),
            "council_figure": page["latest"], "trend": trend, "workers": workers,
            "may_see_records": who.may_see_team_records(team), "tables": tables}


def _unit_table(ind: Indicator, units: list[dict], names, at: AsAt, caption: str, on: dt.date) -> DataTable:
    extra = [c for c in (units[0] if units else {}) if c not in UNIT_PLUMBING]
    child = bool(units) and "person_id" in units[0]
    cols = ([("Child", False)] if child else [("Record", False)]) + [("Team", False), ("Worker", False)]
    flags = ind.is_percentage and all(u["num"] in (0, 1) and u["den"] in (0, 1) for u in units)
    cols += [(humanise(c), False) for c in extra]
    cols += ([("In numerator", False), ("In denominator", False)] if flags else [("Numerator", True), ("Denominator", True)])
    cols += [("Age band", False)]
    table = DataTable("children", caption, cols, child_level=True, empty="No child is counted here.")
    tc, wc = team_column(units), worker_column(units)
    for u in units:
        first = (Cell(u["person_id"], href=f"/children/{u['person_id']}?on={on.isoformat()}") if child
                 else Cell(str(u.get("unit_id"))))
        table.rows.append([first, Cell(names.team(u.get(tc)) if tc else fmt.DASH, u.get(tc)),
                           Cell(names.worker(u.get(wc)) if wc else fmt.DASH, u.get(wc))]
                          + [Cell(plain(u[c]), u[c]) for c in extra]
                          + ([Cell("yes" if u["num"] else "no", u["num"]), Cell("yes" if u["den"] else "no", u["den"])] if flags
                             else [count_cell(u["num"]), count_cell(u["den"])])
                          + [Cell(plain(u.get("age_band")))])
    return table


WHICH = {"exceptions": "counting against performance", "all": "every child counted", "numerator": "in the numerator"}


def children_page(data: DashboardData, who: Principal, at: AsAt, indicator_id: str, team: str | None = None,
                  worker: str | None = None, which: str = "exceptions") -> dict:
    """The units behind a figure (council, a team or a worker in a team), for those entitled."""
    if which not in WHICH:
        raise NotFound(f"which={which!r}: expected one of {', '.join(WHICH)}")
    try:
        ind = get(indicator_id)
    except KeyError:
        raise NotFound(f"there is no indicator {indicator_id}") from None
    what = f"{ind.id} children behind the figure ({WHICH[which]}), {fmt.month_name(at.month)}"
    what += f", team {team}" if team else ""
    what += f", worker {worker}" if worker else ""
    if not who.any_records:
        raise Forbidden("Your role sees figures, not the children behind them.", what)
    if team is not None and not who.may_see_team_records(team):
        raise Forbidden(f"You can see the children of your own teams ({', '.join(sorted(who.teams))}) only.", what)
    if worker is not None and team is None and not who.all_records:
        raise Forbidden("Choose the worker through one of your teams.", what)
    units = data.units(at.snap, ind.id, at.month)
    tc, wc = team_column(units), worker_column(units)
    if units and tc is None and not who.all_records:
        raise Forbidden(f"{ind.id}'s records are not tied to teams, so only analysts see them.", what)
    chosen = units
    if team is not None:
        chosen = [u for u in chosen if tc and u[tc] == team]
    elif not who.all_records:
        chosen = [u for u in chosen if u[tc] in who.teams]
    if worker is not None:
        chosen = [u for u in chosen if wc and u[wc] == worker]
    figure = (unit_figure(ind, chosen, at.month, data, units) if (team or worker or not who.all_records)
              else data.results(at.snap).at(ind.id, at.month))
    listed = (exceptions_of(ind, chosen) if which == "exceptions" else
              [u for u in chosen if (u["num"] or 0) > 0] if which == "numerator" else chosen)
    names = data.names(at.snap)
    where = (names.worker(worker) + " in " if worker else "") + (names.team(team) if team else
                                                                  "the council" if who.all_records else
                                                                  "your teams (" + ", ".join(sorted(who.teams)) + ")")
    caption = f"{ind.id}: children {WHICH[which]}, {where}, {fmt.month_name(at.month)}"
    table = _unit_table(ind, listed, names, at, caption, at.month)
    ids = tuple(u["person_id"] for u in listed if u.get("person_id"))
    return {**base(data, who, at), "title": f"{ind.id} {ind.title}: the children behind the figure", "ind": ind,
            "team": team, "worker": worker, "which": which, "which_words": WHICH, "where": where,
            "figure": figure_text(ind, figure), "counts": counts_text(ind, figure), "table": table, "tables": [table],
            "team_name": names.team(team) if team else None, "worker_name": names.worker(worker) if worker else None,
            "audit": {"what": f"{what}: {len(listed)} listed", "rows": len(listed), "children": ids}}


def worker_page(data: DashboardData, who: Principal, at: AsAt, indicator_id: str, team: str, worker: str,
                which: str = "exceptions") -> dict:
    page = children_page(data, who, at, indicator_id, team, worker, which)
    page["title"] = f"{page['ind'].id} {page['ind'].title}: {page['worker_name']}"
    return page


# ---- exception lists ------------------------------------------------------------------------------

def _within(row: dict, days: int) -> bool:
    """Due in the next `days` working days (engine.due_list's rule: working days ahead <= within). A due
    date beyond the working-day calendar has no count and is not due soon."""
    return row["working_days"] is not None and 0 <= row["working_days"] <= days


def exceptions_page(data: DashboardData, who: Principal, at: AsAt, within: int = 5, team: str | None = None,
                    worker: str | None = None, rule: str | None = None, status: str | None = None) -> dict:
    from cscperf.indicators.due import RULES

    what = f"exception list as at {short_day(at.extract_date)}, due within {within} working days"
    what += "".join(f", {k} {v}" for k, v in (("team", team), ("worker", worker), ("rule", rule), ("status", status)) if v)
    if not who.any_records:
        raise Forbidden("Your role sees figures, not lists of children.", what)
    if team and not who.may_see_team_records(team):
        raise Forbidden(f"You can see the children of your own teams ({', '.join(sorted(who.teams))}) only.", what)
    rows = data.due(at.snap, at.extract_date)
    names = data.names(at.snap)
    visible = [r for r in rows if who.may_see_team_records(r["team"])] if not who.all_records else rows
    classified = []
    for r in visible:
        s = r["status"] if r["status"] == OVERDUE else DUE_SOON if _within(r, within) else LATER
        if s != LATER:
            classified.append({**r, "status": s})
    teams = sorted({r["team"] for r in classified}, key=names.team)
    chosen = [r for r in classified if (not team or r["team"] == team)]
    workers = sorted({r["worker"] for r in chosen}, key=names.worker)
    chosen = [r for r in chosen if (not worker or r["worker"] == worker) and (not rule or r["rule"] == rule)
              and (not status or r["status"] == status)]
    chosen.sort(key=lambda r: (r["status"] != OVERDUE, r["due_date"], r["title"], r["person_id"]))
    summary = DataTable("summary", "How many, by what is due", [("What is due", False), ("Overdue", True),
                                                                ("Due soon", True), ("Total", True)])
    for rule_id, r in RULES.items():
        mine = [x for x in chosen if x["rule"] == rule_id]
        if mine:
            o = sum(1 for x in mine if x["status"] == OVERDUE)
            summary.rows.append([Cell(r.title, rule_id), count_cell(o), count_cell(len(mine) - o), count_cell(len(mine))])
    table = DataTable("exceptions", f"Overdue and due in the next {within} working days, as at {short_day(at.extract_date)}",
                      [("Status", False), ("What is due", False), ("Child", False), ("Due", False), ("Working days", True),
                       ("Counted from", False), ("Team", False), ("Worker", False)],
                      child_level=True, empty="Nothing is overdue or due soon for this choice.", row_headers=False)
    for r in chosen:
        wd = r["working_days"]
        if r["status"] == OVERDUE:   # 0 behind: the due date and every day since were non-working days
            days = f"{-wd} overdue" if wd else "0 (weekend or holiday)"
        else:
            days = "today" if wd == 0 else f"in {wd}"
        table.rows.append([Cell(r["status"], cls="status-" + r["status"].replace(" ", "-")), Cell(r["title"], r["rule"]),
                           Cell(r["person_id"], href=f"/children/{r['person_id']}?on={at.extract_date.isoformat()}"),
                           Cell(short_day(r["due_date"]), r["due_date"], cls="nowrap"), Cell(days, wd, cls="num nowrap"),
                           Cell(f"{r['basis']} {short_day(r['basis_date'])}"), Cell(names.team(r["team"]), r["team"]),
                           Cell(names.worker(r["worker"]), r["worker"])])
    rules_present = [(rid, RULES[rid].title) for rid in RULES if any(x["rule"] == rid for x in classified)]
    ids = tuple(r["person_id"] for r in chosen)
    return {**base(data, who, at), "title": "What is overdue and due soon", "table": table, "summary": summary,
            "tables": [summary, table], "within": within, "team": team, "worker": worker, "rule": rule,
            "status": status, "teams": [(t, names.team(t)) for t in teams], "workers": [(w, names.worker(w)) for w in workers],
            "rules": rules_present, "overdue": sum(1 for r in chosen if r["status"] == OVERDUE),
            "audit": {"what": f"{what}: {len(chosen)} listed", "rows": len(chosen), "children": ids}}


# ---- one child -------------------------------------------------------------------------------------

def child_page(data: DashboardData, who: Principal, at: AsAt, person_id: str, on: dt.date | None = None) -> dict:
    on = on or at.extract_date
    what = f"child {person_id} as at {short_day(on)}"
    if not who.any_records:
        raise Forbidden("Your role sees figures, not children.", what, (person_id,))
    found = data.child(at.snap, person_id)
    if found is None:
        # Say the same to everyone, so the page cannot be used to learn who is in the data.
        if not who.all_records:
            raise Forbidden("You can see the children of your own teams only.", what, (person_id,))
        raise NotFound(f"there is no child {person_id} in snapshot {at.snap.id}")
    team = team_at(found["allocations"], on)
    # A manager's right follows the child's allocation now (the extract date), whatever day the page is
    # for: the page shows the child's whole record, so a team that held the child years ago may not open it.
    now = team if who.all_records else team_at(found["allocations"], at.extract_date)
    if not who.may_see_team_records(now or UNALLOCATED):
        raise Forbidden(f"This child is not allocated to one of your teams ({', '.join(sorted(who.teams))}) on "
                        f"{short_day(at.extract_date)}.", what, (person_id,))
    names = data.names(at.snap)
    p = found["person"]
    dob = p[2]
    age = None
    if dob:
        age = on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
    from cscperf.indicators.breakdowns import AGE_BANDS, ETHNICITY_GROUPS

    band = next((label for low, label in reversed(AGE_BANDS) if age is not None and age >= low), "not recorded")
    group = next((g for g, codes in ETHNICITY_GROUPS.items() if p[3] in codes), "not recorded")
    about = [("Child", p[0]), ("Age on " + short_day(on), f"{age} ({band})" if age is not None else "not recorded"),
             ("Sex", SEX.get(p[1], p[1] or "not recorded")), ("Ethnic group", group),
             ("Disability", plain(p[4]) if p[4] is not None else "not recorded"),
             ("Team on " + short_day(on), names.team(team) if team else "unallocated")]
    alloc = DataTable("allocations", "Allocations", [("Team", False), ("Worker", False), ("From", False), ("To", False)],
                      child_level=True, empty="No allocation recorded.")
    for t, w, s, e in found["allocations"]:
        alloc.rows.append([Cell(names.team(t), t), Cell(names.worker(w), w), Cell(short_day(s), s),
                           Cell(short_day(e) if e else "open", e)])
    due = DataTable("due", f"What is due as at {short_day(at.extract_date)}",
                    [("What is due", False), ("Due", False), ("Status", False), ("Working days", True), ("Counted from", False)],
                    child_level=True, empty="Nothing overdue or due in the next 20 working days.")
    for r in data.due(at.snap, at.extract_date):
        if r["person_id"] == person_id and (r["status"] == OVERDUE or _within(r, 20)):
            s = r["status"] if r["status"] == OVERDUE else DUE_SOON
            due.rows.append([Cell(r["title"], r["rule"]), Cell(short_day(r["due_date"]), r["due_date"]), Cell(s),
                             Cell(str(r["working_days"]), r["working_days"], cls="num"),
                             Cell(f"{r['basis']} {short_day(r['basis_date'])}")])
    visits = DataTable("visits", "Latest visits", [("Date", False), ("Type", False), ("Seen", False), ("Seen alone", False),
                                                   ("Where", False)], child_level=True, empty="No visit recorded.")
    for d, typ, seen, alone, loc in found["visits"]:
        visits.rows.append([Cell(short_day(d), d), Cell(typ), Cell(plain(seen), seen), Cell(plain(alone), alone), Cell(plain(loc))])
    plans = DataTable("cp-plans", "Child protection plans", [("From", False), ("To", False), ("Initial category", False),
                                                              ("Latest category", False)], child_level=True,
                      empty="No child protection plan.")
    for s, e, c1, c2 in found["cp_plans"]:
        plans.rows.append([Cell(short_day(s), s), Cell(short_day(e) if e else "open", e), Cell(plain(c1)), Cell(plain(c2))])
    cla = DataTable("cla", "Episodes of care (latest 12)", [("From", False), ("To", False), ("Legal status", False),
                                                            ("Placement", False)], child_level=True, empty="Not looked after.")
    for s, e, ls, pl in found["cla"]:
        cla.rows.append([Cell(short_day(s), s), Cell(short_day(e) if e else "open", e), Cell(plain(ls)), Cell(plain(pl))])
    refs = DataTable("referrals", "Referrals (latest 6)", [("Date", False), ("Source", False), ("Primary need", False),
                                                           ("Closed", False)], child_level=True, empty="No referral.")
    for d, src, need, closed in found["referrals"]:
        refs.rows.append([Cell(short_day(d), d), Cell(plain(src)), Cell(plain(need)), Cell(short_day(closed) if closed else "open", closed)])
    tables = [due, alloc, visits, plans, cla, refs]
    return {**base(data, who, at), "title": f"Child {person_id}", "person_id": person_id, "on": on, "about": about,
            "tables": tables, "audit": {"what": what, "rows": 1, "children": (person_id,)}}


# ---- actions, quality ---------------------------------------------------------------------------------

def actions_page(data: DashboardData, who: Principal, at: AsAt | None) -> dict:
    from cscperf import actions as act

    state = data.state()
    table = DataTable("actions", "Committee actions", [("No.", True), ("Meeting", False), ("Action", False), ("Owners", False),
                                                       ("Indicators", False), ("Due", False), ("Status", False),
                                                       ("Latest note", False)], empty="No action recorded yet.")
    for a in state.actions:
        table.rows.append([Cell(str(a.action_id), a.action_id), Cell(short_day(a.meeting_date), a.meeting_date), Cell(a.action),
                           Cell(a.owners), Cell(", ".join(a.indicators)),
                           Cell(short_day(a.due_date) + (" (overdue)" if a.overdue else ""), a.due_date),
                           Cell(a.status), Cell(a.latest_note or "")])
    return {**base(data, who, at), "title": "Committee action tracker", "actions": state.actions,
            "history": state.action_history, "statuses": act.STATUSES, "indicators": catalogue(), "tables": [table]}


def quality_page(data: DashboardData, who: Principal, at: AsAt, quality_report: str | None) -> dict:
    q = data.quality(at.snap)
    info = at.snap.info
    files = DataTable("files", f"Files in snapshot {at.snap.id}",
                      [("File", False), ("Read as", False), ("Table", False), ("Collection year", False), ("Rows read", True),
                       ("Loaded", True), ("Rejected", True), ("SHA-256 (first 12)", False)], empty="No file recorded.")
    for path, form, part, layout, table_name, _enc, year, read, loaded, rejected, sha in q["files"]:
        name = path.replace("\\", "/").rsplit("/", 1)[-1] + (f" ({part})" if part else "")
        files.rows.append([Cell(name, path), Cell(layout or form or fmt.DASH), Cell(table_name or fmt.DASH), Cell(plain(year), year),
                           Cell(fmt.count(read), read, cls="num"), Cell(fmt.count(loaded), loaded, cls="num"),
                           Cell(fmt.count(rejected), rejected, cls="num"), Cell((sha or "")[:12])])
    coverage = DataTable("coverage", "What the snapshot covers", [("Table", False), ("From", False), ("To", False)])
    for table_name, (a, b) in q["coverage"]:
        coverage.rows.append([Cell(table_name), Cell(short_day(a), a), Cell(short_day(b), b)])
    summary = DataTable("problems-summary", "Problems found, by rule",
                        [("Severity", False), ("Rule", False), ("What it means", False), ("Files", True), ("Count", True)],
                        empty="No problem was found in this snapshot's files.", row_headers=False)
    grouped: dict[tuple, list] = {}
    for p in q["problems"]:
        grouped.setdefault((p[6], p[4]), []).append(p)
    for (severity, rule), ps in sorted(grouped.items(), key=lambda kv: (kv[0][0] != "error", kv[0][1] or "")):
        n = sum((p[7] or 1) for p in ps)
        summary.rows.append([Cell(severity), Cell(rule or fmt.DASH), Cell(ps[0][5]), Cell(str(len({p[0] for p in ps})), cls="num"),
                             Cell(fmt.count(n), n, cls="num")])
    tables = [summary, files, coverage]
    detail = None
    audit = None
    if who.all_records and q["problems"]:
        detail = DataTable("problems", "Each problem (the first 500)", [("Severity", False), ("File", False), ("Row", True),
                                                                          ("Column", False), ("Value", False), ("Problem", False)],
                           child_level=True, empty="No problem.", row_headers=False)
        for p in q["problems"][:500]:
            detail.rows.append([Cell(p[6]), Cell(p[0].replace("\\", "/").rsplit("/", 1)[-1], p[0]), Cell(plain(p[1]), p[1], cls="num"),
                                Cell(plain(p[2])), Cell(plain(p[3])), Cell(p[5])])
        tables.append(detail)
        if detail.rows:
            audit = {"what": f"data-quality problems of snapshot {at.snap.id}: {len(detail.rows)} rows (values may identify a child)",
                     "rows": len(detail.rows), "children": ()}
    return {**base(data, who, at), "title": f"Data quality, snapshot {at.snap.id}", "info": info, "files": files,
            "coverage": coverage, "summary": summary, "detail": detail, "tables": tables, "quality_report": quality_report,
            "errors": sum(1 for p in q["problems"] if p[6] == "error"), "audit": audit}
