"""The synthetic council's committee report, read back as the committee and a checker would read it:
the PDF page by page as images, every table of the HTML for small numbers, the charts, each part alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from helpers import store_with

from cscperf import config as config_mod
from cscperf.cli import app
from cscperf.config import Config, Target, month_end
from cscperf.engine import RESULT_SCHEMA
from cscperf.indicators.spec import AREAS, REGISTRY, SNAPSHOT, Indicator
from cscperf.pipeline import run_demo
from cscperf.report import pdf as pdf_mod
from cscperf.report.committee import ONLY, write
from cscperf.store import Store

pytestmark = pytest.mark.slow
PDFTOPPM = shutil.which("pdftoppm")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("committee") / "council"
    html_path = run_demo(folder, scale=0.1)
    cfg = config_mod.load(folder / "cscperf.toml")
    return folder, cfg, html_path


class Tables(HTMLParser):
    """Every table: its rows of (tag, classes, text); and every SVG's title and description."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.svgs: list[dict] = []
        self._cell = None
        self._row = None
        self._in = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self._in.append(tag)
        if tag == "table":
            self.tables.append({"id": a.get("id"), "class": a.get("class", ""), "rows": [], "caption": ""})
        elif tag == "tr" and self.tables:
            self._row = {"class": a.get("class", ""), "cells": []}
            self.tables[-1]["rows"].append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = {"tag": tag, "class": (a.get("class") or "").split(), "text": ""}
            self._row["cells"].append(self._cell)
        elif tag == "span" and self._cell is not None and "count" in (a.get("class") or "").split():
            self._cell["count_span"] = ""
        elif tag == "svg" and "svg" not in self._in[:-1]:
            self.svgs.append({"id": a.get("id"), "role": a.get("role"), "labelledby": a.get("aria-labelledby"),
                              "title": "", "desc": ""})

    def handle_endtag(self, tag):
        while self._in and self._in.pop() != tag:
            pass
        if tag in ("td", "th"):
            self._cell = None
        if tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._in and self._in[-1] in ("title", "desc") and "svg" in self._in:
            self.svgs[-1][self._in[-1]] += data
            return
        if self._in and self._in[-1] == "caption" and self.tables:
            self.tables[-1]["caption"] += data
        if self._cell is not None:
            self._cell["text"] += data
            if "count_span" in self._cell and self._in[-1] == "span":
                self._cell["count_span"] += data


def parse(html: str) -> Tables:
    p = Tables()
    p.feed(html)
    return p


def numbers(text: str) -> list[int]:
    """Whole numbers in a cell ("61 of 80" -> 61, 80); decimals (FTE, averages) and percentages are not counts."""
    tokens = re.findall(r"\d[\d,]*(?:\.\d+)?%?", text)
    return [int(x.replace(",", "")) for x in tokens if "." not in x and not x.endswith("%")]


# ---- the PDF, page by page --------------------------------------------------------------------------

@pytest.mark.skipif(PDFTOPPM is None, reason="pdftoppm (poppler-utils) is not installed")
def test_pdf_pages_as_images(demo, tmp_path):
    from PIL import Image, ImageStat

    folder, cfg, html_path = demo
    pdf = html_path.with_suffix(".pdf")
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    dpi = 40
    subprocess.run([PDFTOPPM, "-png", "-r", str(dpi), str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"), key=lambda p: int(re.search(r"-(\d+)\.png$", p.name).group(1)))
    html = html_path.read_text(encoding="utf-8")
    doc = pdf_mod.document(html)
    assert len(pages) == len(doc.pages) >= 10
    # No empty page: every page has text or drawing on it (its grey levels vary).
    for n, png in enumerate(pages, start=1):
        stat = ImageStat.Stat(Image.open(png).convert("L"))
        assert stat.var[0] > 20, f"page {n} looks empty"
    # Charts drawn: in the box of every chart, a good share of the pixels are not white.
    images = {n: Image.open(p).convert("L") for n, p in enumerate(pages, start=1)}
    scale = dpi / 96
    boxes = pdf_mod.element_boxes(doc, "fig-")
    assert len(boxes) >= 10
    for ident, page, x, y, w, h in boxes:
        crop = images[page].crop((int(x * scale), int(y * scale), int((x + w) * scale), int((y + h) * scale)))
        inked = sum(crop.histogram()[:200])          # pixels darker than light grey
        assert inked > 0.01 * crop.width * crop.height, f"{ident} on page {page} looks blank"


def test_scorecard_first_and_on_at_most_two_pages(demo):
    folder, cfg, html_path = demo
    html = html_path.read_text(encoding="utf-8")
    # The scorecard is the first part after the cover and contents.
    assert html.index('id="scorecard"') < min(html.index(f'id="{s}"') for s in ("key-messages", "area-1", "missing"))
    pages = pdf_mod.pages_of(html, ["scorecard", "scorecard-end", "key-messages"])
    assert pages["scorecard"] == 2
    assert pages["scorecard-end"] - pages["scorecard"] <= 1
    assert pages["key-messages"] > pages["scorecard-end"]


# ---- the HTML -------------------------------------------------------------------------------------

def test_anatomy_every_area_and_deep_dive_and_the_log(demo):
    folder, cfg, html_path = demo
    html = html_path.read_text(encoding="utf-8")
    assert '<html lang="en-GB">' in html and "Blackwater" in html
    assert "Snapshot 1" in html and "catalogue version" in html and "March 2024" in html
    headings = re.findall(r"<h2 id=\"([^\"]+)-heading\">(.*?)</h2>", html)
    titles = [t for _, t in headings]
    for area in AREAS:
        assert area in titles, f"no section for {area}"
    for dd in ("Missing children", "Visits to children", "Care proceedings and the courts", "The social work workforce"):
        assert f"Deep dive: {dd}" in titles
    assert "The committee’s actions" in titles and "About the figures" in titles
    # The seed minute's two actions, with their owners.
    assert "DCS/Andy Dempsey" in html and "DCS/Andrea Griffiths" in html
    # Commentary written from the figures, for CP07.
    assert re.search(r"<p>\d+\.\d% of children on a child protection plan had been visited in the last 10 working "
                     r"days at the end of March 2024, (up|down|broadly unchanged) from \d+\.\d% in July 2018\.</p>", html)
    # Every h3 sits under an h2 and every table has a caption and column headers.
    p = parse(html)
    for t in p.tables:
        assert t["caption"].strip(), t["id"]
        assert any(c["tag"] == "th" for r in t["rows"] for c in r["cells"])


def test_every_chart_is_an_svg_with_a_text_alternative(demo):
    folder, cfg, html_path = demo
    html = html_path.read_text(encoding="utf-8")
    figures = re.findall(r'<figure class="chart" id="fig-([^"]+)">(.*?)</figure>', html, flags=re.S)
    assert len(figures) >= 10
    for ident, body in figures:
        assert "<svg" in body, f"{ident} has no SVG"
    p = parse(html)
    assert len(p.svgs) >= len(figures)
    for svg in p.svgs:
        assert svg["role"] == "img" and svg["labelledby"] == f"{svg['id']}-title {svg['id']}-desc"
        assert len(svg["title"]) > 10 and len(svg["desc"]) > 10
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "ids must be unique"


def test_no_table_shows_a_count_of_one_to_five(demo):
    folder, cfg, html_path = demo
    html = html_path.read_text(encoding="utf-8")
    p = parse(html)
    checked = 0
    for t in p.tables:
        for r in t["rows"]:
            for c in r["cells"]:
                text = c.get("count_span") if "count_span" in c else (c["text"] if "count" in c["class"] else None)
                if text is None:
                    continue
                checked += 1
                small = [n for n in numbers(text) if 1 <= n <= cfg.suppression_threshold]
                assert not small, f"table {t['id'] or t['caption']!r}: {text!r}"
    assert checked > 100
    assert "[c]" in html
    # Bar charts' labels are counts too.
    for svg in p.svgs:
        if (svg["id"] or "").startswith(("chart-missing", "chart-courts-duration", "chart-workforce", "chart-visits-places")):
            for label, count in re.findall(r"([^:;]+): (\d[\d,]*)(?=;|\.$)", svg["desc"]):
                assert not 1 <= int(count.replace(",", "")) <= cfg.suppression_threshold, (svg["id"], label, count)


def test_a_lone_hidden_cell_never_sits_beside_its_total(demo):
    """Secondary suppression: in a table with a whole row, no count column hides exactly one cell (which
    could be worked out by subtraction), unless the whole is hidden too."""
    folder, cfg, html_path = demo
    p = parse(html_path.read_text(encoding="utf-8"))
    seen = 0
    for t in p.tables:
        rows = t["rows"][1:]                      # the header row first
        totals = [r for r in rows if "total" in r["class"]]
        if not totals:
            continue
        total = totals[0]
        columns = len(total["cells"])
        for k in range(1, columns):
            if "count" not in total["cells"][k]["class"] or "suppressed" in total["cells"][k]["class"]:
                continue
            hidden = [r for r in rows if r is not total and len(r["cells"]) > k and "suppressed" in r["cells"][k]["class"]]
            seen += 1
            assert len(hidden) != 1, f"table {t['id']!r} column {k}: a single hidden cell beside its total"
    assert seen > 20


def test_no_child_and_no_worker_is_named(demo):
    folder, cfg, html_path = demo
    html = html_path.read_text(encoding="utf-8")
    with open(folder / "cms" / "persons.csv", encoding="utf-8") as f:
        children = {r["person_id"] for r in csv.DictReader(f)}
    with open(folder / "cms" / "professionals.csv", encoding="utf-8") as f:
        staff = list(csv.DictReader(f))
    text_ids = set(re.findall(r"\b\d{6,10}\b", re.sub(r"<svg\b.*?</svg>", "", html, flags=re.S)))
    assert not (text_ids & children)
    for w in staff:
        assert w["professional_id"] not in html and w["name"] not in html


def test_areas_without_figures_say_so(demo):
    folder, cfg, html_path = demo
    html = html_path.read_text(encoding="utf-8")
    sections = re.findall(r'<section id="area-\d+"(.*?)</section>', html, flags=re.S)
    assert len(sections) == len(AREAS)
    for body in sections:
        assert '<div class="block"' in body or '<p class="empty">' in body


@pytest.mark.parametrize("only", ONLY)
def test_each_part_alone(demo, tmp_path, only):
    folder, cfg, _ = demo
    with Store(cfg.store, read_only=True) as s:
        written = write(s, cfg, tmp_path, only=only, pdf=False)
    assert written.html.name == f"{only}-2024-03.html" and written.pdf is None
    html = written.html.read_text(encoding="utf-8")
    sections = re.findall(r'<section id="([^"]+)" class="part', html)
    expected = {"scorecard": ["scorecard", "key-messages", "about"]}.get(only, [only, "about"])
    assert sections == expected
    assert "<svg" in html
    if only != "scorecard":
        assert 'id="scorecard"' not in html and "Deep dive" not in html


def test_cli_report_only_and_publish(demo, tmp_path):
    folder, cfg, _ = demo
    runner = CliRunner(env={"COLUMNS": "200"})
    result = runner.invoke(app, ["report", "-c", str(folder / "cscperf.toml"), "--only", "courts", "--no-pdf",
                                 "-o", str(tmp_path), "--month", "2024-02"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "courts-2024-02.html").is_file() and not (tmp_path / "courts-2024-02.pdf").exists()
    assert "February 2024" in (tmp_path / "courts-2024-02.html").read_text(encoding="utf-8")
    result = runner.invoke(app, ["report", "-c", str(folder / "cscperf.toml"), "--only", "nonsense"])
    assert result.exit_code == 1 and "expected one of scorecard, missing" in result.output


# ---- the scorecard fits two pages however many indicators the catalogue has --------------------------

def test_a_full_catalogue_scorecard_still_fits_two_pages(tmp_path, monkeypatch):
    store, sid = store_with(tmp_path / "x.duckdb", {"cp_plans": []}, dt.date(2024, 4, 5))
    months = [month_end(2023 + (m > 12), (m - 1) % 12 + 1) for m in range(1, 16)]
    rows, targets = [], {}
    for k in range(60):
        ind = Indicator(id=f"TQ{k:02d}", title=f"Children and young people counted by a long indicator title number {k}",
                        area=AREAS[k % len(AREAS)], unit="%", polarity="up", numerator="n", denominator="d",
                        period=SNAPSHOT, sources=(), reference="test", build=lambda ctx: None)
        monkeypatch.setitem(REGISTRY, ind.id, ind)
        if k % 3 == 0:
            targets[ind.id] = Target(80.0, 5.0)
        rows += [dict(indicator=ind.id, period_end=d, breakdown="all", numerator=float(40 + i), denominator=80.0,
                      value=(40 + i) / 80 * 100, units=80, snapshot=sid, catalogue_version="t") for i, d in enumerate(months)]
    store.replace_results(sid, "t", pa.Table.from_pylist(rows, schema=RESULT_SCHEMA))
    cfg = Config(council_name="Testshire", baseline=month_end(2023, 1), targets=targets)
    written = write(store, cfg, tmp_path, only="scorecard", pdf=False)
    store.close()
    rep = written.report
    assert len(rep.scorecard.rows) == 24
    assert {r.ind.id for r in rep.scorecard.rows} >= set(targets)       # every indicator with a target is in
    assert len(rep.scorecard.not_headline) == 60 - 24
    pages = pdf_mod.pages_of(written.html.read_text(encoding="utf-8"), ["scorecard", "scorecard-end"])
    assert pages["scorecard-end"] - pages["scorecard"] <= 1, pages
