"""The dashboard in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium), headless.

Each role signs in and tries what it may and may not do; every page visited is saved as a screenshot
under tests/screenshots/ (git-ignored) for people to look at.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest

from webhelpers import SCREENSHOTS

CHROMIUM = "/usr/bin/chromium"
# stack-notes §4: Debian's Chromium under Playwright, as root in a container.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM),
                       reason=f"{CHROMIUM} is absent: install Debian's chromium (scripts/system-packages.txt)"),
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def open_as(browser, server, council):
    """open_as("analyst") -> a signed-in page in its own browser context."""
    contexts = []

    def make(role: str, sign_in: bool = True):
        context = browser.new_context(base_url=server.base, viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                      locale="en-GB", timezone_id="Europe/London")
        contexts.append(context)
        page = context.new_page()
        if sign_in:
            username, password = council.accounts[role]
            page.goto("/login")
            page.fill("#username", username)
            page.fill("#password", password)
            page.click("main button[type=submit]")
            page.wait_for_url(re.compile(r"/(\?.*)?$"))
        return page
    yield make
    for c in contexts:
        c.close()


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def main_text(page) -> str:
    return page.inner_text("main")


def test_sign_in_page_and_wrong_password(open_as, council):
    page = open_as("analyst", sign_in=False)
    page.goto("/")
    assert "/login" in page.url
    shot(page, "01-sign-in")
    page.fill("#username", council.accounts["analyst"][0])
    page.fill("#password", "not the password at all")
    page.click("main button[type=submit]")
    assert "not right" in page.inner_text("#sign-in-error")
    shot(page, "02-sign-in-wrong-password")


def test_analyst_scorecard_and_drill_down_to_a_child(open_as):
    page = open_as("analyst")
    assert page.inner_text("h1").startswith("Summary of key areas")
    assert page.locator("table.scorecard svg[role=img]").count() >= 10      # the report's sparklines
    shot(page, "10-analyst-scorecard")
    page.click("a:has-text('CP07')")
    page.wait_for_url(re.compile(r"/indicators/CP07"))
    assert page.locator(".chart svg[role=img]").count() == 1
    shot(page, "11-analyst-indicator-CP07")
    page.locator("#tbl-breakdown-team a").first.click()
    page.wait_for_url(re.compile(r"/indicators/CP07/teams/"))
    assert page.locator("#tbl-workers tbody tr").count() >= 1
    shot(page, "12-analyst-team")
    page.locator("#tbl-workers a").first.click()
    page.wait_for_url(re.compile(r"/workers/"))
    assert "recorded in the audit log" in main_text(page)
    shot(page, "13-analyst-worker-children")
    page.click("input[name=which][value=all]")              # every child counted, not only the exceptions
    page.wait_for_url(re.compile(r"which=all"))
    page.locator("#tbl-children a").first.click()
    page.wait_for_url(re.compile(r"/children/"))
    assert page.inner_text("h1").startswith("Child ")
    shot(page, "14-analyst-child")


def test_exception_list_filters_by_team_and_exports(open_as, council):
    page = open_as("analyst")
    page.goto("/exceptions")
    shot(page, "20-analyst-exceptions")
    page.select_option("#f-team", council.manager_team)        # the script submits the form
    page.wait_for_url(re.compile(rf"team={council.manager_team}"))
    teams = page.locator("#tbl-exceptions tbody tr td:nth-child(7)").all_inner_texts()
    assert teams and all(council.manager_team in t for t in teams)
    shot(page, "21-analyst-exceptions-one-team")
    with page.expect_download() as got:
        page.click("#table-exceptions .downloads a:has-text('CSV')")
    body = Path(got.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == len(teams) and {r["Team"] for r in rows} == {council.manager_team}
    with page.expect_download() as got:
        page.click("#table-exceptions .downloads a:has-text('XLSX')")
    assert got.value.suggested_filename.endswith(".xlsx")


def test_analyst_edits_an_action(open_as):
    page = open_as("analyst")
    page.goto("/actions")
    page.select_option("#status-1", "in progress")
    page.fill("#note-1", "Report drafted; going to the March committee")
    page.click("#action-1 button[type=submit]")
    page.wait_for_url(re.compile(r"/actions\?done="))
    assert "Action 1 updated" in main_text(page)
    assert "Report drafted; going to the March committee" in page.inner_text("#tbl-actions")
    shot(page, "30-analyst-actions-after-edit")


def test_a_tampered_form_is_refused(open_as):
    page = open_as("analyst")
    page.goto("/actions")
    page.eval_on_selector("#action-2 input[name=csrf_token]", "e => e.value = 'forged'")
    page.fill("#note-2", "this must not be recorded")
    page.click("#action-2 button[type=submit]")
    assert page.inner_text("h1") == "This form has expired"
    shot(page, "31-csrf-refused")
    page.goto("/actions")
    assert "this must not be recorded" not in main_text(page)


def test_member_sees_aggregates_only(open_as, council):
    page = open_as("member")
    nav = page.inner_text("nav.main-nav")
    assert "Overdue" not in nav and "Users" not in nav
    shot(page, "40-member-scorecard")
    page.goto("/indicators/CP07")
    shot(page, "41-member-indicator-CP07")
    team = page.locator("#tbl-breakdown-team a").first
    team.click()
    page.wait_for_url(re.compile(r"/teams/"))
    assert "not shown to your role" in main_text(page)
    shot(page, "42-member-team")
    for path in ("/", "/indicators/CP07", page.url):
        page.goto(path)
        html = page.content()
        assert not any(child in html for child in council.children if len(child) >= 6)
    page.goto("/exceptions")
    assert page.inner_text("h1") == "Not available to your role"
    shot(page, "43-member-exceptions-refused")


def test_manager_is_refused_another_teams_child(open_as, council):
    page = open_as("manager")
    page.goto(f"/children/{council.own_child}")
    assert page.inner_text("h1") == f"Child {council.own_child}"
    shot(page, "50-manager-own-child")
    response = page.goto(f"/children/{council.other_child}")
    assert response.status == 403
    assert page.inner_text("h1") == "Not available to your role"
    shot(page, "51-manager-other-teams-child-refused")
    page.goto(f"/indicators/{council.other_team_indicator}/teams/{council.other_team}")
    assert "your own teams" in main_text(page)
    shot(page, "52-manager-other-team-figures-only")
    page.goto("/exceptions")
    shot(page, "53-manager-exceptions")


def test_admin_finds_the_refusal_in_the_audit_log(open_as, council, server):
    manager = open_as("manager")
    manager.goto(f"/children/{council.other_child}")
    page = open_as("admin")
    page.goto("/admin/audit")
    page.fill("#a-child", council.other_child)
    page.select_option("#a-event", "denied")
    page.click("form.filters button")
    page.wait_for_url(re.compile(r"child="))
    text = page.inner_text("#tbl-audit")
    assert council.accounts["manager"][0] in text and "denied" in text and "127.0.0.1" in text
    shot(page, "60-admin-audit-search")


def test_admin_adds_a_user_who_must_choose_a_password(open_as, browser, server):
    page = open_as("admin")
    page.goto("/admin/users")
    page.fill("#new-username", "new.manager")
    page.check("input[name=role][value=manager]")
    page.locator("input[name=teams]").first.check()
    page.click("section button[type=submit]:has-text('Add the user')")
    password = page.inner_text("#one-time-password")
    shot(page, "61-admin-users-one-time-password")
    newcomer = open_as("member", sign_in=False)
    newcomer.goto("/login")
    newcomer.fill("#username", "new.manager")
    newcomer.fill("#password", password)
    newcomer.click("main button[type=submit]")
    newcomer.wait_for_url(re.compile(r"/account/password"))
    shot(newcomer, "62-choose-a-password")
    newcomer.fill("#current", password)
    newcomer.fill("#new", "a long new passphrase")
    newcomer.fill("#again", "a long new passphrase")
    newcomer.click("main button[type=submit]")
    newcomer.wait_for_url(re.compile(r"/$"))
    assert newcomer.inner_text("h1").startswith("Summary of key areas")


def test_sign_in_is_rate_limited(open_as, council):
    from cscperf.web import users
    from cscperf.web.db import WebDB

    password = users.generate_password()
    users.add(WebDB(council.users_db), "browser-limited", "member", [], password, must_change=False)
    page = open_as("member", sign_in=False)
    for _ in range(5):
        page.goto("/login")
        page.fill("#username", "browser-limited")
        page.fill("#password", "wrong wrong wrong")
        page.click("main button[type=submit]")
    page.goto("/login")
    page.fill("#username", "browser-limited")
    page.fill("#password", password)                 # the right one, refused while limited
    page.click("main button[type=submit]")
    assert "Too many failed sign-ins" in page.inner_text("#sign-in-error")
    shot(page, "03-sign-in-rate-limited")


def test_quality_and_as_at_chooser(open_as):
    page = open_as("analyst")
    page.goto("/quality")
    shot(page, "70-analyst-quality")
    page.goto("/")
    months = page.locator("#as-at-month option").all_inner_texts()
    page.select_option("#as-at-month", index=12)        # a year before the latest month
    page.wait_for_url(re.compile(r"month="))
    assert months[12] in page.inner_text("h1")
    shot(page, "71-scorecard-a-year-earlier")
    page.select_option("#as-at-snapshot", index=1)      # the older snapshot
    page.wait_for_url(re.compile(r"snapshot=1"))
    assert "Snapshot 1" in page.inner_text("#as-at-snapshot option[selected]")
