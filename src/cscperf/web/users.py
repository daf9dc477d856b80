"""Accounts: who may sign in, with which role, and (for managers) which teams.

Passwords are hashed with Argon2id (argon2-cffi's PasswordHasher, stack-notes G12); a hash made with
older parameters is replaced at the next sign-in. A new account gets a generated one-time password,
printed once and never stored in the clear; its holder must choose their own at first sign-in.

Roles (what each may see is in `auth`):
  admin    users and the audit log, and everything an analyst sees
  analyst  all data, child-level included; edits the action log
  manager  child-level data of their own teams only (`--team T04 --team T05`)
  member   aggregates only, small numbers suppressed, as in the public report
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from cscperf.web.db import WebDB

ADMIN, ANALYST, MANAGER, MEMBER = "admin", "analyst", "manager", "member"
ROLES = (ADMIN, ANALYST, MANAGER, MEMBER)
MIN_PASSWORD = 12
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")

_hasher = PasswordHasher()
_dummy: list[str] = []


def _dummy_hash() -> str:
    """Verified against when the username is unknown, so a wrong name costs as long as a wrong password."""
    if not _dummy:
        _dummy.append(_hasher.hash(secrets.token_hex(16)))
    return _dummy[0]


class UserError(ValueError):
    pass


@dataclass(frozen=True)
class User:
    username: str
    role: str
    teams: tuple[str, ...]
    must_change: bool
    created_at: str
    created_by: str | None
    last_sign_in: str | None


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _user(row) -> User:
    teams = tuple(t for t in row["teams"].split(",") if t)
    return User(row["username"], row["role"], teams, bool(row["must_change"]), row["created_at"],
                row["created_by"], row["last_sign_in"])


def generate_password() -> str:
    """A one-time password: 16 characters from a URL-safe alphabet (96 bits)."""
    return secrets.token_urlsafe(12)


def check_password(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"a password needs at least {MIN_PASSWORD} characters")
    if password.strip().lower() == username.lower():
        raise UserError("a password must not be the username")


def _check(username: str, role: str, teams: list[str]) -> tuple[str, str, list[str]]:
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise UserError(f"username {username!r}: use lower-case letters, digits and . _ @ - (up to 64)")
    if role not in ROLES:
        raise UserError(f"role {role!r}; expected one of {', '.join(ROLES)}")
    teams = sorted({t.strip() for t in teams if t.strip()})
    if role == MANAGER and not teams:
        raise UserError("a manager sees the children of their own teams: give at least one --team")
    if role != MANAGER and teams:
        raise UserError(f"teams are for managers; a {role} sees {'all' if role != MEMBER else 'no'} child-level data")
    return username, role, teams


def add(db: WebDB, username: str, role: str, teams: list[str] | None = None, password: str | None = None,
        must_change: bool = True, by: str | None = None, replace: bool = False) -> str:
    """Create an account and return its password (a generated one-time password unless given).
    With `replace`, an existing account of that name is reset to the new role, teams and password."""
    username, role, teams = _check(username, role, teams or [])
    password = password or generate_password()
    check_password(password, username)
    with db.transaction() as con:
        exists = con.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone()
        if exists and not replace:
            raise UserError(f"there is already a user {username!r}; `cscperf users remove {username}` first")
        con.execute("DELETE FROM users WHERE username = ?", [username])
        con.execute("DELETE FROM sessions WHERE username = ?", [username])
        con.execute("INSERT INTO users (username, role, teams, password_hash, must_change, created_at, created_by) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [username, role, ",".join(teams), _hasher.hash(password), int(must_change), _now(), by])
    return password


def remove(db: WebDB, username: str) -> None:
    """Delete an account and end its sessions at once (its audit records stay)."""
    with db.transaction() as con:
        if con.execute("DELETE FROM users WHERE username = ?", [username.strip().lower()]).rowcount == 0:
            raise UserError(f"there is no user {username!r}; `cscperf users list` shows them")
        con.execute("DELETE FROM sessions WHERE username = ?", [username.strip().lower()])


def listing(db: WebDB) -> list[User]:
    with db.connect() as con:
        return [_user(r) for r in con.execute("SELECT * FROM users ORDER BY role, username")]


def get(db: WebDB, username: str) -> User | None:
    with db.connect() as con:
        row = con.execute("SELECT * FROM users WHERE username = ?", [username]).fetchone()
    return _user(row) if row else None


def reset_password(db: WebDB, username: str) -> str:
    """A new one-time password for an account (its sessions end)."""
    password = generate_password()
    set_password(db, username, password, must_change=True)
    return password


def set_password(db: WebDB, username: str, password: str, must_change: bool = False) -> None:
    check_password(password, username)
    with db.transaction() as con:
        done = con.execute("UPDATE users SET password_hash = ?, must_change = ?, password_changed_at = ? WHERE username = ?",
                           [_hasher.hash(password), int(must_change), _now(), username]).rowcount
        if not done:
            raise UserError(f"there is no user {username!r}")
        if must_change:
            con.execute("DELETE FROM sessions WHERE username = ?", [username])


def verify(db: WebDB, username: str, password: str) -> User | None:
    """The account if the password is right, else None (taking as long for an unknown name)."""
    username = (username or "").strip().lower()
    with db.connect() as con:
        row = con.execute("SELECT * FROM users WHERE username = ?", [username]).fetchone()
    stored = row["password_hash"] if row else _dummy_hash()
    try:
        _hasher.verify(stored, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    with db.transaction() as con:
        if _hasher.check_needs_rehash(stored):
            con.execute("UPDATE users SET password_hash = ? WHERE username = ?", [_hasher.hash(password), username])
        con.execute("UPDATE users SET last_sign_in = ? WHERE username = ?", [_now(), username])
    return _user(row)
