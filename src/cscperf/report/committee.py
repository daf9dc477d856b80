"""The committee report: HTML and PDF from one template.

    cover and contents · summary of key areas (the scorecard, two pages) · key messages ·
    restatements · a section per area · deep dives (missing children, visits, courts, workforce) ·
    the committee's action log · about the figures (key, suppression, data notes, definitions)

`build` gathers everything from one snapshot's results (through `ReportData`, so every figure is
suppressed once, before anything is written), the config (targets, baseline, comparators,
threshold), the analysts' notes (`commentary.toml`), the action log and the publications (for
restatements). `render` fills `templates/report.html.j2`; `write` writes `report-YYYY-MM.html` and,
from the same HTML, `report-YYYY-MM.pdf` (WeasyPrint, A4, page numbers, contents with page numbers,
tagged). `only` restricts the report to one part: the scorecard or one deep dive.

Charts are Vega-Lite specs from `report.charts`, rendered to SVG without a browser; each carries a
text alternative written from its figures. Tables are real tables with captions and scoped headers;
RAG and direction are words as well as colours and arrows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cscperf import comparators as comp
from cscperf import judge
from cscperf.config import Config
from cscperf.indicators import catalogue
from cscperf.indicators.breakdowns import AGE_BANDS, NOT_RECORDED, UNALLOCATED
from cscperf.indicators.spec import AREAS, Indicator
from cscperf.report import charts
from cscperf.report import commentary as words
from cscperf.report import formatting as fmt
from cscperf.report import scorecard as sc
from cscperf.report.data import ALL, C, ReportData, add_months
from cscperf.report.safety import COUNT, LABEL, Cell, Table, value_cell
from cscperf.store import Store

DEEP_DIVES = ("missing", "visits", "courts", "workforce")
ONLY = ("scorecard", *DEEP_DIVES)
TREND_MONTHS = 25            # area charts: two years and the month reported
SHOWN_DIMENSIONS = ("team", "age_band")   # child breakdowns a public report shows (sex, ethnicity and
                                          # disability are in the dashboard)
NEVER_SHOWN = ("worker",)                 # a public report never names or singles out a worker
DIMENSION_WORDS = {"team": ("Team", "teams"), "age_band": ("Age", "age bands")}


def dimension_words(dim: str) -> tuple[str, str]:
    """(column heading, plural for sentences): ("Team", "teams"), ("Age at start", "age at start groups")."""
    if dim in DIMENSION_WORDS:
        return DIMENSION_WORDS[dim]
    label = dim.replace("_", " ").capitalize()
    return label, f"{label.lower()} groups"


@dataclass
class Chart:
    id: str
    headline: str        # the message, ten words or fewer
    subtitle: str        # measure, place, period
    svg: str
    alt: str             # the text alternative (also inside the SVG as <title>)


@dataclass
class Block:
    id: str
    heading: str
    sentences: list[str] = field(default_factory=list)
    notes: list[words.Note] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    indicator: Indicator | None = None
    see: str | None = None      # the id of the block with this indicator's chart and tables, elsewhere in the report


@dataclass
class Section:
    id: str
    title: str
    intro: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    notes: list[words.Note] = field(default_factory=list)
    empty: str | None = None
    kind: str = "area"


@dataclass
class Degraded:
    ids: str          # kpis.md ids
    what: str         # what the report would show
    how: str          # what it does instead


@dataclass
class Report:
    council: str
    month: dt.date
    snapshot_id: int
    extract_date: dt.date | None
    catalogue_version: str
    threshold: int
    parts: tuple[str, ...]
    title: str
    scorecard: sc.Scorecard | None = None
    going_well: list[str] = field(default_factory=list)
    to_improve: list[str] = field(default_factory=list)
    areas: list[Section] = field(default_factory=list)
    deep_dives: list[Section] = field(default_factory=list)
    actions: list | None = None
    actions_archived: int = 0
    restatements: list = field(default_factory=list)
    publication: str = ""
    degraded: list[Degraded] = field(default_factory=list)
    definitions: list[Indicator] = field(default_factory=list)
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    data: ReportData | None = field(default=None, repr=False)

    targets: dict = field(default_factory=dict)
    notes_used: list = field(default_factory=list)

    @property
    def sections(self) -> list[Section]:
        return self.areas + self.deep_dives

    @property
    def block_ids(self) -> set[str]:
        return {b.id for s in self.sections for b in s.blocks}

    def target_text(self, ind: Indicator) -> str:
        t = self.targets.get(ind.id)
        if t is None:
            return "For information" if ind.polarity == judge.CONTEXT else "No target"
        text = f"{fmt.value(t.value, ind.unit, ind.decimals)} ({sc._target_note(ind, t, with_unit=True)})"
        return text


# ---- building ------------------------------------------------------------------------------------

# A breakdown's codes in words: the model's code list for the dimension, where its values are codes.
CODE_LISTS = {"referral_source": "referral_source", "contact_source": "referral_source",
              "primary_need": "category_of_need", "category": "category_of_abuse", "legal_status": "legal_status",
              "factor": "assessment_factor", "reason": "rhi_reason", "placement_type": "placement_type",
              "service": "team_service", "missing_from": "missing_from", "location": "visit_location"}
_NONE_FIRST = re.compile(r"\b(same day|none|no cases|under 1|once)\b", re.I)


def group_label(dimension: str, group: str, names: dict[str, str]) -> str:
    """A breakdown group as a reader sees it: team names, code lists' words, "Not allocated to a team"."""
    from cscperf.model import codes

    if group == UNALLOCATED:
        return {"team": "Not allocated to a team", "worker": "Not allocated to a worker"}.get(dimension, "Not allocated")
    if group == NOT_RECORDED:
        return "Not recorded"
    if dimension == "team":
        text = names.get(group, group)
    else:
        words_ = codes.ALL.get(CODE_LISTS.get(dimension, dimension), {})
        text = words_.get(group, group)
    return text[:1].upper() + text[1:]


def _numeric_key(label: str) -> float | None:
    """The number a band starts at ("6 to 10" -> 6, "Once" -> 1, "Back the same day" -> 0), or None."""
    if _NONE_FIRST.search(label):
        return 0.0 if not label.lower().startswith(("under 1", "once")) else 0.5
    found = re.search(r"\d+(\.\d+)?", label)
    return float(found.group()) if found else None


def group_order(dimension: str, groups: list[str], names: dict[str, str], values: dict[str, float | None] | None = None
                ) -> list[str]:
    """Natural order: age bands young to old; bands that start with a number by that number; teams by
    name; other categories by their latest figure, largest first (when given); unallocated and not
    recorded last."""
    last = {UNALLOCATED: 1, NOT_RECORDED: 2}
    if dimension == "age_band":
        order = [b for _, b in AGE_BANDS]
        return sorted(groups, key=lambda g: (last.get(g, 0), order.index(g) if g in order else 99, g))
    labels = {g: group_label(dimension, g, names) for g in groups}
    keys = {g: _numeric_key(labels[g]) for g in groups}
    if dimension != "team" and sum(k is not None for k in keys.values()) >= max(2, len(groups) - 1):
        return sorted(groups, key=lambda g: (last.get(g, 0), keys[g] if keys[g] is not None else 1e9, labels[g]))
    if dimension != "team" and values is not None:
        return sorted(groups, key=lambda g: (last.get(g, 0), values.get(g) is None, -(values.get(g) or 0), labels[g]))
    return sorted(groups, key=lambda g: (last.get(g, 0), labels[g].lower()))


class Builder:
    def __init__(self, store: Store, config: Config, snapshot_id: int | None = None, month: dt.date | None = None,
                 only: str | None = None, with_charts: bool = True, publishing: int | None = None):
        if only is not None and only not in ONLY:
            raise ValueError(f"--only {only!r}: expected one of {', '.join(ONLY)}")
        self.store, self.config, self.only, self.with_charts = store, config, only, with_charts
        self.publishing = publishing
        self.data = ReportData(store, config, snapshot_id, month)
        self.month = self.data.month
        self.comparators = comp.load(config)
        self.notes = words.load_notes(config.commentary)
        self.threshold = config.suppression_threshold
        self.degraded: list[Degraded] = []
        self._rows: dict[str, sc.Row] = {}
        self._tables = LazyTables(self.data)
        self._pending: list[tuple[object, str, tuple]] = []   # charts to render together, at the end
        self.featured: set[str] = set()      # indicators with a full block (chart, breakdowns) in their area
        self.full_blocks: set[str] = set()

    # -- shared pieces

    def tables(self) -> dict:
        """The snapshot's canonical tables (Ibis), each opened when first asked for."""
        return self._tables

    def coverage(self) -> dict:
        return self.store.coverage(self.data.snapshot_id)

    def has_data(self, *tables: str) -> bool:
        cov = self.coverage()
        return all(t in cov for t in tables)

    def degrade(self, ids: str, what: str, how: str) -> None:
        """Note a measure the report could not take from the catalogue's figures ("(new)": no kpis.md id)."""
        if not any(d.ids == ids and d.what == what for d in self.degraded):
            self.degraded.append(Degraded(ids, what, how))

    def row(self, ind: Indicator) -> sc.Row:
        """The scorecard's row for an indicator (judged, with its sentences), built once."""
        if ind.id not in self._rows:
            self._rows[ind.id] = sc.build_row(ind, self.data, self.config, self.comparators, with_charts=False)
        return self._rows[ind.id]

    def chart(self, chart_id: str, spec: dict, headline: str, subtitle: str, alt_title: str, alt_desc: str) -> Chart:
        """A chart whose SVG is drawn later, with every other chart of the report (render_charts)."""
        c = Chart(chart_id, headline, subtitle, "", f"{alt_title} {alt_desc}")
        if self.with_charts:
            self._pending.append((c, "svg", (spec, chart_id, alt_title, alt_desc)))
        return c

    def render_charts(self) -> None:
        jobs = self._pending
        self._pending = []
        for (obj, attr, _), svg in zip(jobs, charts.render_many([job for _, _, job in jobs])):
            setattr(obj, attr, svg)

    def trend_chart(self, ind: Indicator, prefix: str = "") -> Chart | None:
        """The indicator's last two years against its target, England and the statistical neighbours."""
        latest_end = self.data.latest_end(ind.id)
        step = sc.step_months(ind)
        ends = [add_months(latest_end, -step * k) for k in range(TREND_MONTHS - 1, -1, -1)]
        if step > 1:
            ends = [d for d in ends if self.data.latest_end(ind.id, d) == d][-13:]
        points = [charts.Point(d, self.data.value(ind.id, d)) for d in ends]
        known = [p for p in points if p.value is not None]
        if not known:
            return None
        row = self.row(ind)
        refs = []
        if row.target is not None:
            refs.append(charts.Reference(f"Target {fmt.value(row.target.value, ind.unit, ind.decimals)}",
                                         row.target.value, "target"))
        if row.england is not None:
            refs.append(charts.Reference(f"England {fmt.value(row.england.value, ind.unit, ind.decimals)} "
                                         f"({row.england.time_period})", row.england.value, "England"))
        if row.neighbours is not None:
            refs.append(charts.Reference(f"Similar councils {fmt.value(row.neighbours.value, ind.unit, ind.decimals)} "
                                         f"({row.neighbours.time_period})", row.neighbours.value, "SN"))
        first, last = known[0], known[-1]
        moved = judge.movement(last.value, first.value, ind.unit)
        verb = {"up": "Rose", "down": "Fell"}.get(moved, "Broadly unchanged")
        headline = (f"{verb} from {fmt.value(first.value, ind.unit, ind.decimals)} to "
                    f"{fmt.value(last.value, ind.unit, ind.decimals)} since {fmt.month_name(first.month)}"
                    if moved != "flat" else f"Broadly unchanged since {fmt.month_name(first.month)}")
        subtitle = (f"{ind.title} ({'percentage' if ind.unit == '%' else ind.unit}), {self.config.council_name}, "
                    f"{ind.period}, {fmt.month_name(points[0].month)} to {fmt.month_name(points[-1].month)}")
        title = charts.describe(ind.id, points, ind.unit, ind.decimals, row.target.value if row.target else None)
        desc = f"{ind.title}: {charts.listing(points, ind.unit, ind.decimals)}."
        if refs:
            desc += " Reference lines: " + "; ".join(r.label for r in refs) + "."
        if any((f := self.data.figure(ind.id, d)) is not None and f.suppressed for d in ends):
            desc += " A month with no figure may be one whose figure is suppressed [c]."
        spec = charts.trend_spec(points, ind.unit, ind.decimals, refs)
        return self.chart(f"{prefix}chart-{ind.id}", spec, headline, subtitle, title, desc)

    def counts_cell(self, ind: Indicator, f) -> Cell:
        if f is None:
            return Cell(fmt.DASH, COUNT)
        if f.suppressed:
            return Cell(C, COUNT, True)
        if ind.unit == "%":
            return Cell(f"{fmt.count(f.numerator)} of {fmt.count(f.denominator)}", COUNT)
        if ind.per_population:
            return Cell(fmt.count(f.numerator), COUNT)
        return Cell(fmt.count(f.units), COUNT)

    def breakdown_tables(self, ind: Indicator, prefix: str = "") -> tuple[list[Table], list[str]]:
        """A table per breakdown the public report shows: the figure by group now and at the period it
        is compared with, the numbers behind it and the change; and which group moved most."""
        now_end = self.data.latest_end(ind.id)
        then_end = self.data.comparison_end(ind.id, now_end)
        now_dims, then_dims = self.data.dimensions(ind.id, now_end), self.data.dimensions(ind.id, then_end)
        names = self.data.team_names()
        own = [d for d in ind.breakdowns if d not in NEVER_SHOWN]
        # A distribution is its own breakdowns; any other indicator also shows team and age.
        dims = [d for d in (own if ind.shares else (*SHOWN_DIMENSIONS, *own)) if d in now_dims]
        dims = list(dict.fromkeys(dims))
        tables, movers = [], []
        change_unit = "percentage points" if ind.unit == "%" else ind.unit
        total_now, total_then = self.data.figure(ind.id, now_end), self.data.figure(ind.id, then_end)
        whole_hidden = all(f is None or f.suppressed for f in (total_now, total_then))
        if whole_hidden:
            return [], [f"Breakdowns are not shown: the figures rest on too few children ({C})."] if dims else []
        counts_column = ind.unit != "count"      # a count is its own number
        for dim in dims:
            label, plural = dimension_words(dim)
            now = {f.group: f for f in now_dims.get(dim, [])}
            then = {f.group: f for f in then_dims.get(dim, [])}
            groups = group_order(dim, list(set(now) | set(then)), names, {g: f.value for g, f in now.items()})
            hidden_now = sum(1 for f in now.values() if f.suppressed)
            if not now or hidden_now > 0.6 * len(now):
                movers.append(f"By {label.lower()}: " + ("every group's figure rests" if hidden_now == len(now)
                                                          else "most groups' figures rest")
                              + f" on too few children to show ({C}), so the table is left out.")
                continue
            header = [label, fmt.month_name(then_end), fmt.month_name(now_end)] + (["Numbers"] if counts_column else []) \
                + [f"Change ({change_unit})"]

            def line(name: str, a, b, cls=LABEL) -> list[Cell]:
                av = None if a is None else a.value
                bv = None if b is None else b.value
                change = None
                if av is not None and bv is not None:
                    change = judge.round_half_up(bv, ind.decimals) - judge.round_half_up(av, ind.decimals)
                return [Cell(name, cls),
                        value_cell(av, ind.unit if ind.unit == "%" else "", ind.decimals, a is not None and a.suppressed),
                        value_cell(bv, ind.unit if ind.unit == "%" else "", ind.decimals, b is not None and b.suppressed),
                        *([self.counts_cell(ind, b)] if counts_column else []),
                        Cell(fmt.DASH if change is None else (f"+{fmt.number(change, ind.decimals)}" if change > 0
                                                              else fmt.number(change, ind.decimals).replace("-", "−")),
                             "value")]      # a difference between two figures that are shown, not a count
            body = [line("Whole council", total_then, total_now)]
            body += [line(group_label(dim, g, names), then.get(g), now.get(g)) for g in groups]
            numbers = ("" if not counts_column else "Numbers: the numerator of the denominator. " if ind.unit == "%"
                       else "Numbers: the children counted. " if ind.per_population
                       else "Numbers: how many the average is over. ")
            hidden = any(c.suppressed for r in body for c in r)
            tables.append(Table(
                f"{prefix}bd-{ind.id}-{dim}", f"{ind.id} by {label.lower()}: {fmt.month_name(then_end)} and {fmt.month_name(now_end)}"
                + ("" if ind.unit in ("%", "count") else f" ({ind.unit})"),
                header, body, total_row=0,
                note=(numbers + (f"{C}: not shown, to protect children's identities." if hidden else "")).strip()))
            m = words.largest_mover(ind, plural, [(group_label(dim, g, names),
                                                    then[g].value if g in then else None,
                                                    now[g].value if g in now else None) for g in groups],
                                    then_end, now_end)
            if m:
                movers.append(m)
        return tables, movers

    def distribution_charts(self, ind: Indicator, prefix: str = "") -> list[Chart]:
        """A distribution's latest figures as bars, one chart per breakdown (suppressed bars drawn as [c])."""
        now_end = self.data.latest_end(ind.id)
        dims = self.data.dimensions(ind.id, now_end)
        names = self.data.team_names()
        out = []
        for dim in ind.breakdowns:
            if dim in NEVER_SHOWN or dim not in dims:
                continue
            figs = {f.group: f for f in dims[dim]}
            if all(f.suppressed for f in figs.values()):
                continue
            label, _ = dimension_words(dim)
            bars = []
            for g in group_order(dim, list(figs), names, {g: f.value for g, f in figs.items()}):
                f = figs[g]
                text = C if f.suppressed else (fmt.value(f.value, ind.unit, ind.decimals) if ind.unit == "%"
                                               else fmt.number(f.value, ind.decimals))
                bars.append((group_label(dim, g, names), None if f.suppressed else f.value, text))
            desc = "; ".join(f"{c}: {text}" for c, _, text in bars) + "."
            headline = f"{ind.title} by {label.lower()}"
            subtitle = (f"{ind.title} ({'percentage' if ind.unit == '%' else ind.unit}) by {label.lower()}, "
                        f"{self.config.council_name}, {words.period_phrase(ind.period, now_end)}")
            out.append(self.chart(f"{prefix}bars-{ind.id}-{dim}", charts.bars_spec(bars), headline, subtitle,
                                  f"{headline}, {words.period_phrase(ind.period, now_end)}.", desc))
        return out

    def distribution_sentences(self, ind: Indicator) -> list[str]:
        now_end = self.data.latest_end(ind.id)
        dims = self.data.dimensions(ind.id, now_end)
        whole = self.data.figure(ind.id, now_end)
        names = self.data.team_names()
        out = []
        for dim in ind.breakdowns:
            if dim in NEVER_SHOWN or dim not in dims:
                continue
            _, plural = dimension_words(dim)
            out.append(words.distribution(ind, plural, now_end,
                                          [(group_label(dim, f.group, names), None if f.suppressed else f.value)
                                           for f in dims[dim] if f.group not in (NOT_RECORDED, UNALLOCATED)],
                                          None if whole is None or whole.suppressed else whole.denominator))
        return out

    def indicator_block(self, ind: Indicator, prefix: str = "") -> Block:
        row = self.row(ind)
        block = Block(f"{prefix}ind-{ind.id}", f"{ind.id} {ind.title}", list(row.sentences),
                      words.notes_for(self.notes, self.month, indicator=ind.id), indicator=ind)
        if not prefix:
            self.full_blocks.add(ind.id)
        # A distribution's whole is a count (worth a trend) or a sum of shares (not worth one).
        chart = self.trend_chart(ind, prefix) if not (ind.shares and ind.unit == "%") else None
        if chart:
            block.charts.append(chart)
        if ind.shares:
            block.charts += self.distribution_charts(ind, prefix)
            if ind.unit == "%":     # the whole of a distribution of shares is no figure to talk about
                block.sentences = self.distribution_sentences(ind)
        tables, movers = self.breakdown_tables(ind, prefix)
        block.tables = tables
        block.sentences += movers
        if row.latest.month != self.month:
            block.caveats.append(f"{ind.id} is reported for {ind.period}; its latest figure is for "
                                 f"{fmt.month_name(row.latest.month)}.")
        return block

    # -- parts

    def area_sections(self) -> list[Section]:
        present = {i.id: i for i in self.data.indicators()}
        by_area: dict[str, list[Indicator]] = {}
        for ind in catalogue():
            by_area.setdefault(ind.area, []).append(ind)
        out = []
        for n, area in enumerate(AREAS, start=1):
            section = Section(f"area-{n}", area, notes=words.notes_for(self.notes, self.month, area=area))
            inds = by_area.get(area, [])
            shown = [i for i in inds if i.id in present]
            if not inds:
                section.empty = (f"No indicator for {area.lower()} is in the catalogue yet, so this report has no "
                                 f"figures for it.")
            elif not shown:
                needs = sorted({s for i in inds for s in i.sources} - set(self.coverage()))
                section.empty = (f"The catalogue's {area.lower()} indicator{'s' if len(inds) > 1 else ''} "
                                 f"({', '.join(i.id for i in inds)}) ha{'ve' if len(inds) > 1 else 's'} no figures for "
                                 f"{fmt.month_name(self.month)} in snapshot {self.data.snapshot_id}"
                                 + (f": the data loaded do not include {', '.join(needs)}." if needs else "."))
            else:
                full = [i for i in shown if i.id in self.featured]
                rest = [i for i in shown if i.id not in self.featured and not i.shares]
                spread = [i for i in shown if i.id not in self.featured and i.shares]
                rows = [self.row(i) for i in full]
                earlier = self.config.baseline
                if rows:
                    section.intro.append(words.area_summary(
                        None, self.month, [r.rag for r in rows],
                        [(r.vs_baseline if earlier else r.vs_previous).word for r in rows],
                        fmt.month_name(earlier) if earlier else fmt.month_name(add_months(self.month, -1)))
                        .replace("indicators for", "headline indicators for").replace("indicator for", "headline indicator for"))
                section.blocks = [self.indicator_block(i) for i in full]
                if rest:
                    section.blocks.append(self.others_block(n, area, rest))
                if spread:
                    section.intro.append("Distributions (" + "; ".join(f"{i.id} {i.title[:1].lower() + i.title[1:]}"
                                                                       for i in spread)
                                         + ") are in the dashboard, and in the deep dives the committee asked for.")
            out.append(section)
        return out

    def others_block(self, n: int, area: str, inds: list[Indicator]) -> Block:
        """The area's indicators that are not in the scorecard: one line each, latest figure against the
        same point a year before, England. Their charts and breakdowns are in the dashboard."""
        body = []
        for ind in inds:
            row = self.row(ind)
            ly_move = judge.direction(row.latest.value, row.last_year.value, ind.polarity, ind.unit)
            latest = Cell(row.latest.text + (f" ({fmt.month_name(row.latest.month)})" if row.latest.note else ""),
                          "value", row.latest.suppressed)
            unit = "" if ind.unit == "%" else f" {ind.unit}"
            body.append([Cell(f"{ind.id} {ind.title}{' (' + ind.unit + ')' if unit else ''}", LABEL), latest,
                         Cell(C if row.latest.suppressed else (row.latest.counts or fmt.DASH), COUNT if
                              (ind.unit == "%" or ind.per_population) else "text", row.latest.suppressed),
                         Cell(row.last_year.text, "value", row.last_year.suppressed),
                         Cell(f"{ly_move.arrow} {ly_move.word}", "text"),
                         Cell(row.comparator_text(row.england) + (f" ({row.england.time_period})" if row.england else ""),
                              "value")])
        table = Table(f"others-{n}", f"Other {area.lower()} indicators: latest figure and a year before",
                      ["Indicator", "Latest", "Numbers", "A year before", "Since a year before", "England"], body,
                      numeric_cols=[False, True, True, True, False, True],
                      note="Figures as in the scorecard; charts and breakdowns for these indicators are in the "
                           "dashboard. Definitions are under “About the figures”.")
        return Block(f"others-{n}", f"Other {area.lower()} indicators", tables=[table])

    def key_messages(self, card: sc.Scorecard) -> tuple[list[str], list[str]]:
        """Going well: Green, or improving since the baseline and not Red. Needs to improve: Red, or
        worsening since the baseline. (Since a year before where the baseline month has no figure.)"""
        good, bad = [], []
        for r in card.rows:
            # Against the baseline where it has a figure, else against a year before (as the sentence says).
            has_base = r.baseline is not None and r.baseline.value is not None
            move = r.vs_baseline.word if has_base else judge.direction(
                r.latest.value, r.last_year.value, r.ind.polarity, r.ind.unit).word
            text = f"{r.ind.id}: {r.sentences[0]} Rated {r.rag}." if r.sentences else ""
            if not text or r.latest.value is None:
                continue
            if r.rag == judge.RED or move == judge.WORSENING:
                bad.append(text)
            elif r.rag == judge.GREEN or move == judge.IMPROVING:
                good.append(text)
        return good, bad

    def actions(self) -> tuple[list, int]:
        """Open and in-progress actions, and those closed in the three months to the report month end
        (shown once, then archived); the number archived."""
        from cscperf import actions

        if not self.store.has_table("actions"):
            return [], 0
        found = actions.listing(self.store.con)
        since = add_months(self.month, -3)
        shown = [a for a in found if a.status in ("open", "in progress") or a.updated_at.date() > since]
        return shown, len(found) - len(shown)

    def restatements(self, card: sc.Scorecard | None) -> list:
        from cscperf import published

        if not published.exists(self.store.con):
            return []
        current = {}
        for (ind_id, d, breakdown) in sorted(self.data.shown):
            if breakdown != ALL:
                continue
            f = self.data.figure(ind_id, d)
            from cscperf.indicators import get
            ind = get(ind_id)
            current[(ind_id, d)] = (f.raw_value if not f.suppressed else None, shown_text(ind, f), f.suppressed)
        decimals = {i.id: i.decimals for i in catalogue()}
        found = published.restatements(self.store.con, current, decimals, self.data.snapshot_id,
                                       self.data.snapshot.extract_date, self.data.catalogue_version)
        if card is not None:
            restated = {(r.indicator, r.period_end) for r in found}
            for row in card.rows:
                for f in (row.latest, row.previous, row.last_year, row.baseline):
                    if f is not None and (row.ind.id, f.month) in restated:
                        f.restated = True
        return found

    def publication_status(self) -> str:
        from cscperf import published

        if self.publishing is not None:
            return (f"Published to the committee on {fmt.day(dt.date.today())} (publication {self.publishing}); "
                    f"its figures are frozen in the store.")
        pubs = published.publications(self.store.con, self.month) if published.exists(self.store.con) else []
        if not pubs:
            return "Draft: not yet published to the committee."
        last = pubs[-1]
        same = last.snapshot == self.data.snapshot_id and last.catalogue_version == self.data.catalogue_version
        when = f"{fmt.day(last.published_at.date())} (publication {last.publication_id})"
        if same:
            return f"Published to the committee on {when}, from this snapshot and catalogue version."
        return (f"The figures for {fmt.month_name(self.month)} were published on {when} from snapshot {last.snapshot}; "
                f"this version is from snapshot {self.data.snapshot_id}. Figures that changed are listed under "
                f"Restatements.")

    def build(self) -> Report:
        from cscperf.report import deepdives

        parts = ("scorecard", "areas", *DEEP_DIVES, "actions") if self.only is None else (self.only,)
        title = {None: "Children's social care performance report", "scorecard": "Summary of key areas",
                 "missing": "Missing children", "visits": "Visits to children", "courts": "Care proceedings and the courts",
                 "workforce": "The social work workforce"}[self.only]
        rep = Report(self.config.council_name, self.month, self.data.snapshot_id, self.data.snapshot.extract_date,
                     self.data.catalogue_version, self.threshold, parts, title, data=self.data,
                     targets=dict(self.config.targets))
        if "scorecard" in parts:
            rep.scorecard = sc.build(self.store, self.config, data=self.data, comparators=self.comparators,
                                     with_charts=False)
            for r in rep.scorecard.rows:
                self._rows.setdefault(r.ind.id, r)
                self.featured.add(r.ind.id)
                if self.with_charts and any(p.value is not None for p in r.points):
                    self._pending.append((r, "trend_svg", (charts.spec(r.points, r.target.value if r.target else None),
                                                           f"trend-{r.ind.id}", r.trend_title, r.trend_desc)))
            rep.going_well, rep.to_improve = self.key_messages(rep.scorecard)
        if "areas" in parts:
            rep.areas = self.area_sections()
        for name in DEEP_DIVES:
            if name in parts:
                rep.deep_dives.append(getattr(deepdives, name)(self))
        if "actions" in parts:
            rep.actions, rep.actions_archived = self.actions()
        self.render_charts()
        rep.restatements = self.restatements(rep.scorecard)
        rep.publication = self.publication_status()
        rep.degraded = self.degraded
        rep.notes_used = [n for s in rep.sections for n in s.notes] + [n for s in rep.sections for b in s.blocks
                                                                       for n in b.notes]
        shown_ids = {k[0] for k in self.data.shown}
        rep.definitions = [i for i in catalogue() if i.id in shown_ids]
        return rep


class LazyTables(dict):
    """table name -> the snapshot's canonical table (Ibis), opened on first use (opening all ~40 takes
    over a second; a report needs a few)."""

    def __init__(self, data: ReportData):
        super().__init__()
        self.data = data

    def __missing__(self, name: str):
        backend = self.data.store.ibis()
        t = backend.table(name)
        self[name] = t.filter(t.snapshot_id == self.data.snapshot_id).drop("snapshot_id")
        return self[name]


def shown_text(ind: Indicator, f) -> str:
    if f is None or f.value is None and not f.suppressed:
        return fmt.DASH
    return C if f.suppressed else fmt.value(f.value, ind.unit, ind.decimals)


def build(store: Store, config: Config, snapshot_id: int | None = None, month: dt.date | None = None,
          only: str | None = None, with_charts: bool = True, publishing: int | None = None) -> Report:
    return Builder(store, config, snapshot_id, month, only, with_charts, publishing).build()


# ---- rendering and writing ---------------------------------------------------------------------

@lru_cache(maxsize=1)
def _environment():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["month"] = fmt.month_name
    env.filters["value"] = fmt.value
    env.filters["day"] = fmt.day
    env.filters["first_upper"] = lambda s: s[:1].upper() + s[1:]     # `capitalize` would lower the rest (WF02)
    return env


def _globals() -> dict:
    from markupsafe import Markup

    return {"judge": judge, "fmt": fmt, "band_text": judge.band_text, "trend_points": sc.TREND_POINTS,
            "raw": Markup, "C": C}


def render(rep: Report) -> str:
    return _environment().get_template("report.html.j2").render(rep=rep, card=rep.scorecard, **_globals())


def render_scorecard_page(card: sc.Scorecard) -> str:
    """The scorecard alone (cscperf.report.scorecard.write_scorecard), from the report's template."""
    rep = Report(card.council, card.month, card.snapshot_id, card.extract_date, card.catalogue_version, 0,
                 ("scorecard",), "Summary of key areas", scorecard=card,
                 definitions=[r.ind for r in card.rows], targets={r.ind.id: r.target for r in card.rows if r.target})
    return render(rep)


@dataclass
class Written:
    html: Path
    pdf: Path | None
    report: Report
    seconds_html: float = 0.0
    seconds_pdf: float = 0.0
    pages: int = 0

    def checksums(self) -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (self.html, self.pdf) if p is not None}


def file_stem(month: dt.date, only: str | None) -> str:
    return f"{only or 'report'}-{month:%Y-%m}"


def write(store: Store, config: Config, out_dir: Path, snapshot_id: int | None = None, month: dt.date | None = None,
          only: str | None = None, pdf: bool = True, stem: str | None = None, publishing: int | None = None) -> Written:
    """Write the report as HTML and (unless pdf=False) PDF from the same HTML; return the paths.
    `publishing` is the number of the publication this report is about to become (cscperf publish)."""
    import time

    from cscperf.report import pdf as pdf_mod

    t = time.perf_counter()
    rep = build(store, config, snapshot_id, month, only, publishing=publishing)
    if publishing is not None and stem is None:
        stem = f"{file_stem(rep.month, only)}-publication-{publishing}"
    html = render(rep)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = stem or file_stem(rep.month, only)
    html_path = out_dir / f"{stem}.html"
    tmp = html_path.with_suffix(".html.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(html_path)   # a reader never sees half a report
    written = Written(html_path, None, rep, seconds_html=time.perf_counter() - t)
    if pdf:
        t = time.perf_counter()
        pdf_path = out_dir / f"{stem}.pdf"
        written.pages = pdf_mod.write_pdf(html, pdf_path, title=f"{rep.council}: {rep.title}, {fmt.month_name(rep.month)}")
        written.pdf = pdf_path
        written.seconds_pdf = time.perf_counter() - t
    return written
