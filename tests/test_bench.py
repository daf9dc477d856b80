"""`cscperf bench`'s machinery on a tiny council: the three implementations of CP07, AS02, LA04 and MI01
(cscperf's engine, the pandas baseline, the hand-written DuckDB SQL) must give the same numerators and
denominators at every month end. Nothing here is timed; the parity is a correctness check of the baselines."""

from __future__ import annotations

import datetime as dt

import numpy as np
from typer.testing import CliRunner

from cscperf.bench import FOUR, parity, run_size
from cscperf.bench.pandas_baseline import _busdays, england_holidays
from cscperf.bench.runner import IMPLS, Size
from cscperf.cli import app


def test_three_implementations_agree_on_a_tiny_council(tmp_path):
    run = run_size(Size("council", 1), tmp_path / "council", steps=("generate", "load", "four"), scale=0.05, repeat=1)
    for name, m in run.steps.items():
        assert not m.error, f"{name}: {m.error}"
        assert m.rss_mb > 0 and m.seconds > 0
    assert run.parity() == {ind: "" for ind in FOUR}
    figures = run.four("cscperf").result["figures"]
    for ind in FOUR:
        rows = figures[ind]
        assert len(rows) >= 60, ind                       # every month end the data covers
        # The data exercises the rule: some units in the numerator, some not.
        assert any(0 < n < m for _, n, m in rows), ind
    for impl in IMPLS:
        assert set(run.four(impl).result["seconds"]) == set(FOUR)


def test_parity_names_the_first_difference():
    same = {"CP07": [["2024-03-31", 5, 10]], "AS02": [["2024-03-31", 1, 2]], "LA04": [["2024-03-31", 0, 3]],
            "MI01": [["2024-03-31", 2, 9]]}
    other = {**same, "LA04": [["2024-03-31", 1, 3]]}
    found = parity({"pandas": same, "cscperf": same, "sql": other})
    assert found["CP07"] == found["AS02"] == found["MI01"] == ""
    assert "1 of 1 month ends differ" in found["LA04"] and "sql 1/3" in found["LA04"]
    assert parity({"pandas": same, "cscperf": same, "sql": {}})["CP07"] == "missing"


def test_pandas_working_days_are_busday_count():
    # kpis.md §1.1 / stack-notes G3: Fri 14 June 2024 to Sun 30 June 2024 is 11 working days in [a, b).
    import pandas as pd

    hol = england_holidays()
    got = _busdays(pd.Series(pd.to_datetime(["2024-06-14", "2024-06-28", None])), dt.date(2024, 6, 30), hol)
    assert got.iloc[0] == 11 and got.iloc[1] == 1 and np.isnan(got.iloc[2])
    assert np.datetime64("2023-05-08") in hol                   # the Coronation bank holiday


def test_bench_command_checks_its_options():
    runner = CliRunner(env={"COLUMNS": "200"})
    result = runner.invoke(app, ["bench", "--size", "county"])
    assert result.exit_code == 1 and "expected one of council, region, national" in result.output
    result = runner.invoke(app, ["bench", "--step", "everything"])
    assert result.exit_code == 1 and "--step" in result.output
