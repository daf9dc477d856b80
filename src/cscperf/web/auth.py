"""Who is asking, and what their role lets them see; sessions, CSRF tokens and sign-in limits.

What each role may see (DESIGN.md "Who uses it"; issue 7):

| | member | manager | analyst | admin |
|---|---|---|---|---|
| scorecard, indicator pages, team figures | suppressed (as the public report) | yes | yes | yes |
| workers' figures | no | own teams | all | all |
| children behind a figure, exception lists, a child's page | no | own teams | all | all |
| data-quality summary / problem rows (values may identify a child) | yes / no | yes / no | yes | yes |
| action log | view | view | view, edit | view, edit |
| users, audit log | no | no | no | yes |

A child belongs to a team as the figures say: the team of the allocation open at the date (the
breakdowns' rule, `indicators.breakdowns`). Children with no open allocation ("unallocated") are
seen by analysts and admins only.

Sessions: a random id in a cookie signed with itsdangerous (HttpOnly, SameSite=Lax; Secure over
HTTPS), its SHA-256 kept in the web database with a CSRF token. A session ends after 30 minutes idle
or 10 hours in all, at sign-out, and when the account is removed or its password reset. Every POST
must carry the session's CSRF token (the sign-in form, before there is a session, a signed
double-submit token). Sign-in is limited to 5 failures per username and 20 per address in 15
minutes; while limited, even the right password is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field

from itsdangerous import BadSignature, URLSafeTimedSerializer

from cscperf.web.db import WebDB
from cscperf.web.users import ADMIN, ANALYST, MANAGER, MEMBER, User

SESSION_COOKIE = "cscperf_session"
SIGN_IN_COOKIE = "cscperf_signin"
IDLE_SECONDS = 30 * 60
MAX_SECONDS = 10 * 3600
TOUCH_EVERY = 60          # write last_seen at most once a minute per session


@dataclass(frozen=True)
class Principal:
    """The signed-in person, as every page sees them."""
    username: str
    role: str
    teams: frozenset[str] = field(default_factory=frozenset)
    csrf: str = ""
    must_change: bool = False

    @property
    def suppressed(self) -> bool:
        """Sees aggregates with small numbers suppressed, never a child."""
        return self.role == MEMBER

    @property
    def all_records(self) -> bool:
        return self.role in (ADMIN, ANALYST)

    @property
    def any_records(self) -> bool:
        """May see child-level data of at least some teams."""
        return self.role in (ADMIN, ANALYST, MANAGER)

    def may_see_team_records(self, team: str | None) -> bool:
        """Workers' figures and children of this team."""
        if self.all_records:
            return True
        return self.role == MANAGER and team is not None and team in self.teams

    @property
    def may_edit_actions(self) -> bool:
        return self.role in (ADMIN, ANALYST)

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    def describe(self) -> str:
        if self.role == MANAGER:
            return f"manager ({', '.join(sorted(self.teams))})"
        return self.role


def principal(user: User, csrf: str = "") -> Principal:
    return Principal(user.username, user.role, frozenset(user.teams), csrf, user.must_change)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class Sessions:
    def __init__(self, db: WebDB, secret: str, idle: int = IDLE_SECONDS, maximum: int = MAX_SECONDS):
        self.db = db
        self.idle, self.maximum = idle, maximum
        self._cookie = URLSafeTimedSerializer(secret, salt="cscperf.session")
        self._sign_in = URLSafeTimedSerializer(secret, salt="cscperf.sign-in")

    def start(self, user: User, ip: str | None, user_agent: str | None) -> str:
        """A new session for the user; returns the cookie's value."""
        session_id = secrets.token_urlsafe(32)
        now = time.time()
        with self.db.transaction() as con:
            # Expired sessions are cleared as new ones begin.
            con.execute("DELETE FROM sessions WHERE last_seen < ? OR created_at < ?", [now - self.idle, now - self.maximum])
            con.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [_digest(session_id), user.username, secrets.token_urlsafe(32), now, now, ip, (user_agent or "")[:300]])
        return self._cookie.dumps(session_id)

    def load(self, cookie: str | None) -> Principal | None:
        """The person behind a session cookie, or None if it is missing, forged or expired."""
        if not cookie:
            return None
        try:
            session_id = self._cookie.loads(cookie, max_age=self.maximum)
        except BadSignature:
            return None
        now = time.time()
        with self.db.connect() as con:
            row = con.execute("SELECT s.csrf, s.created_at, s.last_seen, u.* FROM sessions s "
                              "JOIN users u ON u.username = s.username WHERE s.session_hash = ?",
                              [_digest(session_id)]).fetchone()
            if row is None:
                return None
            if now - row["last_seen"] > self.idle or now - row["created_at"] > self.maximum:
                con.execute("DELETE FROM sessions WHERE session_hash = ?", [_digest(session_id)])
                return None
            if now - row["last_seen"] > TOUCH_EVERY:
                con.execute("UPDATE sessions SET last_seen = ? WHERE session_hash = ?", [now, _digest(session_id)])
        teams = frozenset(t for t in row["teams"].split(",") if t)
        return Principal(row["username"], row["role"], teams, row["csrf"], bool(row["must_change"]))

    def end(self, cookie: str | None) -> None:
        if not cookie:
            return
        try:
            session_id = self._cookie.loads(cookie)
        except BadSignature:
            return
        with self.db.connect() as con:
            con.execute("DELETE FROM sessions WHERE session_hash = ?", [_digest(session_id)])

    # The sign-in form has no session yet: a signed token in a cookie, the same token in the form.
    def sign_in_token(self) -> tuple[str, str]:
        """(cookie value, form value)."""
        token = secrets.token_urlsafe(24)
        return self._sign_in.dumps(token), token

    def check_sign_in_token(self, cookie: str | None, form_value: str | None) -> bool:
        if not cookie or not form_value:
            return False
        try:
            token = self._sign_in.loads(cookie, max_age=3600)
        except BadSignature:
            return False
        return hmac.compare_digest(str(token), str(form_value))


def same_token(expected: str, given: str | None) -> bool:
    return bool(expected) and given is not None and hmac.compare_digest(expected, given)


class SignInLimits:
    """At most `per_user` failed sign-ins per username and `per_address` per address in `window` seconds."""

    def __init__(self, db: WebDB, per_user: int = 5, per_address: int = 20, window: int = 15 * 60):
        self.db = db
        self.per_user, self.per_address, self.window = per_user, per_address, window

    def wait(self, username: str, ip: str | None) -> int:
        """Seconds until this username and address may try again (0: now)."""
        now = time.time()
        since = now - self.window
        waits = [0.0]
        with self.db.connect() as con:
            for column, value, limit in (("username", username.strip().lower(), self.per_user), ("ip", ip, self.per_address)):
                if value is None:
                    continue
                rows = con.execute(f"SELECT at FROM sign_in_failures WHERE {column} = ? AND at > ? ORDER BY at DESC LIMIT ?",
                                   [value, since, limit]).fetchall()
                if len(rows) >= limit:
                    waits.append(rows[-1]["at"] + self.window - now)
        return max(0, int(max(waits) + 0.999))

    def failed(self, username: str, ip: str | None) -> None:
        now = time.time()
        with self.db.transaction() as con:
            con.execute("DELETE FROM sign_in_failures WHERE at < ?", [now - self.window])
            con.execute("INSERT INTO sign_in_failures VALUES (?, ?, ?)", [now, username.strip().lower(), ip])

    def succeeded(self, username: str) -> None:
        with self.db.connect() as con:
            con.execute("DELETE FROM sign_in_failures WHERE username = ?", [username.strip().lower()])
