"""Published is frozen: what a committee received is stored; a later figure that differs is a restatement.

The store holds CP07 for February and March 2024 (60/80 = 75.0%, 61/80 = 76.3%), snapshot 1 extracted
5 April 2024, catalogue version v1. Publishing March freezes both (the scorecard shows them). Then:
* snapshot 2, the same extract re-loaded, has February 58/80 = 72.5%: corrected data;
* snapshot 3, extracted 5 May 2024, has February 59/80 = 73.8%: new data;
* snapshot 3 computed with catalogue v2: changed definition (and new data: another snapshot).
March is unchanged throughout, so never restated.
"""

from __future__ import annotations

import datetime as dt
import re

import pyarrow as pa
import pytest

from helpers import arrow_table

from cscperf import published
from cscperf.config import Config, Target, month_end
from cscperf.engine import RESULT_SCHEMA
from cscperf.pipeline import publish_report
from cscperf.report.committee import build, render
from cscperf.sources.load import Loaded
from cscperf.store import Store

FEB, MAR = month_end(2024, 2), month_end(2024, 3)


def snapshot(store: Store, extract: dt.date) -> int:
    tables = {"cp_plans": arrow_table("cp_plans", [])}
    return store.write_snapshot(Loaded(tables, [], [], {"cp_plans": (dt.date(2018, 4, 1), extract)}, extract))


def results(store: Store, sid: int, version: str, feb: tuple[int, int]) -> None:
    rows = [dict(indicator="CP07", period_end=d, breakdown="all", numerator=float(n), denominator=float(den),
                 value=n / den * 100, units=den, snapshot=sid, catalogue_version=version)
            for d, (n, den) in ((FEB, feb), (MAR, (61, 80)))]
    store.replace_results(sid, version, pa.Table.from_pylist(rows, schema=RESULT_SCHEMA))


@pytest.fixture
def setup(tmp_path):
    store = Store(tmp_path / "x.duckdb")
    sid = snapshot(store, dt.date(2024, 4, 5))
    results(store, sid, "v1", (60, 80))
    config = Config(council_name="Testshire", targets={"CP07": Target(80, 5)}, report_dir=tmp_path / "report")
    yield store, config, tmp_path
    store.close()


def test_publish_freezes_what_the_report_showed(setup):
    store, config, tmp = setup
    pid, written = publish_report(store, config, tmp / "report", month=MAR, by="analyst")
    assert pid == 1
    assert written.html == tmp / "report" / "published" / "report-2024-03-publication-1.html"
    assert written.pdf.is_file() and written.pdf.read_bytes().startswith(b"%PDF")
    assert "Published to the committee on" in written.html.read_text(encoding="utf-8")
    [pub] = published.publications(store.con)
    assert (pub.month, pub.snapshot, pub.catalogue_version, pub.by_whom) == (MAR, 1, "v1", "analyst")
    assert set(pub.files) == {written.html.name, written.pdf.name}
    frozen = {(r[0], r[1]): (r[2], r[3]) for r in store.con.execute(
        "SELECT indicator, period_end, value, shown FROM published_results WHERE breakdown = 'all'").fetchall()}
    assert frozen[("CP07", FEB)] == (75.0, "75.0%") and frozen[("CP07", MAR)] == (76.25, "76.3%")
    # The same snapshot and definitions again: nothing is restated.
    assert build(store, config, month=MAR, with_charts=False).restatements == []


def test_corrected_data_new_data_and_a_changed_definition(setup):
    store, config, tmp = setup
    publish_report(store, config, tmp / "report", month=MAR, pdf=False)

    corrected = snapshot(store, dt.date(2024, 4, 5))           # the same extract date, loaded again
    results(store, corrected, "v1", (58, 80))
    rep = build(store, config, snapshot_id=corrected, month=MAR, with_charts=False)
    [r] = rep.restatements
    assert (r.indicator, r.period_end, r.published_text, r.now_text) == ("CP07", FEB, "75.0%", "72.5%")
    assert r.reasons == (published.CORRECTED_DATA,) and "re-loads the extract of 5 April 2024" in r.detail
    html = render(rep)
    assert re.search(r'class="num previous"><span class="value">72.5%</span> <span class="restated">\[r\]</span>', html)
    assert "Restatements" in html and "Corrected data" in html
    assert "were published on" in rep.publication          # the month was published from another snapshot

    later = snapshot(store, dt.date(2024, 5, 5))
    results(store, later, "v1", (59, 80))
    [r] = build(store, config, snapshot_id=later, month=MAR, with_charts=False).restatements
    assert r.reasons == (published.NEW_DATA,) and r.now_text == "73.8%"

    results(store, later, "v2", (59, 80))                      # recomputed with new definitions (newest wins)
    [r] = build(store, config, snapshot_id=later, month=MAR, with_charts=False).restatements
    assert r.reasons == (published.CHANGED_DEFINITION, published.NEW_DATA)
    assert "catalogue version v1 then, v2 now" in r.detail


def test_a_figure_that_rounds_the_same_is_not_restated(setup):
    store, config, tmp = setup
    publish_report(store, config, tmp / "report", month=MAR, pdf=False)
    sid = snapshot(store, dt.date(2024, 5, 5))
    rows = [dict(indicator="CP07", period_end=d, breakdown="all", numerator=n, denominator=80.0, value=v, units=80,
                 snapshot=sid, catalogue_version="v1")
            for d, n, v in ((FEB, 60.0, 75.04), (MAR, 61.0, 76.25))]       # 75.04 prints as 75.0%
    store.replace_results(sid, "v1", pa.Table.from_pylist(rows, schema=RESULT_SCHEMA))
    assert build(store, config, snapshot_id=sid, month=MAR, with_charts=False).restatements == []


def test_publishing_again_adds_a_publication(setup):
    store, config, tmp = setup
    assert published.next_id(store.con) == 1
    publish_report(store, config, tmp / "report", month=MAR, pdf=False)
    pid, written = publish_report(store, config, tmp / "report", month=MAR, pdf=False)
    assert pid == 2 and written.html.name == "report-2024-03-publication-2.html"
    assert [p.publication_id for p in published.publications(store.con, MAR)] == [1, 2]


def test_reasons_in_words():
    then = published.Publication(1, MAR, dt.datetime(2024, 4, 10), 3, dt.date(2024, 4, 5), "v1", "C", "a", {}, [])
    assert published.reasons(then, 3, dt.date(2024, 4, 5), "v1")[0] == ("recalculated",)
    assert published.reasons(then, 4, dt.date(2024, 4, 5), "v1")[0] == (published.CORRECTED_DATA,)
    assert published.reasons(then, 4, dt.date(2024, 5, 5), "v1")[0] == (published.NEW_DATA,)
    assert published.reasons(then, 3, dt.date(2024, 4, 5), "v2")[0] == (published.CHANGED_DEFINITION,)
