"""Accounts, sessions, sign-in limits, the audit log and exports, without a server."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from typer.testing import CliRunner

from cscperf.web import audit, auth, exports, users
from cscperf.web.db import WebDB, default_path
from cscperf.web.pages import Cell, DataTable

runner = CliRunner(env={"COLUMNS": "200"})


@pytest.fixture
def db(tmp_path) -> WebDB:
    return WebDB(tmp_path / "web.sqlite")


def test_the_web_database_sits_beside_the_store(tmp_path):
    assert default_path(tmp_path / "council" / "cscperf.duckdb") == tmp_path / "council" / "cscperf-web.sqlite"


def test_accounts_are_checked(db):
    with pytest.raises(users.UserError, match="at least one --team"):
        users.add(db, "m", "manager", [])
    with pytest.raises(users.UserError, match="teams are for managers"):
        users.add(db, "a", "analyst", ["T01"])
    with pytest.raises(users.UserError, match="role 'boss'"):
        users.add(db, "b", "boss")
    with pytest.raises(users.UserError, match="at least 12"):
        users.add(db, "c", "member", password="short")
    first = users.add(db, "Jo.Smith", "manager", ["T04", "T05"])
    assert len(first) >= 16
    with pytest.raises(users.UserError, match="already"):
        users.add(db, "jo.smith", "member")
    (jo,) = users.listing(db)
    assert (jo.username, jo.role, jo.teams, jo.must_change) == ("jo.smith", "manager", ("T04", "T05"), True)


def test_passwords_are_argon2_hashes_and_verified(db):
    password = users.add(db, "ann", "analyst", password="correct horse battery")
    with db.connect() as con:
        stored = con.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and password not in stored
    assert users.verify(db, "ann", "correct horse battery").role == "analyst"
    assert users.verify(db, "ann", "wrong horse battery") is None
    assert users.verify(db, "nobody", "correct horse battery") is None


def test_sessions_expire_and_end_with_the_account(db):
    users.add(db, "ann", "analyst", password="correct horse battery", must_change=False)
    user = users.get(db, "ann")
    sessions = auth.Sessions(db, "secret", idle=1, maximum=60)
    cookie = sessions.start(user, "127.0.0.1", "test")
    who = sessions.load(cookie)
    assert who.username == "ann" and who.all_records and len(who.csrf) > 30
    assert sessions.load(cookie[:-2] + "xx") is None                                   # tampered
    assert auth.Sessions(db, "another secret").load(cookie) is None                    # signed by another key
    time.sleep(1.2)
    assert sessions.load(cookie) is None                                                # idle too long
    cookie = sessions.start(user, None, None)
    users.reset_password(db, "ann")
    assert sessions.load(cookie) is None                                                # password reset ends it
    users.set_password(db, "ann", "correct horse battery")
    cookie = sessions.start(users.get(db, "ann"), None, None)
    users.remove(db, "ann")
    assert sessions.load(cookie) is None                                                # removed account


def test_what_each_role_may_see():
    member = auth.Principal("m", "member")
    manager = auth.Principal("t", "manager", frozenset({"T02"}))
    analyst = auth.Principal("a", "analyst")
    assert member.suppressed and not member.any_records and not member.may_see_team_records("T02")
    assert manager.may_see_team_records("T02") and not manager.may_see_team_records("T03")
    assert not manager.may_see_team_records("unallocated") and not manager.may_edit_actions
    assert analyst.may_see_team_records("unallocated") and analyst.may_edit_actions and not analyst.is_admin
    assert auth.Principal("x", "admin").is_admin and auth.Principal("x", "admin").all_records


def test_sign_in_limits_per_user_and_per_address(db):
    limits = auth.SignInLimits(db, per_user=2, per_address=3, window=60)
    assert limits.wait("ann", "10.0.0.1") == 0
    limits.failed("ann", "10.0.0.1")
    limits.failed("ann", "10.0.0.1")
    assert 55 <= limits.wait("ann", "10.0.0.2") <= 60          # this username, from anywhere
    assert limits.wait("bob", "10.0.0.2") == 0
    limits.failed("bob", "10.0.0.1")
    assert limits.wait("carol", "10.0.0.1") > 0                # this address, for anyone
    limits.succeeded("ann")
    assert limits.wait("ann", "10.0.0.9") == 0


def test_the_audit_log_is_searchable(db):
    where = audit.Where("192.0.2.7", "Firefox", "/children/0101")
    audit.record(db, audit.VIEW, "child 0101", username="ann", role="analyst", where=where, snapshot=1, rows=1,
                 children=["0101"])
    audit.record(db, audit.DENIED, "child 0202", username="tom", role="manager", where=where, children=["0202"])
    audit.record(db, audit.SIGN_IN, "signed in", username="tom", role="manager", where=where)
    assert [e.what for e in audit.search(db, child="0202")[0]] == ["child 0202"]
    assert audit.search(db, username="tom")[1] == 2
    assert audit.search(db, event=audit.VIEW)[0][0].ip == "192.0.2.7"
    assert audit.search(db, since=dt.date.today(), until=dt.date.today())[1] == 3
    assert audit.search(db, since=dt.date.today() + dt.timedelta(days=1))[1] == 0
    assert audit.children_of(db, audit.search(db, child="0101")[0][0].audit_id) == ["0101"]


def test_exports_keep_numbers_and_defuse_formulas():
    t = DataTable("t", "A table", [("Name", False), ("Value", True), ("When", False)],
                  [[Cell("=HYPERLINK(\"x\")"), Cell("76.4%", 76.4), Cell("1 Apr 2024", dt.date(2024, 4, 1))],
                   [Cell("-5"), Cell("[c]", "[c]"), Cell("–")]])
    body = exports.to_csv(t).decode("utf-8")
    assert body.startswith("\ufeffName,Value,When")
    assert "'=HYPERLINK" in body and "76.4" in body and "2024-04-01" in body and "\r\n-5," in body
    from io import BytesIO

    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(exports.to_xlsx([t], "Title", "ann", dt.datetime(2024, 4, 1, 9, 30), [])))
    sheet = wb.worksheets[1]
    assert sheet["B2"].value == 76.4 and sheet["C2"].value.date() == dt.date(2024, 4, 1) and sheet["B3"].value == "[c]"


def test_users_commands(tmp_path):
    from cscperf.cli import app

    db = tmp_path / "web.sqlite"
    store = tmp_path / "none.duckdb"
    common = ["--users-db", str(db), "--store", str(store)]
    r = runner.invoke(app, ["users", "add", "Tom", "--role", "manager", "--team", "T04", *common])
    assert r.exit_code == 0, r.output
    assert "One-time password:" in r.output
    password = r.output.split("One-time password:")[1].split()[0]
    assert users.verify(WebDB(db), "tom", password).teams == ("T04",)
    r = runner.invoke(app, ["users", "add", "sam", "--role", "manager", *common])
    assert r.exit_code == 1 and "--team" in r.output
    r = runner.invoke(app, ["users", "list", *common])
    assert "tom" in r.output and "manager" in r.output and "T04" in r.output
    r = runner.invoke(app, ["users", "reset", "tom", *common])
    assert r.exit_code == 0 and users.verify(WebDB(db), "tom", password) is None
    r = runner.invoke(app, ["users", "remove", "tom", *common])
    assert r.exit_code == 0 and users.listing(WebDB(db)) == []
    assert {e.event for e in audit.search(WebDB(db))[0]} == {"user added", "password reset", "user removed"}


def test_users_add_knows_the_stores_teams(council, tmp_path):
    from cscperf.cli import app

    r = runner.invoke(app, ["users", "add", "tom", "--role", "manager", "--team", "T99", "--users-db",
                            str(tmp_path / "w.sqlite"), "-c", str(council.folder / "cscperf.toml")])
    assert r.exit_code == 1 and "no team T99" in r.output


def test_the_demo_makes_an_account_per_role_and_says_how_to_serve(council, capsys, monkeypatch):
    from rich.console import Console

    from cscperf import cli
    from cscperf.web.commands import demo_users, print_demo_accounts

    made = demo_users(council.folder / "cscperf.toml")
    assert [m[1] for m in made] == ["admin", "analyst", "manager", "member"]
    again = demo_users(council.folder / "cscperf.toml")
    assert {m[3] for m in made}.isdisjoint({m[3] for m in again})       # new passwords each run
    db = WebDB(default_path(council.config.store))
    assert users.verify(db, "demo-manager", again[2][3]).teams == (council.manager_team,)
    monkeypatch.setattr(cli, "out", Console(width=30))      # a narrow terminal (CI's) must not cut anything short
    print_demo_accounts(council.folder / "cscperf.toml")
    shown = capsys.readouterr().out
    assert f"serve -c {council.folder / 'cscperf.toml'}" in shown
    accounts = [line.split()[:2] for line in shown.splitlines() if line.startswith("  demo-")]
    assert [name for name, _ in accounts] == ["demo-admin", "demo-analyst", "demo-manager", "demo-member"]
    assert all(users.verify(db, name, password) for name, password in accounts)   # each printed password works
