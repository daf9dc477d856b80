"""The dashboard for the weekly performance meeting: `cscperf serve`.

Server-rendered pages (Jinja2) over the store's results, with the same charts as the committee report,
sign-in and roles, an audit of every view or export of child-level data, and CSV/XLSX exports of what
is on screen. The modules, each named for what it holds:

* `db`       the dashboard's own SQLite database (users, sessions, sign-in failures, audit): why it is
             not in the DuckDB store
* `users`    accounts: add, remove, list, passwords (Argon2)
* `auth`     roles and what each may see; sessions, CSRF tokens, sign-in rate limits
* `audit`    the append-only record of who saw or exported which children, when, from where
* `data`     the dashboard's view of the store: short-lived connections, caches, the "as at" snapshot
* `pages`    what each page shows, built from the data for one person's role (no HTTP here)
* `views`    the routes: request in, page or export out
* `exports`  CSV and XLSX of a page's tables
* `app`      the FastAPI application: middleware, error pages, static files
* `commands` `cscperf serve`, `cscperf users ...`, `cscperf bench-web`, the demo's accounts
* `bench`    the load generator behind `cscperf bench-web`

Charts are the committee report's (`report.charts`: sparklines, `trend_spec`, `bars_spec`), rendered
to inline SVG on the server with their text alternatives.

Nothing here computes a figure: results come from the results table, child lists from
`engine.child_list` and exception lists from `engine.due_list`, so the dashboard and the report agree.
"""

from __future__ import annotations

__all__ = ["create_app"]


def create_app(*args, **kwargs):
    from cscperf.web.app import create_app as create

    return create(*args, **kwargs)
