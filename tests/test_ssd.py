"""A Standard Safeguarding Dataset extract loads as it is: a folder of CSVs named after the SSD tables.

`fixtures/ssd/` is a small SSD extract written by hand, as a council's SSD (Data to Insight's
ssd-data-model, v1.4.5 deployment) exports it: the deployment script's field names and column order,
SQL Server datetimes (`2023-09-05 00:00:00.000`), Y/N flags with the SSD's `NA`, categories of
abuse and missing-episode types in words, JSON outcome columns with quotes and commas. Four made-up
children (one with a leading-zero id, 00105), three workers, three teams. `ssd_cla_episodes.csv`
and `ssd_address.csv` are SSD tables cscperf recognises and skips. The expected values below were
read off those rows by hand.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from cscperf.sources.load import read_files
from cscperf.sources.problems import LoadError

FIXTURE = Path(__file__).parent / "fixtures" / "ssd"
EXTRACT = dt.date(2024, 3, 31)


@pytest.fixture(scope="module")
def loaded():
    return read_files([FIXTURE], extract_date=EXTRACT)


def rows(loaded, table):
    return loaded.tables[table].to_pylist()


def test_the_whole_folder_loads_without_errors(loaded):
    assert not [p for p in loaded.problems if p.severity == "error"]
    assert {f.layout for f in loaded.files if f.layout} == {
        f"SSD {n}" for n in ("ssd_person", "ssd_cin_episodes", "ssd_cin_assessments", "ssd_s47_enquiry",
                             "ssd_initial_cp_conference", "ssd_cp_plans", "ssd_cp_visits", "ssd_cin_plans",
                             "ssd_cin_visits", "ssd_cla_visits", "ssd_missing", "ssd_professionals",
                             "ssd_involvements", "ssd_department")}
    # Every row read is loaded; nothing rejected.
    assert all(f.rows_read == f.rows_loaded and f.rows_rejected == 0 for f in loaded.files)
    # The columns cscperf does not use (names, JSON outcomes) are known: no warning for each.
    assert not [p for p in loaded.problems if p.rule == "extra-column"]


def test_tables_it_does_not_use_are_skipped_saying_why(loaded):
    skipped = {p.file: p for p in loaded.problems if p.rule == "skipped-table"}
    assert set(skipped) == {"ssd_cla_episodes.csv", "ssd_address.csv"}
    assert "SSDA903" in skipped["ssd_cla_episodes.csv"].message
    assert all(p.severity == "warning" for p in skipped.values())


def test_people_and_their_values(loaded):
    people = {r["person_id"]: r for r in rows(loaded, "persons")}
    assert set(people) == {"1001", "1002", "00105", "1004"}            # 00105 keeps its zeros
    assert people["1001"]["sex"] == "F" and people["1004"]["sex"] == "M"  # "Male" written in words
    assert people["1002"]["dob"] == dt.date(2010, 11, 19)               # from 2010-11-19 00:00:00.000
    assert people["1001"]["is_mother"] is False and people["1004"]["is_mother"] is None
    assert people["00105"]["ethnicity"] == "BAFR"


def test_front_door_to_child_protection(loaded):
    referrals = {r["referral_id"]: r for r in rows(loaded, "referrals")}
    assert referrals["R9004"]["referral_nfa"] is True and referrals["R9004"]["closure_reason"] == "RC8"
    assert referrals["R9002"]["closure_date"] == dt.date(2024, 2, 28)
    assert referrals["R9001"]["referral_source"] == "2A" and referrals["R9001"]["primary_need"] == "N1"
    assessments = {r["assessment_id"]: r for r in rows(loaded, "assessments")}
    assert assessments["A7001"]["child_seen"] is True
    assert assessments["A7003"]["child_seen"] is None                  # NA: not applicable, not an error
    [icpc] = rows(loaded, "icpcs")
    assert (icpc["s47_id"], icpc["icpc_date"], icpc["cp_plan"], icpc["transfer_in"]) == \
        ("S5001", dt.date(2023, 9, 27), True, False)
    [plan] = rows(loaded, "cp_plans")
    assert (plan["initial_category"], plan["latest_category"], plan["end_date"]) == ("NEG", "EMO", None)


def test_visits_of_three_kinds_from_three_tables(loaded):
    visits = {r["visit_id"]: r for r in rows(loaded, "visits")}
    assert {v: visits[v]["visit_type"] for v in visits} == {
        "CN50011": "CP", "CN50012": "CP", "CN50013": "CP", "CN60021": "CIN", "CN60022": "CIN", "CN70031": "CLA"}
    assert (visits["CN50012"]["seen"], visits["CN50013"]["seen_alone"]) == (False, False)
    assert visits["CN60022"]["seen_alone"] is None                      # NA
    assert visits["CN70031"]["person_id"] == "00105"


def test_missing_episodes_with_return_interviews(loaded):
    missing = sorted(rows(loaded, "missing_episodes"), key=lambda r: r["start_date"])
    assert [m["missing_type"] for m in missing] == ["M", "A", "M"]      # "Missing", "Away"
    assert (missing[0]["rhi_offered"], missing[0]["rhi_accepted"]) == (True, False)
    assert (missing[1]["rhi_offered"], missing[1]["rhi_accepted"]) == (None, None)   # NA
    assert missing[2]["end_date"] is None                               # still missing


def test_workers_teams_and_allocations(loaded):
    staff = {r["professional_id"]: r for r in rows(loaded, "professionals")}
    assert {k: v["role"] for k, v in staff.items()} == {"W201": "SW", "W202": "SSW", "W203": "TM"}   # job titles
    assert (staff["W202"]["agency"], staff["W202"]["fte"], staff["W202"]["swe_number"]) == (True, 0.8, "SW1000000202")
    assert staff["W203"]["agency"] is None
    assert {r["team_id"]: r["team_name"] for r in rows(loaded, "teams")} == {
        "T10": "Safeguarding Kingsford", "T11": "Child in Need Easthaven", "T12": "Children in Care"}
    allocations = {r["person_id"]: r for r in rows(loaded, "allocations")}
    assert (allocations["1001"]["professional_id"], allocations["1001"]["team_id"], allocations["1001"]["end_date"]) == \
        ("W201", "T10", None)
    assert allocations["1002"]["end_date"] == dt.date(2024, 2, 28)


def test_an_ssd_extract_wins_over_a_return_for_the_same_record(tmp_path):
    folder = tmp_path / "both"
    shutil.copytree(FIXTURE, folder)
    (folder / "header.csv").write_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1002,1,19/11/2010,WBRI,,,\n",
                                       encoding="utf-8")
    loaded = read_files([folder], extract_date=EXTRACT)
    person = next(r for r in rows(loaded, "persons") if r["person_id"] == "1002")
    assert person["ethnicity"] == "MWBC"                                 # the SSD's, not the 903's


# ---- broken copies ------------------------------------------------------------------------------------

def copy_with(tmp_path: Path, name: str, edit) -> Path:
    folder = tmp_path / "ssd"
    shutil.copytree(FIXTURE, folder)
    path = folder / name
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


def test_a_bad_date_names_file_row_and_column_and_loads_nothing(tmp_path):
    folder = copy_with(tmp_path, "ssd_cp_visits.csv", lambda t: t.replace("2023-10-17 00:00:00.000", "2023-13-17"))
    with pytest.raises(LoadError) as e:
        read_files([folder], extract_date=EXTRACT)
    [p] = [p for p in e.value.problems if p.severity == "error"]
    assert (p.file, p.row, p.column, p.value) == ("ssd_cp_visits.csv", 3, "cppv_cp_visit_date", "2023-13-17")
    loaded = read_files([folder], on_error="reject", extract_date=EXTRACT)
    visits = next(f for f in loaded.files if f.path.endswith("ssd_cp_visits.csv"))
    assert (visits.rows_read, visits.rows_rejected, visits.rows_loaded) == (3, 1, 2)


def test_a_duplicated_child_is_said_and_loaded_once(tmp_path):
    folder = copy_with(tmp_path, "ssd_person.csv",
                       lambda t: t + "L-88102,1002,A999100000002,Leo,Example,M,01,MWBA,2010-11-19 00:00:00.000,,,N,,,N,"
                                     "British\n")
    loaded = read_files([folder], extract_date=EXTRACT)
    [dup] = [p for p in loaded.problems if p.rule == "duplicate"]
    assert dup.file == "ssd_person.csv" and dup.row == 6 and "row 3" in dup.message and "pers_ethnicity" in dup.message
    assert sum(1 for r in rows(loaded, "persons") if r["person_id"] == "1002") == 1


def test_a_file_in_windows_1252_loads(tmp_path):
    folder = tmp_path / "ssd"
    shutil.copytree(FIXTURE, folder)
    path = folder / "ssd_professionals.csv"
    path.write_bytes(path.read_text(encoding="utf-8").replace("Priya Patel", "Zoë Patel").encode("cp1252"))
    loaded = read_files([folder], extract_date=EXTRACT)
    assert "Zoë Patel" in {r["name"] for r in rows(loaded, "professionals")}


def test_a_missing_key_column_is_not_taken_for_an_ssd_table(tmp_path):
    folder = copy_with(tmp_path, "ssd_missing.csv", lambda t: t.replace("miss_person_id", "miss_child"))
    with pytest.raises(LoadError) as e:
        read_files([folder], extract_date=EXTRACT)
    [p] = [p for p in e.value.problems if p.severity == "error"]
    assert p.file == "ssd_missing.csv" and p.rule == "header" and "miss_person_id" in p.message
