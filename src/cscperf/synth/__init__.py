"""A synthetic council: seeded, deterministic SSDA903 and CIN census returns, a CMS extract and a config file.

    from cscperf.synth import generate
    summary = generate(Path("out"))        # Blackwater County Council, April 2018 - March 2024

writes `out/ssda903/<year>/*.csv` (the DfE layouts), `out/cin_census/CIN_Census_<year>.xml` (the CIN
census XML of each year, valid against its schema), `out/workforce/CSWW_<year>.xml` (the workforce
census at each 30 September, valid against its schema), `out/ssda903_xml/SSDA903_<year>.xml` (the last
903 year again as XML, to test that reader; not loaded by the demo), `out/cms/*.csv` (the canonical
templates), `out/annex_a/Annex_A_<extract date>.xlsx` (the Ofsted Annex A lists 1-11 over the 6 months
to the extract date; a separate snapshot kind, not loaded by the demo) and `out/cscperf.toml`. The same arguments give byte-identical files. The CP visit figure (CP07) is
planted to follow the committee minute: about 60.5% in July 2018 rising to about 76.3% in March 2024.

How it is built: `council` simulates families one by one (each on its own random stream), `care`
fills in periods of care, `workforce` staffs the teams and allocates every open case, `visits` plans
the statutory visits and plants the CP07 trajectory; `ssda903`, `cin_census` and `cms` write what the
council's systems would hold. Many councils (a region, England): `generate_many` (synth.councils), a
whole `generate` per council in its own sub-folder. Larger single councils could be streamed by simulating and writing families in chunks:
only the allocations and the CP07 planting look across families, and both need only small per-case
summaries (segments of open cases; CP plans and their visits).
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from cscperf.synth.annex_a import WriterAnnexA
from cscperf.synth.cin_census import WriterCIN
from cscperf.synth.cms import MARGIN_DAYS, WriterCMS
from cscperf.synth.configfile import CODE, COUNCIL, write_config
from cscperf.synth.council import Council
from cscperf.synth.csww import WriterCSWW
from cscperf.synth.ssda903 import Writer903
from cscperf.synth.ssda903_xml import write_xml as write_903_xml
from cscperf.synth.visits import Trajectory, Visitor
from cscperf.synth.workforce import Workforce


@dataclass
class Summary:
    out: Path
    start: dt.date          # the first day the extracts cover
    extract_date: dt.date
    counts: dict[str, int] = field(default_factory=dict)    # file (relative to out) -> rows written
    annex_a: dict[int, int] = field(default_factory=dict)   # Annex A list number -> rows written
    paths: list[Path] = field(default_factory=list)
    seconds: float = 0.0

    def describe(self) -> str:
        """One line for people: how much was written, to when, how fast."""
        children = self.counts.get("cms/persons.csv", 0)
        files = sum(1 for p in self.counts if p.endswith(".csv"))
        rows = sum(n for p, n in self.counts.items() if p.endswith(".csv"))
        return (f"{children:,} children, {rows:,} rows in {files} files, extract date {self.extract_date:%d %B %Y}, "
                f"{self.seconds:.1f} s")

    def rows(self, table: str) -> int:
        """Rows written for a file stem across all folders, e.g. rows("episodes") over every 903 year."""
        return sum(n for path, n in self.counts.items() if Path(path).stem == table)


# Each stage's share of the generator's time (measured on a county), so that `progress` is told how far the
# whole has gone and a bar moves steadily instead of filling once per stage.
STAGES = {"families": 0.27, "workforce": 0.09, "visits": 0.11, "ssda903": 0.12, "cms": 0.08, "cin census": 0.11,
          "workforce census": 0.02, "annex a": 0.20}


def _overall(progress: Callable[[str, float], None]) -> Callable[[str, float], None]:
    """A stage's own progress (fraction of the stage) as the whole generator's."""
    before = dict(zip(STAGES, itertools.accumulate(STAGES.values(), initial=0.0)))

    def report(stage: str, fraction: float) -> None:
        progress(stage, min(1.0, before[stage] + STAGES[stage] * fraction))
    return report


def generate(out: Path, *, seed: int = 2019, scale: float = 1.0, start: dt.date = dt.date(2018, 4, 1),
             end: dt.date = dt.date(2024, 3, 31), cp_visits_from: float = 0.605, cp_visits_to: float = 0.763,
             trajectory: tuple[dt.date, dt.date] = (dt.date(2018, 7, 31), dt.date(2024, 3, 31)),
             progress: Callable[[str, float], None] | None = None, code: str = CODE, name: str = COUNCIL,
             ons_code: str | None = None, extras: bool = True,
             on_config: Callable[[Path], None] | None = None) -> Summary:
    """Simulate the council from `start` to `end` (the extract date) and write its files under `out`.
    code/name/ons_code: the council's LA number, name and ONS code (`councils` draws many). extras=False
    leaves out what no load needs (the Annex A workbook and the 903 XML copy: a third of the time).
    on_config: called with the config's path as soon as it is written, before the data (the demo starts
    compiling the catalogue's SQL then)."""
    if not 0 < scale <= 50:
        raise ValueError(f"scale must be above 0 and at most 50, not {scale}")
    if end <= start:
        raise ValueError("end must be after start")
    began = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    report = _overall(progress) if progress else (lambda stage, fraction: None)
    write_config(out / "cscperf.toml", start, end, scale, trajectory[0], name=name, code=code, ons_code=ons_code)
    if on_config:
        on_config(out / "cscperf.toml")

    council = Council(seed, scale, start, end, code)
    world = council.simulate(report)
    report("families", 1.0)

    workforce = Workforce(council.days, council.start, council.end, seed, scale)
    workforce.staff(workforce.demand(world.segments))
    workforce.allocate(world.segments)
    report("workforce", 1.0)

    plan = Trajectory(trajectory[0], trajectory[1], cp_visits_from, cp_visits_to, seed)
    Visitor(council.days, council.start, council.end, seed, plan,
            since=council.start - MARGIN_DAYS).all_visits(world, report)
    report("visits", 1.0)

    summary = Summary(out, start, end)
    w903 = Writer903(council.days, world, workforce.allocations, seed, council.start, council.end)
    summary.counts.update(w903.write(out / "ssda903", report))
    cms = WriterCMS(council.days, world, workforce, council.start, council.end)
    cms.assign_ids()
    summary.counts.update(cms.write(out / "cms", w903.people))
    report("cms", 1.0)
    cin = WriterCIN(council.days, world, seed, council.start, council.end, code)
    summary.counts.update(cin.write(out / "cin_census", report))   # rows: referrals (CINdetails) a year

    csww = WriterCSWW(council.days, workforce, seed, code, council.start, council.end)
    summary.counts.update(csww.write(out / "workforce"))          # rows: workers in each 30 September census
    for last in w903.years()[-1:] if extras else []:             # the last 903 year again, as XML (for the tests)
        xml_903 = out / "ssda903_xml" / f"SSDA903_{last}.xml"
        summary.counts[str(xml_903.relative_to(out))] = write_903_xml(xml_903, w903.year_rows(last))
    report("workforce census", 1.0)
    if extras:
        annex, summary.annex_a = WriterAnnexA(council.days, world, workforce, council.start, council.end, seed).write(
            out / "annex_a")                                     # a separate snapshot kind: not loaded by the demo
        summary.counts[str(annex.relative_to(out))] = sum(summary.annex_a.values())
        report("annex a", 1.0)

    summary.counts["cscperf.toml"] = 1
    summary.paths = [out / p for p in summary.counts]
    summary.seconds = time.perf_counter() - began
    return summary


from cscperf.synth.councils import generate_many  # noqa: E402  (it calls generate, above)

__all__ = ["Summary", "generate", "generate_many"]
