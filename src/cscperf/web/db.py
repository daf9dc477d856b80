"""The dashboard's own database: users, sessions, sign-in failures and the audit log, in one SQLite
file beside the store (`<store>-web.sqlite`, e.g. `cscperf-web.sqlite`).

Why not in the DuckDB store:

* **Locks.** DuckDB lets one process at a time open a file read-write, and while any process holds it
  open no other may write. The server writes on every sign-in and on every view of child-level data;
  keeping the store open read-write for that would stop `cscperf load` and `cscperf compute` for as
  long as the dashboard runs. SQLite in WAL mode lets many processes read while one writes a short
  transaction, so the server and `cscperf users ...` share this file, and the store is only ever
  opened briefly (see `web.data`).
* **Lifetimes.** The record of who looked at which child must outlive the data: a store rebuilt from
  scratch (as `cscperf demo` does) or replaced must not take the audit log with it. And a store is
  copied about for analysis; password hashes and sessions should not travel with it.
* **Small and standard.** The tables are tiny; `sqlite3` is in the standard library.

The audit tables are append-only: triggers refuse UPDATE and DELETE, and the web application has no
route that does anything but insert. Session ids are stored as SHA-256 digests, so a copy of this
file does not let anyone take over a session. The key that signs cookies is made on first use and
kept here (or given in CSCPERF_SECRET_KEY); nothing secret is in the repository.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY, role TEXT NOT NULL, teams TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL, must_change INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL, created_by TEXT, password_changed_at TEXT, last_sign_in TEXT);
CREATE TABLE IF NOT EXISTS sessions (
    session_hash TEXT PRIMARY KEY, username TEXT NOT NULL, csrf TEXT NOT NULL,
    created_at REAL NOT NULL, last_seen REAL NOT NULL, ip TEXT, user_agent TEXT);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (username);
CREATE TABLE IF NOT EXISTS sign_in_failures (at REAL NOT NULL, username TEXT, ip TEXT);
CREATE INDEX IF NOT EXISTS failures_at ON sign_in_failures (at);
CREATE TABLE IF NOT EXISTS audit (
    audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,            -- UTC, ISO 8601
    username TEXT, role TEXT,
    ip TEXT, user_agent TEXT,    -- from where
    event TEXT NOT NULL,         -- view, export, denied, sign-in, sign-in failed, sign-out, user added, ...
    what TEXT NOT NULL,          -- in words: "CP07 children behind the figure, March 2024, team T02"
    path TEXT,                   -- the page or export asked for, with its query
    snapshot INTEGER,
    rows INTEGER,                -- how many records were shown or exported
    children INTEGER             -- how many distinct children (listed in audit_children)
);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
CREATE INDEX IF NOT EXISTS audit_user ON audit (username);
CREATE TABLE IF NOT EXISTS audit_children (audit_id INTEGER NOT NULL, person_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_children_person ON audit_children (person_id);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_children_no_update BEFORE UPDATE ON audit_children
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_children_no_delete BEFORE DELETE ON audit_children
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


def default_path(store: Path) -> Path:
    """`cscperf.duckdb` -> `cscperf-web.sqlite`, in the same folder."""
    store = Path(store)
    return store.with_name(f"{store.stem}-web.sqlite")


class WebDB:
    """The SQLite file. Each thread keeps one connection open: opening one per request costs a
    checkpoint of the write-ahead log whenever the last connection closes, which was a tenth of a
    page's time under load. Threads and processes still never share a connection."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self.connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(SCHEMA)
        try:
            os.chmod(self.path, 0o600)   # password hashes and the audit log: the owner only
        except OSError:
            pass

    @contextmanager
    def connect(self):
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            con.row_factory = sqlite3.Row
            con.execute("PRAGMA busy_timeout=10000")
            con.execute("PRAGMA foreign_keys=ON")
            self._local.con = con
        yield con

    @contextmanager
    def transaction(self):
        with self.connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    def secret_key(self) -> str:
        """The key that signs session cookies: CSCPERF_SECRET_KEY, else one made here on first use."""
        given = os.environ.get("CSCPERF_SECRET_KEY")
        if given:
            return given
        with self.transaction() as con:
            row = con.execute("SELECT value FROM meta WHERE key = 'secret_key'").fetchone()
            if row:
                return row["value"]
            key = secrets.token_hex(32)
            con.execute("INSERT INTO meta VALUES ('secret_key', ?)", [key])
            return key
