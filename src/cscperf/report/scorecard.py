"""The "summary of key areas" scorecard: one row per indicator, from the results table.

`build` reads the store and judges each indicator (cscperf.judge); `render` fills the template;
`write_scorecard` does both and writes `scorecard.html` with the charts inline as SVG. The report
reads only the results table and the catalogue's metadata: it knows nothing of how a figure was
computed, nor of the files it came from.

Columns follow committee-reports.md §3 (time runs left to right): baseline month, same month last
year, previous month, the month reported (value and numerator/denominator), target with its source
and tolerance, RAG as word and colour, direction of travel against last month and the baseline as
arrow and word, and a 13-point trend (the month reported and the 12 before it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyarrow.compute as pc

from cscperf import judge
from cscperf.config import Config, Target, month_end
from cscperf.indicators import catalogue, catalogue_version
from cscperf.indicators.spec import Indicator
from cscperf.report import charts
from cscperf.report import formatting as fmt
from cscperf.store import Store

ALL = "all"            # the whole-authority row of the results (cscperf.engine.ALL)
TREND_POINTS = 13      # the month reported and the 12 before it: same month last year to now

RAG_CLASS = {judge.GREEN: "rag-green", judge.AMBER: "rag-amber", judge.RED: "rag-red", judge.NOT_RATED: "rag-none"}


def add_months(d: dt.date, months: int) -> dt.date:
    """The month end `months` months from the month of `d` (negative goes back)."""
    n = d.year * 12 + d.month - 1 + months
    return month_end(n // 12, n % 12 + 1)


@dataclass
class Figure:
    month: dt.date
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    text: str = fmt.DASH
    counts: str = ""


@dataclass
class Row:
    ind: Indicator
    latest: Figure
    previous: Figure
    last_year: Figure
    baseline: Figure | None
    target: Target | None
    target_text: str
    target_note: str
    rag: str
    rag_class: str
    vs_previous: judge.Judged
    vs_baseline: judge.Judged
    trend_title: str
    trend_desc: str
    trend_svg: str

    @property
    def good_is(self) -> str:
        return fmt.polarity_text(self.ind.polarity)


@dataclass
class Area:
    name: str
    rows: list[Row]


@dataclass
class Scorecard:
    council: str
    month: dt.date
    previous_month: dt.date
    last_year_month: dt.date
    baseline: dt.date | None
    snapshot_id: int
    extract_date: dt.date | None
    catalogue_version: str
    current_catalogue_version: str
    areas: list[Area]
    not_reported: list[Indicator] = field(default_factory=list)
    not_in_catalogue: list[str] = field(default_factory=list)
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))

    @property
    def rows(self) -> list[Row]:
        return [r for a in self.areas for r in a.rows]

    @property
    def rag_counts(self) -> list[tuple[str, int]]:
        words = [r.rag for r in self.rows]
        return [(w, words.count(w)) for w in (judge.GREEN, judge.AMBER, judge.RED, judge.NOT_RATED)]


def _figure(ind: Indicator, found: dict | None, month: dt.date) -> Figure:
    if found is None:
        return Figure(month, None)
    v = found["value"]
    return Figure(month, v, found["numerator"], found["denominator"], fmt.value(v, ind.unit, ind.decimals),
                  fmt.counts(found["numerator"], found["denominator"], ind.unit))


def _target_note(ind: Indicator, t: Target) -> str:
    if ind.polarity not in (judge.UP, judge.DOWN):
        return f"{t.source}; not rated (for information)"
    if t.tolerance <= 0:
        return f"{t.source}; no tolerance"
    edge = t.value - t.tolerance if ind.polarity == judge.UP else t.value + t.tolerance
    return f"{t.source}; amber to {fmt.value(edge, ind.unit, ind.decimals)}"


def build(store: Store, config: Config, snapshot_id: int | None = None, month: dt.date | None = None,
          with_charts: bool = True) -> Scorecard:
    """The scorecard's figures and judgements for one month end (default: the latest in the results)."""
    snap = store.snapshot(snapshot_id)
    results = store.results(snap.snapshot_id)
    results = results.filter(pc.equal(results["breakdown"], ALL))
    rows = results.select(["indicator", "period_end", "numerator", "denominator", "value", "catalogue_version"]).to_pylist()
    by_key = {(r["indicator"], r["period_end"]): r for r in rows}
    version = rows[0]["catalogue_version"] if rows else ""
    if month is None:
        if not rows:
            raise ValueError(f"snapshot {snap.snapshot_id} has no whole-authority results to report")
        month = max(r["period_end"] for r in rows)
    else:
        month = month_end(month.year, month.month)
    previous, last_year = add_months(month, -1), add_months(month, -12)
    trend_months = [add_months(month, k) for k in range(-(TREND_POINTS - 1), 1)]
    baseline = config.baseline

    reported = {r["indicator"] for r in rows}
    cat = catalogue()
    known = {i.id for i in cat}
    areas: dict[str, list[Row]] = {}
    not_reported = []
    for ind in cat:
        if ind.id not in reported:
            not_reported.append(ind)
            continue
        def get(d: dt.date | None, _id: str = ind.id) -> dict | None:
            return by_key.get((_id, d))

        latest = _figure(ind, get(month), month)
        prev = _figure(ind, get(previous), previous)
        ly = _figure(ind, get(last_year), last_year)
        base = _figure(ind, get(baseline), baseline) if baseline else None
        target = config.targets.get(ind.id)
        if target is None:
            t_text, t_note = ("For information" if ind.polarity == judge.CONTEXT else "No target"), ""
        else:
            t_text, t_note = fmt.value(target.value, ind.unit, ind.decimals), _target_note(ind, target)
        rating = judge.rag(latest.value, target, ind.polarity, decimals=ind.decimals)
        points = [charts.Point(d, (get(d) or {}).get("value")) for d in trend_months]
        t_value = target.value if target else None
        title = charts.describe(ind.id, points, ind.unit, ind.decimals, t_value)
        desc = f"{ind.title}, month by month: {charts.listing(points, ind.unit, ind.decimals)}."
        svg = charts.sparkline_svg(f"trend-{ind.id}", points, t_value, title, desc) if with_charts else ""
        areas.setdefault(ind.area, []).append(Row(
            ind=ind, latest=latest, previous=prev, last_year=ly, baseline=base, target=target,
            target_text=t_text, target_note=t_note, rag=rating, rag_class=RAG_CLASS[rating],
            vs_previous=judge.direction(latest.value, prev.value, ind.polarity, ind.unit),
            vs_baseline=(judge.direction(latest.value, base.value, ind.polarity, ind.unit) if base
                         else judge.Judged(judge.NO_ARROW, "no baseline set")),
            trend_title=title, trend_desc=desc, trend_svg=svg))
    return Scorecard(
        council=config.council_name, month=month, previous_month=previous, last_year_month=last_year,
        baseline=baseline, snapshot_id=snap.snapshot_id, extract_date=snap.extract_date,
        catalogue_version=version, current_catalogue_version=catalogue_version(),
        areas=[Area(name, rs) for name, rs in areas.items()], not_reported=not_reported,
        not_in_catalogue=sorted(reported - known))


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["month"] = fmt.month_name
    env.filters["value"] = fmt.value
    env.filters["day"] = fmt.day
    return env


def render(card: Scorecard) -> str:
    from markupsafe import Markup

    env = _environment()
    return env.get_template("scorecard.html.j2").render(
        card=card, judge=judge, svg=lambda r: Markup(r.trend_svg), band_text=judge.band_text, fmt=fmt,
        trend_points=TREND_POINTS)


def write_scorecard(store: Store, config: Config, out_dir: Path, snapshot_id: int | None = None,
                    month: dt.date | None = None) -> Path:
    """Write `out_dir/scorecard.html` (charts inline as SVG) and return its path."""
    card = build(store, config, snapshot_id, month)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "scorecard.html"
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(render(card), encoding="utf-8")
    tmp.replace(path)   # a reader never sees half a report
    return path
