"""One benchmark step, run in a process of its own so that its peak memory can be read when it ends
(`python -m cscperf.bench.steps STEP JSON-ARGS`).

The step talks to the parent on stdout, one line each: `@bench progress <fraction> <text>` while it runs, and
`@bench result <json>` at the end. Anything else it prints is ignored.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

FOUR = ("CP07", "AS02", "LA04", "MI01")
COUNCILS = "councils"             # the sub-folder holding one folder per council, when several
SUMMARY = "bench-summary.json"   # what the generate step tells the load step (extract date, first day)


def say(kind: str, payload) -> None:
    text = json.dumps(payload, default=str) if kind == "result" else payload
    print(f"@bench {kind} {text}", flush=True)


def progress(fraction: float, text: str) -> None:
    say("progress", f"{fraction:.4f} {text}")


def data_paths(folder: Path) -> list[Path]:
    """The folders of a synthetic council that the demo loads."""
    return [folder / p for p in ("ssda903", "cms", "workforce", "cin_census") if (folder / p).exists()]


def _config(folder: Path):
    from cscperf import config as config_mod

    return config_mod.load(Path(folder) / "cscperf.toml")


# ---- the pipeline's steps -------------------------------------------------------------------------------------

def generate(out: str, councils: int = 1, scale: float = 1.0, seed: int = 2019) -> dict:
    """One council into `out`, or (councils > 1, synth.generate_many) each council into out/councils/<code>/ with a
    pooled cscperf.toml in `out` (its store holds them all as one snapshot; population summed)."""
    from cscperf import synth

    def report(stage: str, fraction: float) -> None:
        progress(fraction, stage)

    out = Path(out)
    if councils > 1:
        summaries = synth.generate_many(out / COUNCILS, councils, seed=seed, scale=scale, progress=report)
        _pooled_config(out, len(summaries))
        first = summaries[0]
        children = sum(s.counts.get("cms/persons.csv", 0) for s in summaries)
        rows = sum(n for s in summaries for p, n in s.counts.items() if p.endswith(".csv"))
        detail = f"{len(summaries)} councils, {children:,} children, {rows:,} rows, {sum(s.seconds for s in summaries):.0f} s of work"
    else:
        first = synth.generate(out, seed=seed, scale=scale, progress=report)
        detail = first.describe()
    (out / SUMMARY).write_text(json.dumps({"extract_date": str(first.extract_date), "start": str(first.start)}))
    return {"detail": detail}


def _pooled_config(out: Path, n: int) -> None:
    """cscperf.toml for the pooled store: the councils' populations summed year by year."""
    import tomllib

    population: dict[str, int] = {}
    for sub in sorted((out / COUNCILS).iterdir()):
        if (sub / "cscperf.toml").exists():
            for year, count in tomllib.loads((sub / "cscperf.toml").read_text()).get("population", {}).items():
                if year.isdigit():
                    population[year] = population.get(year, 0) + int(count)
    lines = ["[council]", f'name = "{n} synthetic councils, pooled"', 'code = "pool"', "", "[store]",
             'path = "cscperf.duckdb"', "", "[population]", 'source = "Synthetic: the councils\' figures summed"']
    lines += [f"{year} = {count}" for year, count in sorted(population.items())]
    (out / "cscperf.toml").write_text("\n".join(lines) + "\n")


def load(folder: str) -> dict:
    from cscperf.pipeline import load_files

    folder = Path(folder)
    cfg = _config(folder)
    if cfg.store.exists():
        cfg.store.unlink()
    written = json.loads((folder / SUMMARY).read_text()) if (folder / SUMMARY).exists() else {}
    dates = {k: dt.date.fromisoformat(written[k]) if written.get(k) else None for k in ("extract_date", "start")}
    if (folder / COUNCILS).is_dir():
        from cscperf.pipeline import load_councils

        sid, summary = load_councils(cfg, [folder / COUNCILS], extract_date=dates["extract_date"],
                                     covers_from=dates["start"], label="bench",
                                     progress=lambda code, fraction: progress(fraction, f"council {code}"))
        rows = sum(c["rows_loaded"] for c in summary)
        return {"detail": f"{rows:,} rows from {sum(c['files'] for c in summary)} files of {len(summary)} councils",
                "snapshot": sid}
    sid, loaded = load_files(cfg, data_paths(folder), extract_date=dates["extract_date"], covers_from=dates["start"],
                             label="bench", compile_ahead=None)
    rows = sum(f.rows_loaded for f in loaded.files)
    return {"detail": f"{rows:,} rows from {len(loaded.files)} files", "snapshot": sid}


def compute(folder: str) -> dict:
    from cscperf import engine
    from cscperf.indicators import catalogue
    from cscperf.store import Store

    cfg = _config(Path(folder))
    inds = catalogue()
    done = [0]

    def step(ind_id: str) -> None:
        done[0] += 1
        progress(done[0] / len(inds), ind_id)

    with Store.of(cfg) as store:
        t = time.perf_counter()
        results = engine.compute(store, cfg, None, inds, progress=step)
        seconds = time.perf_counter() - t
    ends = len(set(results.column("period_end").to_pylist()))
    return {"detail": f"{len(inds)} indicators, {results.num_rows:,} figures, {ends} month ends", "inner": seconds}


def report(folder: str) -> dict:
    from cscperf.pipeline import write_report
    from cscperf.store import Store

    cfg = _config(Path(folder))
    with Store.of(cfg) as store:
        t = time.perf_counter()
        written = write_report(store, cfg, cfg.report_dir)
        seconds = time.perf_counter() - t
    return {"detail": f"{written.pages} pages: HTML {written.seconds_html:.1f} s, PDF {written.seconds_pdf:.1f} s",
            "inner": seconds}


# ---- the four indicators, three ways -------------------------------------------------------------------------

def month_ends(store, cfg, snapshot_id: int) -> dict[str, list[dt.date]]:
    """The month ends cscperf computes each of the four at (engine.period_ends): all three use these."""
    from cscperf import engine
    from cscperf.indicators import get

    snap = store.snapshot(snapshot_id)
    coverage = store.coverage(snap.snapshot_id)
    return {i: engine.period_ends(get(i), coverage, snap.extract_date) for i in FOUR}


def _figures_out(found: dict[str, dict]) -> dict:
    return {ind: [[d.isoformat(), n, m] for d, (n, m) in sorted(by_end.items())] for ind, by_end in found.items()}


def four(folder: str, impl: str) -> dict:
    """CP07, AS02, LA04 and MI01 at every month end by one implementation: cscperf, pandas or sql. `inner` is the
    time to compute them (data already in the store, or for pandas already in memory); `read` is pandas' read."""
    from cscperf.store import Store

    cfg = _config(Path(folder))
    not_default = {i: cfg.params(i) for i in FOUR if cfg.params(i)}
    seconds: dict[str, float] = {}
    extra: dict = {}
    with Store.of(cfg) as store:
        sid = store.latest_snapshot()
        ends = month_ends(store, cfg, sid)
        if impl == "cscperf":
            found = _cscperf(store, cfg, sid, ends, seconds)
    if impl in ("pandas", "sql"):
        found = _baseline(impl, cfg, sid, ends, seconds, extra)
    elif impl != "cscperf":
        raise ValueError(f"impl: {impl!r}; expected cscperf, pandas or sql")
    return {"inner": sum(seconds.values()), "seconds": seconds, "figures": _figures_out(found),
            "not_default": not_default, **extra}


def _cscperf(store, cfg, sid: int, ends: dict, seconds: dict) -> dict:
    """cscperf's engine on the store: each indicator's whole figure, numerator and denominator per month end
    (engine.whole, as `compute` works it out, without the breakdowns)."""
    from cscperf import engine
    from cscperf.indicators import get

    engine.calendar(store, cfg, refresh=True)
    store.tables(sid)
    found = {}
    for n, ind_id in enumerate(FOUR):
        progress(n / len(FOUR), ind_id)
        ind = get(ind_id)
        t = time.perf_counter()
        rows = engine.whole(ind, store, sid, cfg, ends[ind_id])
        seconds[ind_id] = time.perf_counter() - t
        found[ind_id] = {r["period_end"]: (int(round(r["numerator"])), int(round(r["denominator"]))) for r in rows}
    return found


def _baseline(impl: str, cfg, sid: int, ends: dict, seconds: dict, extra: dict) -> dict:
    """pandas or hand SQL on the store file, through a DuckDB connection of their own."""
    import duckdb

    from cscperf import workdays
    from cscperf.bench import pandas_baseline as pdb
    from cscperf.bench import sql_baseline as sqb

    hol = pdb.england_holidays(workdays.read_overrides(cfg.closures))
    con = duckdb.connect(str(cfg.store), read_only=True)
    try:
        if impl == "pandas":
            t = time.perf_counter()
            frames = pdb.read_frames(con, sid)
            extra["read"] = time.perf_counter() - t
            funcs = {"CP07": lambda: pdb.cp07(frames, ends["CP07"], hol), "AS02": lambda: pdb.as02(frames, ends["AS02"], hol),
                     "LA04": lambda: pdb.la04(frames, ends["LA04"]), "MI01": lambda: pdb.mi01(frames, ends["MI01"])}
        else:
            sqb.prepare(con, ends, hol)
            funcs = {i: (lambda i=i: sqb.run(con, i, sid, ends[i])) for i in FOUR}
        found = {}
        for n, ind_id in enumerate(FOUR):
            progress(n / len(FOUR), ind_id)
            t = time.perf_counter()
            found[ind_id] = funcs[ind_id]()
            seconds[ind_id] = time.perf_counter() - t
    finally:
        con.close()
    return found


STEPS = {"generate": generate, "load": load, "compute": compute, "report": report, "four": four}


def main(argv: list[str]) -> int:
    name, args = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    t = time.perf_counter()
    result = STEPS[name](**args)
    result.setdefault("inner", time.perf_counter() - t)
    say("result", result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
