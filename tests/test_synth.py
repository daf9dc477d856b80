"""The synthetic council: deterministic, loadable without a problem, the size of a county, shaped like
a council's returns and extracts, and carrying the planted CP07 trajectory of the committee minute."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from cscperf import config, engine
from cscperf.model.codes import CASE_HOLDING_ROLES, SHORT_BREAK_LEGAL_STATUSES, TEMPORARY_PLACEMENTS
from cscperf.sources.load import read_files
from cscperf.store import Store
from cscperf.synth import Summary, generate
from cscperf.workdays import is_working_day

D = dt.date
YEARS = list(range(2019, 2025))
FILES_903 = {"header", "episodes", "reviews", "uasc", "oc2", "oc3", "ad1", "placed_for_adoption",
             "previous_permanence", "missing"}
CMS = {"persons", "referrals", "assessments", "s47_enquiries", "icpcs", "cp_plans", "visits", "missing_episodes",
       "care_proceedings", "teams", "professionals", "allocations"}


# ---- helpers ---------------------------------------------------------------------------------------

def rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def uk(text: str) -> D | None:
    return dt.datetime.strptime(text, "%d/%m/%Y").date() if text else None


def iso(text: str) -> D | None:
    return D.fromisoformat(text) if text else None


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def open_at(start: D | None, end: D | None, d: D) -> bool:
    return start is not None and start <= d and (end is None or end > d)


def cp07(out: Path, tmp_path: Path) -> dict[D, dict]:
    """CP07 as the engine computes it from the generated files."""
    loaded = read_files([out / "ssda903", out / "cms"], on_error="abort")
    store = Store(tmp_path / "cp07.duckdb")
    store.write_snapshot(loaded)
    results = engine.compute(store, config.load(out / "cscperf.toml"))
    store.close()
    return {r["period_end"]: r for r in results.to_pylist() if r["indicator"] == "CP07" and r["breakdown"] == "all"}


def looked_after(out: Path, d: D) -> set[str]:
    """Children looked after at d (short breaks left out), from the 903 return of d's year."""
    year = d.year + 1 if d.month >= 4 else d.year
    return {e["CHILD"] for e in rows(out / "ssda903" / str(year) / "episodes.csv")
            if e["LS"] not in SHORT_BREAK_LEGAL_STATUSES and open_at(uk(e["DECOM"]), uk(e["DEC"]), d)}


def month_ends(first: D, last: D) -> list[D]:
    from cscperf.periods import month_ends as me

    return me(first, last)


# ---- fixtures: one small council for most tests, one county for the volumes -------------------------

@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, Summary]:
    out = tmp_path_factory.mktemp("synth") / "small"
    return out, generate(out, scale=0.1)


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> tuple[Path, Summary]:
    out = tmp_path_factory.mktemp("synth") / "county"
    return out, generate(out)


# ---- determinism --------------------------------------------------------------------------------------

def test_same_seed_gives_the_same_bytes_and_another_seed_other_data(tmp_path):
    a = generate(tmp_path / "a", seed=7, scale=0.05)
    b = generate(tmp_path / "b", seed=7, scale=0.05)
    c = generate(tmp_path / "c", seed=8, scale=0.05)
    assert digests(tmp_path / "a") == digests(tmp_path / "b")
    assert a.counts == b.counts
    different = {k for k, v in digests(tmp_path / "c").items() if digests(tmp_path / "a").get(k) != v}
    assert {"cms/referrals.csv", "cms/visits.csv", "ssda903/2024/episodes.csv"} <= different
    assert c.extract_date == D(2024, 3, 31)


def test_progress_tells_how_far_the_whole_has_gone_and_the_config_comes_first(tmp_path):
    """A progress bar fed by `generate` fills once, steadily, not once per stage; `on_config` comes before any
    data is written (the demo starts compiling then)."""
    told, first = [], []
    generate(tmp_path, seed=7, scale=0.05, progress=lambda stage, fraction: told.append(fraction),
             on_config=lambda path: first.append(sorted(p.name for p in tmp_path.rglob("*") if p.is_file())))
    assert first == [["cscperf.toml"]]
    assert told == sorted(told) and told[-1] == pytest.approx(1.0)
    assert len({round(f, 2) for f in told}) > 10


def test_scale_must_be_positive(tmp_path):
    with pytest.raises(ValueError, match="scale"):
        generate(tmp_path, scale=0)


# ---- what is written ------------------------------------------------------------------------------------

def test_files_and_summary(small):
    out, summary = small
    assert summary.extract_date == D(2024, 3, 31)
    for year in YEARS:
        names = {p.stem for p in (out / "ssda903" / str(year)).glob("*.csv")}
        assert names == FILES_903 | ({"sw_episodes"} if year >= 2024 else set()), year
    assert {p.stem for p in (out / "cms").glob("*.csv")} == CMS
    assert all(p.exists() for p in summary.paths)
    assert summary.counts["cms/referrals.csv"] == len(rows(out / "cms" / "referrals.csv"))
    assert summary.rows("episodes") == sum(len(rows(out / "ssda903" / str(y) / "episodes.csv")) for y in YEARS)


def test_config_is_the_councils(small):
    out, _ = small
    cfg = config.load(out / "cscperf.toml")
    assert cfg.council_name == "Blackwater County Council (synthetic)"
    assert cfg.council_code
    assert cfg.baseline == D(2018, 7, 31)
    assert cfg.store == (out / "cscperf.duckdb").resolve()
    assert cfg.population_source
    assert cfg.population_for(D(2020, 3, 31)) == (cfg.population[2019], False)
    assert 11_000 <= cfg.population[2019] <= 13_000          # scale 0.1 of ~120,000
    assert (cfg.targets["CP07"].value, cfg.targets["CP07"].tolerance) == (80, 5)
    assert {"AS02", "S47-03", "FD06", "CP03a", "CP04", "LA04", "MI01", "MI06", "WF01", "CT03"} <= set(cfg.targets)


def test_every_file_loads_without_a_problem(small):
    out, _ = small
    loaded = read_files([out / "ssda903", out / "cms"], on_error="abort")
    assert [str(p) for p in loaded.problems] == []
    assert loaded.extract_date == D(2024, 3, 31)
    assert loaded.coverage["cla_episodes"] == (D(2018, 4, 1), D(2024, 3, 31))
    assert sorted({f.collection_year for f in loaded.files if "ssda903" in f.path}) == YEARS
    # A looked-after child's missing episode is one record in the 903 and the CMS extract.
    merged = loaded.tables["missing_episodes"].num_rows
    assert merged == len(rows(out / "cms" / "missing_episodes.csv"))


# ---- the 903 return, year by year ------------------------------------------------------------------------

def test_903_dates_codes_and_year_ends(small):
    out, _ = small
    closed_later = 0
    for year in YEARS:
        y0, y1 = D(year - 1, 4, 1), D(year, 3, 31)
        eps = rows(out / "ssda903" / str(year) / "episodes.csv")
        header = rows(out / "ssda903" / str(year) / "header.csv")
        assert {h["SEX"] for h in header} <= {"1", "2"}
        assert {e["CHILD"] for e in eps} <= {h["CHILD"] for h in header}
        for e in eps:
            start, end = uk(e["DECOM"]), uk(e["DEC"])
            assert start <= y1 and (end is None or y0 <= end <= y1), e   # open in the year; no later end shown
            assert bool(e["DEC"]) == bool(e["REC"]), e
        if year < YEARS[-1]:
            later = {(e["CHILD"], e["DECOM"]): e for e in rows(out / "ssda903" / str(year + 1) / "episodes.csv")}
            for e in eps:
                if not e["DEC"] and later.get((e["CHILD"], e["DECOM"]), {}).get("DEC"):
                    closed_later += 1
    assert closed_later > 0      # shown open at 31 March, ended in the next year's return


def test_903_episodes_chain_into_periods_of_care(small):
    out, _ = small
    rne, place, ls = Counter(), Counter(), Counter()
    returns = 0
    for year in YEARS:
        eps = defaultdict(list)
        for e in rows(out / "ssda903" / str(year) / "episodes.csv"):
            eps[e["CHILD"]].append(e)
        for child, chain in eps.items():
            for prev, e in zip(chain, chain[1:]):
                # X1 exactly when a new episode begins the same day; a new period of care begins with S.
                assert (prev["REC"] == "X1") == (prev["DEC"] == e["DECOM"]), (prev, e)
                assert (e["RNE"] == "S") == (prev["REC"] != "X1"), (prev, e)
                i = chain.index(prev)
                if prev["PLACE"] in TEMPORARY_PLACEMENTS and i > 0:
                    before = chain[i - 1]
                    returns += (before["PLACE"], before["PL_POST"], before["URN"]) == (e["PLACE"], e["PL_POST"], e["URN"])
            for e in chain:
                rne[e["RNE"]] += 1
                place[e["PLACE"]] += 1
                ls[e["LS"]] += 1
    assert {"S", "P", "L", "T"} <= set(rne)
    assert {"U6", "U4", "K2", "H5"} <= set(place) and set(place) & set(TEMPORARY_PLACEMENTS)
    assert returns > 0                    # temporary moves end back in the same placement
    assert {"C1", "C2", "V2"} <= set(ls) and set(ls) & set(SHORT_BREAK_LEGAL_STATUSES)


def test_903_missing_matches_the_cms_extract(small):
    out, _ = small
    cms = {(m["person_id"], m["missing_type"], m["start_date"]): m for m in rows(out / "cms" / "missing_episodes.csv")}
    n = 0
    for year in YEARS:
        for m in rows(out / "ssda903" / str(year) / "missing.csv"):
            key = (m["CHILD"], m["MISSING"], uk(m["MIS_START"]).isoformat())
            assert key in cms, key
            n += 1
    assert n > 0
    assert {m["missing_from"] for m in cms.values()} >= {"HOME", "FOSTER", "CHILDRENS_HOME"}


def test_903_cohort_tables(small):
    out, _ = small
    for year in YEARS:
        y1 = D(year, 3, 31)
        lac = looked_after(out, y1)
        for r in rows(out / "ssda903" / str(year) / "oc2.csv"):
            assert r["CHILD"] in lac                  # still looked after at 31 March
        for r in rows(out / "ssda903" / str(year) / "oc3.csv"):
            dob = uk(r["DOB"])
            age = y1.year - dob.year - ((y1.month, y1.day) < (dob.month, dob.day))
            assert 17 <= age <= 21, r              # a 17th to 21st birthday in the year
        eps = rows(out / "ssda903" / str(year) / "episodes.csv")
        adopted = {e["CHILD"] for e in eps if e["REC"] in ("E11", "E12")}
        assert {r["CHILD"] for r in rows(out / "ssda903" / str(year) / "ad1.csv")} == adopted
    sw = rows(out / "ssda903" / "2024" / "sw_episodes.csv")
    assert sw and all(r["SW_ID"].startswith("SW") for r in sw)


# ---- the CMS extract ------------------------------------------------------------------------------------

def test_events_fall_on_working_days(small):
    out, _ = small
    cms = out / "cms"
    for name, col in (("assessments", "start_date"), ("assessments", "authorised_date"), ("icpcs", "icpc_date"),
                      ("cp_plans", "start_date"), ("visits", "visit_date"), ("care_proceedings", "issue_date")):
        days = [iso(r[col]) for r in rows(cms / f"{name}.csv") if r[col]]
        assert days and all(is_working_day(x) for x in days), (name, col)
    referrals = [iso(r["referral_date"]) for r in rows(cms / "referrals.csv")]
    assert sum(map(is_working_day, referrals)) / len(referrals) > 0.98       # emergencies at any hour
    s47 = [iso(r["start_date"]) for r in rows(cms / "s47_enquiries.csv")]
    assert 0.85 < sum(map(is_working_day, s47)) / len(s47) < 1.0              # some strategy discussions at weekends
    missing = [iso(r["start_date"]) for r in rows(cms / "missing_episodes.csv")]
    assert not all(map(is_working_day, missing))


def test_visits_and_return_interviews(small):
    out, _ = small
    visits = rows(out / "cms" / "visits.csv")
    assert {v["visit_type"] for v in visits} == {"CP", "CIN", "CLA"}
    not_seen = sum(v["seen"] == "false" for v in visits) / len(visits)
    assert 0.02 < not_seen < 0.08
    alone = [v for v in visits if v["seen"] == "true" and v["seen_alone"] == "true"]
    assert len(alone) / len(visits) > 0.5
    missing = [m for m in rows(out / "cms" / "missing_episodes.csv") if m["end_date"]]
    offered = sum(m["rhi_offered"] == "true" for m in missing) / len(missing)
    accepted = sum(m["rhi_accepted"] == "true" for m in missing) / max(1, sum(m["rhi_offered"] == "true" for m in missing))
    assert 0.8 < offered < 0.97 and 0.55 < accepted < 0.85
    held = [m for m in missing if m["rhi_date"]]
    assert all(iso(m["rhi_date"]) >= iso(m["end_date"]) for m in held)
    assert all(m["rhi_reasons"] for m in held)


def test_proceedings_share_ids_across_siblings(small):
    out, _ = small
    procs = rows(out / "cms" / "care_proceedings.csv")
    children = Counter(p["proceedings_id"] for p in procs)
    assert max(children.values()) >= 2
    assert 2 <= len({p["court"] for p in procs}) <= 3
    for pid in children:
        issued = {p["issue_date"] for p in procs if p["proceedings_id"] == pid}
        assert len(issued) == 1


def test_every_open_case_is_allocated_to_a_fitting_team(small):
    out, _ = small
    cms = out / "cms"
    service = {t["team_id"]: t["service"] for t in rows(cms / "teams.csv")}
    allocations = rows(cms / "allocations.csv")
    plans = rows(cms / "cp_plans.csv")
    for d in month_ends(D(2018, 6, 1), D(2024, 3, 31))[::7]:
        held = defaultdict(set)
        for a in allocations:
            if open_at(iso(a["start_date"]), iso(a["end_date"]), d):
                held[a["person_id"]].add(service[a["team_id"]])
        on_plan = {p["person_id"] for p in plans if open_at(iso(p["start_date"]), iso(p["end_date"]), d)}
        lac = looked_after(out, d)
        assert on_plan and lac
        assert all(held[c] for c in on_plan | lac), d
        assert all("SAFEGUARDING" in held[c] for c in on_plan - lac), d
        assert all(held[c] == {"CLA"} for c in lac), d
        assert all(len(services) == 1 for services in held.values())     # one worker at a time


# ---- the planted CP07 trajectory -------------------------------------------------------------------------

def test_cp07_follows_the_planted_trajectory(small, tmp_path):
    out, _ = small
    got = cp07(out, tmp_path)
    assert got[D(2018, 7, 31)]["value"] == pytest.approx(60.5, abs=3)
    assert got[D(2024, 3, 31)]["value"] == pytest.approx(76.3, abs=3)


def test_cp07_trajectory_is_a_parameter(tmp_path):
    out = tmp_path / "other"
    generate(out, scale=0.1, seed=3, cp_visits_from=0.5, cp_visits_to=0.9,
             trajectory=(D(2019, 3, 31), D(2023, 3, 31)))
    got = cp07(out, tmp_path)
    assert got[D(2019, 3, 31)]["value"] == pytest.approx(50, abs=3)
    assert got[D(2023, 3, 31)]["value"] == pytest.approx(90, abs=3)
    assert got[D(2024, 3, 31)]["value"] == pytest.approx(90, abs=5)     # flat after the second date


# ---- a county: the default size ----------------------------------------------------------------------------

def test_county_volumes(county):
    out, summary = county
    assert summary.seconds < 30
    cms = out / "cms"
    referrals = Counter()
    for r in rows(cms / "referrals.csv"):
        d = iso(r["referral_date"])
        if d >= D(2018, 4, 1):
            referrals[d.year + (d.month >= 4)] += 1
    assert all(3_000 <= referrals[y] <= 4_000 for y in YEARS), referrals
    plans = rows(cms / "cp_plans.csv")
    for d in (D(2018, 4, 30), D(2020, 9, 30), D(2024, 3, 31)):
        on_plan = {p["person_id"] for p in plans if open_at(iso(p["start_date"]), iso(p["end_date"]), d)}
        assert 350 <= len(on_plan) <= 560, (d, len(on_plan))
        assert 480 <= len(looked_after(out, d)) <= 720, d


def test_county_workforce(county):
    out, _ = county
    cms = out / "cms"
    staff = rows(cms / "professionals.csv")
    teams = rows(cms / "teams.csv")
    assert 10 <= len(teams) <= 14
    allocations = rows(cms / "allocations.csv")
    for d in (D(2019, 9, 30), D(2021, 9, 30), D(2023, 9, 30)):
        in_post = [p for p in staff if open_at(iso(p["start_date"]), iso(p["leave_date"]), d)]
        social_workers = [p for p in in_post if p["role"] in CASE_HOLDING_ROLES]
        assert 100 <= len(social_workers) <= 150
        fte = sum(float(p["fte"]) for p in social_workers)
        agency = sum(float(p["fte"]) for p in social_workers if p["agency"] == "true") / fte
        assert 0.05 < agency < 0.3
        cases = Counter(a["professional_id"] for a in allocations if open_at(iso(a["start_date"]), iso(a["end_date"]), d))
        holders = [p for p in social_workers if cases[p["professional_id"]]]
        caseload = sum(cases[p["professional_id"]] for p in holders) / sum(float(p["fte"]) for p in holders)
        assert 15 <= caseload <= 18.5, (d, caseload)
    leavers = [p for p in staff if p["leave_date"]]
    assert {p["leave_reason"] for p in leavers} >= {"1", "5"}


@pytest.mark.slow
def test_county_cp07_reads_as_the_minute(county, tmp_path):
    out, _ = county
    got = cp07(out, tmp_path)
    first, last = got[D(2018, 7, 31)], got[D(2024, 3, 31)]
    assert first["value"] == pytest.approx(60.5, abs=3) and last["value"] == pytest.approx(76.3, abs=3)
    assert round(first["value"], 1) == 60.5 and round(last["value"], 1) == 76.3
    assert 380 <= last["denominator"] <= 560
    yearly = defaultdict(list)
    for d, r in got.items():
        yearly[d.year].append(r["value"])
    means = [sum(v) / len(v) for _, v in sorted(yearly.items())]
    assert means == sorted(means)                 # improving year on year


def test_cms_extract_columns_are_model_columns():
    from cscperf.model import BY_NAME
    from cscperf.synth.cms import COLUMNS

    for table, columns in COLUMNS.items():
        assert set(columns) <= set(BY_NAME[table].names), table
        assert {c.name for c in BY_NAME[table].columns if c.required} <= set(columns), table


def test_care_ending_early_lasts_at_least_a_day():
    """An exponential draw of under one day once ended a period of care on the day it began, with no legal
    status to give its episode (council 446 of `cscperf bench --size national`). A child who comes into
    care on Monday 3 June 2024 and leaves home at once leaves on Tuesday 4 June."""
    from cscperf.synth.council import Council, Child

    class Instant:
        def expovariate(self, rate):
            return 0.4

    council = Council(1, 0.05, D(2019, 4, 1), D(2025, 3, 31), "999")
    child = Child.__new__(Child)
    child.dob = D(2010, 1, 1).toordinal()
    end, rec = council._long_term_exit(child, D(2024, 6, 3).toordinal(), Instant(), sgo=False)
    assert (dt.date.fromordinal(end), rec) == (D(2024, 6, 4), "E4A")
