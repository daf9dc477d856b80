"""The load benchmark behind `cscperf bench-web`: a weekly meeting's worth of people browsing at once.

Starts `cscperf serve` in its own process on a free loopback port (so the load generator does not
share the server's interpreter), with throw-away accounts in a temporary web database: a mix of
analysts, managers (each of one team) and members. It waits for the server's warm-up, then each
simulated person signs in and browses for the given time: from the page they are on they follow a
link the page offers (an indicator, a team, a worker, the children behind a figure, a child, the
exception list with a filter, the action tracker, data quality), now and then go back to the
scorecard, choose one of the last three months, or download a CSV, pausing briefly between pages. Every page's
time to the last byte is recorded by kind; the summary gives p50, p95 and the slowest.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

KINDS = (
    ("worker", re.compile(r"^/indicators/[^/]+/teams/[^/]+/workers/[^/?]+")),
    ("team", re.compile(r"^/indicators/[^/]+/teams/[^/?]+")),
    ("children", re.compile(r"^/indicators/[^/]+/children")),
    ("indicator", re.compile(r"^/indicators/[^/?]+")),
    ("child", re.compile(r"^/children/")),
    ("exceptions", re.compile(r"^/exceptions")),
    ("actions", re.compile(r"^/actions")),
    ("quality", re.compile(r"^/quality$|^/quality\?")),
    ("scorecard", re.compile(r"^/(\?|$)")),
)
HREF = re.compile(r'href="(/[^"#]*)"')
MONTH = re.compile(r'<option value="(\d{4}-\d{2})"')
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def kind_of(url: str) -> str | None:
    if "format=" in url:
        return "export"
    for kind, pattern in KINDS:
        if pattern.search(url):
            return kind
    return None


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)

    def add(self, kind: str, seconds: float, status: int) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status >= 500 or status == 0:
            self.errors[kind] = self.errors.get(kind, 0) + 1
        else:
            self.times.setdefault(kind, []).append(seconds)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _person(base: str, username: str, password: str, until: float, tally: Tally, seed: int) -> None:
    import httpx

    rnd = random.Random(seed)
    await asyncio.sleep(rnd.uniform(0, 5))       # people arrive over the first few seconds
    async with httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=False) as http:
        t = time.perf_counter()
        try:
            page = await http.get("/login")
            token = TOKEN.search(page.text).group(1)
            r = await http.post("/login", data={"username": username, "password": password, "csrf_token": token, "next": "/"})
            status = r.status_code
        except (httpx.HTTPError, AttributeError):
            status = 0
        tally.add("sign-in", time.perf_counter() - t, status)
        if status != 303:
            return
        url, html, months = "/", "", []
        while time.perf_counter() < until:
            kind = kind_of(url) or "other"
            t = time.perf_counter()
            try:
                r = await http.get(url)
                status = r.status_code
            except httpx.HTTPError:
                status = 0
            tally.add(kind, time.perf_counter() - t, status)
            if status == 200 and kind != "export":
                html = r.text
                months = months or MONTH.findall(html)
            links = [u.replace("&amp;", "&") for u in HREF.findall(html)]
            links = [u for u in links if kind_of(u) and not u.startswith(("/static", "/logout", "/account", "/admin"))]
            pages = [u for u in links if "format=" not in u]
            exports = [u for u in links if "format=csv" in u]
            roll = rnd.random()
            if roll < 0.10 or not pages:
                url = "/"
            elif roll < 0.16 and months:
                url = f"/?month={rnd.choice(months[:3])}"    # this month, last month, the one before
            elif roll < 0.20 and exports:
                url = rnd.choice(exports)
            elif roll < 0.28:
                url = "/exceptions?" + rnd.choice(["within=5", "within=10", "status=overdue", "within=3&status=due+soon"])
            else:
                url = rnd.choice(pages)
            await asyncio.sleep(rnd.uniform(0.05, 0.5))   # reading the page


def _accounts(db_path: Path, people: int, teams: list[str]) -> list[tuple[str, str]]:
    from cscperf.web import users
    from cscperf.web.db import WebDB

    db = WebDB(db_path)
    out = []
    for i in range(people):
        role = ("analyst", "manager", "member")[i % 3] if teams else ("analyst", "member")[i % 2]
        password = users.generate_password()
        name = f"bench-{role}-{i}"
        users.add(db, name, role, [teams[i % len(teams)]] if role == "manager" else [], password, must_change=False,
                  by="bench", replace=True)
        out.append((name, password))
    return out


def run(config_path: Path, people: int = 20, seconds: float = 60.0, seed: int = 7, echo=print) -> dict:
    """Serve the store of `config_path`, browse it with `people` people for `seconds`; return the figures."""
    import httpx

    from cscperf import config as config_mod
    from cscperf.store import Store

    cfg = config_mod.load(config_path)
    with Store.of(cfg, read_only=True) as store:
        sid = store.latest_snapshot()
        teams = [r[0] for r in store.con.execute("SELECT team_id FROM teams WHERE snapshot_id = ? ORDER BY team_id",
                                                 [sid]).fetchall()]
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench-web.sqlite"
        accounts = _accounts(db_path, people, teams)
        port = free_port()
        cmd = [sys.executable, "-m", "cscperf", "serve", "--host", "127.0.0.1", "--port", str(port),
               "-c", str(config_path), "--users-db", str(db_path), "--log-level", "warning"]
        env = {**os.environ, "CSCPERF_SECRET_KEY": os.urandom(16).hex()}
        server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        base = f"http://127.0.0.1:{port}"
        try:
            started = time.perf_counter()
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"the server stopped: {server.stderr.read()[-2000:]}")
                try:
                    if httpx.get(base + "/healthz", timeout=2).json().get("ready"):
                        break
                except (httpx.HTTPError, ValueError):
                    pass
                if time.perf_counter() - started > 300:
                    raise RuntimeError("the server did not become ready in 5 minutes")
                time.sleep(0.2)
            warm = time.perf_counter() - started
            echo(f"Server up and warmed in {warm:.1f} s; {people} people browsing for {seconds:g} s ...")
            tally = Tally()

            async def everyone():
                until = time.perf_counter() + seconds
                await asyncio.gather(*[_person(base, name, password, until, tally, seed + i)
                                       for i, (name, password) in enumerate(accounts)])
            t0 = time.perf_counter()
            cpu0 = _cpu_seconds(server.pid)
            asyncio.run(everyone())
            elapsed = time.perf_counter() - t0
            cpu = _cpu_seconds(server.pid) - cpu0
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    rows = []
    for kind in sorted(tally.times, key=lambda k: -len(tally.times[k])):
        ts = tally.times[kind]
        rows.append({"kind": kind, "requests": len(ts), "p50_ms": 1000 * statistics.median(ts),
                     "p95_ms": 1000 * percentile(ts, 0.95), "max_ms": 1000 * max(ts), "errors": tally.errors.get(kind, 0)})
    every = [t for k, ts in tally.times.items() if k != "sign-in" for t in ts]
    total = {"kind": "all pages", "requests": len(every), "p50_ms": 1000 * statistics.median(every) if every else float("nan"),
             "p95_ms": 1000 * percentile(every, 0.95), "max_ms": 1000 * max(every) if every else float("nan"),
             "errors": sum(v for k, v in tally.errors.items() if k != "sign-in")}
    return {"rows": rows, "total": total, "warm_up_s": warm, "elapsed_s": elapsed, "statuses": tally.statuses,
            "people": people, "seconds": seconds, "server_cpu_s": cpu, "load": _load()}


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the server process has used so far (Linux /proc), or NaN elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def _load() -> tuple[float, float, float] | None:
    try:
        return os.getloadavg()
    except OSError:
        return None
