"""A small synthetic council served by the dashboard on a free loopback port, for the web tests.

Session-scoped: the council (`pipeline.run_demo(scale=0.1)`, then the same files loaded again as a
second snapshot so the "as at" chooser has a choice), accounts for each role with passwords made
here, and one server (uvicorn in a thread) shared by the HTTP and browser tests.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from webhelpers import Council, Server, free_port, sign_in


@pytest.fixture(scope="session")
def council(tmp_path_factory) -> Council:
    from rich.console import Console

    from cscperf import config as config_mod
    from cscperf import pipeline
    from cscperf.store import Store
    from cscperf.web import users
    from cscperf.web.data import team_at
    from cscperf.web.db import WebDB

    # CSCPERF_TEST_COUNCIL=folder keeps the council between runs while working on the dashboard.
    kept = os.environ.get("CSCPERF_TEST_COUNCIL")
    folder = Path(kept) if kept else tmp_path_factory.mktemp("web-council")
    quiet = Console(file=io.StringIO())
    if not (kept and (folder / "ready").exists()):
        pipeline.run_demo(folder, scale=0.1, console=quiet)
        cfg = config_mod.load(folder / "cscperf.toml")
        with Store(cfg.store) as store:
            first = store.snapshot(None)
            covers_from = store.con.execute("SELECT min(covers_from) FROM snapshot_coverage WHERE snapshot_id = ?",
                                            [first.snapshot_id]).fetchall()[0][0]
        pipeline.load_files(cfg, [folder / "ssda903", folder / "cms"], extract_date=first.extract_date,
                            covers_from=covers_from, label="second extract")
        with Store(cfg.store) as store:
            pipeline.compute_all(store, cfg, console=quiet)
        (folder / "ready").touch()
    cfg = config_mod.load(folder / "cscperf.toml")
    for old in folder.glob("web-test.sqlite*"):
        old.unlink()
    with Store(cfg.store, read_only=True) as store:
        sid = store.latest_snapshot()
        on = store.snapshot(sid).extract_date
        rows = store.con.execute("SELECT person_id, team_id, professional_id, start_date, end_date FROM allocations "
                                 "WHERE snapshot_id = ?", [sid]).fetchall()
        children = {r[0] for r in store.con.execute("SELECT person_id FROM persons WHERE snapshot_id = ?", [sid]).fetchall()}
        by_team = store.con.execute(
            "SELECT indicator, breakdown FROM results WHERE snapshot = ? AND breakdown LIKE 'team=%' "
            "AND period_end = (SELECT max(period_end) FROM results WHERE snapshot = ?) ORDER BY indicator",
            [sid, sid]).fetchall()
    by_child: dict[str, list] = {}
    for person, team, worker, start, end in rows:
        by_child.setdefault(person, []).append((team, worker, start, end))
    team_of = {p: team_at(a, on) for p, a in by_child.items()}
    counts: dict[str, int] = {}
    for t in team_of.values():
        if t:
            counts[t] = counts.get(t, 0) + 1
    mine = max(sorted(counts), key=lambda t: counts[t])
    other = max(sorted(t for t in counts if t != mine), key=lambda t: counts[t])
    c = Council(folder, cfg, folder / "web-test.sqlite", manager_team=mine, other_team=other,
                own_child=sorted(p for p, t in team_of.items() if t == mine)[0],
                other_child=sorted(p for p, t in team_of.items() if t == other)[0], children=children, extract_date=on,
                other_team_indicator=next(i for i, b in by_team if b == f"team={other}"))
    for person, allocations in sorted(by_child.items()):
        if team_of.get(person) not in (None, mine):
            held = sorted(a[2] for a in allocations if a[0] == mine and a[2] is not None)
            if held and team_at(allocations, held[-1]) == mine:
                c.moved_child = (person, held[-1])
                break
    db = WebDB(c.users_db)
    for role in ("admin", "analyst", "manager", "member"):
        name = f"test-{role}"
        password = users.generate_password()
        users.add(db, name, role, [mine] if role == "manager" else [], password, must_change=False, by="tests")
        c.accounts[role] = (name, password)
    return c


@pytest.fixture(scope="session")
def server(council):
    from cscperf.web import create_app

    # A generous per-address limit: every test signs in from 127.0.0.1 (the limit itself is tested apart).
    # No warm-up: the tests ask for what they need (and on a busy machine a warm-up only competes with them).
    app = create_app(council.config, council.users_db, per_address_failures=10_000, warm=False)
    s = Server(app, free_port()).start()
    yield s
    s.stop()


@pytest.fixture
def as_role(server, council):
    """as_role("manager") -> a signed-in httpx client (closed after the test)."""
    made = []

    def make(role: str) -> httpx.Client:
        client = sign_in(server.base, *council.accounts[role])
        made.append(client)
        return client
    yield make
    for c in made:
        c.close()
