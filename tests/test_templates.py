"""`cscperf template`: the CSV templates for what the returns lack, as a user gets them, and the loader
accepts every file the command writes."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.model import TABLES
from cscperf.sources.load import read_files
from cscperf.sources.templates import EXAMPLES, write

runner = CliRunner(env={"COLUMNS": "200"})


def test_template_writes_the_header_and_shows_the_columns(tmp_path):
    out = tmp_path / "extracts" / "missing.csv"
    result = runner.invoke(app, ["template", "missing_episodes", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with open(out, newline="", encoding="utf-8") as f:
        assert list(csv.reader(f)) == [[c.name for c in next(t for t in TABLES if t.name == "missing_episodes").columns]]
    assert "rhi_offered" in result.output and "A return interview was offered" in result.output
    assert not (tmp_path / "extracts" / "missing.example.csv").exists()     # no made-up data unless asked
    loaded = read_files([out])                                                # the empty template loads
    assert loaded.files[0].layout == "cscperf missing_episodes template" and loaded.files[0].rows_read == 0


def test_template_example_writes_a_loadable_example(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["template", "visits", "--example"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "visits.csv").is_file()
    example = tmp_path / "visits.example.csv"
    assert example.read_text(encoding="utf-8").splitlines()[1] == "V00098765,00012345,CP,2023-10-09,true,true,HOME"
    assert "Do not keep it in a folder you load" in result.output
    loaded = read_files([example], extract_date=dt.date(2024, 3, 31))
    assert loaded.tables["visits"].to_pylist()[0]["person_id"] == "00012345"


def test_template_list_and_unknown_tables():
    result = runner.invoke(app, ["template", "--list"])
    assert result.exit_code == 0
    for t in TABLES:
        assert t.name in result.output
    result = runner.invoke(app, ["template", "visit"])
    assert result.exit_code == 1 and "did you mean visits" in result.output


@pytest.mark.parametrize("table", [t.name for t in TABLES])
def test_every_example_loads_cleanly(tmp_path, table):
    """Each documented example row loads with no error and no code outside its lists."""
    path = write(table, tmp_path / f"{table}.example.csv", example=True)
    loaded = read_files([path], extract_date=dt.date(2024, 3, 31))
    assert loaded.files[0].layout == f"cscperf {table} template"
    assert not [p for p in loaded.problems if p.severity == "error" or p.rule in ("code", "date-order", "extra-column")]
    assert loaded.tables[table].num_rows == 1
    assert set(EXAMPLES[table]) == {c.name for c in next(t for t in TABLES if t.name == table).columns}
