"""Helpers for the dashboard's tests: the test council's facts, a server in a thread, signing in."""

from __future__ import annotations

import datetime as dt
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Council:
    folder: Path
    config: object
    users_db: Path
    accounts: dict[str, tuple[str, str]] = field(default_factory=dict)   # role -> (username, password)
    manager_team: str = ""
    other_team: str = ""
    own_child: str = ""          # a child of the manager's team at the extract date
    other_child: str = ""        # a child of another team at the extract date
    other_team_indicator: str = ""   # an indicator with a figure for the other team in the latest month
    moved_child: tuple[str, dt.date] | None = None   # a child in the manager's team on that date, not now
    children: set[str] = field(default_factory=set)
    extract_date: dt.date | None = None


class Server:
    def __init__(self, app, port: int):
        import uvicorn

        self.app = app
        self.base = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                                    lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, name="test-dashboard", daemon=True)

    def start(self) -> "Server":
        self.thread.start()
        deadline = time.time() + 300
        while time.time() < deadline:
            try:
                if httpx.get(self.base + "/healthz", timeout=2).json()["ready"]:
                    return self
            except (httpx.HTTPError, ValueError, KeyError):
                pass
            time.sleep(0.1)
        raise RuntimeError("the dashboard did not start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def sign_in(base: str, username: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
    page = client.get("/login")
    token = TOKEN.search(page.text).group(1)
    r = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert r.status_code == 303, r.text[:500]
    return client


def csrf_of(html: str) -> str:
    return TOKEN.search(html).group(1)


def add_action_and_see_it(client: httpx.Client, config: Path, text: str) -> None:
    """`cscperf actions add` run beside the dashboard; the actions page shows it within a few seconds."""
    from typer.testing import CliRunner

    from cscperf.cli import app

    client.get("/actions")
    result = CliRunner().invoke(app, ["actions", "add", text, "--meeting", "2024-03-19", "--owner", "Analyst",
                                      "-c", str(config)])
    assert result.exit_code == 0, result.output
    for _ in range(20):
        if text in client.get("/actions").text:
            return
        time.sleep(0.2)
    raise AssertionError(f"the dashboard did not show the new action {text!r}")
