"""The committee's action log: what members asked for, who owns it, by when, and where it stands.

Stored in the store beside the data (tables `actions` and `action_updates`), so a report can list
the actions from earlier meetings with their latest position. Updates are appended, never edited:
the history of an action is what the committee was told at each meeting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

STATUSES = ("open", "in progress", "done", "dropped")

DDL = """
CREATE TABLE IF NOT EXISTS actions (
    action_id INTEGER PRIMARY KEY, meeting_date DATE, action VARCHAR, owners VARCHAR, due_date DATE,
    indicators VARCHAR, created_at TIMESTAMP, created_by VARCHAR);
CREATE TABLE IF NOT EXISTS action_updates (
    action_id INTEGER, updated_at TIMESTAMP, by_whom VARCHAR, status VARCHAR, note VARCHAR);
"""


class ActionError(ValueError):
    pass


@dataclass
class Action:
    action_id: int
    meeting_date: dt.date
    action: str
    owners: str
    due_date: dt.date | None
    indicators: list[str]
    status: str
    updated_at: dt.datetime
    latest_note: str | None

    @property
    def overdue(self) -> bool:
        return self.status in ("open", "in progress") and self.due_date is not None and self.due_date < dt.date.today()


def _check_status(status: str) -> str:
    if status not in STATUSES:
        raise ActionError(f"status {status!r}; expected one of {', '.join(STATUSES)}")
    return status


def _check_indicators(indicators: list[str]) -> list[str]:
    from cscperf.indicators import REGISTRY

    unknown = [i for i in indicators if i not in REGISTRY]
    if unknown:
        raise ActionError(f"no indicator {', '.join(unknown)}; `cscperf indicators` lists them")
    return indicators


def ensure(con) -> None:
    """Create the tables if they are missing (a no-op when they exist, so a read-only store can be read)."""
    found = con.execute("SELECT count(*) FROM information_schema.tables "
                        "WHERE table_name IN ('actions', 'action_updates')").fetchall()[0][0]
    if found < 2:
        con.execute(DDL)


def add(con, meeting_date: dt.date, action: str, owners: str, due_date: dt.date | None = None,
        indicators: list[str] | None = None, by: str = "cli") -> int:
    if not action.strip():
        raise ActionError("the action needs some words saying what was asked")
    ensure(con)
    indicators = _check_indicators(indicators or [])
    now = dt.datetime.now()
    rows = con.execute("SELECT coalesce(max(action_id), 0) + 1 FROM actions").fetchall()
    action_id = rows[0][0]
    con.execute("INSERT INTO actions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [action_id, meeting_date, action.strip(), owners.strip(), due_date, ",".join(indicators), now, by])
    con.execute("INSERT INTO action_updates VALUES (?, ?, ?, 'open', ?)", [action_id, now, by, "Raised at the meeting"])
    return action_id


def update(con, action_id: int, status: str | None = None, note: str | None = None, by: str = "cli") -> None:
    ensure(con)
    current = get(con, action_id)
    status = _check_status(status) if status else current.status
    if status == current.status and not (note or "").strip():
        raise ActionError("nothing to record: give a new status or a note")
    con.execute("INSERT INTO action_updates VALUES (?, ?, ?, ?, ?)",
                [action_id, dt.datetime.now(), by, status, (note or "").strip() or None])


def history(con, action_id: int) -> list[tuple]:
    ensure(con)
    return con.execute("SELECT updated_at, by_whom, status, note FROM action_updates WHERE action_id = ? ORDER BY updated_at",
                       [action_id]).fetchall()


def listing(con, status: str | None = None, meeting_before: dt.date | None = None) -> list[Action]:
    """Every action with its latest status and note, oldest meeting first."""
    ensure(con)
    rows = con.execute("""
        WITH latest AS (
            SELECT action_id, status, updated_at,
                   row_number() OVER (PARTITION BY action_id ORDER BY updated_at DESC) AS n
            FROM action_updates),
        -- the latest note given (PostgreSQL has no IGNORE NULLS)
        noted AS (
            SELECT action_id, note, row_number() OVER (PARTITION BY action_id ORDER BY updated_at DESC) AS n
            FROM action_updates WHERE note IS NOT NULL)
        SELECT a.action_id, a.meeting_date, a.action, a.owners, a.due_date, a.indicators, l.status, l.updated_at, nt.note
        FROM actions a JOIN latest l ON l.action_id = a.action_id AND l.n = 1
        LEFT JOIN noted nt ON nt.action_id = a.action_id AND nt.n = 1
        ORDER BY a.meeting_date, a.action_id""").fetchall()
    out = [Action(r[0], r[1], r[2], r[3], r[4], [i for i in (r[5] or "").split(",") if i], r[6], r[7], r[8])
           for r in rows]
    if status:
        out = [a for a in out if a.status == status]
    if meeting_before:
        out = [a for a in out if a.meeting_date < meeting_before]
    return out


def get(con, action_id: int) -> Action:
    for a in listing(con):
        if a.action_id == action_id:
            return a
    raise ActionError(f"there is no action {action_id}; `cscperf actions list` shows them")
