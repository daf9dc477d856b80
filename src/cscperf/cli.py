"""The `cscperf` command line: synth, load, snapshots, compute, results, report, demo, bench.

Heavy imports (Ibis, altair, the generator) happen inside the commands that need them, so that
`cscperf --help` and quick commands start fast.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from cscperf import __version__
from cscperf import config as config_mod

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode="rich",
                  help="Children's social care performance monitoring: from a council's files to its committee report.")
console = Console(stderr=True)
out = Console()

ConfigOpt = typer.Option(None, "--config", "-c", help="Config file (default: ./cscperf.toml if present).")
StoreOpt = typer.Option(None, "--store", "-s", help="Store file (default: the config's, else ./cscperf.duckdb).")
SnapshotOpt = typer.Option(None, "--snapshot", help="Snapshot id (default: the latest).")


def fail(message: str, code: int = 1) -> None:
    console.print(f"[bold red]Error:[/] {message}")
    raise typer.Exit(code)


def settings(config_path: Optional[Path], store_path: Optional[Path]):
    try:
        cfg = config_mod.load(config_path)
    except config_mod.ConfigError as e:
        fail(str(e))
    if store_path:
        cfg.store = store_path
    return cfg


def open_store(cfg, read_only: bool = False):
    from cscperf.store import Store, StoreError

    try:
        return Store(cfg.store, read_only=read_only)
    except StoreError as e:
        fail(str(e))


def command_name() -> str:
    """How the user can run cscperf again: `cscperf` if it is on PATH, else the full path of this one."""
    import shutil

    return "cscperf" if shutil.which("cscperf") else str(Path(sys.argv[0]).resolve())


def parse_date(text: Optional[str], what: str) -> Optional[dt.date]:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(f"{what}: {text!r} is not a date; expected YYYY-MM-DD")


@app.callback(invoke_without_command=True)
def main(version: bool = typer.Option(False, "--version", help="Show the version and stop.")):
    if version:
        out.print(f"cscperf {__version__}")
        raise typer.Exit()


@app.command()
def init(path: Path = typer.Argument(Path(config_mod.DEFAULT_FILE), help="Where to write the config."),
         force: bool = typer.Option(False, "--force", help="Overwrite an existing file.")):
    """Write a commented cscperf.toml to start from."""
    from importlib.resources import files

    if path.exists() and not force:
        fail(f"{path} exists already; use --force to overwrite it")
    path.write_text(files("cscperf").joinpath("data/cscperf.toml").read_text(encoding="utf-8"), encoding="utf-8")
    out.print(f"Wrote {path}. Edit the council's name, population and targets, then `cscperf load FILES...`.")


@app.command()
def synth(
    out_dir: Path = typer.Argument(Path("synthetic-council"), help="Folder to write the files to."),
    seed: int = typer.Option(2019, help="Random seed: the same seed writes the same files."),
    scale: float = typer.Option(1.0, help="1 = a county (~450 children on CP plans, ~600 looked after)."),
    start: str = typer.Option("2018-04-01", help="First day of the data (YYYY-MM-DD)."),
    end: str = typer.Option("2024-03-31", help="Last day of the data, the extract date (YYYY-MM-DD)."),
    cp_visits_from: float = typer.Option(0.605, help="Planted CP07 trajectory: the share visited at its first month."),
    cp_visits_to: float = typer.Option(0.763, help="Planted CP07 trajectory: the share visited at its last month."),
    trajectory: str = typer.Option("2018-07:2024-03", help="Planted CP07 trajectory: first and last month, YYYY-MM:YYYY-MM."),
):
    """Write a synthetic council's files: SSDA903 returns, CMS extracts and a cscperf.toml."""
    from cscperf.pipeline import run_synth

    months = trajectory.split(":")
    if len(months) != 2:
        fail(f"--trajectory: {trajectory!r}; expected two months as YYYY-MM:YYYY-MM")
    span = tuple(config_mod.parse_month(m, "--trajectory") for m in months)
    summary = run_synth(out_dir, seed=seed, scale=scale, start=parse_date(start, "--start"), end=parse_date(end, "--end"),
                        cp_visits_from=cp_visits_from, cp_visits_to=cp_visits_to, trajectory=span)
    out.print(f"Wrote a synthetic council to [bold]{out_dir}[/] ({summary.describe()})")


@app.command()
def load(
    paths: list[Path] = typer.Argument(..., help="Files or folders (folders are read for .csv files)."),
    config: Optional[Path] = ConfigOpt,
    store: Optional[Path] = StoreOpt,
    reject_bad_rows: bool = typer.Option(False, "--reject-bad-rows",
                                         help="Load what is valid and leave out rows with errors (default: any error stops the load)."),
    extract_date: Optional[str] = typer.Option(None, help="The date the data was extracted (default: from the data)."),
    covers_from: Optional[str] = typer.Option(None, "--from",
                                              help="First day the extracts cover, YYYY-MM-DD (default: from the data)."),
    label: Optional[str] = typer.Option(None, help="A label for the snapshot, e.g. 'March 2024 extract'."),
    problems_csv: Optional[Path] = typer.Option(None, "--problems", help="Write every problem found to this CSV."),
):
    """Check files and load them into the store as one snapshot (all of it, or none)."""
    from cscperf.pipeline import load_files
    from cscperf.sources.problems import LoadError

    cfg = settings(config, store)
    try:
        sid, loaded = load_files(cfg, paths, reject=reject_bad_rows, extract_date=parse_date(extract_date, "--extract-date"),
                                 label=label, covers_from=parse_date(covers_from, "--from"))
    except LoadError as e:
        _print_problems(e.problems)
        if problems_csv:
            _write_problems(problems_csv, e.problems)
        errors = sum(1 for p in e.problems if p.severity == "error")
        fail(f"nothing was loaded: {errors} error(s) in the files. Fix them and load again"
             + ("" if reject_bad_rows else ", or use --reject-bad-rows to load the valid rows") + ".")
    files = Table(title=f"Snapshot {sid} in {cfg.store}")
    for col in ("file", "read as", "collection year", "rows", "rejected"):
        files.add_column(col, justify="right" if col in ("rows", "rejected") else "left")
    for f in loaded.files:
        name = Path(f.path).name + (f" ({f.part})" if f.part else "")
        files.add_row(name, f.layout or "-", str(f.collection_year or ""), str(f.rows_read), str(f.rows_rejected))
    out.print(files)
    if loaded.problems:
        _print_problems(loaded.problems)
    if problems_csv:
        _write_problems(problems_csv, loaded.problems)
    out.print(f"Loaded snapshot {sid}: {sum(f.rows_loaded for f in loaded.files):,} rows from {len(loaded.files)} files; "
              f"data to {loaded.extract_date}. Next: `cscperf compute`.")


def _print_problems(problems, limit: int = 25) -> None:
    table = Table(title=f"Problems found ({len(problems)})")
    for col in ("severity", "file", "row", "column", "value", "problem"):
        table.add_column(col)
    for p in sorted(problems, key=lambda p: (p.severity != "error", p.file, p.row or 0))[:limit]:
        style = "red" if p.severity == "error" else "yellow"
        table.add_row(f"[{style}]{p.severity}[/]", p.file, str(p.row or ""), p.column or "", p.value or "", p.message)
    console.print(table)
    if len(problems) > limit:
        console.print(f"... and {len(problems) - limit} more (use --problems FILE to write them all to a CSV).")


def _write_problems(path: Path, problems) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["severity", "file", "row", "column", "value", "rule", "message"])
        w.writeheader()
        for p in problems:
            w.writerow({k: v for k, v in p.as_dict().items()})
    console.print(f"All problems written to {path}")


@app.command()
def snapshots(config: Optional[Path] = ConfigOpt, store: Optional[Path] = StoreOpt):
    """List the snapshots in the store."""
    cfg = settings(config, store)
    with open_store(cfg, read_only=True) as s:
        table = Table(title=str(cfg.store))
        for col in ("id", "loaded at", "data to", "label", "rows", "rejected", "warnings"):
            table.add_column(col)
        for snap in s.snapshots():
            table.add_row(str(snap.snapshot_id), f"{snap.created_at:%Y-%m-%d %H:%M}", str(snap.extract_date or ""),
                          snap.label or "", f"{snap.rows_loaded:,}", f"{snap.rows_rejected:,}", str(snap.warnings))
        out.print(table)


@app.command()
def compute(config: Optional[Path] = ConfigOpt, store: Optional[Path] = StoreOpt, snapshot: Optional[int] = SnapshotOpt):
    """Compute every indicator at every month end the snapshot covers."""
    from cscperf.pipeline import compute_all

    cfg = settings(config, store)
    with open_store(cfg) as s:
        results = compute_all(s, cfg, snapshot)
    done = set(results.column("indicator").to_pylist())
    if not done:
        fail("no indicator could be computed: the snapshot holds none of the tables they need "
             "(`cscperf indicators` lists what each one reads).")
    out.print(f"Computed {len(done)} indicators ({results.num_rows:,} figures). Next: `cscperf report`.")


@app.command()
def results(
    config: Optional[Path] = ConfigOpt, store: Optional[Path] = StoreOpt, snapshot: Optional[int] = SnapshotOpt,
    as_csv: bool = typer.Option(False, "--csv", help="Print every result as CSV (a stable interface for scripts)."),
    indicator: Optional[list[str]] = typer.Option(None, "--indicator", "-i", help="Only these indicators."),
):
    """Show the results: the latest figure per indicator, or all of them as CSV."""
    from cscperf.store import RESULT_COLUMNS, StoreError

    cfg = settings(config, store)
    with open_store(cfg, read_only=True) as s:
        try:
            rows = s.results(snapshot).to_pylist()
        except StoreError as e:
            fail(str(e))
    if indicator:
        rows = [r for r in rows if r["indicator"] in set(indicator)]
    if as_csv:
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(RESULT_COLUMNS)
        for r in rows:
            w.writerow(["" if r[c] is None else r[c] for c in RESULT_COLUMNS])
        return
    latest: dict[str, dict] = {}
    for r in rows:
        if r["breakdown"] == "all":
            latest[r["indicator"]] = r
    table = Table(title="Latest figures")
    for col in ("indicator", "month end", "value", "numerator", "denominator"):
        table.add_column(col)
    for ind, r in latest.items():
        value = "" if r["value"] is None else f"{r['value']:.1f}"
        table.add_row(ind, str(r["period_end"]), value, f"{r['numerator']:g}", "" if r["denominator"] is None else f"{r['denominator']:g}")
    out.print(table)


@app.command()
def report(
    config: Optional[Path] = ConfigOpt, store: Optional[Path] = StoreOpt, snapshot: Optional[int] = SnapshotOpt,
    out_dir: Optional[Path] = typer.Option(None, "--out", "-o", help="Folder for the report (default: the config's)."),
    month: Optional[str] = typer.Option(None, help="Month to report, YYYY-MM (default: the latest)."),
):
    """Write the committee scorecard (HTML)."""
    from cscperf.pipeline import write_report

    cfg = settings(config, store)
    when = config_mod.parse_month(month, "--month") if month else None
    with open_store(cfg, read_only=True) as s:
        path = write_report(s, cfg, out_dir or cfg.report_dir, snapshot, when)
    out.print(f"Report written to [bold]{path}[/]")


actions_app = typer.Typer(help="The committee's action log: add, update and list actions.", no_args_is_help=True)
app.add_typer(actions_app, name="actions")


@actions_app.command("add")
def actions_add(
    action: str = typer.Argument(..., help="What the committee asked for."),
    meeting: str = typer.Option(..., help="Date of the meeting that raised it (YYYY-MM-DD)."),
    owner: str = typer.Option(..., help="Who owns it, e.g. 'DCS/Andy Dempsey'."),
    due: Optional[str] = typer.Option(None, help="Due date (YYYY-MM-DD)."),
    indicator: Optional[list[str]] = typer.Option(None, "--indicator", "-i", help="Linked indicators (repeat for several)."),
    config: Optional[Path] = ConfigOpt, store: Optional[Path] = StoreOpt,
):
    """Record an action raised at a committee meeting."""
    from cscperf import actions

    cfg = settings(config, store)
    with open_store(cfg) as s:
        try:
            n = actions.add(s.con, parse_date(meeting, "--meeting"), action, owner, parse_date(due, "--due"), indicator or [])
        except actions.ActionError as e:
            fail(str(e))
    out.print(f"Action {n} recorded.")


@actions_app.command("update")
def actions_update(
    action_id: int = typer.Argument(..., help="The action's number (`cscperf actions list`)."),
    status: Optional[str] = typer.Option(None, help="open, in progress, done or dropped."),
    note: Optional[str] = typer.Option(None, help="What has happened since."),
    config: Optional[Path] = ConfigOpt, store: Optional[Path] = StoreOpt,
):
    """Record progress on an action (updates are kept, never overwritten)."""
    from cscperf import actions

    cfg = settings(config, store)
    with open_store(cfg) as s:
        try:
            actions.update(s.con, action_id, status, note)
        except actions.ActionError as e:
            fail(str(e))
    out.print(f"Action {action_id} updated.")


@actions_app.command("list")
def actions_list(
    status: Optional[str] = typer.Option(None, help="Only actions with this status."),
    config: Optional[Path] = ConfigOpt, store: Optional[Path] = StoreOpt,
):
    """List the actions with where each stands."""
    from cscperf import actions

    cfg = settings(config, store)
    with open_store(cfg) as s:
        found = actions.listing(s.con, status)
    table = Table(title="Committee actions")
    for col in ("no.", "meeting", "action", "owners", "due", "status", "latest note"):
        table.add_column(col)
    for a in found:
        due = f"{a.due_date}" + (" (overdue)" if a.overdue else "") if a.due_date else ""
        table.add_row(str(a.action_id), str(a.meeting_date), a.action, a.owners, due, a.status, a.latest_note or "")
    out.print(table)


@app.command()
def indicators():
    """List the indicator catalogue."""
    from cscperf.indicators import catalogue

    table = Table(title="Indicator catalogue")
    for col in ("id", "area", "title", "unit", "good is", "period", "reads"):
        table.add_column(col)
    for ind in catalogue():
        table.add_row(ind.id, ind.area, ind.title, ind.unit, ind.polarity, ind.period, ", ".join(ind.sources))
    out.print(table)


@app.command()
def demo(
    folder: Path = typer.Argument(Path("cscperf-demo"), help="Folder for the demo's data, store and report."),
    scale: float = typer.Option(1.0, help="Size of the synthetic council (1 = a county)."),
    seed: int = typer.Option(2019, help="Random seed."),
):
    """Synthesise a council, load it, compute the catalogue and write its report, in one go."""
    from cscperf.pipeline import run_demo

    path = run_demo(folder, scale=scale, seed=seed, console=console)
    out.print(f"\nThe committee report is at [bold]{path.resolve()}[/]")
    out.print(f"Open it in a browser, or look at the figures with:\n  {command_name()} results -c {folder / 'cscperf.toml'}")


@app.command()
def bench(
    scale: float = typer.Option(1.0, help="Size of the synthetic council (1 = a county)."),
    folder: Optional[Path] = typer.Option(None, help="Working folder (default: a temporary one)."),
):
    """Time each step of the demo (synth, load, compute, report) and print the figures."""
    from cscperf.pipeline import run_bench

    for step, seconds, detail in run_bench(scale=scale, folder=folder, console=console):
        out.print(f"{step:<10} {seconds:8.2f} s   {detail}")


if __name__ == "__main__":
    app()
