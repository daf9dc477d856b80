"""The "summary of key areas" scorecard: one row per headline indicator, from the results table.

`build` judges each indicator (cscperf.judge) from a `ReportData` (suppressed results); the committee
report renders it first (cscperf.report.committee); `write_scorecard` writes it alone as
`scorecard.html`. The report reads only the results table and the catalogue's metadata: it knows
nothing of how a figure was computed, nor of the files it came from.

Columns follow committee-reports.md §3 (time runs left to right): baseline month, same month last
year, previous month, the month reported (value and numerator/denominator), target with its source
and tolerance, RAG as word and colour, direction of travel against last month and the baseline as
arrow and word, England and statistical neighbours (the config's sn_average) with their year, and a
13-point trend (the month reported and the 12 before it).

Indicators reported only at some month ends (a DfE year at 31 March, a workforce year at 30
September, a quarter) show their latest figure on or before the month reported, with its month, and
compare it with the period before (a year, or a quarter, earlier).

Which indicators: the config's `[report] headline` list if given; otherwise every indicator with a
figure that is not a distribution (a "share of" measure), those with a target first, then the others
area by area (the first of each area, then the second, ...), up to HEADLINE_MAX rows so that the
scorecard fits two A4 pages; the rest appear in their area sections.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cscperf import comparators as comp
from cscperf import judge
from cscperf.config import Config, Target
from cscperf.indicators import catalogue, catalogue_version
from cscperf.indicators.spec import Indicator
from cscperf.periods import KINDS, QUARTER
from cscperf.report import charts
from cscperf.report import commentary as words
from cscperf.report import formatting as fmt
from cscperf.report.data import C, ReportData, add_months
from cscperf.store import Store

TREND_POINTS = 13      # the month reported and the 12 before it: same month last year to now
HEADLINE_MAX = 24      # rows that fit two A4 pages (with the area rows and the key; tested)

RAG_CLASS = {judge.GREEN: "rag-green", judge.AMBER: "rag-amber", judge.RED: "rag-red", judge.NOT_RATED: "rag-none"}

__all__ = ["add_months", "build", "render", "write_scorecard", "Scorecard", "Row", "Figure"]


@dataclass
class Figure:
    month: dt.date
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    text: str = fmt.DASH
    counts: str = ""
    suppressed: bool = False
    restated: bool = False
    note: str = ""          # the figure's own month, where it differs from the column's

    def obs(self) -> words.Obs:
        return words.Obs(self.month, self.value, self.numerator, self.denominator, self.suppressed)


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
    england: comp.Comparator | None = None
    neighbours: comp.Comparator | None = None
    pool: Figure | None = None      # the pooled figure, for a council's report from a snapshot of several
    sentences: list[str] = field(default_factory=list)
    points: list = field(default_factory=list)     # the trend's figures (charts.Point), suppressed as None

    @property
    def unit_text(self) -> str:
        """The unit, printed once under the title so the figure columns can hold numbers only."""
        return "" if self.ind.unit == "%" else self.ind.unit

    @property
    def good_is(self) -> str:
        return fmt.polarity_text(self.ind.polarity)

    def comparator_text(self, c: comp.Comparator | None) -> str:
        if c is None:
            return fmt.DASH
        return fmt.value(c.value, "%", self.ind.decimals) if self.ind.unit == "%" else fmt.number(c.value, self.ind.decimals)


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
    sn_average: str = "mean"
    pool: str = ""                  # the pool column's heading, where the report has one (ReportData.pool_name)
    not_reported: list[Indicator] = field(default_factory=list)
    not_in_catalogue: list[str] = field(default_factory=list)
    not_headline: list[Indicator] = field(default_factory=list)
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))

    @property
    def rows(self) -> list[Row]:
        return [r for a in self.areas for r in a.rows]

    @property
    def rag_counts(self) -> list[tuple[str, int]]:
        words_ = [r.rag for r in self.rows]
        return [(w, words_.count(w)) for w in (judge.GREEN, judge.AMBER, judge.RED, judge.NOT_RATED)]

    @property
    def sn_label(self) -> str:
        return f"Statistical neighbours ({self.sn_average})"


def step_months(ind: Indicator) -> int:
    """Months between an indicator's period ends: 1, or 3 for a quarter, or 12 for an annual kind."""
    months = KINDS[ind.period].months
    if len(months) == 12:
        return 1
    return 3 if ind.period == QUARTER else 12


def _figure(ind: Indicator, data: ReportData, d: dt.date | None, column: dt.date | None, pool: bool = False) -> Figure:
    """A figure for a scorecard column: the value as a number (the unit is printed under the title;
    a percentage keeps its sign), "[c]" if suppressed, "–" if none; with its month where that is not
    the column's (an annual indicator's latest figure). pool: the pool's figure instead of the council's."""
    f = data.pool(ind.id, d) if pool else data.figure(ind.id, d)
    note = fmt.month_name(d) if d is not None and column is not None and d != column else ""
    if f is None:
        return Figure(d or column, None)
    if f.suppressed:
        return Figure(d, None, text=C, suppressed=True, note=note)
    text = fmt.value(f.value, ind.unit, ind.decimals) if ind.unit == "%" else fmt.number(f.value, ind.decimals)
    return Figure(d, f.value, f.numerator, f.denominator, text, _counts_text(ind, f), note=note)


def _target_note(ind: Indicator, t: Target, with_unit: bool = False) -> str:
    if ind.polarity not in (judge.UP, judge.DOWN):
        return f"{t.source}; not rated (for information)"
    if t.tolerance <= 0:
        return f"{t.source}; no tolerance"
    edge = t.value - t.tolerance if ind.polarity == judge.UP else t.value + t.tolerance
    shown = fmt.value(edge, ind.unit, ind.decimals) if ind.unit == "%" or with_unit else fmt.number(edge, ind.decimals)
    return f"{t.source}; amber to {shown}"


def _counts_text(ind: Indicator, f) -> str:
    """The numbers behind a figure: "61 of 80" for a share or rate; for an average, what it is over
    ("30 proceedings") where the catalogue's phrase names it, else "1,236 / 30"."""
    if ind.unit == "%" or ind.per_population:
        return fmt.counts(f.numerator, f.denominator, ind.unit)
    phrase = words.PHRASES.get(ind.id)
    if phrase and phrase.noun and f.denominator is not None:
        return f"{fmt.count(f.denominator)} {phrase.noun}"
    return fmt.counts(f.numerator, f.denominator, ind.unit)


def headline_indicators(data: ReportData, config: Config) -> tuple[list[Indicator], list[Indicator]]:
    """(the scorecard's indicators, those left to their area sections), both in catalogue order."""
    present = data.indicators()
    if config.headline:
        chosen = [i for i in present if i.id in set(config.headline)]
    else:
        candidates = [i for i in present if not i.shares]
        picked = [i for i in candidates if i.id in config.targets][:HEADLINE_MAX]
        # Fill the rest area by area, the first of each area's other indicators, then the second, ...
        queues: dict[str, list[Indicator]] = {}
        for i in candidates:
            if i not in picked:
                queues.setdefault(i.area, []).append(i)
        while len(picked) < HEADLINE_MAX and any(queues.values()):
            for area in list(queues):
                if queues[area] and len(picked) < HEADLINE_MAX:
                    picked.append(queues[area].pop(0))
        chosen_ids = {i.id for i in picked}
        chosen = [i for i in candidates if i.id in chosen_ids]
    ids = {i.id for i in chosen}
    return chosen, [i for i in present if i.id not in ids]


def build_row(ind: Indicator, data: ReportData, config: Config, comparators: list[comp.Comparator],
              with_charts: bool = True) -> Row:
    month = data.month
    latest_end = data.latest_end(ind.id)
    step = step_months(ind)
    previous, last_year = add_months(latest_end, -step), add_months(latest_end, -12)
    baseline = config.baseline
    latest = _figure(ind, data, latest_end, month)
    prev = _figure(ind, data, previous, add_months(month, -1))
    ly = _figure(ind, data, last_year, add_months(month, -12))
    base = _figure(ind, data, baseline, baseline) if baseline else None
    target = config.targets.get(ind.id)
    if target is None:
        t_text, t_note = ("For information" if ind.polarity == judge.CONTEXT else "No target"), ""
    else:
        t_text = fmt.value(target.value, ind.unit, ind.decimals) if ind.unit == "%" else fmt.number(target.value, ind.decimals)
        t_note = _target_note(ind, target)
    rating = judge.rag(latest.value, target, ind.polarity, decimals=ind.decimals)
    trend_ends = [add_months(latest_end, -step * k) for k in range(TREND_POINTS - 1, -1, -1)]
    if step > 1:   # annual and quarterly kinds: only the ends that exist, up to 13
        trend_ends = [d for d in trend_ends if data.latest_end(ind.id, d) == d]
    points = [charts.Point(d, data.value(ind.id, d)) for d in trend_ends]
    t_value = target.value if target else None
    title = charts.describe(ind.id, points, ind.unit, ind.decimals, t_value)
    desc = f"{ind.title}, month by month: {charts.listing(points, ind.unit, ind.decimals)}."
    hidden = [d for d in trend_ends if (f := data.figure(ind.id, d)) is not None and f.suppressed]
    if hidden:
        desc += f" {len(hidden)} of these months' figures are not shown because the numbers are small [c]."
        if not any(p.value is not None for p in points):
            title = (f"{ind.id}: the figures for {fmt.month_name(trend_ends[0])} to {fmt.month_name(trend_ends[-1])} "
                     f"are not shown because the numbers are small [c].")
    svg = charts.sparkline_svg(f"trend-{ind.id}", points, t_value, title, desc) if with_charts else ""
    level = comp.SN_MEAN if config.sn_average == "mean" else comp.SN_MEDIAN
    england = comp.latest(comparators, ind.id, comp.ENGLAND, latest_end)
    neighbours = comp.latest(comparators, ind.id, level, latest_end)
    row = Row(
        ind=ind, latest=latest, previous=prev, last_year=ly, baseline=base, target=target,
        target_text=t_text, target_note=t_note, rag=rating, rag_class=RAG_CLASS[rating],
        vs_previous=judge.direction(latest.value, prev.value, ind.polarity, ind.unit),
        vs_baseline=(judge.direction(latest.value, base.value, ind.polarity, ind.unit) if base
                     else judge.Judged(judge.NO_ARROW, "no baseline set")),
        trend_title=title, trend_desc=desc, trend_svg=svg, england=england, neighbours=neighbours, points=points,
        pool=_figure(ind, data, latest_end, month, pool=True) if data.pool_name else None)
    row.sentences = words.indicator_text(
        ind, latest.obs(), prev.obs(), base.obs() if base else None, ly.obs(), target, england, neighbours,
        config.sn_average)
    return row


def build(store: Store, config: Config, snapshot_id: int | None = None, month: dt.date | None = None,
          with_charts: bool = True, data: ReportData | None = None,
          comparators: list[comp.Comparator] | None = None) -> Scorecard:
    """The scorecard's figures and judgements for one month end (default: the latest in the results)."""
    data = data or ReportData(store, config, snapshot_id, month)
    comparators = comp.load(config) if comparators is None else comparators
    month = data.month
    chosen, rest = headline_indicators(data, config)
    areas: dict[str, list[Row]] = {}
    for ind in chosen:
        areas.setdefault(ind.area, []).append(build_row(ind, data, config, comparators, with_charts))
    present = {i.id for i in data.indicators()}
    return Scorecard(
        council=config.council_name, month=month, previous_month=add_months(month, -1),
        last_year_month=add_months(month, -12), baseline=config.baseline, snapshot_id=data.snapshot_id,
        extract_date=data.snapshot.extract_date, catalogue_version=data.catalogue_version,
        current_catalogue_version=catalogue_version(), areas=[Area(n, rs) for n, rs in areas.items()],
        sn_average=config.sn_average, pool=data.pool_name, not_reported=[i for i in catalogue() if i.id not in present],
        not_in_catalogue=data.not_in_catalogue, not_headline=[i for i in rest if i.id in present])


def render(card: Scorecard) -> str:
    """The scorecard alone as an HTML page (the committee report's own template, scorecard part only)."""
    from cscperf.report.committee import render_scorecard_page

    return render_scorecard_page(card)


def write_scorecard(store: Store, config: Config, out_dir, snapshot_id: int | None = None,
                    month: dt.date | None = None):
    """Write `out_dir/scorecard.html` (charts inline as SVG) and return its path."""
    from pathlib import Path

    card = build(store, config, snapshot_id, month)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "scorecard.html"
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(render(card), encoding="utf-8")
    tmp.replace(path)   # a reader never sees half a report
    return path
