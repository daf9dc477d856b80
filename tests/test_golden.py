"""Every indicator against small cases worked out by hand (tests/golden/<ID>.yaml).

Each case gives the rows of a few canonical tables, the month ends to compute, and the numerator and
denominator a person computed with a calendar in hand (the working is in the case's `why`).
`units` names the counted things and whether each is in the numerator, so a right total reached
for the wrong children still fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cscperf import engine, workdays
from cscperf.config import Config
from cscperf.indicators import REGISTRY, get
from helpers import store_with

GOLDEN = Path(__file__).parent / "golden"
CASES = [(path.stem, i, case) for path in sorted(GOLDEN.glob("*.yaml"))
         for i, case in enumerate(yaml.safe_load(path.read_text())["cases"])]


def test_every_indicator_has_a_hand_worked_case():
    have = {p.stem for p in GOLDEN.glob("*.yaml")}
    assert sorted(set(REGISTRY) - have) == []


@pytest.mark.parametrize("ind_id,index,case", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_golden(ind_id, index, case, tmp_path):
    ind = get(ind_id)
    ends = sorted(e["period_end"] for e in case["expect"])
    store, sid = store_with(tmp_path / "golden.duckdb", case["tables"], max(ends))
    store.put_calendar(workdays.calendar_table())
    config = Config(parameters={ind_id: case.get("params", {})},
                    population={int(k): v for k, v in case.get("population", {}).items()})
    units = engine.units(ind, store, sid, config, ends)
    got = {r["period_end"]: r for r in engine.all_figures(store, units, ends, ())[None]}
    unit_rows = units.select("period_end", "unit_id", "num").to_pyarrow().to_pylist()
    for e in case["expect"]:
        d = e["period_end"]
        row = engine.result_row(ind, got[d], None, engine.Populations(config), sid, "test")
        assert (row["numerator"], row["denominator"]) == pytest.approx((e["numerator"], e["denominator"])), \
            f"{case['name']}: {d}"
        if "value" in e:
            assert row["value"] == pytest.approx(e["value"], abs=1e-6), f"{case['name']}: {d}"
        if "units" in e:
            mine = {str(r["unit_id"]): r["num"] for r in unit_rows if r["period_end"] == d}
            assert mine == pytest.approx({str(k): v for k, v in e["units"].items()}), f"{case['name']}: {d}"
    if ind.by_month:   # as `compute` works it out: each month once, the months of a period added up
        for r in engine.whole(ind, store, sid, config, ends):
            want = next(e for e in case["expect"] if e["period_end"] == r["period_end"])
            row = engine.result_row(ind, r, None, engine.Populations(config), sid, "test")
            assert (row["numerator"], row["denominator"]) == pytest.approx((want["numerator"], want["denominator"])), \
                f"{case['name']}: {r['period_end']}, by month"
    store.close()
