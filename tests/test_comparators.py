"""Comparators: shipped England figures, and region and statistical neighbours from DfE's own layout."""

from __future__ import annotations

import datetime as dt

import pytest

from cscperf import comparators as cmp
from cscperf.config import Config, load

DFE = """time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,new_la_code,la_name,rereferral_percent,cases_per_fte
202324,Reporting year,National,E92000001,England,,,,,22.4,x
202425,Reporting year,National,E92000001,England,,,,,22.6,x
202425,Reporting year,Regional,E92000001,England,E12000009,South West,,,21.0,x
202425,Reporting year,Regional,E92000001,England,E12000008,South East,,,19.0,x
202425,Reporting year,Local authority,E92000001,England,E12000009,South West,E10000008,Devon,18.0,x
202425,Reporting year,Local authority,E92000001,England,E12000009,South West,E10000013,Gloucestershire,24.0,x
202425,Reporting year,Local authority,E92000001,England,E12000009,South West,E06000022,Bath and North East Somerset,c,x
202425,Reporting year,Local authority,E92000001,England,E12000008,South East,E10000014,Hampshire,30.0,x
202425,Reporting year,Local authority,E92000001,England,E12000009,South West,E10000027,Somerset,"1,7.5",x
"""


def test_shipped_england_figures_carry_year_and_source():
    eng = cmp.england()
    fd06 = cmp.latest(eng, "FD06", cmp.ENGLAND, dt.date(2025, 3, 31))
    assert (fd06.value, fd06.time_period) == (22.6, "2024-25") and "kpis.md FD06" in fd06.source
    # A figure is only used from the end of the year it is for.
    assert cmp.latest(eng, "FD06", cmp.ENGLAND, dt.date(2025, 3, 30)).value == 22.4
    wf = cmp.latest(eng, "WF01", cmp.ENGLAND, dt.date(2024, 12, 31))
    assert (wf.value, wf.period_end) == (15.4, dt.date(2024, 9, 30))


def test_dfe_layout_gives_region_and_neighbour_mean_and_median(tmp_path):
    f = tmp_path / "c1.csv"
    f.write_text(DFE, encoding="utf-8")
    config = Config(region="South West", statistical_neighbours=["E10000008", "Gloucestershire", "E06000022", "Hampshire"],
                    comparator_files=[f], comparator_measures={"FD06": "rereferral_percent", "WF01": "cases_per_fte"})
    found = cmp.load(config)
    at = dt.date(2025, 3, 31)
    assert cmp.latest(found, "FD06", cmp.ENGLAND, at).value == 22.6
    assert cmp.latest(found, "FD06", cmp.REGION, at).value == 21.0
    # Neighbours with a figure: Devon 18, Gloucestershire 24, Hampshire 30 (B&NES is suppressed, c; Somerset
    # is not a neighbour). Mean 24, median 24 over 3 areas.
    sn_mean = cmp.latest(found, "FD06", cmp.SN_MEAN, at)
    assert (sn_mean.value, sn_mean.areas) == (24.0, 3)
    assert cmp.latest(found, "FD06", cmp.SN_MEDIAN, at).value == 24.0
    # x in the file: the shipped figure stays; at 31 March 2025 the latest census is September 2024.
    assert cmp.latest(found, "WF01", cmp.ENGLAND, at).value == 15.4
    assert cmp.year_end("202425") == dt.date(2025, 3, 31) and cmp.year_end("2025", september=True) == dt.date(2025, 9, 30)


def test_not_a_dfe_file_says_so(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("a,b\n1,2\n")
    with pytest.raises(cmp.ComparatorError, match="x.csv, row 1: not a DfE published table"):
        cmp.from_dfe_file(f, {}, "", [])


def test_init_writes_a_config_that_loads(tmp_path):
    from typer.testing import CliRunner

    from cscperf.cli import app

    target = tmp_path / "cscperf.toml"
    assert CliRunner().invoke(app, ["init", str(target)]).exit_code == 0
    cfg = load(target)
    assert cfg.suppression_threshold == 5 and cfg.sn_average == "mean" and cfg.baseline == dt.date(2018, 7, 31)
    assert "[targets.CP07]" in target.read_text()
    assert CliRunner().invoke(app, ["init", str(target)]).exit_code == 1      # never overwrites by surprise
