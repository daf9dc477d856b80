"""The dashboard over plain HTTP (httpx against the test server): sign-in, roles, CSRF, audit, exports."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
import subprocess
import sys
import time

import httpx
import pytest

from webhelpers import add_action_and_see_it, csrf_of, sign_in

CHILD_ID = re.compile(r"\b0\d{7}\b")          # the synthetic council's child ids: 8 digits with a leading zero


def audit_rows(council, **filters):
    from cscperf.web import audit
    from cscperf.web.db import WebDB

    return audit.search(WebDB(council.users_db), limit=1000, **filters)[0]


# ---- sign-in and sessions -----------------------------------------------------------------------

def test_every_page_needs_a_session(server):
    for path in ("/", "/indicators/CP07", "/exceptions", "/actions", "/quality", "/admin/audit", "/children/0101"):
        r = httpx.get(server.base + path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), path


def test_sign_in_goes_back_to_the_page_asked_for(server, council):
    with httpx.Client(base_url=server.base) as c:
        page = c.get("/login", params={"next": "/actions"})
        r = c.post("/login", data={"username": council.accounts["analyst"][0], "password": council.accounts["analyst"][1],
                                   "csrf_token": csrf_of(page.text), "next": "/actions"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/actions"
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    with httpx.Client(base_url=server.base) as c:      # a "next" off this site is ignored
        page = c.get("/login")
        r = c.post("/login", data={"username": council.accounts["analyst"][0], "password": council.accounts["analyst"][1],
                                   "csrf_token": csrf_of(page.text), "next": "//evil.example/"}, follow_redirects=False)
        assert r.headers["location"] == "/"


def test_a_wrong_password_is_refused_and_recorded(server, council):
    with httpx.Client(base_url=server.base) as c:
        page = c.get("/login")
        r = c.post("/login", data={"username": "test-member", "password": "guess guess guess", "csrf_token": csrf_of(page.text)})
        assert r.status_code == 401 and "not right" in r.text
    assert any(e.event == "sign-in failed" and e.username == "test-member" for e in audit_rows(council))


def test_sign_out_ends_the_session(server, council):
    c = sign_in(server.base, *council.accounts["member"])
    page = c.get("/")
    assert c.post("/logout", data={"csrf_token": csrf_of(page.text)}).status_code == 303
    assert c.get("/").status_code == 303            # back to the sign-in page
    c.close()


def test_headers_protect_the_pages(as_role):
    r = as_role("analyst").get("/")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY" and r.headers["cache-control"] == "no-store"


# ---- CSRF ---------------------------------------------------------------------------------------------

def test_forms_without_the_token_are_refused(as_role):
    c = as_role("analyst")
    for data in ({}, {"csrf_token": "forged"}):
        r = c.post("/actions/1", data={"status": "done", "note": "forged", **data})
        assert r.status_code == 403 and "expired" in r.text
    assert c.post("/logout", data={}).status_code == 403
    assert c.get("/").status_code == 200                # still signed in: the forged sign-out did nothing
    assert "forged" not in c.get("/actions").text


def test_every_post_route_checks_the_token(server, as_role):
    c = as_role("admin")
    from cscperf.web.views import router

    posts = [r.path for r in router.routes if "POST" in getattr(r, "methods", set())]
    assert {"/login", "/logout", "/actions", "/actions/{action_id}", "/account/password", "/admin/users"} <= set(posts)
    for path in posts:
        concrete = path.replace("{action_id}", "1").replace("{username}", "test-member")
        r = c.post(concrete, data={"username": "x", "status": "done"})
        assert r.status_code == 403, path


def test_sign_in_needs_its_own_token(server, council):
    r = httpx.post(server.base + "/login", data={"username": council.accounts["analyst"][0],
                                                 "password": council.accounts["analyst"][1], "csrf_token": "made-up"})
    assert r.status_code == 403


# ---- rate limits --------------------------------------------------------------------------------------

def test_five_failures_lock_the_account_for_a_while(server, council):
    from cscperf.web import users
    from cscperf.web.db import WebDB

    password = users.generate_password()
    users.add(WebDB(council.users_db), "http-limited", "member", [], password, must_change=False)
    with httpx.Client(base_url=server.base) as c:
        for _ in range(5):
            page = c.get("/login")
            assert c.post("/login", data={"username": "http-limited", "password": "nope nope nope",
                                          "csrf_token": csrf_of(page.text)}).status_code == 401
        page = c.get("/login")
        r = c.post("/login", data={"username": "http-limited", "password": password, "csrf_token": csrf_of(page.text)})
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 800
    assert any(e.event == "sign-in refused (rate limit)" for e in audit_rows(council, username="http-limited"))


# ---- what each role sees ---------------------------------------------------------------------------------

def _count_cells(html: str) -> list[str]:
    return re.findall(r'class="[^"]*\bcount\b[^"]*">([^<]*)<', html)


def test_a_member_never_sees_a_child_or_a_small_count(as_role, council):
    from cscperf.indicators import catalogue

    c = as_role("member")
    pages = ["/", "/actions", "/quality"]
    for ind in catalogue():
        r = c.get(f"/indicators/{ind.id}")
        if r.status_code == 404:
            continue
        assert r.status_code == 200, ind.id
        pages.append(f"/indicators/{ind.id}")
        pages += sorted(set(re.findall(rf'href="(/indicators/{re.escape(ind.id)}/teams/[^"?]+)', r.text)))
    seen = 0
    for path in pages:
        html = c.get(path).text
        assert not (set(CHILD_ID.findall(html)) & council.children), path
        for text in _count_cells(html):
            for number in re.findall(r"(?<![\d.,])\d[\d,]*(?![\d.,]*\d)(?!\.\d)", text):
                assert not 1 <= int(number.replace(",", "")) <= 5, (path, text)
            seen += 1
        body = c.get(path, params={"format": "csv"}).content.decode("utf-8-sig")
        assert not (set(CHILD_ID.findall(body)) & council.children)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(c.get("/indicators/CP07", params={"format": "xlsx"}).content))
    cells = {str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None}
    assert not (cells & council.children) and "[c]" in cells
    assert seen > 100
    for path in ("/exceptions", "/indicators/CP07/children", f"/children/{council.own_child}",
                 f"/indicators/CP07/teams/{council.manager_team}/workers/x", "/admin/users"):
        assert c.get(path).status_code == 403, path


def test_members_and_analysts_see_the_same_indicators(as_role):
    def refs(html):
        return re.findall(r'<tr id="row-([^"]+)"', html)
    assert refs(as_role("member").get("/").text) == refs(as_role("analyst").get("/").text)


def test_a_manager_is_refused_another_teams_child_and_it_is_recorded(as_role, council):
    c = as_role("manager")
    r = c.get(f"/children/{council.other_child}")
    assert r.status_code == 403 and council.other_child not in r.text.split("<main")[1].split("Not available")[0]
    denied = audit_rows(council, child=council.other_child, event="denied")
    assert denied and denied[0].username == council.accounts["manager"][0] and denied[0].ip == "127.0.0.1"
    assert denied[0].path == f"/children/{council.other_child}"
    assert c.get(f"/children/{council.own_child}").status_code == 200
    viewed = audit_rows(council, child=council.own_child, event="view", username=council.accounts["manager"][0])
    assert viewed and viewed[0].role == "manager"


def test_a_manager_cannot_open_a_child_who_has_left_their_team(as_role, council):
    if council.moved_child is None:
        pytest.skip("no child in the test council moved from the manager's team to another")
    person, when = council.moved_child
    c = as_role("manager")
    assert c.get(f"/children/{person}", params={"on": when.isoformat()}).status_code == 403
    assert c.get(f"/children/{person}").status_code == 403


def test_a_manager_lists_only_their_own_teams(as_role, council):
    c = as_role("manager")
    html = c.get("/exceptions").text
    teams = re.findall(r"<td>[^<]*\(([A-Z]\d+)\)</td>", html.split('id="tbl-exceptions"')[1])
    assert teams and set(teams) == {council.manager_team}
    assert c.get("/exceptions", params={"team": council.other_team}).status_code == 403
    assert c.get("/indicators/CP07/children", params={"team": council.other_team}).status_code == 403
    r = c.get(f"/indicators/CP07/teams/{council.other_team}/workers/SW1")
    assert r.status_code in (403, 404)
    listed = c.get("/indicators/CP07/children", params={"which": "all"}).text
    ids = set(CHILD_ID.findall(listed)) & council.children
    assert council.other_child not in ids


def test_an_analyst_sees_any_team_and_the_admin_pages_are_for_admins(as_role, council):
    a = as_role("analyst")
    assert a.get(f"/children/{council.other_child}").status_code == 200
    assert a.get("/exceptions", params={"team": council.other_team}).status_code == 200
    assert a.get("/admin/users").status_code == 403 and a.get("/admin/audit").status_code == 403
    admin = as_role("admin")
    assert admin.get("/admin/users").status_code == 200 and admin.get("/admin/audit").status_code == 200


# ---- the figures behind the pages ------------------------------------------------------------------------

def test_the_drill_down_adds_up(server, council):
    """A team's workers add up to the team's figure in the results, and the team's children to its counts."""
    from cscperf.web import pages
    from cscperf.web.auth import Principal

    data = server.app.state.data
    at = pages.as_at(data, None, None)
    who = Principal("t", "analyst")
    team = pages.team_page(data, who, at, "CP07", council.manager_team)
    row = data.results(at.snap).at("CP07", at.month, f"team={council.manager_team}")
    nums = [r[2].value for r in team["workers"].rows]
    dens = [r[3].value for r in team["workers"].rows]
    assert sum(nums) == row["numerator"] and sum(dens) == row["denominator"]
    kids = pages.children_page(data, who, at, "CP07", council.manager_team, None, "all")
    assert len(kids["table"].rows) == row["units"]


def test_units_kept_for_earlier_months_are_those_months_own(server):
    """One query serves the chosen month and the two before (DashboardData.units); each month's rows
    must be exactly what the engine lists for that month alone."""
    from cscperf import engine
    from cscperf.indicators import get
    from cscperf.web import pages

    data = server.app.state.data
    at = pages.as_at(data, None, None)
    month = at.snap.months[-5]                       # outside the warm-up's months: computed here
    data.units(at.snap, "CP07", month)
    for earlier in at.snap.months[-7:-5]:
        kept = data.lists.peek(("units", at.snap.key, "CP07", earlier))
        assert kept, earlier
        with data.read() as store:
            alone = engine.child_list(get("CP07"), store, data.config, earlier, which=engine.EVERYONE,
                                      snapshot_id=at.snap.id).to_pylist()
        assert {r["period_end"] for r in kept} == {earlier}
        assert sorted(r["unit_id"] for r in kept) == sorted(r["unit_id"] for r in alone), earlier


def test_exceptions_agree_with_the_engine(server):
    from cscperf import engine
    from cscperf.indicators import get
    from cscperf.web import pages

    data = server.app.state.data
    at = pages.as_at(data, None, None)
    for ind_id in ("CP07", "AS02", "LA04", "MI06", "CT03"):
        if not data.results(at.snap).at(ind_id, at.month):
            continue
        mine = pages.exceptions_of(get(ind_id), data.units(at.snap, ind_id, at.month))
        with data.read() as store:
            theirs = engine.child_list(get(ind_id), store, data.config, at.month, snapshot_id=at.snap.id)
        assert sorted(u["unit_id"] for u in mine) == sorted(theirs.column("unit_id").to_pylist()), ind_id
    # Due soon within N working days, as the engine classifies it.
    with data.read() as store:
        theirs = engine.due_list(store, data.config, at.extract_date, within=5, snapshot_id=at.snap.id).to_pylist()
    page = pages.exceptions_page(data, pages_principal("analyst"), at, within=5)
    shown = {(r[1].value, r[2].text, r[3].value) for r in page["table"].rows}
    assert shown == {(r["rule"], r["person_id"], r["due_date"]) for r in theirs}


def pages_principal(role, teams=()):
    from cscperf.web.auth import Principal

    return Principal("t", role, frozenset(teams))


# ---- exports -----------------------------------------------------------------------------------------

def test_exports_are_what_is_on_screen_and_are_recorded(as_role, council):
    c = as_role("manager")
    html = c.get("/exceptions", params={"within": 10}).text
    on_screen = len(re.findall(r"<tr>", html.split('id="tbl-exceptions"')[1].split("</table>")[0])) - 1
    r = c.get("/exceptions", params={"within": 10, "format": "csv", "table": "exceptions"})
    assert r.headers["content-type"].startswith("text/csv") and "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == on_screen and {row["Team"] for row in rows} == {council.manager_team}
    x = c.get("/exceptions", params={"within": 10, "format": "xlsx"})
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(x.content))
    assert wb.sheetnames[0] == "About" and len(wb.sheetnames) == 3
    assert wb.worksheets[2].max_row == on_screen + 1
    exports = [e for e in audit_rows(council, event="export", username=council.accounts["manager"][0])]
    assert {e.what.split(":")[0] for e in exports} >= {"CSV export", "XLSX export"}
    assert all(e.children == on_screen or e.rows for e in exports)


def test_a_member_export_keeps_suppression(as_role):
    c = as_role("member")
    body = c.get("/indicators/CP07", params={"format": "csv", "table": "breakdown-ethnicity_group"}).content.decode("utf-8-sig")
    assert "[c]" in body


# ---- the action tracker ---------------------------------------------------------------------------------

def test_analysts_edit_actions_members_cannot(as_role, server):
    a = as_role("analyst")
    page = a.get("/actions").text
    r = a.post("/actions", data={"csrf_token": csrf_of(page), "meeting": "2024-03-12", "action": "Report on court timescales",
                                 "owners": "Head of Service", "due": "2024-05-01", "indicators": ["CT03"]})
    assert r.status_code == 303
    assert "Report on court timescales" in a.get("/actions").text
    r = a.post("/actions", data={"csrf_token": csrf_of(page), "meeting": "not a date", "action": "x", "owners": "y"})
    assert r.status_code == 400 and "not a date" in r.text
    m = as_role("member")
    page = m.get("/actions").text
    assert "Record update" not in page
    r = m.post("/actions/1", data={"csrf_token": csrf_of(page), "status": "done", "note": "member says done"})
    assert r.status_code == 403
    assert "member says done" not in a.get("/actions").text


# ---- audit ------------------------------------------------------------------------------------------

def test_the_audit_log_cannot_be_changed(council, as_role):
    as_role("analyst").get(f"/children/{council.own_child}")
    con = sqlite3.connect(council.users_db)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE audit SET username = 'someone else'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM audit")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM audit_children")
    con.close()


def test_admin_searches_the_audit_log(as_role, council):
    as_role("analyst").get(f"/children/{council.own_child}")
    admin = as_role("admin")
    r = admin.get("/admin/audit", params={"child": council.own_child, "event": "view"})
    assert r.status_code == 200 and council.accounts["analyst"][0] in r.text
    r = admin.get("/admin/audit", params={"user": council.accounts["analyst"][0], "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows and all(row["Who"] == council.accounts["analyst"][0] for row in rows)


# ---- as at -------------------------------------------------------------------------------------------

def test_the_as_at_chooser(as_role):
    c = as_role("analyst")
    r = c.get("/", params={"snapshot": 1, "month": "2023-03"})
    assert r.status_code == 200 and "Summary of key areas, March 2023" in r.text
    assert 'href="/indicators/CP07?snapshot=1&amp;month=2023-03"' in r.text      # links keep the choice
    assert c.get("/", params={"month": "1999-01"}).status_code == 404
    assert c.get("/", params={"snapshot": 99}).status_code == 404


# ---- the store held by another process ------------------------------------------------------------------

def test_pages_survive_a_load_holding_the_store(server, council, as_role):
    """While another process holds the store read-write (a load), pages already in memory are served,
    pages that need the store say 503 'try again', and afterwards everything works again."""
    c = as_role("analyst")
    assert c.get("/").status_code == 200
    # A page no one has asked for yet, whose children must be read from the store (pages once shown, the
    # meeting's three months of units and the child records are kept in memory): a list from two years back.
    fresh = "/indicators/CP07/children?month=2022-06"
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(6)", str(council.config.store)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert c.get("/").status_code == 200                       # from memory
        r = c.get(fresh)                                           # needs the store
        assert r.status_code == 503 and r.headers["retry-after"] == "30"
    finally:
        holder.wait(timeout=30)
        holder.stdout.close()
    assert c.get(fresh).status_code == 200


def test_the_command_line_can_write_while_the_dashboard_runs(server, council, as_role):
    add_action_and_see_it(as_role("analyst"), council.folder / "cscperf.toml", "Written while the dashboard runs")


def test_the_full_quality_report_is_linked_for_analysts(as_role, council):
    report = council.config.report_dir / "quality.html"
    made = not report.exists()
    if made:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text("<html><body><h1>Data quality</h1></body></html>", encoding="utf-8")
    try:
        a = as_role("analyst")
        assert 'href="/quality/report"' in a.get("/quality").text
        assert a.get("/quality/report").status_code == 200
        m = as_role("member")
        assert "/quality/report" not in m.get("/quality").text
        assert m.get("/quality/report").status_code == 403
    finally:
        if made:
            report.unlink()
    assert any("data-quality report" in e.what for e in audit_rows(council, event="view"))


def test_the_committee_report_is_linked_from_the_scorecard(as_role, council):
    month = council.extract_date.strftime("%Y-%m")
    reports = sorted(council.config.report_dir.glob(f"report-{month}.*"))
    if not reports:
        pytest.skip("the demo wrote no committee report for the latest month")
    m = as_role("member")
    assert f'href="/reports/{reports[0].name}"' in m.get("/").text
    assert m.get(f"/reports/{reports[0].name}").status_code == 200
    assert m.get("/reports/..%2Fcscperf.toml").status_code == 404
    assert m.get("/reports/cscperf.duckdb").status_code == 404
