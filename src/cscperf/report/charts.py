"""Trend sparklines: Vega-Lite (altair) rendered to SVG by vl-convert, no browser needed.

Each chart carries its own text alternative, written from the figures on every run
(committee-reports.md §10, SC 1.1.1): a `<title>` sentence saying what happened ("CP07 rose from
68.2% in March 2023 to 76.3% in March 2024") and a `<desc>` listing every month's figure, so the
chart can be read without seeing it. The root is `role="img"`, labelled by both.

altair and vl_convert are imported on first use (stack-notes §2). vl-convert's first render starts
its JavaScript runtime (~0.5 s); later ones take a few hundredths of a second. `warm_up()` pays that
cost up front, e.g. when a web server starts.
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
WIDTH, HEIGHT = 96, 28


@dataclass(frozen=True)
class Point:
    month: dt.date
    value: float | None


_warm = False


def _vlc():
    import vl_convert

    return vl_convert


def warm_up() -> None:
    """Start vl-convert's JavaScript runtime once per process."""
    global _warm
    if not _warm:
        _vlc().vegalite_to_svg({"data": {"values": [{"x": 0}]}, "mark": "point", "encoding": {"x": {"field": "x", "type": "quantitative"}}})
        _warm = True


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
    import altair as alt

    values = [{"i": i, "v": p.value} for i, p in enumerate(points)]
    known = [p.value for p in points if p.value is not None] + ([target] if target is not None else [])
    lo, hi = min(known), max(known)
    pad = (hi - lo) * 0.08 if hi > lo else max(abs(hi) * 0.05, 1.0)
    x = alt.X("i:Q", axis=None, scale=alt.Scale(domain=[0, max(len(points) - 1, 1)]))
    y = alt.Y("v:Q", axis=None, scale=alt.Scale(zero=False, nice=False, domain=[lo - pad, hi + pad]))
    base = alt.Chart(alt.Data(values=values))
    layers = []
    if target is not None:
        layers.append(alt.Chart(alt.Data(values=[{"v": target}]))
                      .mark_rule(color=TARGET, strokeDash=[3, 2], strokeWidth=1).encode(y=y))
    layers.append(base.mark_line(color=LINE, strokeWidth=1.5, invalid="break-paths-show-domains").encode(x=x, y=y))
    layers.append(base.mark_circle(color=LINE, size=7, opacity=1).encode(x=x, y=y))
    last = len(points) - 1
    layers.append(base.transform_filter(f"datum.i == {last} && isValid(datum.v)")
                  .mark_circle(color=LINE, size=30, opacity=1).encode(x=x, y=y))
    chart = (alt.layer(*layers).properties(width=WIDTH, height=HEIGHT, padding=3)
             .configure(aria=False, background="white").configure_view(stroke=None))
    return chart.to_dict(validate=False)


def _safe_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)


def sparkline_svg(chart_id: str, points: list[Point], target: float | None, title: str, desc: str) -> str:
    """An inline SVG sparkline whose accessible name is `title` and description `desc`.

    Returns "" when there is no figure to draw (the caller prints the title as text instead).
    """
    if not any(p.value is not None for p in points):
        return ""
    global _warm
    svg = _vlc().vegalite_to_svg(spec(points, target))
    _warm = True
    cid = _safe_id(chart_id)
    head = (f'<svg role="img" aria-labelledby="{cid}-title {cid}-desc" focusable="false" id="{cid}" ')
    svg = svg.replace("<svg ", head, 1)
    svg = re.sub(r"(<svg\b[^>]*>)",
                 lambda m: f'{m.group(1)}<title id="{cid}-title">{escape(title)}</title>'
                           f'<desc id="{cid}-desc">{escape(desc)}</desc>', svg, count=1)
    # Vega names clip paths and gradients by counters that restart per chart; keep them unique in one page.
    return re.sub(r'\b(id="|url\(#|href="#)(clip|gradient|pattern)(\d+)', rf"\1{cid}-\2\3", svg)
