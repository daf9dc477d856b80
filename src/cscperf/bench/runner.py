"""The benchmark's parent process: runs each step in a child process, times it, reads its peak memory
(`os.wait4`'s ru_maxrss: DuckDB's memory is outside Python's, so tracemalloc would not see it), checks
that the three implementations of the four indicators agree and prints the tables."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cscperf.bench.steps import FOUR

PIPELINE = ("generate", "load", "compute", "report")
IMPLS = ("pandas", "cscperf", "sql")
STEPS = (*PIPELINE, "four")
# Aims of issue 6: the national catalogue in under 2 minutes and 8 GB; >= 5x pandas; <= 1.5x hand SQL.
AIM_SECONDS, AIM_RSS_MB, AIM_PANDAS, AIM_SQL = 120.0, 8 * 1024, 5.0, 1.5


@dataclass(frozen=True)
class Size:
    name: str
    councils: int       # councils pooled (generate_many), each of `scale`
    scale: float = 1.0


SIZES = {"council": Size("council", 1), "region": Size("region", 15), "national": Size("national", 150)}


def can_generate_many() -> bool:
    from cscperf import synth

    return hasattr(synth, "generate_many")


def plan(size: Size, scale: float = 1.0) -> tuple[dict, str]:
    """The generate step's arguments for a size, and a note when it has to be approximated: without
    `synth.generate_many`, several councils are one council of the combined scale (the generator takes up to 50)."""
    councils, each = size.councils, size.scale * scale
    if councils > 1 and not can_generate_many():
        total = min(councils * each, 50.0)
        note = f"one council at scale {total:g} (no synth.generate_many yet" + (", capped at 50)" if total < councils * each else ")")
        return {"councils": 1, "scale": total}, note
    return {"councils": councils, "scale": each}, (f"{councils} councils" if councils > 1 else "") + (
        f" at scale {each:g}" if each != 1 else "")


@dataclass
class Measured:
    size: str
    step: str
    seconds: float = 0.0        # wall time of the child process (interpreter, imports and all)
    inner: float = 0.0          # time of the work itself, inside the child
    rss_mb: float = 0.0         # peak resident memory of the child
    detail: str = ""
    result: dict = field(default_factory=dict)
    error: str = ""


def tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants now (Linux /proc), in MB."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/status") as f:
                total += next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
        except OSError:
            pass
    return total / 1024


class TreeSampler(threading.Thread):
    """The peak of `tree_rss_mb` while a step runs: wait4's ru_maxrss is the largest single process, and the
    generator and the loader run councils in worker processes side by side."""

    def __init__(self, pid: int, every: float = 0.5):
        super().__init__(daemon=True)
        self.pid, self.every, self.peak = pid, every, 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            try:
                self.peak = max(self.peak, tree_rss_mb(self.pid))
            except OSError:
                pass
            self.done.wait(self.every)


def run_step(name: str, args: dict, size: str, bar: Progress | None = None, label: str | None = None) -> Measured:
    """Run one step in a child process; follow its progress; time it and read its peak memory."""
    cmd = [sys.executable, "-m", "cscperf.bench.steps", name, json.dumps(args)]
    task = bar.add_task(f"{size}: {label or name}", total=None) if bar else None
    m = Measured(size, label or name)
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    with tempfile.TemporaryFile(mode="w+") as err:
        began = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True, bufsize=1, env=env)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        for line in proc.stdout:
            if not line.startswith("@bench "):
                continue
            kind, _, payload = line[7:].rstrip("\n").partition(" ")
            if kind == "progress" and bar is not None:
                fraction, _, text = payload.partition(" ")
                bar.update(task, total=1.0, completed=float(fraction), description=f"{size}: {label or name} {text}"[:40])
            elif kind == "result":
                m.result = json.loads(payload)
        proc.stdout.close()
        sampler.done.set()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        m.seconds = time.perf_counter() - began
        sampler.join()
        m.rss_mb = max(usage.ru_maxrss / 1024, sampler.peak)     # ru_maxrss is in KiB on Linux
        if proc.returncode != 0:
            err.seek(0)
            lines = err.read().strip().splitlines()
            m.error = lines[-1] if lines else f"exit status {proc.returncode}"
    m.inner = float(m.result.get("inner", 0.0))
    m.detail = m.result.get("detail", "")
    if bar is not None:
        bar.update(task, total=1.0, completed=1.0, description=f"{size}: {label or name}"
                   + (" failed" if m.error else f" {m.seconds:.1f} s"))
    return m


@dataclass
class SizeRun:
    size: str
    note: str
    folder: Path
    steps: dict[str, Measured] = field(default_factory=dict)     # pipeline steps and "four:<impl>"

    def four(self, impl: str) -> Measured | None:
        return self.steps.get(f"four:{impl}")

    def parity_failed(self) -> bool:
        """The three implementations ran and disagree somewhere."""
        ran = all(self.four(i) is not None and not self.four(i).error for i in IMPLS)
        return ran and any(self.parity().values())

    def parity(self) -> dict[str, str]:
        """Per indicator: '' when all three give the same numerators and denominators at every month end,
        else what differs."""
        return parity({impl: (self.four(impl).result.get("figures", {}) if self.four(impl) else {}) for impl in IMPLS})


def parity(figures: dict[str, dict]) -> dict[str, str]:
    out = {}
    for ind in FOUR:
        by_impl = {impl: {d: (n, m) for d, n, m in f.get(ind, [])} for impl, f in figures.items()}
        ends = sorted(set().union(*[set(v) for v in by_impl.values()]))
        if not ends or any(not v for v in by_impl.values()):
            out[ind] = "missing"
            continue
        differ = [d for d in ends if len({v.get(d) for v in by_impl.values()}) > 1]
        if differ:
            d = differ[0]
            shown = ", ".join(f"{impl} {by_impl[impl].get(d, ('-', '-'))[0]}/{by_impl[impl].get(d, ('-', '-'))[1]}"
                              for impl in by_impl)
            out[ind] = f"{len(differ)} of {len(ends)} month ends differ (first {d}: {shown})"
        else:
            out[ind] = ""
    return out


def run_size(size: Size, folder: Path, steps: tuple[str, ...] = STEPS, scale: float = 1.0, seed: int = 2019,
             bar: Progress | None = None, repeat: int = 3) -> SizeRun:
    """Every step asked for, at one size, in `folder` (data, store and report stay there)."""
    gen_args, note = plan(size, scale)
    run = SizeRun(size.name, note.strip(), folder)
    folder.mkdir(parents=True, exist_ok=True)
    for step in PIPELINE:
        if step not in steps:
            continue
        args = {"out": str(folder), "seed": seed, **gen_args} if step == "generate" else {"folder": str(folder)}
        m = run_step(step, args, size.name, bar)
        run.steps[step] = m
        if m.error:
            return run
    if "four" in steps:
        # Taken in turns (pandas, cscperf, SQL, pandas, ...) `repeat` times; each indicator's best time is kept, as
        # the machine is shared and noisy.
        for n in range(repeat):
            for impl in IMPLS:
                m = run_step("four", {"folder": str(folder), "impl": impl}, size.name, bar,
                             label=f"four, {impl}" + (f" ({n + 1} of {repeat})" if repeat > 1 else ""))
                run.steps[f"four:{impl}"] = best(run.steps.get(f"four:{impl}"), m)
    return run


def best(before: Measured | None, m: Measured) -> Measured:
    """Two runs of the same implementation as one: each indicator's shorter time, the larger memory."""
    if before is None or before.error:
        return m
    if m.error:
        return before
    secs = {k: min(v, m.result["seconds"][k]) for k, v in before.result["seconds"].items()}
    if before.result["figures"] != m.result["figures"]:
        m.error = "two runs gave different figures"
    m.result = {**m.result, "seconds": secs, "read": min(before.result.get("read", 0), m.result.get("read", 0)),
                "runs": before.result.get("runs", 1) + 1, "first": before.result.get("first", before.inner)}
    m.seconds, m.rss_mb = min(before.seconds, m.seconds), max(before.rss_mb, m.rss_mb)
    m.inner = sum(secs.values())
    return m


# ---- printing --------------------------------------------------------------------------------------------------

def machine() -> str:
    import platform

    import duckdb

    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"Machine: {os.cpu_count()} cores, {ram:.0f} GiB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, DuckDB {duckdb.__version__}; load average {load} at the end")


def _rss(mb: float) -> str:
    return f"{mb / 1024:.2f} GB" if mb >= 1024 else f"{mb:.0f} MB"


def pipeline_table(runs: list[SizeRun]) -> Table:
    t = Table(title="cscperf bench: the pipeline (each step in its own process)", title_justify="left")
    for col, just in (("size", "left"), ("step", "left"), ("time", "right"), ("work", "right"),
                      ("peak RSS", "right"), ("detail", "left")):
        t.add_column(col, justify=just, overflow="fold")
    for run in runs:
        first = True
        for step in PIPELINE:
            m = run.steps.get(step)
            if m is None:
                continue
            name = f"{run.size}\n[dim]{run.note}[/]" if first and run.note else (run.size if first else "")
            work = f"{m.inner:.1f} s" if step in ("compute", "report") and m.inner else ""
            t.add_row(name, step, f"{m.seconds:.1f} s", work, _rss(m.rss_mb), f"[red]{m.error}[/]" if m.error else m.detail)
            first = False
    return t


def four_table(run: SizeRun) -> Table:
    runs = run.four("cscperf").result.get("runs", 1) if run.four("cscperf") else 1
    t = Table(title=f"{run.size}: CP07, AS02, LA04, MI01 at every month end, same store, three ways (seconds of compute "
                    f"in the process, best of {runs}; pandas' read from the store not included)", title_justify="left")
    for col in ("indicator", "month ends", "pandas", "cscperf", "hand SQL", "pandas / cscperf", "cscperf / SQL", "parity"):
        t.add_column(col, justify="left" if col in ("indicator", "parity") else "right", overflow="fold")
    got = {impl: run.four(impl) for impl in IMPLS}
    if any(m is None or m.error for m in got.values()):
        for impl, m in got.items():
            if m is not None and m.error:
                t.add_row(impl, "", "", "", "", "", "", f"[red]{m.error}[/]")
        return t
    par = run.parity()
    secs = {impl: m.result["seconds"] for impl, m in got.items()}
    for ind in FOUR:
        n = len(got["cscperf"].result["figures"].get(ind, []))
        p, c, s = secs["pandas"][ind], secs["cscperf"][ind], secs["sql"][ind]
        t.add_row(ind, str(n), f"{p:.2f}", f"{c:.2f}", f"{s:.2f}", f"{p / c:.1f}x", f"{c / s:.1f}x",
                  "[green]same[/]" if not par[ind] else f"[red]{par[ind]}[/]")
    tot = {impl: sum(v.values()) for impl, v in secs.items()}
    t.add_row("[bold]all four[/]", "", f"[bold]{tot['pandas']:.2f}", f"[bold]{tot['cscperf']:.2f}",
              f"[bold]{tot['sql']:.2f}", f"[bold]{tot['pandas'] / tot['cscperf']:.1f}x",
              f"[bold]{tot['cscperf'] / tot['sql']:.1f}x", "[green]same[/]" if not any(par.values()) else "[red]differ[/]")
    t.add_row("[dim]process[/]", "", *[f"[dim]{got[i].seconds:.1f} s, {_rss(got[i].rss_mb)}[/]" for i in IMPLS],
              "", "", f"[dim]wall time and peak RSS of each process; pandas read {got['pandas'].result.get('read', 0):.2f} s[/]")
    first = got["cscperf"].result.get("first")
    if first:   # later runs read the SQL the first compiled and kept in the store (cscperf.compiled)
        t.add_row("[dim]cscperf, first run[/]", "", "", f"[dim]{first:.2f}[/]", "", f"[dim]{tot['pandas'] / first:.1f}x[/]",
                  f"[dim]{first / tot['sql']:.1f}x[/]", "[dim]compiling its SQL, as a store's first run does[/]")
    return t


def aims(runs: list[SizeRun]) -> list[str]:
    """Each size's figures against issue 6's aims (the catalogue's time and memory aim is for national size)."""
    lines = []
    for run in runs:
        c = run.steps.get("compute")
        if c and not c.error:
            line = f"{run.size}: whole catalogue {c.seconds:.0f} s, {_rss(c.rss_mb)}"
            if run.size == "national":
                ok = c.seconds < AIM_SECONDS and c.rss_mb < AIM_RSS_MB
                line += f" (aim: under {AIM_SECONDS:.0f} s and {_rss(AIM_RSS_MB)}: {'met' if ok else 'not met'})"
            lines.append(line)
        got = [run.four(i) for i in IMPLS]
        if all(m is not None and not m.error for m in got):
            p, c4, s = (sum(m.result["seconds"].values()) for m in got)
            lines.append(f"{run.size}: pandas / cscperf {p / c4:.1f}x (aim at least {AIM_PANDAS:g}x: "
                         f"{'met' if p / c4 >= AIM_PANDAS else 'not met'}); cscperf / hand SQL {c4 / s:.1f}x "
                         f"(aim at most {AIM_SQL:g}x: {'met' if c4 / s <= AIM_SQL else 'not met'})")
    return lines


def bar(console: Console) -> Progress:
    return Progress(TextColumn("{task.description:<40}"), BarColumn(), TimeElapsedColumn(), console=console,
                    transient=False)


def run(sizes: list[str], folder: Path | None = None, steps: tuple[str, ...] = STEPS, scale: float = 1.0,
        seed: int = 2019, console: Console | None = None, out: Console | None = None, repeat: int = 3) -> list[SizeRun]:
    """The whole benchmark: each size in turn (in folder/<size>, or a temporary folder), then the tables."""
    console = console or Console(stderr=True)
    out = out or Console()
    runs = []
    with tempfile.TemporaryDirectory(prefix="cscperf-bench-") as tmp:
        base = Path(folder or tmp)
        with bar(console) as b:
            for name in sizes:
                runs.append(run_size(SIZES[name], base / name, steps, scale, seed, b, repeat))
        if not out.is_terminal:   # a file or a pipe: wide enough that the tables do not wrap
            out = Console(file=out.file, width=170)
        out.print(pipeline_table(runs))
        for r in runs:
            if r.four("cscperf") is not None:
                out.print(four_table(r))
        for line in aims(runs):
            out.print(line)
        out.print(f"[dim]{machine()}[/]")
    return runs
