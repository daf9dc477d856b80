"""The FastAPI application: settings, templates, security headers, error pages, warm-up.

`create_app(config)` builds it; `serve(...)` runs it under uvicorn (`cscperf serve`). The routes are
in `views`. Pages are rendered on the server from Jinja2 templates; the little JavaScript there is
(`static/dashboard.js`) only makes choosers submit themselves and tables filterable, and every page
works without it.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from cscperf.config import Config
from cscperf.web import audit
from cscperf.web.auth import Principal, Sessions, SignInLimits
from cscperf.web.data import DashboardData, NoData, StoreBusy
from cscperf.web.db import WebDB, default_path
from cscperf.web.pages import Forbidden, NotFound

HERE = Path(__file__).parent
log = logging.getLogger("cscperf.web")

# Content Security Policy: scripts and styles from this server only (the SVG charts carry their own
# presentation attributes, and style attributes, which the policy allows; no inline script anywhere).
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


@dataclass
class Settings:
    config: Config
    users_db: Path
    secure_cookies: bool = False          # set behind HTTPS (a reverse proxy)
    warm: bool = True                     # compute the latest month's lists and charts at start
    chart_process: bool = True            # draw charts in a process of their own (charts.render_in_own_process)
    per_user_failures: int = 5
    per_address_failures: int = 20
    failure_window: int = 15 * 60


class NeedSignIn(Exception):
    pass


class MustChangePassword(Exception):
    pass


class CsrfRejected(Exception):
    pass


class SecurityHeaders:
    """Pure ASGI middleware (no per-request task switching): security headers on every response,
    and no caching of pages (they may hold child-level data)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", [])) + SECURITY_HEADERS
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)
        await self.app(scope, receive, send_with_headers)


@lru_cache(maxsize=1)
def templates():
    import jinja2

    from cscperf.report import formatting as fmt
    from cscperf.web import pages

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             auto_reload=False)   # templates ship with the package: no stat per page
    env.filters["month"] = fmt.month_name
    env.filters["day"] = fmt.day
    env.filters["short_day"] = pages.short_day
    env.filters["value"] = fmt.value
    env.filters["first_upper"] = lambda text: str(text)[:1].upper() + str(text)[1:]
    env.globals["SUPPRESSED"] = pages.SUPPRESSED
    return env


def render(request: Request, template: str, context: dict, status: int = 200, main_html: str | None = None) -> HTMLResponse:
    """The page: `template` with `context`; or, given `main_html` (the page's main block, rendered
    before and kept), the frame around it, which carries the person's name and CSRF token."""
    if main_html is None:
        html = render_text(request, template, context)
    else:
        html = render_text(request, "base.html.j2", context, main_html=main_html)
    return HTMLResponse(html, status_code=status)


def render_main(request: Request, template: str, context: dict) -> str:
    """Only the page's main block: what is kept between requests (it depends on the role, not the person)."""
    tmpl = templates().get_template(template)
    ctx = tmpl.new_context(_globals(request, context))
    return "".join(tmpl.blocks["main"](ctx))


def render_text(request: Request, template: str, context: dict, **extra) -> str:
    return templates().get_template(template).render(_globals(request, context), **extra)


def _globals(request: Request, context: dict) -> dict:
    from urllib.parse import parse_qsl, urlencode

    at = context.get("at")
    explicit = dict(at.explicit) if at is not None else {}

    def link(path: str, **params) -> str:
        """A link that keeps the page's "as at" choice (and any query the path already has)."""
        path, _, own = path.partition("?")
        query = {**explicit, **dict(parse_qsl(own)), **{k: v for k, v in params.items() if v not in (None, "")}}
        return path + ("?" + urlencode(query) if query else "")

    def export_link(fmt_: str, table: str | None = None) -> str:
        query = dict(request.query_params)
        query["format"] = fmt_
        if table:
            query["table"] = table
        return request.url.path + "?" + urlencode(query)

    return {"request": request, "link": link, "export_link": export_link, "path": request.url.path, **context}


def client(request: Request) -> audit.Where:
    query = f"?{request.url.query}" if request.url.query else ""
    return audit.Where(request.client.host if request.client else None, request.headers.get("user-agent"),
                       request.url.path + query)


def create_app(config: Config, users_db: Path | None = None, **options) -> FastAPI:
    settings = Settings(config, Path(users_db) if users_db else default_path(config.store), **options)
    db = WebDB(settings.users_db)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from cscperf.report import charts

        charts.render_in_own_process(settings.chart_process)
        if settings.warm:
            threading.Thread(target=warm_up, args=(app,), name="cscperf-warm-up", daemon=True).start()
        else:
            app.state.ready.set()
        try:
            yield
        finally:
            charts.render_in_own_process(False)

    app = FastAPI(title="cscperf dashboard", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.db = db
    app.state.sessions = Sessions(db, db.secret_key())
    app.state.limits = SignInLimits(db, settings.per_user_failures, settings.per_address_failures, settings.failure_window)
    app.state.data = DashboardData(config)
    app.state.ready = threading.Event()
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    from cscperf.web import views

    app.include_router(views.router)
    _error_pages(app)
    return app


def _error_pages(app: FastAPI) -> None:
    @app.exception_handler(NeedSignIn)
    def _sign_in(request: Request, exc: NeedSignIn):
        from urllib.parse import urlencode

        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)

    @app.exception_handler(MustChangePassword)
    def _must_change(request: Request, exc: MustChangePassword):
        return RedirectResponse("/account/password", status_code=303)

    @app.exception_handler(CsrfRejected)
    def _csrf(request: Request, exc: CsrfRejected):
        from cscperf.web.auth import SESSION_COOKIE

        who = app.state.sessions.load(request.cookies.get(SESSION_COOKIE))
        return render(request, "error.html.j2", {"council": app.state.settings.config.council_name, "who": who,
                                                 "title": "This form has expired",
                                                 "message": "The form did not carry this session's security token, so "
                                                            "nothing was changed. Go back, reload the page and try again."},
                      status=403)

    @app.exception_handler(Forbidden)
    def _forbidden(request: Request, exc: Forbidden):
        who: Principal | None = getattr(request.state, "who", None)
        audit.record(app.state.db, audit.DENIED, exc.what, username=who.username if who else None,
                     role=who.role if who else None, where=client(request), children=exc.children)
        return render(request, "error.html.j2", {"council": app.state.settings.config.council_name, "who": who,
                                                 "title": "Not available to your role", "message": str(exc)}, status=403)

    @app.exception_handler(NotFound)
    def _not_found(request: Request, exc: NotFound):
        return render(request, "error.html.j2", {"council": app.state.settings.config.council_name,
                                                 "who": getattr(request.state, "who", None), "title": "Not found",
                                                 "message": str(exc)[:1].upper() + str(exc)[1:] + "."}, status=404)

    @app.exception_handler(StoreBusy)
    def _busy(request: Request, exc: StoreBusy):
        response = render(request, "error.html.j2", {
            "council": app.state.settings.config.council_name, "who": getattr(request.state, "who", None),
            "title": "The data is being updated",
            "message": "A load or computation is writing to the store, so this page cannot be read just now. "
                       "Try again in a minute."}, status=503)
        response.headers["Retry-After"] = "30"
        return response

    @app.exception_handler(NoData)
    def _no_data(request: Request, exc: NoData):
        return render(request, "error.html.j2", {"council": app.state.settings.config.council_name,
                                                 "who": getattr(request.state, "who", None), "title": "No figures yet",
                                                 "message": str(exc)}, status=503)


def warm_up(app: FastAPI) -> None:
    """Read the store and compute what the meeting's months (this month and the two before) show
    most: scorecards, the exception list, the child records, each indicator's page and the units
    behind it, so the first people in do not wait for them. Units (the query engine, in this process)
    and pages (mostly charts, drawn in their own process) are made side by side."""
    from concurrent.futures import ThreadPoolExecutor

    from cscperf.indicators import catalogue
    from cscperf.report import charts
    from cscperf.web import pages
    from cscperf.web.auth import Principal

    data: DashboardData = app.state.data
    started = time.perf_counter()
    try:
        charts.warm_up()
        env = templates()
        for name in env.list_templates():       # compiled once here, not by the first twenty people at once
            env.get_template(name)
        at = pages.as_at(data, None, None)
        months = [pages.as_at(data, None, f"{m:%Y-%m}") for m in reversed(at.snap.months[-3:])]
        for there in months:
            for role in ("analyst", "member"):
                pages.scorecard(data, Principal("warm-up", role), there)
        data.due(at.snap, at.extract_date)
        data.child_records(at.snap)
        shown = [ind.id for ind in catalogue() if data.results(at.snap).at(ind.id, at.month)]

        def units():
            for ind_id in shown:
                data.units(at.snap, ind_id, at.month)      # and the two months before (DashboardData.units)

        def indicator_pages():
            for there in months:
                for ind_id in shown:
                    for role in ("analyst", "member"):
                        pages.indicator_page(data, Principal("warm-up", role), there, ind_id)

        with ThreadPoolExecutor(2, thread_name_prefix="cscperf-warm-up") as pool:
            for done in [pool.submit(units), pool.submit(indicator_pages)]:
                done.result()
        log.info("dashboard warmed up in %.1f s", time.perf_counter() - started)
    except (NoData, StoreBusy, pages.NotFound) as e:
        log.warning("dashboard warm-up skipped: %s", e)
    except Exception:   # a warm-up failure must not stop the server; the page will show the error
        log.exception("dashboard warm-up failed")
    finally:
        app.state.ready.set()


def serve(config: Config, host: str = "127.0.0.1", port: int = 8000, users_db: Path | None = None,
          log_level: str = "info", **options) -> None:
    import uvicorn

    app = create_app(config, users_db, **options)
    uvicorn.run(app, host=host, port=port, log_level=log_level, proxy_headers=True, server_header=False)
