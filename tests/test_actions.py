"""The committee's action log: recorded, updated (never overwritten), listed with the latest position."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from cscperf import actions
from cscperf.cli import app
from cscperf.store import Store

runner = CliRunner(env={"COLUMNS": "250"})


def test_actions_through_the_cli(tmp_path):
    store = str(tmp_path / "a.duckdb")
    r = runner.invoke(app, ["actions", "add", "Report on missing children: ages, frequency, where from, RHI reasons",
                            "--meeting", "2019-02-12", "--owner", "DCS/Andy Dempsey", "--due", "2019-04-30",
                            "-i", "MI01", "-i", "MI06", "--store", store])
    assert r.exit_code == 0 and "Action 1 recorded" in r.output
    r = runner.invoke(app, ["actions", "add", "Invite Judge Wildblood to the committee", "--meeting", "2019-02-12",
                            "--owner", "DCS/Andrea Griffiths", "--store", store])
    assert "Action 2 recorded" in r.output
    assert runner.invoke(app, ["actions", "update", "2", "--status", "done", "--note", "Attended 9 April",
                               "--store", store]).exit_code == 0
    listed = runner.invoke(app, ["actions", "list", "--store", store]).output
    assert "Andy Dempsey" in listed and "Attended 9 April" in listed and "(overdue)" in listed
    bad = runner.invoke(app, ["actions", "update", "2", "--status", "finished", "--store", store])
    assert bad.exit_code == 1 and "expected one of open, in progress, done, dropped" in bad.output
    bad = runner.invoke(app, ["actions", "add", "x", "--meeting", "2019-02-12", "--owner", "me", "-i", "XX99",
                              "--store", store])
    assert bad.exit_code == 1 and "no indicator XX99" in bad.output


def test_history_is_kept(tmp_path):
    with Store(tmp_path / "a.duckdb") as s:
        n = actions.add(s.con, dt.date(2019, 2, 12), "Look at court timescales", "DCS")
        actions.update(s.con, n, "in progress", "Meeting with the judge booked")
        actions.update(s.con, n, note="Backlog down to 20 cases")
        a = actions.get(s.con, n)
        assert (a.status, a.latest_note) == ("in progress", "Backlog down to 20 cases")
        assert [h[2] for h in actions.history(s.con, n)] == ["open", "in progress", "in progress"]
        with pytest.raises(actions.ActionError, match="nothing to record"):
            actions.update(s.con, n)
