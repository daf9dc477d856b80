"""The council's cscperf.toml: name, store, baseline month, child population and targets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cscperf.synth import rates

COUNCIL = "Blackwater County Council (synthetic)"
CODE = "999"     # not a real DfE LA number

# (target, tolerance, what it means). Percentages typical of councils' local targets; polarity comes
# from the catalogue (CP07 higher is better, FD06 lower is better, ...). LA01 (CLA rate) and MI02
# (incidents per missing child) are context measures with no target.
TARGETS = {
    "FD06": (20, 3, "re-referrals within 12 months: at most ~20%"),
    "AS02": (85, 5, "assessments authorised within 45 working days"),
    "S47-03": (80, 5, "ICPCs within 15 working days of the strategy discussion"),
    "CP03a": (2.5, 1, "open CP plans lasting 2 years or more"),
    "CP04": (22, 3, "CP plans that are second or subsequent"),
    "CP07": (80, 5, "children on a CP plan seen in the last 10 working days"),
    "LA04": (10, 2, "CLA with 3 or more placements in the year"),
    "MI01": (10, 2, "CLA who went missing in the year"),
    "MI06": (80, 5, "return interviews within 72 hours"),
    "WF01": (17, 1, "cases per case-holding FTE"),
    "CT03": (26, 4, "weeks from issue to final order (statutory 26 weeks)"),
}


def population(start: dt.date, end: dt.date, scale: float) -> dict[int, int]:
    """Mid-year estimates of children aged 0-17, for every mid-year a rate in the window uses."""
    out = {}
    for year in range(start.year - 1, end.year + 1):
        out[year] = int(round(rates.CHILDREN_0_17 * scale * (1 + 0.004 * (year - 2017)), -1))
    return out


def write_config(path: Path, start: dt.date, end: dt.date, scale: float, baseline: dt.date, *,
                 name: str = COUNCIL, code: str = CODE, ons_code: str | None = None) -> None:
    lines = [
        "# cscperf configuration for a synthetic council (written by cscperf.synth).",
        "",
        "[council]",
        f'name = "{name}"',
        f'code = "{code}"',
    ] + ([f'ons_code = "{ons_code}"'] if ons_code else []) + [
        "",
        "[store]",
        'path = "cscperf.duckdb"',
        "",
        "[report]",
        f'baseline = "{baseline:%Y-%m}"',
        "",
        "[population]",
        'source = "Synthetic mid-year estimates of children aged 0-17 (shaped like ONS MYE; Blackwater is fictional)"',
    ]
    lines += [f"{year} = {n}" for year, n in population(start, end, scale).items()]
    # Return interviews: this council reports timeliness of the interviews held (accepted), as many do.
    lines += ["", "[parameters.MI06]", 'denominator = "accepted"']
    for ind, (target, tolerance, note) in TARGETS.items():
        lines += ["", f"[targets.{ind}]", f"# {note}", f"target = {target}", f"tolerance = {tolerance}",
                  'source = "local"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
