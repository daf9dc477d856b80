"""The routes: who is asking, what they asked for, the page or export they get.

Every route but sign-in and /healthz needs a session (`current`). Every POST passes `csrf_guard`
first (a router-wide dependency, so no form can be added without it). Page handlers are plain
functions (FastAPI runs them in its thread pool: they read DuckDB and SQLite); handlers that read a
form are async and hand blocking work to the pool.

A page with child-level data is recorded in the audit log when it is shown and when it is exported
(`respond`); a refusal is recorded by the 403 handler in `app`.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from cscperf.web import audit, exports, pages, users
from cscperf.web.app import CsrfRejected, MustChangePassword, NeedSignIn, client, render, render_main
from cscperf.web.auth import SESSION_COOKIE, SIGN_IN_COOKIE, Principal, same_token
from cscperf.web.data import DashboardData


async def csrf_guard(request: Request) -> None:
    """Every state-changing request must carry the right token: the session's, or before sign-in
    the signed double-submit token of the sign-in form."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    form = await request.form()
    given = form.get("csrf_token") or request.headers.get("x-csrf-token")
    if request.url.path == "/login":
        if not request.app.state.sessions.check_sign_in_token(request.cookies.get(SIGN_IN_COOKIE), given):
            raise CsrfRejected()
        return
    who = request.app.state.sessions.load(request.cookies.get(SESSION_COOKIE))
    if who is None:
        raise NeedSignIn()
    if not same_token(who.csrf, given):
        raise CsrfRejected()
    request.state.who = who


router = APIRouter(dependencies=[Depends(csrf_guard)])


def current(request: Request) -> Principal:
    who = getattr(request.state, "who", None) or request.app.state.sessions.load(request.cookies.get(SESSION_COOKIE))
    if who is None:
        raise NeedSignIn()
    request.state.who = who
    if who.must_change and request.url.path not in ("/account/password", "/logout"):
        raise MustChangePassword()
    return who


def data_of(request: Request) -> DashboardData:
    return request.app.state.data


def scope(who: Principal) -> tuple:
    """What a page's content depends on: the role's reach, not the person (admins and analysts see
    the same pages, managers of the same teams the same pages)."""
    if who.suppressed:
        return ("member",)
    if who.all_records:
        return ("all",)
    return ("manager", tuple(sorted(who.teams)))


def show(request: Request, who: Principal, template: str, build, export: str | None = None,
         table: str | None = None, extra_key=None) -> Response:
    """A page built by `build()` and its main block rendered once per role scope, address and state
    of the store, then kept: the next person with the same reach gets it from memory. Views and
    exports of child-level data are recorded every time, whether the page was kept or not."""
    data = data_of(request)
    query = tuple(sorted((k, v) for k, v in request.query_params.multi_items() if k not in ("format", "table")))
    key = (template, request.url.path, query, scope(who), data.state().fingerprint, extra_key)

    def make():
        page = build()
        return page, render_main(request, template, page)
    page, main_html = data.pages.get(key, make)
    page = {**page, "who": who, "stale": data.stale}
    return respond(request, who, template, page, export, table, main_html)


def respond(request: Request, who: Principal, template: str, page: dict, export: str | None = None,
            table: str | None = None, main_html: str | None = None) -> Response:
    """The page, or its export; either way recorded if it holds child-level data."""
    db = request.app.state.db
    at = page.get("at")
    snapshot = at.snap.id if at else None
    if export:
        tables = page["tables"]
        if not tables:
            raise pages.NotFound("this page has no table to export")
        if export == "csv":
            chosen = [next((t for t in tables if t.name == table), tables[0])]
            body, media, ext = exports.to_csv(chosen[0]), exports.CSV_TYPE, "csv"
        elif export == "xlsx":
            chosen = tables
            about = [("Page", page["title"]), ("Council", page["council"])]
            if at:
                about += [("Snapshot", at.snap.label), ("Month", at.month.strftime("%B %Y"))]
            body = exports.to_xlsx(tables, page["title"], who.describe() + f" {who.username}", dt.datetime.now(), about)
            media, ext = exports.XLSX_TYPE, "xlsx"
        else:
            raise pages.NotFound(f"format={export!r}: expected csv or xlsx")
        if any(t.child_level for t in chosen):
            info = page.get("audit") or {}
            rows = sum(len(t.rows) for t in chosen if t.child_level)
            audit.record(db, audit.EXPORT, f"{ext.upper()} export: {info.get('what', page['title'])}", username=who.username,
                         role=who.role, where=client(request), snapshot=snapshot, rows=rows, children=info.get("children", ()))
        stem = f"cscperf-{page['title']}" + (f"-{at.month:%Y-%m}" if at else "")
        return Response(body, media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="{exports.filename(stem, ext)}"'})
    info = page.get("audit")
    if info:
        audit.record(db, audit.VIEW, info["what"], username=who.username, role=who.role, where=client(request),
                     snapshot=snapshot, rows=info.get("rows"), children=info.get("children", ()))
    return render(request, template, page, main_html=main_html)


# ---- sign-in ---------------------------------------------------------------------------------------

def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _sign_in_page(request: Request, error: str | None = None, status: int = 200, username: str = "") -> HTMLResponse:
    cookie, token = request.app.state.sessions.sign_in_token()
    response = render(request, "login.html.j2", {"council": request.app.state.settings.config.council_name, "who": None,
                                                 "title": "Sign in", "token": token, "error": error, "username": username,
                                                 "next": _safe_next(request.query_params.get("next"))}, status=status)
    response.set_cookie(SIGN_IN_COOKIE, cookie, max_age=3600, httponly=True, samesite="strict", path="/login",
                        secure=request.app.state.settings.secure_cookies)
    return response


@router.get("/login", response_class=HTMLResponse)
def sign_in_form(request: Request):
    if request.app.state.sessions.load(request.cookies.get(SESSION_COOKIE)):
        return RedirectResponse("/", status_code=303)
    return _sign_in_page(request)


# Argon2 takes 64 MiB and a few tenths of a CPU second per check: at most two at once, so that a
# crowd signing in at the start of a meeting neither starves the pages nor the memory.
_hashing = threading.BoundedSemaphore(2)


def _verify(db, username: str, password: str):
    with _hashing:
        return users.verify(db, username, password)


@router.post("/login")
async def sign_in(request: Request):
    form = await request.form()
    username = str(form.get("username") or "").strip().lower()
    password = str(form.get("password") or "")
    where = client(request)
    app = request.app
    wait = await run_in_threadpool(app.state.limits.wait, username, where.ip)
    if wait:
        await run_in_threadpool(audit.record, app.state.db, audit.SIGN_IN_LIMITED, f"sign-in as {username!r} refused",
                                username=username or None, where=where)
        minutes = max(1, (wait + 59) // 60)
        response = _sign_in_page(request, f"Too many failed sign-ins for this account or from this address. "
                                          f"Try again in {minutes} minute{'s' if minutes != 1 else ''}.", 429, username)
        response.headers["Retry-After"] = str(wait)
        return response
    user = await run_in_threadpool(_verify, app.state.db, username, password)
    if user is None:
        await run_in_threadpool(app.state.limits.failed, username, where.ip)
        await run_in_threadpool(audit.record, app.state.db, audit.SIGN_IN_FAILED, f"wrong username or password for {username!r}",
                                username=username or None, where=where)
        return _sign_in_page(request, "The username or password is not right.", 401, username)
    await run_in_threadpool(app.state.limits.succeeded, username)
    cookie = await run_in_threadpool(app.state.sessions.start, user, where.ip, where.user_agent)
    await run_in_threadpool(audit.record, app.state.db, audit.SIGN_IN, "signed in", username=user.username, role=user.role,
                            where=where)
    target = "/account/password" if user.must_change else _safe_next(str(form.get("next") or "/"))
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, cookie, httponly=True, samesite="lax", path="/",
                        secure=app.state.settings.secure_cookies)
    response.delete_cookie(SIGN_IN_COOKIE, path="/login")
    return response


@router.post("/logout")
async def sign_out(request: Request):
    who = request.state.who
    await run_in_threadpool(request.app.state.sessions.end, request.cookies.get(SESSION_COOKIE))
    await run_in_threadpool(audit.record, request.app.state.db, audit.SIGN_OUT, "signed out", username=who.username,
                            role=who.role, where=client(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account/password", response_class=HTMLResponse)
def password_form(request: Request, who: Principal = Depends(current)):
    return render(request, "password.html.j2", {"council": request.app.state.settings.config.council_name, "who": who,
                                                "title": "Choose a new password", "error": None,
                                                "min_length": users.MIN_PASSWORD})


@router.post("/account/password")
async def change_password(request: Request):
    who = current(request)
    form = await request.form()
    db = request.app.state.db

    def fail(message: str):
        return render(request, "password.html.j2", {"council": request.app.state.settings.config.council_name, "who": who,
                                                    "title": "Choose a new password", "error": message,
                                                    "min_length": users.MIN_PASSWORD}, status=400)
    if await run_in_threadpool(users.verify, db, who.username, str(form.get("current") or "")) is None:
        return fail("Your current password is not right.")
    new, again = str(form.get("new") or ""), str(form.get("again") or "")
    if new != again:
        return fail("The two new passwords are not the same.")
    if new == str(form.get("current") or ""):
        return fail("Choose a password different from the one you were given.")
    try:
        await run_in_threadpool(users.set_password, db, who.username, new, False)
    except users.UserError as e:
        return fail(str(e)[:1].upper() + str(e)[1:] + ".")
    await run_in_threadpool(audit.record, db, audit.PASSWORD_CHANGED, "changed their password", username=who.username,
                            role=who.role, where=client(request))
    return RedirectResponse("/", status_code=303)


@router.get("/healthz")
def health(request: Request):
    return JSONResponse({"ready": request.app.state.ready.is_set(), "stale": request.app.state.data.stale})


# ---- figures ------------------------------------------------------------------------------------------

@router.get("/", response_class=HTMLResponse)
def scorecard(request: Request, who: Principal = Depends(current), snapshot: str | None = None, month: str | None = None,
              export: str | None = Query(None, alias="format"), table: str | None = None):
    data = data_of(request)
    at = pages.as_at(data, snapshot, month)
    reports = committee_reports(request, at.month)

    def build():
        return {**pages.scorecard(data, who, at), "reports": reports}
    return show(request, who, "scorecard.html.j2", build, export, table, extra_key=tuple(reports))


@router.get("/indicators/{indicator_id}", response_class=HTMLResponse)
def indicator(request: Request, indicator_id: str, who: Principal = Depends(current), snapshot: str | None = None,
              month: str | None = None, export: str | None = Query(None, alias="format"), table: str | None = None):
    data = data_of(request)
    at = pages.as_at(data, snapshot, month)
    return show(request, who, "indicator.html.j2", lambda: pages.indicator_page(data, who, at, indicator_id), export, table)


@router.get("/indicators/{indicator_id}/teams/{team}", response_class=HTMLResponse)
def team(request: Request, indicator_id: str, team: str, who: Principal = Depends(current), snapshot: str | None = None,
         month: str | None = None, export: str | None = Query(None, alias="format"), table: str | None = None):
    data = data_of(request)
    at = pages.as_at(data, snapshot, month)
    return show(request, who, "team.html.j2", lambda: pages.team_page(data, who, at, indicator_id, team), export, table)


@router.get("/indicators/{indicator_id}/teams/{team}/workers/{worker}", response_class=HTMLResponse)
def worker(request: Request, indicator_id: str, team: str, worker: str, who: Principal = Depends(current),
           snapshot: str | None = None, month: str | None = None, which: str = "exceptions",
           export: str | None = Query(None, alias="format"), table: str | None = None):
    data = data_of(request)
    at = pages.as_at(data, snapshot, month)
    return show(request, who, "children.html.j2",
                lambda: pages.worker_page(data, who, at, indicator_id, team, worker, which), export, table)


@router.get("/indicators/{indicator_id}/children", response_class=HTMLResponse)
def children(request: Request, indicator_id: str, who: Principal = Depends(current), snapshot: str | None = None,
             month: str | None = None, team: str | None = None, which: str = "exceptions",
             export: str | None = Query(None, alias="format"), table: str | None = None):
    data = data_of(request)
    at = pages.as_at(data, snapshot, month)
    return show(request, who, "children.html.j2",
                lambda: pages.children_page(data, who, at, indicator_id, team or None, None, which), export, table)


@router.get("/exceptions", response_class=HTMLResponse)
def exceptions(request: Request, who: Principal = Depends(current), snapshot: str | None = None, month: str | None = None,
               within: int = Query(5, ge=0, le=60), team: str | None = None, worker: str | None = None,
               rule: str | None = None, status: str | None = None,
               export: str | None = Query(None, alias="format"), table: str | None = None):
    data = data_of(request)
    at = pages.as_at(data, snapshot, month)
    return show(request, who, "exceptions.html.j2",
                lambda: pages.exceptions_page(data, who, at, within, team or None, worker or None, rule or None,
                                              status or None), export, table)


@router.get("/children/{person_id}", response_class=HTMLResponse)
def child(request: Request, person_id: str, who: Principal = Depends(current), snapshot: str | None = None,
          month: str | None = None, on: str | None = None, export: str | None = Query(None, alias="format"),
          table: str | None = None):
    data = data_of(request)
    at = pages.as_at(data, snapshot, month)
    try:
        day = dt.date.fromisoformat(on) if on else None
    except ValueError:
        raise pages.NotFound(f"on={on!r}: expected a date, YYYY-MM-DD") from None
    return show(request, who, "child.html.j2", lambda: pages.child_page(data, who, at, person_id, day), export, table)


# ---- the action tracker ------------------------------------------------------------------------------

@router.get("/actions", response_class=HTMLResponse)
def action_tracker(request: Request, who: Principal = Depends(current), snapshot: str | None = None,
                   month: str | None = None, done: str | None = None,
                   export: str | None = Query(None, alias="format"), table: str | None = None):
    data = data_of(request)
    at = pages.as_at(data, snapshot, month)
    page = pages.actions_page(data, who, at)
    page["done"] = done
    page["error"] = None
    return respond(request, who, "actions.html.j2", page, export, table)


def _parse_day(text, what: str) -> dt.date | None:
    text = str(text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        from cscperf.actions import ActionError

        raise ActionError(f"{what}: {text!r} is not a date (YYYY-MM-DD)") from None


async def _edit_actions(request: Request, change) -> Response:
    """Run one change to the action log in a read-write connection; show the tracker again with the outcome."""
    from cscperf.actions import ActionError
    from cscperf.web.data import StoreBusy

    who = current(request)
    if not who.may_edit_actions:
        raise pages.Forbidden("Your role can read the action tracker but not change it.", "edit the action tracker")
    form = await request.form()
    data = data_of(request)
    error = None
    try:
        def run():
            with data.write() as store:
                return change(store.con, form, who)
        message = await run_in_threadpool(run)
    except ActionError as e:
        error = str(e)[:1].upper() + str(e)[1:] + "."
    except StoreBusy:
        error = "The store is busy (a load or computation is running). Nothing was changed; try again in a minute."
    if error is None:
        await run_in_threadpool(audit.record, request.app.state.db, audit.ACTION_EDITED, message, username=who.username,
                                role=who.role, where=client(request))
        return RedirectResponse("/actions?" + urlencode({"done": message}), status_code=303)

    def again():
        at = pages.as_at(data, None, None)
        page = pages.actions_page(data, who, at)
        page["done"], page["error"] = None, error
        return render(request, "actions.html.j2", page, status=400 if "busy" not in error else 503)
    return await run_in_threadpool(again)


@router.post("/actions")
async def add_action(request: Request):
    from cscperf import actions

    def change(con, form, who):
        meeting = _parse_day(form.get("meeting"), "Meeting date")
        if meeting is None:
            raise actions.ActionError("give the date of the meeting that raised the action")
        number = actions.add(con, meeting, str(form.get("action") or ""), str(form.get("owners") or ""),
                             _parse_day(form.get("due"), "Due date"), [str(i) for i in form.getlist("indicators") if i],
                             by=who.username)
        return f"Action {number} recorded."
    return await _edit_actions(request, change)


@router.post("/actions/{action_id}")
async def update_action(request: Request, action_id: int):
    from cscperf import actions

    def change(con, form, who):
        actions.update(con, action_id, str(form.get("status") or "") or None, str(form.get("note") or ""), by=who.username)
        return f"Action {action_id} updated."
    return await _edit_actions(request, change)


# ---- data quality -----------------------------------------------------------------------------------

def _quality_report(request: Request):
    """The fuller data-quality report, if one has been written beside the committee report."""
    folder = request.app.state.settings.config.report_dir
    for name in ("quality.html", "data-quality.html"):
        if (folder / name).is_file():
            return folder / name
    return None


@router.get("/quality", response_class=HTMLResponse)
def quality(request: Request, who: Principal = Depends(current), snapshot: str | None = None, month: str | None = None,
            export: str | None = Query(None, alias="format"), table: str | None = None):
    data = data_of(request)
    at = pages.as_at(data, snapshot, month)
    report = _quality_report(request)
    return show(request, who, "quality.html.j2",
                lambda: pages.quality_page(data, who, at, "/quality/report" if report and who.all_records else None),
                export, table, extra_key=report.stat().st_mtime_ns if report else None)


@router.get("/quality/report")
def quality_report(request: Request, who: Principal = Depends(current)):
    if not who.all_records:
        raise pages.Forbidden("The full data-quality report lists values from the files; analysts see it.",
                              "the full data-quality report")
    path = _quality_report(request)
    if path is None:
        raise pages.NotFound("no data-quality report has been written yet")
    audit.record(request.app.state.db, audit.VIEW, f"the full data-quality report ({path.name})", username=who.username,
                 role=who.role, where=client(request))
    return FileResponse(path, media_type="text/html")


# ---- the committee report ---------------------------------------------------------------------------

COMMITTEE_REPORT = re.compile(r"^report-\d{4}-\d{2}\.(html|pdf)$")


def committee_reports(request: Request, month: dt.date) -> list[tuple[str, str]]:
    """The committee report for a month, if `cscperf report` has written it: [(format, file name)]."""
    folder = request.app.state.settings.config.report_dir
    return [(ext.upper(), f"report-{month:%Y-%m}.{ext}") for ext in ("html", "pdf")
            if (folder / f"report-{month:%Y-%m}.{ext}").is_file()]


@router.get("/reports/{name}")
def committee_report(request: Request, name: str, who: Principal = Depends(current)):
    """The published committee report (aggregates, suppressed: every role may read it)."""
    folder = request.app.state.settings.config.report_dir
    if not COMMITTEE_REPORT.match(name) or not (folder / name).is_file():
        raise pages.NotFound(f"there is no committee report {name!r}")
    return FileResponse(folder / name, media_type="application/pdf" if name.endswith(".pdf") else "text/html")


# ---- administration ------------------------------------------------------------------------------------

def _admin(request: Request) -> Principal:
    who = current(request)
    if not who.is_admin:
        raise pages.Forbidden("Only admins manage users and read the audit log.", f"admin page {request.url.path}")
    return who


def _teams(request: Request) -> list[tuple[str, str]]:
    data = data_of(request)
    try:
        snap = data.snapshot(None)
        names = data.names(snap)
        return sorted((t, names.team(t)) for t in names.teams)
    except Exception:
        return []


def _users_page(request: Request, who: Principal, message: str | None = None, error: str | None = None,
                password: tuple[str, str] | None = None, status: int = 200) -> HTMLResponse:
    return render(request, "admin_users.html.j2", {
        "council": request.app.state.settings.config.council_name, "who": who, "title": "Users",
        "users": users.listing(request.app.state.db), "roles": users.ROLES, "teams": _teams(request),
        "message": message, "error": error, "password": password}, status=status)


@router.get("/admin/users", response_class=HTMLResponse)
def admin_users(request: Request):
    return _users_page(request, _admin(request))


@router.post("/admin/users")
async def admin_add_user(request: Request):
    who = _admin(request)
    form = await request.form()
    username, role = str(form.get("username") or ""), str(form.get("role") or "")
    teams = [str(t) for t in form.getlist("teams")] if role == users.MANAGER else []
    try:
        password = await run_in_threadpool(users.add, request.app.state.db, username, role, teams, None, True, who.username)
    except users.UserError as e:
        return await run_in_threadpool(_users_page, request, who, None, str(e)[:1].upper() + str(e)[1:] + ".", None, 400)
    name = username.strip().lower()
    await run_in_threadpool(audit.record, request.app.state.db, audit.USER_ADDED,
                            f"added {name} as {role}" + (f" of {', '.join(teams)}" if teams else ""),
                            username=who.username, role=who.role, where=client(request))
    return await run_in_threadpool(_users_page, request, who, f"{name} can now sign in.", None, (name, password))


@router.post("/admin/users/{username}/remove")
async def admin_remove_user(request: Request, username: str):
    who = _admin(request)
    if username == who.username:
        return await run_in_threadpool(_users_page, request, who, None, "You cannot remove your own account.", None, 400)
    try:
        await run_in_threadpool(users.remove, request.app.state.db, username)
    except users.UserError as e:
        return await run_in_threadpool(_users_page, request, who, None, str(e)[:1].upper() + str(e)[1:] + ".", None, 400)
    await run_in_threadpool(audit.record, request.app.state.db, audit.USER_REMOVED, f"removed {username}",
                            username=who.username, role=who.role, where=client(request))
    return await run_in_threadpool(_users_page, request, who, f"{username} was removed; their sessions have ended.")


@router.post("/admin/users/{username}/reset")
async def admin_reset_password(request: Request, username: str):
    who = _admin(request)
    try:
        password = await run_in_threadpool(users.reset_password, request.app.state.db, username)
    except users.UserError as e:
        return await run_in_threadpool(_users_page, request, who, None, str(e)[:1].upper() + str(e)[1:] + ".", None, 400)
    await run_in_threadpool(audit.record, request.app.state.db, audit.PASSWORD_RESET, f"reset the password of {username}",
                            username=who.username, role=who.role, where=client(request))
    return await run_in_threadpool(_users_page, request, who, f"{username} has a new one-time password.", None,
                                   (username, password))


def _browser(agent: str | None) -> str:
    """A user agent in a few words: "Chrome 156 on Linux"."""
    if not agent:
        return "–"
    for name, pattern in (("Edge", r"Edg/(\d+)"), ("Chrome", r"Chrome/(\d+)"), ("Firefox", r"Firefox/(\d+)"),
                          ("Safari", r"Version/(\d+).*Safari"), ("httpx", r"python-httpx/([\d.]+)")):
        found = re.search(pattern, agent)
        if found:
            system = next((o for o in ("Windows", "Mac OS", "Android", "iPhone", "Linux") if o in agent), "")
            return f"{name} {found.group(1)}" + (f" on {system}" if system else "")
    return agent[:40]


@router.get("/admin/audit", response_class=HTMLResponse)
def admin_audit(request: Request, user: str | None = None, child: str | None = None, event: str | None = None,
                since: str | None = None, until: str | None = None, text: str | None = None,
                page: int = Query(1, ge=1), export: str | None = Query(None, alias="format")):
    who = _admin(request)
    per_page = 100

    def day(value: str | None, what: str) -> dt.date | None:
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise pages.NotFound(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from None
    filters = dict(username=user or None, child=child or None, event=event or None, since=day(since, "From"),
                   until=day(until, "To"), text=text or None)
    limit, offset = (100_000, 0) if export else (per_page, (page - 1) * per_page)
    entries, total = audit.search(request.app.state.db, limit=limit, offset=offset, **filters)
    table = pages.DataTable("audit", "Audit log", [("No.", True), ("When (UTC)", False), ("Who", False), ("Role", False),
                                                   ("Event", False), ("What", False), ("From", False), ("Browser", False),
                                                   ("Rows", True), ("Children", True)], empty="No entry matches.",
                             child_level=True)
    for e in entries:
        table.rows.append([pages.Cell(str(e.audit_id), e.audit_id), pages.Cell(e.at.replace("T", " ")[:19], e.at),
                           pages.Cell(e.username or "–"), pages.Cell(e.role or "–"), pages.Cell(e.event, cls="event"),
                           pages.Cell(e.what), pages.Cell(f"{e.ip or '–'}", e.ip),
                           pages.Cell(_browser(e.user_agent), e.user_agent),
                           pages.Cell("" if e.rows is None else str(e.rows), e.rows, cls="num"),
                           pages.Cell("" if e.children is None else str(e.children), e.children, cls="num")])
    searched = ", ".join(f"{k} {v}" for k, v in filters.items() if v) or "everything"
    page_ctx = {"council": request.app.state.settings.config.council_name, "who": who, "title": "Audit log",
                "table": table, "tables": [table], "total": total, "page": page, "pages": max(1, -(-total // per_page)),
                "filters": {"user": user or "", "child": child or "", "event": event or "", "since": since or "",
                            "until": until or "", "text": text or ""}, "events": audit.EVENTS,
                "audit": {"what": f"audit log search ({searched}): {len(entries)} entries", "rows": len(entries),
                          "children": (child,) if child else ()}}
    return respond(request, who, "admin_audit.html.j2", page_ctx, export, None)
