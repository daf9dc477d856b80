"""The audit log: every view or export of child-level data, and every refusal, sign-in and account
change: who (username and role), what (in words, with the children's ids), when (UTC) and from where
(address and browser).

Append-only: this module only inserts and reads; the web database's triggers refuse any UPDATE or
DELETE (`db.SCHEMA`), and no web route changes it. Admins search it at /admin/audit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cscperf.web.db import WebDB

VIEW, EXPORT, DENIED = "view", "export", "denied"
SIGN_IN, SIGN_IN_FAILED, SIGN_IN_LIMITED, SIGN_OUT = "sign-in", "sign-in failed", "sign-in refused (rate limit)", "sign-out"
PASSWORD_CHANGED, USER_ADDED, USER_REMOVED, PASSWORD_RESET, ACTION_EDITED = (
    "password changed", "user added", "user removed", "password reset", "action edited")
EVENTS = (VIEW, EXPORT, DENIED, SIGN_IN, SIGN_IN_FAILED, SIGN_IN_LIMITED, SIGN_OUT, PASSWORD_CHANGED, USER_ADDED,
          USER_REMOVED, PASSWORD_RESET, ACTION_EDITED)


@dataclass(frozen=True)
class Where:
    """Where a request came from."""
    ip: str | None = None
    user_agent: str | None = None
    path: str | None = None


@dataclass(frozen=True)
class Entry:
    audit_id: int
    at: str
    username: str | None
    role: str | None
    ip: str | None
    user_agent: str | None
    event: str
    what: str
    path: str | None
    snapshot: int | None
    rows: int | None
    children: int | None


def record(db: WebDB, event: str, what: str, *, username: str | None = None, role: str | None = None,
           where: Where = Where(), snapshot: int | None = None, rows: int | None = None,
           children: list[str] | tuple[str, ...] = ()) -> int:
    """Append one entry (and the ids of the children it concerns); returns its number."""
    at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")
    ids = sorted({str(c) for c in children if c is not None})
    with db.transaction() as con:
        cur = con.execute(
            "INSERT INTO audit (at, username, role, ip, user_agent, event, what, path, snapshot, rows, children) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [at, username, role, where.ip, (where.user_agent or "")[:300] or None, event, what, where.path, snapshot, rows,
             len(ids) if ids or rows is not None else None])
        audit_id = cur.lastrowid
        if ids:
            con.executemany("INSERT INTO audit_children VALUES (?, ?)", [(audit_id, i) for i in ids])
    return audit_id


def search(db: WebDB, *, username: str | None = None, child: str | None = None, event: str | None = None,
           since: dt.date | None = None, until: dt.date | None = None, text: str | None = None,
           limit: int = 100, offset: int = 0) -> tuple[list[Entry], int]:
    """Entries matching every filter given, newest first, and how many match in all."""
    where, params = [], []
    if username:
        where.append("a.username = ?")
        params.append(username.strip().lower())
    if child:
        where.append("a.audit_id IN (SELECT audit_id FROM audit_children WHERE person_id = ?)")
        params.append(child.strip())
    if event:
        where.append("a.event = ?")
        params.append(event)
    if since:
        where.append("a.at >= ?")
        params.append(since.isoformat())
    if until:
        where.append("a.at < ?")
        params.append((until + dt.timedelta(days=1)).isoformat())
    if text:
        where.append("(a.what LIKE ? OR a.path LIKE ? OR a.ip LIKE ?)")
        params += [f"%{text.strip()}%"] * 3
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    with db.connect() as con:
        total = con.execute(f"SELECT count(*) FROM audit a {clause}", params).fetchone()[0]
        rows = con.execute(f"SELECT a.* FROM audit a {clause} ORDER BY a.audit_id DESC LIMIT ? OFFSET ?",
                           params + [limit, offset]).fetchall()
    return [Entry(**dict(r)) for r in rows], total


def children_of(db: WebDB, audit_id: int) -> list[str]:
    with db.connect() as con:
        return [r[0] for r in con.execute("SELECT person_id FROM audit_children WHERE audit_id = ? ORDER BY person_id",
                                          [audit_id])]
