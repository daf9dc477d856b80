"""The dashboard's commands: `cscperf serve`, `cscperf users add|remove|list|reset`, `cscperf bench-web`,
and the demo's accounts. `cli.py` registers them; heavy imports happen inside each command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

ConfigOpt = typer.Option(None, "--config", "-c", help="Config file (default: ./cscperf.toml if present).")
StoreOpt = typer.Option(None, "--store", "-s", help="Store file (default: the config's, else ./cscperf.duckdb).")
UsersDbOpt = typer.Option(None, "--users-db",
                          help="The dashboard's users, sessions and audit log (default: <store>-web.sqlite beside the store).")

users_app = typer.Typer(help="Who may sign in to the dashboard: add, remove, list, reset.", no_args_is_help=True)


def _web_db(config: Optional[Path], store: Optional[Path], users_db: Optional[Path]):
    from cscperf.cli import settings
    from cscperf.web.db import WebDB, default_path

    cfg = settings(config, store)
    return cfg, WebDB(users_db or default_path(cfg.store))


def _known_teams(cfg) -> list[str] | None:
    """The teams in the store's latest snapshot, or None if the store cannot be read now."""
    from cscperf.store import Store

    try:
        with Store.of(cfg, read_only=True) as s:
            sid = s.latest_snapshot()
            return [r[0] for r in s.con.execute("SELECT team_id FROM teams WHERE snapshot_id = ? ORDER BY team_id",
                                                [sid]).fetchall()]
    except Exception:
        return None


@users_app.command("add")
def users_add(
    username: str = typer.Argument(..., help="Sign-in name, e.g. j.smith"),
    role: str = typer.Option(..., help="admin, analyst, manager or member."),
    team: Optional[list[str]] = typer.Option(None, "--team", "-t", help="A manager's team (repeat for several), e.g. T04."),
    config: Optional[Path] = ConfigOpt, store: Optional[Path] = StoreOpt, users_db: Optional[Path] = UsersDbOpt,
):
    """Add an account; prints a one-time password that must be changed at first sign-in."""
    import getpass

    from cscperf.cli import fail, out
    from cscperf.web import audit, users

    cfg, db = _web_db(config, store, users_db)
    known = _known_teams(cfg)
    unknown = sorted(set(team or []) - set(known or [])) if known is not None else []
    if unknown:
        fail(f"no team {', '.join(unknown)} in the store; its teams are {', '.join(known) or 'none'}")
    try:
        password = users.add(db, username, role, team or [], by=f"cli:{getpass.getuser()}")
    except users.UserError as e:
        fail(str(e))
    name = username.strip().lower()
    audit.record(db, audit.USER_ADDED, f"added {name} as {role}" + (f" of {', '.join(team)}" if team else "") + " (command line)",
                 username=f"cli:{getpass.getuser()}")
    out.print(f"Added [bold]{name}[/] ({role}{' of ' + ', '.join(sorted(team)) if team else ''}).")
    out.print(f"One-time password: [bold]{password}[/]  (shown once; they choose their own at first sign-in)")


@users_app.command("remove")
def users_remove(username: str = typer.Argument(...), config: Optional[Path] = ConfigOpt, store: Optional[Path] = StoreOpt,
                 users_db: Optional[Path] = UsersDbOpt):
    """Remove an account; its sessions end at once (its audit records stay)."""
    import getpass

    from cscperf.cli import fail, out
    from cscperf.web import audit, users

    _, db = _web_db(config, store, users_db)
    try:
        users.remove(db, username)
    except users.UserError as e:
        fail(str(e))
    audit.record(db, audit.USER_REMOVED, f"removed {username} (command line)", username=f"cli:{getpass.getuser()}")
    out.print(f"Removed {username}.")


@users_app.command("reset")
def users_reset(username: str = typer.Argument(...), config: Optional[Path] = ConfigOpt, store: Optional[Path] = StoreOpt,
                users_db: Optional[Path] = UsersDbOpt):
    """Give an account a new one-time password (its sessions end)."""
    import getpass

    from cscperf.cli import fail, out
    from cscperf.web import audit, users

    _, db = _web_db(config, store, users_db)
    try:
        password = users.reset_password(db, username.strip().lower())
    except users.UserError as e:
        fail(str(e))
    audit.record(db, audit.PASSWORD_RESET, f"reset the password of {username} (command line)", username=f"cli:{getpass.getuser()}")
    out.print(f"One-time password for {username}: [bold]{password}[/]")


@users_app.command("list")
def users_list(config: Optional[Path] = ConfigOpt, store: Optional[Path] = StoreOpt, users_db: Optional[Path] = UsersDbOpt):
    """List the accounts."""
    from cscperf.cli import out
    from cscperf.web import users

    _, db = _web_db(config, store, users_db)
    table = Table(title=f"Dashboard users ({db.path})")
    for col in ("username", "role", "teams", "password", "created", "last sign-in"):
        table.add_column(col)
    for u in users.listing(db):
        table.add_row(u.username, u.role, ", ".join(u.teams), "one-time" if u.must_change else "own",
                      u.created_at[:16].replace("T", " "), (u.last_sign_in or "")[:16].replace("T", " "))
    out.print(table)


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (127.0.0.1: this machine only)."),
    port: int = typer.Option(8000, help="Port to listen on."),
    config: Optional[Path] = ConfigOpt, store: Optional[Path] = StoreOpt, users_db: Optional[Path] = UsersDbOpt,
    secure_cookies: bool = typer.Option(False, "--secure-cookies",
                                        help="Mark cookies Secure: use when a reverse proxy serves the dashboard over HTTPS."),
    warm: bool = typer.Option(True, "--warm/--no-warm", help="Prepare the latest month's pages at start."),
    log_level: str = typer.Option("info", help="uvicorn's log level."),
):
    """Serve the dashboard for the weekly performance meeting (sign-in, roles, audit)."""
    from cscperf.cli import console, out, settings
    from cscperf.web import users
    from cscperf.web.app import serve as run
    from cscperf.web.db import WebDB, default_path

    cfg = settings(config, store)
    path = users_db or default_path(cfg.store)
    if not users.listing(WebDB(path)):
        console.print("[yellow]No one can sign in yet.[/] Add an account first, e.g.\n"
                      f"  cscperf users add YOUR.NAME --role admin{' -c ' + str(config) if config else ''}")
    if host not in ("127.0.0.1", "localhost", "::1") and not secure_cookies:
        console.print("[yellow]Listening beyond this machine over plain HTTP.[/] Put the dashboard behind an HTTPS "
                      "proxy and use --secure-cookies: passwords and children's records cross the network.")
    out.print(f"Dashboard for {cfg.council_name}: http://{host}:{port}/  (store {cfg.store}; users {path}). Ctrl+C stops it.")
    run(cfg, host=host, port=port, users_db=path, log_level=log_level, secure_cookies=secure_cookies, warm=warm)


def bench_web(
    config: Optional[Path] = ConfigOpt,
    people: int = typer.Option(20, "--users", help="Simulated people browsing at once."),
    seconds: float = typer.Option(60.0, help="How long they browse."),
    scale: float = typer.Option(1.0, help="Without --config: size of the synthetic council to build (1 = a county)."),
    folder: Optional[Path] = typer.Option(None, help="Without --config: where to build it (default: a temporary folder)."),
):
    """Load-test the dashboard: serve on loopback, browse with N people for a minute, print p50/p95 page times."""
    import tempfile

    from cscperf.cli import console, out
    from cscperf.web import bench

    def go(cfg_path: Path) -> None:
        result = bench.run(cfg_path, people=people, seconds=seconds, echo=console.print)
        table = Table(title=f"Dashboard page times: {people} people, {seconds:g} s (warm-up {result['warm_up_s']:.1f} s)")
        for col in ("page", "requests", "p50 ms", "p95 ms", "max ms", "errors"):
            table.add_column(col, justify="left" if col == "page" else "right")
        for r in [*result["rows"], result["total"]]:
            table.add_row(r["kind"], str(r["requests"]), f"{r['p50_ms']:.0f}", f"{r['p95_ms']:.0f}", f"{r['max_ms']:.0f}",
                          str(r["errors"]))
        out.print(table)
        rate = result["total"]["requests"] / result["elapsed_s"] if result["elapsed_s"] else 0
        out.print(f"{rate:.1f} pages a second; responses by status: "
                  + ", ".join(f"{k}: {v}" for k, v in sorted(result["statuses"].items())))
        pages_served = result["total"]["requests"] + sum(r["requests"] for r in result["rows"] if r["kind"] == "sign-in")
        if pages_served:
            out.print(f"Server CPU: {result['server_cpu_s']:.1f} s in {result['elapsed_s']:.0f} s, "
                      f"{1000 * result['server_cpu_s'] / pages_served:.1f} ms a request on average.")
        if result["load"]:
            import os

            out.print(f"Machine: {os.cpu_count()} CPUs, load average {result['load'][0]:.1f} at the end "
                      "(page times stretch when other work shares the CPUs).")

    if config:
        go(config)
        return
    from cscperf.pipeline import run_demo

    with tempfile.TemporaryDirectory() as tmp:
        where = Path(folder or tmp)
        console.print(f"Building a synthetic council (scale {scale:g}) in {where} ...")
        run_demo(where, scale=scale, console=console)
        go(where / "cscperf.toml")


DEMO_ROLES = (("demo-admin", "admin"), ("demo-analyst", "analyst"), ("demo-manager", "manager"), ("demo-member", "member"))


def demo_users(config_path: Path) -> list[tuple[str, str, str, str]]:
    """Fresh accounts for the demo, one per role (the manager gets the team holding most children at the extract
    date), with new
    passwords each run: (username, role, teams, password). Nothing is hard-coded: the passwords are made here
    and printed once."""
    from cscperf import config as config_mod
    from cscperf.store import Store
    from cscperf.web import users
    from cscperf.web.db import WebDB, default_path

    cfg = config_mod.load(config_path)
    with Store.of(cfg, read_only=True) as s:
        snap = s.snapshot(None)
        found = s.con.execute(
            "SELECT team_id FROM allocations WHERE snapshot_id = ? AND team_id IS NOT NULL AND start_date <= ? "
            "AND (end_date IS NULL OR end_date > ?) GROUP BY team_id ORDER BY count(DISTINCT person_id) DESC, team_id LIMIT 1",
            [snap.snapshot_id, snap.extract_date, snap.extract_date]).fetchall()
    team = found[0][0] if found else None
    db = WebDB(default_path(cfg.store))
    made = []
    for name, role in DEMO_ROLES:
        if role == users.MANAGER and team is None:
            continue
        teams = [team] if role == users.MANAGER else []
        password = users.add(db, name, role, teams, must_change=False, by="cscperf demo", replace=True)
        made.append((name, role, ", ".join(teams), password))
    return made


def print_demo_accounts(config_path: Path) -> None:
    from cscperf.cli import command_name, out

    made = demo_users(config_path)
    # Plain aligned lines, not a table: a table at a narrow terminal crops user names and passwords.
    width = max(len(m[0]) for m in made)
    lines = [f"  {name:<{width}}  {password}  ({role}{', team ' + teams if teams else ''})"
             for name, role, teams, password in made]
    out.print("Demo accounts for the dashboard (new passwords each run, shown only here):\n" + "\n".join(lines),
              soft_wrap=True, highlight=False, markup=False)
    # soft_wrap: a command wrapped at the terminal's width cannot be copied and pasted whole.
    out.print(f"Serve the dashboard with:\n  {command_name()} serve -c {config_path}\nthen open http://127.0.0.1:8000/ "
              "and sign in with one of the accounts above.", soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
    app.command("serve")(serve)
    app.command("bench-web")(bench_web)
