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
        return Store.of(cfg, read_only=read_only)
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
    councils: int = typer.Option(0, "--councils", help="Write this many councils (15: a region, 150: England), each "
                                 "in its own sub-folder named by its LA number; --scale is then their mean size."),
    jobs: Optional[int] = typer.Option(None, "--jobs", help="With --councils: worker processes (default: one per core)."),
):
    """Write a synthetic council's files: SSDA903 returns, CMS extracts and a cscperf.toml."""
    from cscperf.pipeline import progress_bar, run_synth

    if councils:
        from cscperf.synth import generate_many

        with progress_bar() as bar:
            task = bar.add_task(f"Synthesising {councils} councils", total=1.0)
            try:
                done = generate_many(out_dir, councils, seed=seed, scale=scale, jobs=jobs,
                                     progress=lambda what, f: bar.update(task, completed=f, description=what[:28]))
            except ValueError as e:
                fail(f"--councils: {e}")
        out.print(f"Wrote {len(done)} synthetic councils to [bold]{out_dir}[/] ({sum(s.seconds for s in done):.0f} s of "
                  f"work); load them together with `cscperf load --councils {out_dir}`.")
        return
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
    dfe_rules: bool = typer.Option(False, "--dfe-rules", help="Also run the DfE's validation rules (Data to Insight's "
                                   "validators, installed once in an environment of their own); kept with the snapshot."),
    la_code: Optional[str] = typer.Option(None, "--la-code", help="The council's ONS code, e.g. E10000016, for the "
                                          "DfE rules on placement areas (default: the config's council code)."),
    councils: bool = typer.Option(False, "--councils", help="Each sub-folder of the folders given is one council "
                                  "(named by its cscperf.toml's council code, else the folder's name): load them side by "
                                  "side into one snapshot, for figures per council and pooled (docs/councils.md)."),
    jobs: Optional[int] = typer.Option(None, "--jobs", help="Processes reading at once: councils with --councils (default: "
                                       "one per core), else files (default: one per core when the files are large)."),
):
    """Check files and load them into the store as one snapshot (all of it, or none)."""
    from cscperf.pipeline import load_files, progress_bar, reading
    from cscperf.sources.problems import LoadError

    cfg = settings(config, store)
    if councils:
        _load_councils(cfg, paths, reject_bad_rows, parse_date(extract_date, "--extract-date"), label,
                       parse_date(covers_from, "--from"), jobs, problems_csv)
        return
    if jobs is not None and jobs < 1:
        fail(f"--jobs {jobs}; expected 1 or more")
    try:
        with progress_bar() as bar:
            task = bar.add_task("Reading files", total=1.0)
            sid, loaded = load_files(cfg, paths, reject=reject_bad_rows, extract_date=parse_date(extract_date, "--extract-date"),
                                     label=label, covers_from=parse_date(covers_from, "--from"),
                                     dfe=_dfe_options(cfg, la_code) if dfe_rules else None, jobs=jobs,
                                     progress=reading(bar, task), compile_ahead=None)
            bar.update(task, completed=1.0, description="Loaded files")
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
              f"data to {loaded.extract_date}. Next: `cscperf compute`; `cscperf quality` writes the data-quality report.")


def _load_councils(cfg, paths, reject, extract_date, label, covers_from, jobs, problems_csv) -> None:
    from cscperf.pipeline import load_councils, progress_bar
    from cscperf.sources.problems import LoadError

    try:
        with progress_bar() as bar:
            task = bar.add_task("Loading councils", total=1.0)
            sid, done = load_councils(cfg, paths, reject, extract_date, label, covers_from, jobs,
                                      progress=lambda code, f: bar.update(task, completed=f, description=f"Loaded {code}"))
    except ValueError as e:
        fail(str(e))
    except LoadError as e:
        _print_problems(e.problems)
        if problems_csv:
            _write_problems(problems_csv, e.problems)
        fail(f"{e}. Fix them and load again" + ("" if reject else ", or use --reject-bad-rows to load the valid rows") + ".")
    table = Table(title=f"Snapshot {sid} in {cfg.store}: {len(done)} councils")
    for col in ("council", "name", "files", "rows", "rejected", "warnings"):
        table.add_column(col, justify="right" if col in ("files", "rows", "rejected", "warnings") else "left")
    for c in done:
        table.add_row(c["council"], c["name"], str(c["files"]), f"{c['rows_loaded']:,}", f"{c['rows_rejected']:,}",
                      f"{c['warnings']:,}")
    out.print(table)
    out.print(f"Loaded snapshot {sid}: {sum(c['rows_loaded'] for c in done):,} rows from {len(done)} councils. "
              "Next: `cscperf compute`; `cscperf results --council CODE` shows a council against the pool.")


def _print_problems(problems, limit: int = 25) -> None:
    table = Table(title=f"Problems found ({len(problems)})")
    for col in ("severity", "file", "row", "column", "value", "problem"):
        table.add_column(col)
    order = {"error": 0, "warning": 1}
    for p in sorted(problems, key=lambda p: (order.get(p.severity, 2), p.file, p.row or 0))[:limit]:
        style = {"error": "red", "warning": "yellow"}.get(p.severity, "blue")
        table.add_row(f"[{style}]{p.severity}[/]", p.file, str(p.row or ""), p.column or "", p.value or "", p.message)
    console.print(table)
    if len(problems) > limit:
        console.print(f"... and {len(problems) - limit} more (use --problems FILE to write them all to a CSV).")


def _write_problems(path: Path, problems) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["severity", "file", "row", "column", "value", "rule", "message", "count"])
        w.writeheader()
        for p in problems:
            w.writerow({k: v for k, v in p.as_dict().items()})
    console.print(f"All problems written to {path}")


def _dfe_options(cfg, la_code: Optional[str]):
    from cscperf.sources.dfe import LA_CODE, Options

    code = la_code or (cfg.council_code if LA_CODE.match(cfg.council_code or "") else None)
    if la_code and not LA_CODE.match(la_code):
        fail(f"--la-code: {la_code!r} is not an ONS local authority code; expected e.g. E10000016")
    return Options(la_code=code, progress=lambda message: console.print(message))


@app.command()
def validate(
    paths: list[Path] = typer.Argument(..., help="Files or folders to check."),
    config: Optional[Path] = ConfigOpt,
    extract_date: Optional[str] = typer.Option(None, help="The date the data was extracted (default: today, for "
                                                          "dates in the future)."),
    covers_from: Optional[str] = typer.Option(None, "--from", help="First day the extracts cover, YYYY-MM-DD."),
    problems_csv: Optional[Path] = typer.Option(None, "--problems", help="Write every problem found to this CSV."),
    show: int = typer.Option(25, "--show", help="How many problems to print (all are in --problems)."),
    dfe_rules: bool = typer.Option(False, "--dfe-rules", help="Also run the DfE's validation rules (Data to Insight's "
                                   "validators, installed once in an environment of their own)."),
    la_code: Optional[str] = typer.Option(None, "--la-code", help="The council's ONS code, e.g. E10000016, for the "
                                          "DfE rules on placement areas (default: the config's council code)."),
):
    """Run every check on files without loading anything: what would load, what would be left out, and why."""
    from cscperf.sources.load import read_files

    cfg = settings(config, None)
    loaded = read_files(paths, on_error="reject", extract_date=parse_date(extract_date, "--extract-date"),
                        covers_from=parse_date(covers_from, "--from"),
                        dfe=_dfe_options(cfg, la_code) if dfe_rules else None, jobs=None)   # large files side by side
    errors = [p for p in loaded.problems if p.severity == "error"]
    warnings = [p for p in loaded.problems if p.severity == "warning"]
    per_file: dict[str, list[int]] = {}
    for p in loaded.problems:
        counts = per_file.setdefault(p.file, [0, 0])
        if p.severity in ("error", "warning"):
            counts[p.severity == "warning"] += p.count
    files = Table(title="Files checked")
    for col in ("file", "read as", "rows read", "would load", "would reject", "errors", "warnings"):
        files.add_column(col, justify="left" if col in ("file", "read as") else "right")
    shown = set()
    for f in loaded.files:
        name = f.part or Path(f.path).name
        e, w = per_file.get(name, [0, 0]) if name not in shown else (0, 0)
        shown.add(name)
        files.add_row(name, f.layout or "[red]not used[/]", f"{f.rows_read:,}", f"{f.rows_loaded:,}",
                      f"{f.rows_rejected:,}", f"{e:,}", f"{w:,}")
    out.print(files)
    if loaded.problems:
        _print_problems(loaded.problems, limit=show)
    if problems_csv:
        _write_problems(problems_csv, loaded.problems)
    read = sum(f.rows_read for f in loaded.files)
    rejected = sum(f.rows_rejected for f in loaded.files)
    n_errors, n_warnings = sum(p.count for p in errors), sum(p.count for p in warnings)
    out.print(f"{read:,} rows read in {len(loaded.files)} files: {read - rejected:,} would load and {rejected:,} would be "
              f"left out; {n_errors:,} error(s), {n_warnings:,} warning(s).")
    if errors:
        out.print("With errors, `cscperf load` loads nothing; `cscperf load --reject-bad-rows` would load the "
                  f"{read - rejected:,} good rows. Nothing was loaded now.")
        raise typer.Exit(1)
    out.print("No errors: `cscperf load` would load every row. Nothing was loaded now.")


@app.command()
def quality(
    config: Optional[Path] = ConfigOpt, store: Optional[Path] = StoreOpt, snapshot: Optional[int] = SnapshotOpt,
    out_dir: Optional[Path] = typer.Option(None, "--out", "-o", help="Folder for the report (default: the config's)."),
):
    """Write the data-quality report of a snapshot (quality.html and quality.csv)."""
    from cscperf.report.quality import write_quality
    from cscperf.store import StoreError

    cfg = settings(config, store)
    with open_store(cfg, read_only=True) as s:
        try:
            html, groups = write_quality(s, out_dir or cfg.report_dir, snapshot)
        except StoreError as e:
            fail(str(e))
    out.print(f"Data-quality report written to [bold]{html}[/] (problem groups in {groups.name})")


@app.command()
def snapshots(config: Optional[Path] = ConfigOpt, store: Optional[Path] = StoreOpt):
    """List the snapshots in the store."""
    cfg = settings(config, store)
    with open_store(cfg, read_only=True) as s:
        # What each snapshot was loaded from (an Annex A workbook is a snapshot of a 6-month window, a
        # 903 return a year's history, ...) and the days its tables cover, below the table so it fits.
        sources = dict(s.con.execute("SELECT snapshot_id, string_agg(DISTINCT format, ', ' ORDER BY format) "
                                     "FROM snapshot_files WHERE format IS NOT NULL GROUP BY 1").fetchall())
        span = {sid: (a, b) for sid, a, b in s.con.execute(
            "SELECT snapshot_id, min(covers_from), max(covers_to) FROM snapshot_coverage GROUP BY 1").fetchall()}
        table = Table(title=str(s.path))   # the file, or the PostgreSQL URL
        for col in ("id", "loaded at", "data to", "label", "rows", "rejected", "warnings"):
            table.add_column(col)
        snaps = s.snapshots()
        for snap in snaps:
            table.add_row(str(snap.snapshot_id), f"{snap.created_at:%Y-%m-%d %H:%M}", str(snap.extract_date or ""),
                          snap.label or "", f"{snap.rows_loaded:,}", f"{snap.rows_rejected:,}", str(snap.warnings))
        out.print(table)
        for snap in snaps:
            sid = snap.snapshot_id
            covers = f"; data from {span[sid][0]} to {span[sid][1]}" if sid in span else ""
            label = f" ({snap.label})" if snap.label else ""
            out.print(f"  {sid}{label}: {sources.get(sid, 'no files read')}{covers}", highlight=False)


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
    council: Optional[str] = typer.Option(None, "--council", help="In a snapshot of several councils: this council's "
                                          "figures, with the pool's beside them (default: the pool)."),
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
    wanted = f"council={council}" if council else "all"
    latest: dict[str, dict] = {}
    pool: dict[tuple, dict] = {}
    for r in rows:
        if r["breakdown"] == wanted:
            latest[r["indicator"]] = r
        if council and r["breakdown"] == "all":
            pool[(r["indicator"], r["period_end"])] = r
    if council and not latest:
        codes = sorted({r["breakdown"].split("=", 1)[1] for r in rows if r["breakdown"].startswith("council=")})
        fail(f"--council {council}: no figures for that council in this snapshot; "
             + (f"it holds {', '.join(codes)}" if codes else "it holds one council's data (leave out --council)"))
    table = Table(title=f"Latest figures, council {council} against the pool" if council else "Latest figures")
    for col in ("indicator", "month end", "value", "numerator", "denominator") + (("pool",) if council else ()):
        table.add_column(col)

    def shown(value):
        return "" if value is None else f"{value:.1f}"

    for ind, r in latest.items():
        extra = (shown(pool.get((ind, r["period_end"]), {}).get("value")),) if council else ()
        table.add_row(ind, str(r["period_end"]), shown(r["value"]), f"{r['numerator']:g}",
                      "" if r["denominator"] is None else f"{r['denominator']:g}", *extra)
    out.print(table)


@app.command()
def report(
    config: Optional[Path] = ConfigOpt, store: Optional[Path] = StoreOpt, snapshot: Optional[int] = SnapshotOpt,
    out_dir: Optional[Path] = typer.Option(None, "--out", "-o", help="Folder for the report (default: the config's)."),
    month: Optional[str] = typer.Option(None, help="Month to report, YYYY-MM (default: the latest)."),
    only: Optional[str] = typer.Option(None, "--only", help="Only one part: scorecard, missing, visits, courts or workforce."),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Also write the PDF (from the same HTML)."),
):
    """Write the committee report: HTML and PDF (A4), scorecard first, areas, deep dives and actions."""
    from cscperf.pipeline import write_report
    from cscperf.report.commentary import CommentaryError
    from cscperf.report.committee import ONLY
    from cscperf.store import StoreError

    if only is not None and only not in ONLY:
        fail(f"--only {only!r}: expected one of {', '.join(ONLY)}")
    cfg = settings(config, store)
    when = config_mod.parse_month(month, "--month") if month else None
    with open_store(cfg, read_only=True) as s:
        try:
            written = write_report(s, cfg, out_dir or cfg.report_dir, snapshot, when, only=only, pdf=pdf)
        except (CommentaryError, StoreError, ValueError) as e:
            fail(str(e))
    out.print(f"Report written to [bold]{written.html}[/]" + (f" and [bold]{written.pdf}[/]" if written.pdf else ""))


@app.command()
def publish(
    config: Optional[Path] = ConfigOpt, store: Optional[Path] = StoreOpt, snapshot: Optional[int] = SnapshotOpt,
    out_dir: Optional[Path] = typer.Option(None, "--out", "-o", help="Folder for the report (default: the config's)."),
    month: Optional[str] = typer.Option(None, help="Month to publish, YYYY-MM (default: the latest)."),
    by: Optional[str] = typer.Option(None, help="Who is publishing (default: your user name)."),
):
    """Freeze what the committee receives: write the month's report (HTML and PDF) into published/ and
    store the figures it shows, with the snapshot and catalogue version. Later reports show any change
    to a published figure as a restatement, with the reason."""
    import getpass

    from cscperf.pipeline import publish_report
    from cscperf.report.commentary import CommentaryError
    from cscperf.store import StoreError

    cfg = settings(config, store)
    when = config_mod.parse_month(month, "--month") if month else None
    with open_store(cfg) as s:
        try:
            pid, written = publish_report(s, cfg, out_dir or cfg.report_dir, snapshot, when, by=by or getpass.getuser())
        except (CommentaryError, StoreError, ValueError) as e:
            fail(str(e))
    out.print(f"Publication {pid}: the report for {written.report.month:%B %Y} (snapshot {written.report.snapshot_id}) "
              f"is frozen; files [bold]{written.html}[/] and [bold]{written.pdf}[/].")


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
def template(
    table: Optional[str] = typer.Argument(None, help="The table, e.g. visits or missing_episodes (see --list)."),
    out_file: Optional[Path] = typer.Option(None, "--out", "-o", help="File to write (default: TABLE.csv here)."),
    list_tables: bool = typer.Option(False, "--list", help="List the templates: every table of the model."),
    example: bool = typer.Option(False, "--example",
                                 help="Also write TABLE.example.csv: the header and one made-up example row."),
):
    """Write an empty CSV template for a table (its header row), and show its columns with an example.

    The template is how to give cscperf what the statutory returns lack (visits, allocations, staff,
    missing episodes with return interviews, care proceedings): fill it from your systems, keep the
    header, and load it. Every table is documented in docs/tables.md.
    """
    from cscperf.model import BY_NAME, TABLES
    from cscperf.sources.templates import EXAMPLES, write

    if list_tables or table is None:
        listing = Table(title="cscperf templates (cscperf template TABLE writes one)")
        for col in ("table", "what it holds", "required columns"):
            listing.add_column(col)
        for t in TABLES:
            listing.add_row(t.name, t.doc, ", ".join(c.name for c in t.columns if c.required))
        out.print(listing)
        if table is None and not list_tables:
            fail("name a table to write its template, e.g. `cscperf template visits`")
        return
    if table not in BY_NAME:
        import difflib

        close = difflib.get_close_matches(table, list(BY_NAME), n=3)
        fail(f"there is no table {table!r}" + (f"; did you mean {', '.join(close)}?" if close else "")
             + " `cscperf template --list` lists them.")
    spec = BY_NAME[table]
    path = out_file or Path(f"{table}.csv")
    write(table, path)
    columns = Table(title=f"{table}: {spec.doc}")
    for col in ("column", "type", "required", "meaning", "example"):
        columns.add_column(col)
    from cscperf.docs import TYPE_WORDS

    for c in spec.columns:
        columns.add_row(c.name, TYPE_WORDS[c.type], "yes" if c.required else "", c.doc, EXAMPLES[table][c.name])
    out.print(columns)
    out.print(f"Wrote the template (header row) to [bold]{path}[/]. Fill in one row per record, keep the header, "
              f"and load it with `{command_name()} load {path}`.")
    if example:
        example_path = path.with_name(f"{path.stem}.example{path.suffix or '.csv'}")
        write(table, example_path, example=True)
        out.print(f"Wrote an example to [bold]{example_path}[/]: one made-up row. Do not keep it in a folder you "
                  "load, or its row is loaded as data.")


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
    from cscperf.web.commands import print_demo_accounts

    print_demo_accounts(folder / "cscperf.toml")   # the dashboard: accounts for each role, and how to serve it


@app.command()
def bench(
    size: list[str] = typer.Option(["council"], "--size", help="council, region (15 councils) or national (150); "
                                   "give it more than once for several."),
    scale: float = typer.Option(1.0, help="Size of each council (1 = a county; e.g. 0.05 for a quick try)."),
    folder: Optional[Path] = typer.Option(None, help="Working folder, one sub-folder per size (default: a temporary one)."),
    step: list[str] = typer.Option([], "--step", help="Only these steps: generate, load, compute, report, four "
                                   "(the four indicators three ways); several allowed. Default: all."),
    seed: int = typer.Option(2019, help="Seed of the synthetic data."),
    repeat: int = typer.Option(3, help="Runs of each implementation of the four indicators (the best time is kept)."),
):
    """Time and peak memory of generate, load, compute (the whole catalogue, every month end) and report, at
    each size; and CP07, AS02, LA04, MI01 by cscperf, by pandas and by hand-written DuckDB SQL on the same
    store, with their parity and ratios (docs/benchmarks.md)."""
    from cscperf.bench import SIZES, STEPS, run

    for name in size:
        if name not in SIZES:
            fail(f"--size {name!r}; expected one of {', '.join(SIZES)}")
    for name in step:
        if name not in STEPS:
            fail(f"--step {name!r}; expected one of {', '.join(STEPS)}")
    if not 0 < scale <= 50:
        fail(f"--scale {scale}; expected above 0 and at most 50")
    runs = run(list(dict.fromkeys(size)), folder, tuple(step) or STEPS, scale, seed, console=console, out=out,
               repeat=max(1, repeat))
    if any(m.error for r in runs for m in r.steps.values()) or any(r.parity_failed() for r in runs):
        raise typer.Exit(1)


# The dashboard's commands (serve, users, bench-web) live beside it, in cscperf.web.commands.
from cscperf.web import commands as _web_commands  # noqa: E402

_web_commands.register(app)


if __name__ == "__main__":
    app()
