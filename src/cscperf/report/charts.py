"""Trend sparklines: Vega-Lite (altair) rendered to SVG by vl-convert, no browser needed.

Each chart carries its own text alternative, written from the figures on every run
(committee-reports.md §10, SC 1.1.1): a `<title>` sentence saying what happened ("CP07 rose from
68.2% in March 2023 to 76.3% in March 2024") and a `<desc>` listing every month's figure, so the
chart can be read without seeing it. The root is `role="img"`, labelled by both.

altair and vl_convert are imported on first use (stack-notes §2). vl-convert's first render starts
its JavaScript runtime (~0.5 s); later ones take a few hundredths of a second. `warm_up()` pays that
cost up front, e.g. when a web server starts.

Spec builders (`spec`, `trend_spec`, `bars_spec`, `lines_spec`) return plain Vega-Lite dicts and do
no rendering, so the dashboard can hand the same specs to vega-embed; `render` turns any spec into an
accessible inline SVG. Styling follows committee-reports.md §10: Analysis Function colours, every
series told apart by its dash pattern as well as its colour (greyscale-safe), direct labels instead
of legends, horizontal text, a zero baseline, and no figure drawn for a suppressed value.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html import escape

from cscperf import judge
from cscperf.report import formatting as fmt

LINE = "#12436D"     # Analysis Function dark blue, 10:1 on white
TARGET = "#3D3D3D"   # dark grey, dashed; 11:1 on white (SC 1.4.11 needs 3:1)
ENGLAND = "#801650"  # AF dark pink, dotted; 9.8:1
SN = "#28A197"       # AF turquoise, dash-dot; 3.2:1 (lines need 3:1; its label text is dark grey)
TEXT = "#0b0c0c"
MUTED = "#3D3D3D"
FONT = "Liberation Sans, Arial, DejaVu Sans, sans-serif"
WIDTH, HEIGHT = 96, 28
DASHES = {"target": [6, 3], "England": [2, 2], "SN": [7, 2, 2, 2]}


@dataclass(frozen=True)
class Point:
    month: dt.date
    value: float | None


_warm = False


def _vlc():
    import vl_convert

    return vl_convert


_renderer = None     # a process that renders charts, for a server (see `render_in_own_process`)
_TINY = {"data": {"values": [{"x": 0}]}, "mark": "point", "encoding": {"x": {"field": "x", "type": "quantitative"}}}


def warm_up() -> None:
    """Start vl-convert's JavaScript runtime once per process (or in the rendering process)."""
    global _warm
    if _renderer is not None:
        _renderer.submit(_svg_here, _TINY).result()
    elif not _warm:
        _vlc().vegalite_to_svg(_TINY)
        _warm = True


def render_in_own_process(on: bool = True) -> None:
    """Render charts in a separate process from now on (or stop doing so).

    vl-convert holds Python's global lock for the whole of a render (50-130 ms a chart, measured), so
    in a web server every other request stops while a chart is drawn. In its own process the
    drawing runs on another core and the server goes on answering. A command that only renders
    (the report) has nothing to gain and keeps rendering in-process."""
    global _renderer
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if on and _renderer is None:
        # spawn, not fork: the server has threads (and DuckDB's), which a fork would copy mid-flight.
        _renderer = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    elif not on and _renderer is not None:
        _renderer.shutdown(wait=False, cancel_futures=True)
        _renderer = None


def _svg_here(chart_spec: dict) -> str:
    return compact(_vlc().vegalite_to_svg(chart_spec))


def describe(ref: str, points: list[Point], unit: str, decimals: int, target: float | None = None) -> str:
    """The trend in one or two plain-English sentences, from the figures."""
    known = [p for p in points if p.value is not None]
    if not points:
        return f"{ref}: no figures to chart."
    span = f"{fmt.month_name(points[0].month)} to {fmt.month_name(points[-1].month)}"
    if not known:
        return f"{ref}: no figures for {span}."

    def v(p: Point) -> str:
        return fmt.value(p.value, unit, decimals)

    first, last = known[0], known[-1]
    if first is last:
        text = f"{ref} was {v(last)} in {fmt.month_name(last.month)}, the only figure for {span}."
    else:
        moved = judge.movement(last.value, first.value, unit)
        verb = {"up": "rose", "down": "fell"}.get(moved, "was broadly unchanged, going")
        text = f"{ref} {verb} from {v(first)} in {fmt.month_name(first.month)} to {v(last)} in {fmt.month_name(last.month)}."
        low = min(known, key=lambda p: p.value)
        high = max(known, key=lambda p: p.value)
        if len(known) > 2 and (low.value < min(first.value, last.value) or high.value > max(first.value, last.value)):
            text += (f" Lowest {v(low)} ({fmt.month_name(low.month)}), "
                     f"highest {v(high)} ({fmt.month_name(high.month)}).")
    missing = len(points) - len(known)
    if missing:
        text += f" No figure for {missing} of the {len(points)} months."
    if target is not None:
        text += f" Target {fmt.value(target, unit, decimals)}."
    return text


def listing(points: list[Point], unit: str, decimals: int) -> str:
    """Every month's figure in words: the chart as text."""
    return "; ".join(f"{p.month:%b %Y} {fmt.value(p.value, unit, decimals) if p.value is not None else 'no figure'}"
                     for p in points)


def spec(points: list[Point], target: float | None) -> dict:
    """The Vega-Lite spec of a sparkline: the line, a dot per month, the latest dot larger, the target dashed."""
    values = [{"i": i, "v": p.value} for i, p in enumerate(points)]
    known = [p.value for p in points if p.value is not None] + ([target] if target is not None else [])
    lo, hi = min(known), max(known)
    pad = (hi - lo) * 0.08 if hi > lo else max(abs(hi) * 0.05, 1.0)
    x = {"field": "i", "type": "quantitative", "axis": None, "scale": {"domain": [0, max(len(points) - 1, 1)]}}
    y = {"field": "v", "type": "quantitative", "axis": None,
         "scale": {"zero": False, "nice": False, "domain": [lo - pad, hi + pad]}}
    data = {"values": values}
    layers = []
    if target is not None:
        layers.append({"data": {"values": [{"v": target}]},
                       "mark": {"type": "rule", "color": TARGET, "strokeDash": [3, 2], "strokeWidth": 1},
                       "encoding": {"y": y}})
    layers.append({"data": data, "mark": {"type": "line", "color": LINE, "strokeWidth": 1.5,
                                          "invalid": "break-paths-show-domains"}, "encoding": {"x": x, "y": y}})
    layers.append({"data": data, "mark": {"type": "circle", "color": LINE, "size": 7, "opacity": 1},
                   "encoding": {"x": x, "y": y}})
    last = len(points) - 1
    layers.append({"data": data, "transform": [{"filter": f"datum.i == {last} && isValid(datum.v)"}],
                   "mark": {"type": "circle", "color": LINE, "size": 30, "opacity": 1}, "encoding": {"x": x, "y": y}})
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "width": WIDTH, "height": HEIGHT,
            "padding": 3, "layer": layers, "config": {"aria": False, "background": "white", "view": {"stroke": None}}}


def _safe_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)


def sparkline_svg(chart_id: str, points: list[Point], target: float | None, title: str, desc: str) -> str:
    """An inline SVG sparkline whose accessible name is `title` and description `desc`.

    Returns "" when there is no figure to draw (the caller prints the title as text instead).
    """
    if not any(p.value is not None for p in points):
        return ""
    return render(spec(points, target), chart_id, title, desc)


# ---- charts for the report's sections and deep dives (the dashboard's too) ------------------------

@dataclass(frozen=True)
class Reference:
    """A horizontal reference line: the target, England, the statistical neighbours."""
    label: str           # direct label, e.g. "Target 80.0%" or "England 11.0% (2023-24)"
    value: float
    kind: str            # "target", "England" or "SN"


def _config(width: int, height: int) -> dict:
    return {"font": FONT, "background": "white", "view": {"stroke": None},
            "axis": {"labelFontSize": 10, "titleFontSize": 10, "labelColor": TEXT, "titleColor": TEXT,
                     "domainColor": MUTED, "tickColor": MUTED, "gridColor": "#dedede"},
            "text": {"fontSize": 10, "color": TEXT}, "aria": False}


def _spread(values: list[float], gap: float) -> list[float]:
    """Label positions near `values`, at least `gap` apart (labels at a line's end must not overlap)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    placed: dict[int, float] = {}
    last = None
    for i in order:
        y = values[i] if last is None else max(values[i], last + gap)
        placed[i] = y
        last = y
    return [placed[i] for i in range(len(values))]


def _month_axis(points: list[Point]) -> dict:
    """A tick every six months for monthly figures; for yearly (or quarterly) ones, a tick per figure
    labelled with its year (or month and year), so a handful of points is not crowded with labels."""
    axis = {"title": None, "labelAngle": 0, "grid": False, "labelFlush": True}
    if len(points) >= 2 and (points[1].month - points[0].month).days > 45:
        yearly = (points[1].month - points[0].month).days > 200
        return {**axis, "values": [p.month.replace(day=1).isoformat() for p in points],
                "format": "%Y" if yearly else "%b %Y"}
    return {**axis, "format": "%b %Y", "tickCount": {"interval": "month", "step": 6}}


def trend_spec(points: list[Point], unit: str, decimals: int, references: list[Reference] = (),
               width: int = 420, height: int = 150) -> dict:
    """A monthly line against its target and comparators, each a labelled reference line.

    Months with no figure (or a suppressed one) break the line; the latest figure is labelled."""
    values = [{"month": p.month.isoformat(), "v": p.value} for p in points]
    known = [p.value for p in points if p.value is not None]
    top = max(known + [r.value for r in references] + [0.0])
    top = top * 1.08 if top > 0 else 1.0
    if unit == "%":
        top = min(max(top, 10.0), 100.0)
    y = {"field": "v", "type": "quantitative", "scale": {"domain": [0, top], "nice": False},
         "axis": {"title": None, "tickCount": 4, "format": ",.0f", "labelExpr": "datum.label + '" + ("%" if unit == "%" else "") + "'"}}
    x = {"field": "month", "type": "temporal", "timeUnit": "yearmonth", "axis": _month_axis(points)}
    layers: list[dict] = []
    first, last = points[0].month.isoformat(), points[-1].month.isoformat()
    label_x = last
    refs = list(references)
    label_rows = []
    if refs:
        gap = top * 0.075
        spread = _spread([r.value for r in refs], gap)
        for r, at in zip(refs, spread):
            color = {"target": TARGET, "England": ENGLAND, "SN": SN}[r.kind]
            layers.append({"data": {"values": [{"month": first, "v": r.value}, {"month": last, "v": r.value}]},
                           "mark": {"type": "line", "color": color, "strokeWidth": 1.5, "strokeDash": DASHES[r.kind]},
                           "encoding": {"x": x, "y": y}})
            label_rows.append({"month": label_x, "v": at, "text": r.label})
    layers.append({"data": {"values": values},
                   "mark": {"type": "line", "color": LINE, "strokeWidth": 2.2, "invalid": "break-paths-show-domains"},
                   "encoding": {"x": x, "y": y}})
    layers.append({"data": {"values": values},
                   "mark": {"type": "point", "filled": True, "color": LINE, "size": 14, "opacity": 1},
                   "encoding": {"x": x, "y": y}})
    latest = next((p for p in reversed(points) if p.value is not None), None)
    if latest is not None:
        # Above the point, unless a reference line runs just above it (then below).
        crowded = any(0 <= r.value - latest.value <= top * 0.12 for r in refs)
        layers.append({"data": {"values": [{"month": latest.month.isoformat(), "v": latest.value,
                                            "text": fmt.value(latest.value, unit, decimals) if unit == "%"
                                            else fmt.number(latest.value, decimals)}]},
                       "mark": {"type": "text", "align": "right", "dx": -4, "dy": 12 if crowded else -9,
                                "fontWeight": "bold", "color": LINE},
                       "encoding": {"x": x, "y": y, "text": {"field": "text"}}})
    if label_rows:
        layers.append({"data": {"values": label_rows},
                       "mark": {"type": "text", "align": "left", "dx": 6, "baseline": "middle", "color": MUTED},
                       "encoding": {"x": x, "y": y, "text": {"field": "text"}}})
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "width": width, "height": height,
            "padding": {"left": 4, "right": 8, "top": 8, "bottom": 4},
            "layer": layers, "config": _config(width, height)}


def bars_spec(bars: list[tuple[str, float | None, str]], unit: str = "", width: int = 380,
              rule: tuple[str, float] | None = None) -> dict:
    """Horizontal bars in the order given: (category, value, label). A value of None (suppressed or
    no figure) draws no bar, only its label ("[c]"). `rule` marks a value, e.g. ("26 weeks", 26)."""
    rows = [{"cat": c, "v": v if v is not None else 0, "label": label, "order": i}
            for i, (c, v, label) in enumerate(bars)]
    top = max([r["v"] for r in rows] + [1])
    height = 18 * max(len(rows), 1)
    y = {"field": "cat", "type": "nominal", "sort": {"field": "order"},
         "axis": {"title": None, "labelLimit": 190, "ticks": False, "domain": False}}
    x = {"field": "v", "type": "quantitative", "scale": {"domain": [0, top * 1.18], "nice": False},
         "axis": None}
    layers = [
        {"mark": {"type": "bar", "color": LINE, "height": 12}, "encoding": {"y": y, "x": x}},
        {"mark": {"type": "text", "align": "left", "dx": 4, "baseline": "middle", "color": TEXT},
         "encoding": {"y": y, "x": x, "text": {"field": "label"}}},
    ]
    if rule is not None:
        layers.append({"data": {"values": [{"v": rule[1], "label": rule[0]}]},
                       "mark": {"type": "rule", "color": TARGET, "strokeDash": DASHES["target"], "strokeWidth": 1.5},
                       "encoding": {"x": x}})
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "width": width, "height": height,
            "data": {"values": rows}, "padding": 4, "layer": layers, "config": _config(width, height)}


def lines_spec(series: list[tuple[str, list[Point]]], unit: str = "", decimals: int = 0,
               width: int = 420, height: int = 150) -> dict:
    """Several monthly lines, each labelled at its end (no legend); the first solid, the others dashed."""
    styles = [(LINE, None), (ENGLAND, DASHES["England"]), (SN, DASHES["SN"]), (TARGET, DASHES["target"])]
    known = [p.value for _, pts in series for p in pts if p.value is not None]
    top = max(known + [1.0]) * 1.1
    if unit == "%":
        top = min(max(top, 10.0), 100.0)
    y = {"field": "v", "type": "quantitative", "scale": {"domain": [0, top], "nice": False},
         "axis": {"title": None, "tickCount": 4, "format": ",.0f",
                  "labelExpr": "datum.label + '" + ("%" if unit == "%" else "") + "'"}}
    x = {"field": "month", "type": "temporal", "timeUnit": "yearmonth",
         "axis": _month_axis(series[0][1] if series else [])}
    layers, labels = [], []
    ends = []
    for k, (name, pts) in enumerate(series):
        color, dash = styles[k % len(styles)]
        mark = {"type": "line", "color": color, "strokeWidth": 2, "invalid": "break-paths-show-domains"}
        if dash:
            mark["strokeDash"] = dash
        layers.append({"data": {"values": [{"month": p.month.isoformat(), "v": p.value} for p in pts]},
                       "mark": mark, "encoding": {"x": x, "y": y}})
        last = next((p for p in reversed(pts) if p.value is not None), None)
        if last is not None:
            ends.append((name, last))
    if ends:
        spread = _spread([p.value for _, p in ends], top * 0.08)
        for (name, p), at in zip(ends, spread):
            labels.append({"month": p.month.isoformat(), "v": at, "text": f"{name}: {fmt.value(p.value, unit, decimals) if unit else fmt.number(p.value, decimals)}"})
        layers.append({"data": {"values": labels},
                       "mark": {"type": "text", "align": "left", "dx": 6, "baseline": "middle", "color": MUTED},
                       "encoding": {"x": x, "y": y, "text": {"field": "text"}}})
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "width": width, "height": height,
            "padding": {"left": 4, "right": 8, "top": 8, "bottom": 4}, "layer": layers,
            "config": _config(width, height)}


_NOISE = re.compile(r' (?:class|aria-hidden|aria-roledescription|pointer-events|role)="[^"]*"')
_LONG_NUMBER = re.compile(r"(\d\.\d{2})\d+")


def compact(svg: str) -> str:
    """Vega's SVG without what neither a reader nor a printer needs: class names, inner ARIA roles (the
    root is role="img", so its children are presentational anyway), and coordinates to 0.01 px.
    About halves the size, which halves the time WeasyPrint takes to parse it."""
    return _LONG_NUMBER.sub(r"\1", _NOISE.sub("", svg))


def render_many(jobs: list[tuple[dict, str, str, str]], workers: int | None = None) -> list[str]:
    """Render (spec, chart_id, title, desc) jobs to accessible SVGs, several at a time (vl-convert
    renders in its own threads: on two cores four workers take about 40% of the time one does)."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    if not jobs:
        return []
    warm_up()
    workers = workers or min(4, 2 * (os.cpu_count() or 1))
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda job: render(*job), jobs))


def render(chart_spec: dict, chart_id: str, title: str, desc: str) -> str:
    """Any Vega-Lite spec as an inline SVG whose accessible name is `title` and description `desc`."""
    global _warm
    if _renderer is not None:
        svg = _renderer.submit(_svg_here, chart_spec).result()
    else:
        svg = _svg_here(chart_spec)
        _warm = True
    cid = _safe_id(chart_id)
    head = (f'<svg role="img" aria-labelledby="{cid}-title {cid}-desc" focusable="false" id="{cid}" ')
    svg = svg.replace("<svg ", head, 1)
    svg = re.sub(r"(<svg\b[^>]*>)",
                 lambda m: f'{m.group(1)}<title id="{cid}-title">{escape(title)}</title>'
                           f'<desc id="{cid}-desc">{escape(desc)}</desc>', svg, count=1)
    # Vega names clip paths and gradients by counters that restart per chart; keep them unique in one page.
    return re.sub(r'\b(id="|url\(#|href="#)(clip|gradient|pattern)(\d+)', rf"\1{cid}-\2\3", svg)
