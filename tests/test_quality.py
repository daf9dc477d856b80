"""The data-quality report of a snapshot: what was read and loaded, per file and table, and what to fix.

Loads broken copies of the sample SSDA903 return (../shared/samples/ssda903/d2i-validator) with
--reject-bad-rows, then checks the report against the files as written (csv module), not against
cscperf's own counts.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import store_with
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.report.quality import build

runner = CliRunner()


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def rows_of(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


class Outline(HTMLParser):
    """Headings, tables, captions and header cells of a page, and its text."""

    def __init__(self):
        super().__init__()
        self.headings: list[int] = []
        self.tables = self.captions = 0
        self.scoped_th = self.th = 0
        self.lang = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag in ("h1", "h2", "h3", "h4"):
            self.headings.append(int(tag[1]))
        self.tables += tag == "table"
        self.captions += tag == "caption"
        if tag == "th":
            self.th += 1
            self.scoped_th += "scope" in attrs

    def handle_data(self, data):
        self.text.append(data)

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())


@pytest.fixture
def loaded_store(samples, tmp_path):
    """A snapshot of broken copies of the sample return, loaded with --reject-bad-rows."""
    folder = tmp_path / "return"
    folder.mkdir()
    for name in ("header.csv", "episodes.csv", "reviews.csv"):
        shutil.copy(samples / "ssda903/d2i-validator" / name, folder / name)
        os.chmod(folder / name, 0o644)
    eps = (folder / "episodes.csv").read_text(encoding="utf-8").splitlines()
    header = eps[0].split(",")
    cells = eps[5].split(",")
    cells[header.index("DECOM")] = "31/02/2017"                       # line 6: not a real date -> left out
    eps[5] = ",".join(cells)
    eps.append("000999999,01/06/2017,S,C2,N1,U1,PR1,,,,,,")          # an orphan episode
    write_lines(folder / "episodes.csv", eps)
    (folder / "notes.docx").write_bytes(b"PK\x03\x04" + bytes(100))   # not a format cscperf reads
    store = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["load", "--reject-bad-rows", "--label", "March extract", "--store", str(store),
                                 str(folder)])
    assert result.exit_code == 0, result.output
    return store, folder


def test_quality_report_lists_files_tables_and_problems(loaded_store, tmp_path):
    store, folder = loaded_store
    out = tmp_path / "report"
    result = runner.invoke(app, ["quality", "--store", str(store), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = Outline()
    page.feed((out / "quality.html").read_text(encoding="utf-8"))
    text = page.plain

    # per file: format, layout, rows read / loaded / left out, checksum
    episodes = rows_of(folder / "episodes.csv")
    assert "March extract" in text
    for name in ("header.csv", "episodes.csv", "reviews.csv", "notes.docx"):
        assert name in text
    digest = hashlib.sha256((folder / "episodes.csv").read_bytes()).hexdigest()
    assert digest[:16] in text
    assert f"episodes.csv delimited text SSDA903 episodes 2018 utf-8 {len(episodes):,} {len(episodes) - 1:,} 1" in text
    assert "notes.docx not recognised not used" in text
    read = len(episodes) + len(rows_of(folder / "header.csv")) + len(rows_of(folder / "reviews.csv"))
    assert f"All files {read:,} {read - 1:,} 1" in text

    # per table: records and coverage
    children = {r["CHILD"] for r in rows_of(folder / "header.csv")}
    assert f"persons One row per child or young person. {len(children):,}" in text
    assert "1 April 2017 31 March 2018" in text

    # problems grouped by rule and file, in plain English, with what to do
    assert "Not a date" in text and "Write dates as dd/mm/yyyy" in text
    assert "No child record for this child" in text and "000999999" in text
    assert "Not a format cscperf reads" in text
    assert "1 error and" in text

    # accessible: language, headings in order from h1, tables with captions and scoped headers
    assert page.lang == "en-GB"
    assert page.headings[0] == 1 and page.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:]))
    assert page.tables >= 3 and page.captions == page.tables
    assert page.th == page.scoped_th


def test_quality_csv_holds_the_problem_groups_and_every_problem(loaded_store, tmp_path):
    store, folder = loaded_store
    out = tmp_path / "report"
    assert runner.invoke(app, ["quality", "--store", str(store), "--out", str(out)]).exit_code == 0
    groups = rows_of(out / "quality.csv")
    assert list(groups[0]) == ["severity", "rule", "title", "file", "column", "rows", "example_rows",
                               "example_values", "message", "what_to_do"]
    date = next(g for g in groups if g["rule"] == "date")
    assert (date["severity"], date["file"], date["column"], date["rows"], date["example_rows"], date["example_values"]) == \
        ("error", "episodes.csv", "DECOM", "1", "6", "31/02/2017")
    assert "not a real calendar date" in date["message"] and date["what_to_do"]
    orphan = next(g for g in groups if g["rule"] == "orphan")
    assert orphan["file"] == "episodes.csv" and orphan["example_rows"] == str(len(rows_of(folder / "episodes.csv")) + 1)
    every = rows_of(out / "quality-problems.csv")
    assert sum(int(g["rows"]) for g in groups) == sum(int(p["count"]) for p in every)


def test_the_report_reads_only_the_store(loaded_store, tmp_path):
    store, folder = loaded_store
    shutil.rmtree(folder)                                       # the files are gone; the snapshot kept what it needs
    result = runner.invoke(app, ["quality", "--store", str(store), "--out", str(tmp_path / "r"), "--snapshot", "1"])
    assert result.exit_code == 0, result.output
    assert "episodes.csv" in (tmp_path / "r" / "quality.html").read_text(encoding="utf-8")


def test_a_snapshot_without_problems_and_a_store_without_snapshots(tmp_path):
    store, sid = store_with(tmp_path / "s.duckdb", {"persons": [{"person_id": "1"}]}, dt.date(2024, 3, 31))
    q = build(store, sid)
    assert q.rules == [] and q.errors == q.warnings == 0 and [t.name for t in q.tables] == ["persons"]
    store.close()
    result = runner.invoke(app, ["quality", "--store", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1 and "load data first" in result.output
