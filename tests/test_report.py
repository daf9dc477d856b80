"""The committee scorecard, read back from its HTML against figures worked out by hand.

The store holds hand-made result rows for three indicators:

* CP07 (%, higher is better; target 80%, tolerance 5, local)
    July 2018 (baseline)  23/38 = 60.526%  -> "60.5%"
    March 2023            58/85 = 68.235%  -> "68.2%"
    January 2024          59/80 = 73.75%   -> "73.8%"
    February 2024         60/80 = 75.0%    -> "75.0%" (exactly target - tolerance: Amber, if reported)
    March 2024            61/80 = 76.25%   -> "76.3%" (half up, as a reader rounds), "61 of 80"
    RAG: 76.3 is below 80 but not below 80 - 5 = 75 -> Amber
    vs February: +1.25 pp (band 0.5 pp) -> ↑ improving; vs July 2018: +15.7 pp -> ↑ improving
    August 2023 has no figure; the other months rise between 68.2% and 76.3%.
* TZ01 (weeks, lower is better; target 26 weeks, tolerance 4, national)
    February 2024 1245/30 = 41.5 weeks; March 2024 1236/30 = 41.2 weeks, "41.2" and "1,236 / 30"
    (the scorecard prints the unit once, under the title: "figures in weeks")
    RAG: 41.2 > 26 + 4 -> Red
    vs February: -0.3 weeks, under 1% of 41.5 (0.415) -> → no material change
    no baseline, no March 2023 -> "–", and "no figure to compare"
* TZ02 (per 10,000, context, no target)
    February 2024 360/60,000 -> 60.0; March 2024 412/61,400 -> 67.1 per 10,000, "67.1" and "412 of 61,400"
    RAG: Not rated (no target, and context); vs February: ↑ not judged
"""

from __future__ import annotations

import datetime as dt
import re
import time
from html.parser import HTMLParser

import pyarrow as pa
import pytest
from markupsafe import escape

from helpers import store_with

from cscperf.config import Config, Target, month_end
from cscperf.engine import RESULT_SCHEMA
from cscperf.indicators import get
from cscperf.indicators.spec import CONTEXT, DOWN, REGISTRY, ROLLING_12, SNAPSHOT, Indicator
from cscperf.report import write_scorecard
from cscperf.report.scorecard import add_months, build

VERSION = "test-v1"
M = month_end


def _ind(**meta) -> Indicator:
    return Indicator(build=lambda ctx: None, sources=(), reference="hand-made for tests", **meta)


TZ01 = _ind(id="TZ01", title="Care proceedings: average duration", area="Courts", unit="weeks", polarity=DOWN,
            numerator="Sum of weeks from issue to final order", denominator="Proceedings completed",
            period=ROLLING_12)
TZ02 = _ind(id="TZ02", title="Children looked after per 10,000 <aged 0-17>", area="Looked after children",
            unit="per 10,000", polarity=CONTEXT, numerator="Children looked after at the month end",
            denominator="Children aged 0-17", period=SNAPSHOT, scale=10_000, per_population=True)

CP07_ROWS = {  # month end -> (numerator, denominator)
    M(2018, 7): (23, 38),
    M(2023, 3): (58, 85), M(2023, 4): (56, 81), M(2023, 5): (57, 81), M(2023, 6): (57, 80),
    M(2023, 7): (58, 80),                       M(2023, 9): (58, 79), M(2023, 10): (59, 80),
    M(2023, 11): (59, 79), M(2023, 12): (59, 79), M(2024, 1): (59, 80), M(2024, 2): (60, 80),
    M(2024, 3): (61, 80),
}


def _row(ind, d, num, den, value, sid):
    return dict(indicator=ind, period_end=d, breakdown="all", numerator=float(num), denominator=float(den),
                value=value, units=int(den), snapshot=sid, catalogue_version=VERSION)


@pytest.fixture
def scorecard_store(tmp_path, monkeypatch):
    monkeypatch.setitem(REGISTRY, "TZ01", TZ01)
    monkeypatch.setitem(REGISTRY, "TZ02", TZ02)
    store, sid = store_with(tmp_path / "x.duckdb", {"cp_plans": []}, dt.date(2024, 4, 5))
    rows = [_row("CP07", d, n, den, round(n / den * 100, 6), sid) for d, (n, den) in CP07_ROWS.items()]
    rows += [_row("TZ01", M(2024, 2), 1245, 30, 41.5, sid), _row("TZ01", M(2024, 3), 1236, 30, 41.2, sid)]
    rows += [_row("TZ02", M(2024, 2), 360, 60000, 60.0, sid), _row("TZ02", M(2024, 3), 412, 61400, 67.100977, sid)]
    # A breakdown row must not be mistaken for the whole authority.
    rows.append({**_row("CP07", M(2024, 3), 1, 10, 10.0, sid), "breakdown": "team=North"})
    store.replace_results(sid, VERSION, pa.Table.from_pylist(rows, schema=RESULT_SCHEMA))
    config = Config(council_name="Glossop & <District> Council", baseline=M(2018, 7),
                    targets={"CP07": Target(80.0, 5.0, "local"), "TZ01": Target(26.0, 4.0, "national")})
    yield store, sid, config
    store.close()


class Cells(HTMLParser):
    """Text of every element with a class, per scorecard row (tr id="row-XXX"), plus every <svg>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: dict[str, dict[str, str]] = {}
        self.svgs: list[dict] = []
        self.row: str | None = None
        self.stack: list[tuple[str, list[str]]] = []
        self.row_order: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and (a.get("id") or "").startswith("row-"):
            self.row = a["id"][4:]
            self.rows[self.row] = {}
            self.row_order.append(self.row)
        if tag == "svg":
            self.svgs.append({"attrs": a, "row": self.row, "title": None, "desc": None})
        if tag in ("title", "desc") and self.svgs and self.stack and any(t == "svg" for t, _ in self.stack):
            self.svgs[-1][tag + "_id"] = a.get("id")
        self.stack.append((tag, (a.get("class") or "").split()))

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break
        if tag == "tr":
            self.row = None

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] in ("title", "desc") and any(t == "svg" for t, _ in self.stack):
            key = self.stack[-1][0]
            self.svgs[-1][key] = (self.svgs[-1][key] or "") + data
        if self.row is None:
            return
        for _tag, classes in self.stack:
            for c in classes:
                cells = self.rows[self.row]
                cells[c] = cells.get(c, "") + data


def read(path) -> tuple[str, Cells]:
    html = path.read_text(encoding="utf-8")
    p = Cells()
    p.feed(html)
    return html, p


def squash(text: str) -> str:
    return " ".join(text.split())


def test_scorecard_figures_match_hand_working(scorecard_store, tmp_path):
    store, sid, config = scorecard_store
    path = write_scorecard(store, config, tmp_path / "out")
    assert path == tmp_path / "out" / "scorecard.html"
    html, p = read(path)

    cp = {k: squash(v) for k, v in p.rows["CP07"].items()}
    assert cp["latest"] == "76.3%61 of 80"
    assert squash(re.search(r'class="num latest"><span class="value">(.*?)</span>', html).group(1)) == "76.3%"
    assert cp["counts"] == "61 of 80"
    assert cp["previous"] == "75.0%"
    assert cp["last-year"] == "68.2%"
    assert cp["baseline"] == "60.5%"
    assert cp["target"] == "80.0% (local)amber to 75.0%"
    assert cp["rag"] == "Amber" and "rag-amber" in html
    assert cp["dot-previous"] == "↑ improving"
    assert cp["dot-baseline"] == "↑ improving"
    assert get("CP07").title in cp["indicator"] and "(higher is better)" in cp["indicator"]

    tz1 = {k: squash(v) for k, v in p.rows["TZ01"].items()}
    assert tz1["latest"] == "41.2" + "1,236 / 30" and tz1["counts"] == "1,236 / 30"
    assert tz1["previous"] == "41.5"
    assert "(lower is better; figures in weeks)" in tz1["indicator"]
    assert tz1["last-year"] == "–"
    assert tz1["baseline"] == "–"
    assert tz1["rag"] == "Red"
    assert tz1["dot-previous"] == "→ no material change"
    assert tz1["dot-baseline"] == "– no figure to compare"
    assert tz1["target"] == "26.0 (national)amber to 30.0"

    tz2 = {k: squash(v) for k, v in p.rows["TZ02"].items()}
    assert tz2["latest"] == "67.1" + "412 of 61,400" and "figures in per 10,000" in tz2["indicator"]
    assert tz2["rag"] == "Not rated"
    assert tz2["target"] == "For information"
    assert tz2["dot-previous"] == "↑ not judged"

    # Catalogue order, grouped by area: Child protection, then Looked after children, then Courts.
    assert p.row_order.index("CP07") < p.row_order.index("TZ02") < p.row_order.index("TZ01")
    assert re.search(r'<th scope="rowgroup"[^>]*>Child protection</th>', html)


def test_scorecard_is_an_accessible_table(scorecard_store, tmp_path):
    store, sid, config = scorecard_store
    html, p = read(write_scorecard(store, config, tmp_path))
    assert '<html lang="en-GB">' in html
    assert "<table" in html and "<caption" in html and "March 2024" in html
    assert len(re.findall(r'<th scope="col"', html)) == 12
    assert re.search(r'<th scope="row" class="indicator">.*?CP07', html)
    assert "Glossop &amp; &lt;District&gt; Council" in html and "<District>" not in html   # autoescaped
    assert "&lt;aged 0-17&gt;" in html
    assert f"Snapshot {sid}, extracted 5 April 2024" in html and f"catalogue version {VERSION}" in html
    for word in ("Green", "Amber", "Red", "Not rated", "no material change", "0.5 percentage points"):
        assert word in html.split('id="key-heading"')[1].split("</section>")[0]
    # Definitions: each indicator's numerator, denominator and reference.
    defs = html.split('id="definitions"')[1]
    cp07 = get("CP07")
    for text in (cp07.numerator, cp07.denominator, cp07.reference):
        assert str(escape(text)) in defs
    assert "Sum of weeks from issue to final order" in defs


def test_each_trend_is_inline_svg_with_words(scorecard_store, tmp_path):
    store, sid, config = scorecard_store
    html, p = read(write_scorecard(store, config, tmp_path))
    charts = {s["row"]: s for s in p.svgs}
    assert set(charts) == {"CP07", "TZ01", "TZ02"}
    for ref, svg in charts.items():
        assert svg["attrs"]["role"] == "img"
        assert svg["attrs"]["aria-labelledby"] == f"{svg['title_id']} {svg['desc_id']}"
        assert svg["title"].startswith(ref)
    assert charts["CP07"]["title"] == ("CP07 rose from 68.2% in March 2023 to 76.3% in March 2024. "
                                       "No figure for 1 of the 13 months. Target 80.0%.")
    assert "Aug 2023 no figure" in charts["CP07"]["desc"] and "Mar 2024 76.3%" in charts["CP07"]["desc"]
    assert charts["TZ01"]["title"] == ("TZ01 was broadly unchanged, going from 41.5 weeks in February 2024 "
                                       "to 41.2 weeks in March 2024. No figure for 11 of the 13 months. "
                                       "Target 26.0 weeks.")
    assert charts["TZ02"]["title"].startswith("TZ02 rose from 60.0 per 10,000 in February 2024 to 67.1 per 10,000")
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "ids must be unique in the page"
    # The target is drawn as a dashed rule where there is one (CP07, TZ01), not for TZ02.
    svgs = dict(zip([s["row"] for s in p.svgs], re.findall(r"<svg\b.*?</svg>", html, flags=re.S)))
    assert "stroke-dasharray" in svgs["CP07"] and "stroke-dasharray" not in svgs["TZ02"]


def test_a_chosen_month(scorecard_store, tmp_path):
    store, sid, config = scorecard_store
    # Any day in February 2024 means the February month end. 75.0% is exactly target - tolerance: Amber.
    html, p = read(write_scorecard(store, config, tmp_path, snapshot_id=sid, month=dt.date(2024, 2, 10)))
    cp = {k: squash(v) for k, v in p.rows["CP07"].items()}
    assert cp["latest"] == "75.0%60 of 80"
    assert cp["previous"] == "73.8%"          # January 59/80 = 73.75%, half up
    assert cp["last-year"] == "–"             # no figure for February 2023
    assert cp["rag"] == "Amber"
    assert cp["dot-previous"] == "↑ improving"


def test_no_target_says_not_rated(scorecard_store, tmp_path):
    store, sid, config = scorecard_store
    config.targets.clear()
    html, p = read(write_scorecard(store, config, tmp_path))
    cp = {k: squash(v) for k, v in p.rows["CP07"].items()}
    assert cp["rag"] == "Not rated"
    assert cp["target"] == "No target"
    assert cp["dot-previous"] == "↑ improving"      # direction is still judged without a target


def test_no_baseline_set(scorecard_store, tmp_path):
    store, sid, config = scorecard_store
    config.baseline = None
    html, p = read(write_scorecard(store, config, tmp_path))
    assert squash(p.rows["CP07"]["baseline"]) == "–"
    assert squash(p.rows["CP07"]["dot-baseline"]) == "– no baseline set"
    assert "(not set)" in html


def test_add_months():
    assert add_months(dt.date(2024, 3, 31), -1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 3, 31), -12) == dt.date(2023, 3, 31)
    assert add_months(dt.date(2024, 1, 31), -1) == dt.date(2023, 12, 31)


def test_many_indicators_are_fast(tmp_path, monkeypatch):
    """15 indicators x 72 months well under 5 s (one vl-convert start, then a few hundredths a chart)."""
    store, sid = store_with(tmp_path / "x.duckdb", {"cp_plans": []}, dt.date(2024, 4, 5))
    months = [add_months(M(2018, 4), k) for k in range(72)]
    rows = []
    for k in range(15):
        ind = _ind(id=f"TY{k:02d}", title=f"Indicator {k}", area="Workforce", unit="%", polarity="up",
                   numerator="n", denominator="d", period=SNAPSHOT)
        monkeypatch.setitem(REGISTRY, ind.id, ind)
        rows += [_row(ind.id, d, 40 + (i * k) % 30, 80, (40 + (i * k) % 30) / 80 * 100, sid) for i, d in enumerate(months)]
    store.replace_results(sid, VERSION, pa.Table.from_pylist(rows, schema=RESULT_SCHEMA))
    t = time.perf_counter()
    card = build(store, Config(), sid)
    elapsed = time.perf_counter() - t
    store.close()
    assert len([r for r in card.rows if r.ind.id.startswith("TY")]) == 15
    assert all(r.trend_svg.startswith("<svg") for r in card.rows if r.ind.id.startswith("TY"))
    assert elapsed < 5
