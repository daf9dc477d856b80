"""The main job, step by step: synthesise, load, compute, report. The CLI and the benchmark (cscperf.bench) call these."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from cscperf import config as config_mod
from cscperf.config import Config
from cscperf.connections import DUCKDB


def progress_bar(console: Console | None = None) -> Progress:
    return Progress(TextColumn("{task.description:<28}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                    TimeElapsedColumn(), console=console or Console(stderr=True), transient=False)


def reading(bar: Progress, task) -> Callable[[str, float], None]:
    """A load's `progress` for a bar: reading the files fills most of it; checking across tables and storing
    the snapshot, which come after, the rest (the caller completes it)."""
    def told(name: str, fraction: float) -> None:
        bar.update(task, completed=0.8 * fraction,
                   description=("Checking and storing" if fraction >= 1 else f"Read {name}")[:28])
    return told


def run_synth(out: Path, *, seed: int = 2019, scale: float = 1.0, progress=None, **options):
    """Write a synthetic council; options not given (None) keep the generator's defaults."""
    from cscperf import synth

    given = {k: v for k, v in options.items() if v is not None}
    return synth.generate(Path(out), seed=seed, scale=scale, progress=progress, **given)


# From this many bytes of files, loading takes longer than compiling the catalogue's SQL (about 8 s of one core),
# so a load compiles it beside its reading and keeps it in the store (`CompilingAhead`): a region's or a
# nation's first `compute` then compiles nothing. Below it, the first `compute` compiles, as it always could.
COMPILE_AHEAD_BYTES = 100_000_000


def files_bytes(paths: list[Path]) -> int:
    """The size of the files at `paths` (files, or folders and everything under them)."""
    return sum(sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) if p.is_dir() else p.stat().st_size
               for p in map(Path, paths) if p.exists())


def compiling_ahead(cfg: Config, wanted: bool | None, paths: list[Path], pooled: bool = False) -> "CompilingAhead":
    """A load's `CompilingAhead`, started where `wanted` (None: for files at `paths` of COMPILE_AHEAD_BYTES or
    more); `pooled`: the load is of several councils."""
    ahead = CompilingAhead()
    if wanted or (wanted is None and files_bytes(paths) >= COMPILE_AHEAD_BYTES):
        ahead.start(cfg, pooled=pooled)
    return ahead


def load_files(cfg: Config, paths: list[Path], reject: bool = False, extract_date: dt.date | None = None,
               label: str | None = None, covers_from: dt.date | None = None, dfe=None, jobs: int | None = 1,
               progress=None, compile_ahead: bool | None = False):
    """Read and check the files, then store them as one snapshot. Raises LoadError with the problems.
    dfe: a `sources.dfe.Options` to run the DfE's validation rules too (stored with the problems).
    jobs and progress: as `read_files` takes them. compile_ahead: compile the catalogue's SQL beside the
    reading and keep it in the store (None: for files of COMPILE_AHEAD_BYTES or more, the commands' choice; not
    by default, as `jobs`, since the process is started by `spawn`)."""
    from cscperf.sources.load import read_files
    from cscperf.store import Store

    with compiling_ahead(cfg, compile_ahead, paths) as ahead:
        loaded = read_files(paths, on_error="reject" if reject else "abort", extract_date=extract_date,
                            covers_from=covers_from, dfe=dfe, jobs=jobs, progress=progress)
        with Store.of(cfg) as store:
            sid = store.write_snapshot(loaded, council=cfg.council_name, label=label)
            ahead.keep(store)
    return sid, loaded


def load_councils(cfg: Config, parents: list[Path], reject: bool = False, extract_date: dt.date | None = None,
                  label: str | None = None, covers_from: dt.date | None = None, jobs: int | None = None,
                  progress=None, compile_ahead: bool | None = None):
    """Several councils (a sub-folder each, under `parents`) into one snapshot, every identifier
    qualified with its council's code (docs/councils.md); all of it or none. Returns (snapshot id,
    one summary per council). Raises ValueError (folders) or LoadError (a council's files).
    compile_ahead: as `load_files`."""
    from cscperf.sources.councils import council_folders, read_councils
    from cscperf.store import Store

    councils = council_folders(parents)
    report = progress or (lambda code, fraction: None)

    def counted():
        for i, item in enumerate(read_councils(councils, "reject" if reject else "abort", extract_date, covers_from, jobs)):
            yield item
            report(item[0].code, (i + 1) / len(councils))

    with compiling_ahead(cfg, compile_ahead, [c.folder for c in councils], pooled=len(councils) > 1) as ahead:
        with Store.of(cfg) as store:
            written = store.write_councils(counted(), label=label)
            ahead.keep(store)
    return written


def compute_all(store, cfg: Config, snapshot_id: int | None = None, console: Console | None = None):
    from cscperf import engine
    from cscperf.indicators import catalogue

    inds = catalogue()
    with progress_bar(console) as bar:
        task = bar.add_task("Computing indicators", total=len(inds))

        def step(ind_id: str) -> None:
            bar.update(task, advance=1, description=f"Computing {ind_id}")

        results = engine.compute(store, cfg, snapshot_id, inds, progress=step)
        bar.update(task, description="Computed indicators")
    return results


def write_report(store, cfg: Config, out_dir: Path, snapshot_id: int | None = None, month: dt.date | None = None,
                 only: str | None = None, pdf: bool = True):
    """The committee report as HTML and PDF (cscperf.report.committee); returns its `Written` (paths, timings)."""
    from cscperf.report import write_report as write

    return write(store, cfg, Path(out_dir), snapshot_id=snapshot_id, month=month, only=only, pdf=pdf)


def publish_report(store, cfg: Config, out_dir: Path, snapshot_id: int | None = None, month: dt.date | None = None,
                   by: str = "cli", pdf: bool = True):
    """Write the report a committee receives into out_dir/published/ and freeze its figures in the store
    (cscperf.published); returns (publication id, `Written`)."""
    from cscperf import published
    from cscperf.report.committee import write

    pid = published.next_id(store.con)
    written = write(store, cfg, Path(out_dir) / "published", snapshot_id, month, pdf=pdf, publishing=pid)
    rep = written.report
    rows = published.frozen_rows(rep)
    notes = [{"indicator": n.indicator, "area": n.area, "why": n.why, "doing": n.doing, "owner": n.owner}
             for n in rep.notes_used]
    got = published.publish(store.con, rep.month, rep.snapshot_id, rep.extract_date, rep.catalogue_version, rep.council,
                            rows, cfg.suppression_threshold, written.checksums(), notes, by)
    if got != pid:
        raise RuntimeError(f"publication {got} was recorded as {pid} was being written; publish again")
    return pid, written


def run_demo(folder: Path, *, scale: float = 1.0, seed: int = 2019, console: Console | None = None) -> Path:
    """Synth → load → compute → report in one folder, with a progress bar; returns the report's path.

    The folder ends up as a council's would: ssda903/ and cms/ extracts, cscperf.toml, the store
    and report/, so every other command works on it with `-c folder/cscperf.toml`.
    """
    from cscperf.store import Store

    folder = Path(folder)
    with progress_bar(console) as bar, CompilingAhead() as ahead:
        task = bar.add_task("Synthesising a council", total=100)

        def synth_progress(what: str, fraction: float) -> None:
            bar.update(task, completed=100 * fraction, description=f"Synthesising: {what}"[:28])

        # The catalogue's SQL compiles on the other core while the synthesiser and the loader use one.
        summary = run_synth(folder, seed=seed, scale=scale, progress=synth_progress,
                            on_config=lambda path: ahead.start(config_mod.load(path)))
        bar.update(task, completed=100, description="Synthesised a council")
        task = bar.add_task("Loading files", total=1)
        cfg = config_mod.load(folder / "cscperf.toml")
        if cfg.store.exists():
            cfg.store.unlink()  # the demo starts afresh each time
        load_files(cfg, [folder / "ssda903", folder / "cms", folder / "workforce", folder / "cin_census"],
                   extract_date=summary.extract_date, covers_from=summary.start, label="synthetic council",
                   jobs=None, progress=reading(bar, task))
        bar.update(task, completed=1, description="Loaded files")
        ahead.adopt()
    with Store.of(cfg) as store:
        seed_actions(store)
        compute_all(store, cfg, console=console)
        with progress_bar(console) as bar:
            task = bar.add_task("Writing the report", total=1)
            path = write_report(store, cfg, cfg.report_dir).html
            bar.update(task, completed=1, description="Wrote the report")
    return path


class CompilingAhead:
    """Compiles the catalogue's SQL in a process of its own (engine.compile_ahead) while this one works,
    then keeps it for `compute`. Compiling ahead only saves time: if it fails, `compute` compiles as usual."""

    def __init__(self):
        self._pool = self._future = None

    def start(self, cfg: Config, pooled: bool = False) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from cscperf import engine

        if cfg.engine == DUCKDB and self._pool is None:
            try:   # spawn, not fork: this process may hold DuckDB's threads
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
                self._future = self._pool.submit(engine.compile_ahead, cfg, pooled=pooled)
            except (OSError, NotImplementedError):   # no processes here (a sandbox without shared memory)
                self._pool = self._future = None

    def adopt(self) -> dict[str, str]:
        """Wait for the compiled SQL and keep it in this process; returns it ({} if there is none)."""
        from cscperf import compiled

        if self._future is None:
            return {}
        try:
            texts = self._future.result()
        except Exception:   # noqa: BLE001 - compute compiles what is missing
            return {}
        compiled.adopt(texts)
        return texts

    def keep(self, store) -> None:
        """Wait for the compiled SQL and keep it in the store too, for its later runs in other processes."""
        for key, text in self.adopt().items():
            store.keep_compiled(key, text)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


# The actions the committee in the seed minute recorded, as the demo council's log holds them.
DEMO_ACTIONS = (
    ("Report on missing children: their ages, how often they went missing, where from, and the reasons given "
     "in return interviews", "DCS/Andy Dempsey", ["MI01", "MI02", "MI06"]),
    ("Invite the Designated Family Judge to discuss court capacity and care proceedings timescales",
     "DCS/Andrea Griffiths", ["CT03"]),
)


def seed_actions(store, meeting: dt.date = dt.date(2024, 2, 13), due: dt.date = dt.date(2024, 4, 30)) -> None:
    from cscperf import actions

    if not actions.listing(store.con):
        for text, owner, linked in DEMO_ACTIONS:
            actions.add(store.con, meeting, text, owner, due, linked, by="demo")
