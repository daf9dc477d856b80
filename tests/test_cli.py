"""The main job end to end, as a user runs it: demo, then the commands on the demo's folder."""

from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

from cscperf import __version__
from cscperf.cli import app

runner = CliRunner(env={"COLUMNS": "200"})   # wide enough that Rich does not wrap what we look for


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo") / "council"
    result = runner.invoke(app, ["demo", str(folder), "--scale", "0.1"])
    assert result.exit_code == 0, result.output
    return folder, result.output


def test_demo_writes_a_report_and_says_where(demo):
    folder, output = demo
    report = folder / "report" / "report-2024-03.html"
    assert report.is_file() and report.with_suffix(".pdf").is_file()
    assert "report-2024-03.html" in output.replace("\n", "")
    html = report.read_text(encoding="utf-8")
    assert "CP07" in html and "<svg" in html


def test_results_csv_is_a_stable_interface(demo):
    folder, _ = demo
    result = runner.invoke(app, ["results", "--csv", "-c", str(folder / "cscperf.toml")])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(result.output.splitlines()))
    assert list(rows[0]) == ["indicator", "period_end", "breakdown", "numerator", "denominator", "value",
                             "snapshot", "catalogue_version"]
    cp07 = [r for r in rows if r["indicator"] == "CP07" and r["breakdown"] == "all"]
    assert len(cp07) == 72                          # every month end, April 2018 to March 2024
    assert cp07[0]["period_end"] == "2018-04-30" and cp07[-1]["period_end"] == "2024-03-31"
    for r in cp07:
        assert float(r["value"]) == pytest.approx(100 * float(r["numerator"]) / float(r["denominator"]), abs=1e-6)


def test_snapshots_and_version(demo):
    folder, _ = demo
    result = runner.invoke(app, ["snapshots", "-c", str(folder / "cscperf.toml")])
    assert result.exit_code == 0 and "synthetic council" in result.output
    assert __version__ in runner.invoke(app, ["--version"]).output


def test_commands_explain_a_missing_store(tmp_path):
    result = runner.invoke(app, ["results", "--store", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "load data first" in result.output
