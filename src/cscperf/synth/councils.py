"""Many synthetic councils: a region (~15) or England (~150), written council by council.

    from cscperf.synth.councils import generate_many
    summaries = generate_many(Path("out"), councils=15, seed=2019)   # out/<la number>/... for each

Each council is a whole `generate` run with its own seed, LA number, ONS code and size, into its own
sub-folder; nothing is held across councils, so memory stays that of one council (per worker
process) however many are written. Sizes vary as councils do: a log-normal spread (the smallest
about a fifth of the mean, the largest three to four times it), rescaled so the mean is `scale`.
At scale 1 (a county: ~3,800 referrals and ~600 children looked after a year), 150 councils give
about the national volumes (~650,000 referrals and ~80,000 looked after a year). Each council's CP07
trajectory is drawn around the demo council's, so councils differ from the pool.
"""

from __future__ import annotations

import os
import random
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

# Region names (ONS) and the first ONS code of each kind of authority; LA numbers are DfE-style
# three-digit numbers (not real councils' pairings: the data is synthetic).
REGIONS = ("North East", "North West", "Yorkshire and the Humber", "East Midlands", "West Midlands",
           "East of England", "London", "South East", "South West")
MAX_COUNCILS = 153   # England's councils with children's services
SIZE_SPREAD = 0.55   # sigma of the log-normal size spread


@dataclass(frozen=True)
class CouncilSpec:
    code: str            # DfE LA number, e.g. "301"; the folder name and the council's key in a pooled store
    ons_code: str        # e.g. E09000002
    name: str
    region: str
    seed: int
    scale: float
    cp_visits_from: float
    cp_visits_to: float


def _ons_code(i: int) -> str:
    """Unitary (E06), metropolitan (E08), London (E09) and county (E10) codes, in a fixed order."""
    kinds = (("E06", 62), ("E08", 36), ("E09", 33), ("E10", 22))
    for prefix, n in kinds:
        if i < n:
            return f"{prefix}{i + 1:06d}"
        i -= n
    raise ValueError("more councils than England has")


def plan(councils: int, seed: int = 2019, scale: float = 1.0) -> list[CouncilSpec]:
    """The councils `generate_many` writes: the same arguments give the same list."""
    if not 1 <= councils <= MAX_COUNCILS:
        raise ValueError(f"councils must be 1 to {MAX_COUNCILS} (England's councils), not {councils}")
    rng = random.Random(f"{seed}:councils")
    sizes = [rng.lognormvariate(0.0, SIZE_SPREAD) for _ in range(councils)]
    mean = sum(sizes) / councils
    out = []
    for i, size in enumerate(sizes):
        start = min(0.85, max(0.45, rng.gauss(0.62, 0.08)))
        rise = rng.gauss(0.12, 0.08)
        code = f"{301 + i * 6 % 600 + i // 100:03d}"     # distinct, spread over 301-900
        out.append(CouncilSpec(code, _ons_code(i), f"Synthetic council {code}", REGIONS[i % len(REGIONS)],
                               seed * 1000 + i, round(min(50.0, max(0.05, scale * size / mean)), 3),
                               round(start, 3), round(min(0.97, max(0.3, start + rise)), 3)))
    return out


def _one(args: tuple[Path, CouncilSpec, bool]):
    from cscperf.synth import generate

    out, c, extras = args
    return generate(out / c.code, seed=c.seed, scale=c.scale, cp_visits_from=c.cp_visits_from,
                    cp_visits_to=c.cp_visits_to, code=c.code, name=c.name, ons_code=c.ons_code, extras=extras)


def generate_many(out: Path, councils: int = 15, *, seed: int = 2019, scale: float = 1.0, extras: bool = False,
                  jobs: int | None = None, progress: Callable[[str, float], None] | None = None):
    """Write `councils` synthetic councils under out/<code>/; returns their `Summary`s in plan order.

    jobs: worker processes (default: one per core, at most the number of councils); each holds one
    council at a time. extras=True also writes each council's Annex A workbook and 903 XML copy."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    specs = plan(councils, seed, scale)
    report = progress or (lambda what, fraction: None)
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(specs)))
    began = time.perf_counter()
    work = [(out, c, extras) for c in specs]
    if jobs == 1:
        summaries = []
        for i, args in enumerate(work):
            summaries.append(_one(args))
            report(f"council {args[1].code}", (i + 1) / len(work))
    else:
        with ProcessPoolExecutor(jobs) as pool:
            summaries = []
            for i, summary in enumerate(pool.map(_one, work)):   # in order: each result as soon as it is ready
                summaries.append(summary)
                report(f"council {specs[i].code}", (i + 1) / len(work))
    (out / "councils.csv").write_text(
        "code,ons_code,name,region,seed,scale,cp_visits_from,cp_visits_to\n"
        + "".join(f"{c.code},{c.ons_code},{c.name},{c.region},{c.seed},{c.scale},{c.cp_visits_from},{c.cp_visits_to}\n"
                  for c in specs), encoding="utf-8")
    report(f"{len(specs)} councils in {time.perf_counter() - began:.0f} s", 1.0)
    return summaries


__all__ = ["CouncilSpec", "generate_many", "plan"]
