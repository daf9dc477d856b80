"""Every real-format sample file written by others (../shared/samples) loads, or is refused with a reason.

Expected counts are worked out here straight from the files with the csv module (and xml.etree for
XML files), not from the loader.
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.sources.load import read_files

runner = CliRunner()
FOLDERS = ["ssda903/d2i-validator", "ssda903/cs-demand-model"]


def raw_rows(folder: Path, name: str) -> list[dict]:
    rows = []
    for f in sorted(folder.glob("*.csv")):
        if f.stem != name and not f.stem.endswith(f"-{name}"):   # episodes.csv, 2019-episodes.csv; not sw_episodes.csv
            continue
        with open(f, newline="", encoding="utf-8-sig") as fh:
            rows += list(csv.DictReader(fh))
    return rows


def xml_903(folder: Path) -> tuple[set, set]:
    """Children and (child, DECOM) episodes of the SSDA903 XML files in a folder, read with xml.etree."""
    children, episodes = set(), set()
    for f in sorted(folder.glob("*.xml")):
        root = ET.parse(f).getroot()
        if root.tag != "EXPSSDA903":
            continue
        for child in root.iter("CHILD"):
            cid = child.findtext("HEADER/CHILDID")
            children.add(cid)
            episodes |= {(cid, e.findtext("DECOM")) for e in child.iter("EPISODE")}
    return children, episodes


@pytest.mark.samples
@pytest.mark.parametrize("folder", FOLDERS)
def test_ssda903_samples_load_completely(samples, folder):
    path = samples / folder
    loaded = read_files([path])                      # on_error="abort": any error would raise
    xml_children, xml_episodes = xml_903(path)
    children = {r["CHILD"] for r in raw_rows(path, "header")} | xml_children
    episodes = {(r["CHILD"], r["DECOM"]) for r in raw_rows(path, "episodes")} | xml_episodes
    assert loaded.tables["persons"].num_rows == len(children)
    assert loaded.tables["cla_episodes"].num_rows == len(episodes)
    assert not [p for p in loaded.problems if p.rule == "format"]     # every file read, the XML one too
    for f in loaded.files:
        assert f.rows_read == f.rows_loaded + f.rows_rejected and f.rows_rejected == 0


@pytest.mark.samples
@pytest.mark.parametrize("folder", FOLDERS)
def test_ssda903_samples_through_the_cli(samples, folder, tmp_path):
    store = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["load", "--store", str(store), str(samples / folder)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["compute", "--store", str(store)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["results", "--csv", "--store", str(store)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(result.output.splitlines()))
    assert list(rows[0]) == ["indicator", "period_end", "breakdown", "numerator", "denominator", "value",
                             "snapshot", "catalogue_version"]
    found = {r["indicator"] for r in rows}
    assert {"LA01", "LA04", "MI01"} <= found
    la01 = [r for r in rows if r["indicator"] == "LA01" and r["breakdown"] == "all"]
    assert all(float(r["numerator"]) > 0 for r in la01)


@pytest.mark.samples
def test_ssda903_xml_sample_loads_on_its_own(samples):
    path = samples / "ssda903/d2i-validator/fake_903.xml"
    loaded = read_files([path])
    children, episodes = xml_903(path.parent)
    assert len(children) == 253 and len(episodes) == 459            # the sample as published (PROVENANCE.md)
    assert loaded.tables["persons"].num_rows == len(children)
    assert loaded.tables["cla_episodes"].num_rows == len(episodes)
    root = ET.parse(path).getroot()
    assert loaded.tables["cla_reviews"].num_rows == len({(c.findtext("HEADER/CHILDID"), r.findtext("REVIEW"))
                                                         for c in root.iter("CHILD") for r in c.iter("AREVIEW")})
    assert loaded.tables["uasc"].num_rows == sum(1 for c in root.iter("CHILD") if c.findtext("HEADER/UASC") == "1")
    assert {f.collection_year for f in loaded.files} == {2018}      # latest DECOM is in March 2018
    for f in loaded.files:
        assert f.rows_read == f.rows_loaded + f.rows_rejected and f.rows_rejected == 0


@pytest.mark.samples
def test_workforce_census_sample_loads(samples):
    folder = samples / "workforce"
    loaded = read_files([folder])                   # the .xsd beside it is skipped, saying so
    root = ET.parse(folder / "liiatools-social_work_workforce_2022.xml").getroot()
    workers = root.findall("CSWWWorker")
    assert len(workers) == 30
    assert loaded.tables["professionals"].num_rows == len({w.findtext("SWENo") for w in workers})
    assert loaded.tables["workforce_census"].num_rows == len(workers)
    census = loaded.tables["workforce_census"].to_pylist()
    assert {r["census_date"].isoformat() for r in census} == {root.findtext("Header/CollectionDetails/ReferenceDate")}
    assert sum(r["cases"] or 0 for r in census) == sum(int(w.findtext("Cases30") or 0) for w in workers)
    vacancies = loaded.tables["vacancies"].to_pylist()
    assert vacancies[0]["vacancies_fte"] == float(root.findtext("LALevelVacancies/NumberOfVacancies"))
    agency = {w.findtext("SWENo") for w in workers if w.findtext("AgencyWorker") == "1"}
    assert {r["professional_id"] for r in loaded.tables["professionals"].to_pylist() if r["agency"]} == agency
    # The sample does not conform to its own schema (QualInst missing): said, as warnings, and still loaded.
    schema = [p for p in loaded.problems if p.rule == "schema"]
    assert schema and all(p.severity == "warning" and p.row for p in schema)
    assert [p.file for p in loaded.problems if p.rule == "format"] == ["social_work_workforce_2022.xsd"]


# ---- CIN census XML -----------------------------------------------------------------------------------------
#
# Children, referrals, assessments and plans are counted here with xml.etree, by natural key (the same
# record in two files is one). The two Data to Insight edge-case files for 2024/25 and 2026/27 hold an
# assessment authorised eight years before it started (line 41): a record that cannot be placed in time,
# so the default load refuses them, naming the line; --reject-bad-rows loads the rest.

CIN_SAMPLES = ["d2i-CIN_Census_2021.xml", "d2i-CIN_Census_2024.xml", "d2i-CIN_Census_2026.xml",
               "d2i-fake_CIN_data.xml", "liia-pipeline-BAR_cin_2022.xml", "liiatools-cin-2022.xml"]
CIN_REFUSED = {"d2i-CIN_Census_2024.xml": (41, "AssessmentAuthorisationDate"),
               "d2i-CIN_Census_2026.xml": (41, "AssessmentAuthorisationDate")}


def cin_keys(files: list[Path]) -> dict[str, set]:
    """Natural keys of the children, referrals, assessments and plans in CIN census files (xml.etree)."""
    keys: dict[str, set] = {t: set() for t in ("persons", "referrals", "assessments", "cin_plans", "cp_plans")}
    for f in files:
        for child in ET.parse(f).getroot().iter("Child"):
            la = child.findtext("ChildIdentifiers/LAchildID")
            keys["persons"].add(la)
            for d in child.iter("CINdetails"):
                keys["referrals"].add((la, d.findtext("CINreferralDate")))
                keys["assessments"] |= {(la, a.findtext("AssessmentActualStartDate")) for a in d.iter("Assessments")}
                keys["cin_plans"] |= {(la, p.findtext("CINPlanStartDate")) for p in d.iter("CINPlanDates")}
                keys["cp_plans"] |= {(la, p.findtext("CPPstartDate")) for p in d.iter("ChildProtectionPlans")}
    return keys


def cin_loaded_keys(loaded, table: str) -> set:
    t = loaded.tables.get(table)
    if t is None:
        return set()
    date = {"persons": None, "referrals": "referral_date"}.get(table, "start_date")
    ids = t.column("person_id").to_pylist()
    if date is None:
        return set(ids)
    return set(zip(ids, (d.isoformat() for d in t.column(date).to_pylist())))


@pytest.mark.samples
@pytest.mark.parametrize("name", CIN_SAMPLES)
def test_cin_census_samples_load_or_are_refused_with_a_reason(samples, name):
    from cscperf.sources.problems import LoadError

    path = samples / "cin_census" / name
    expected = cin_keys([path])
    if name == "d2i-fake_CIN_data.xml":
        assert (len(expected["persons"]), len(expected["referrals"])) == (332, 402)   # as published (PROVENANCE.md)
    if name in CIN_REFUSED:
        with pytest.raises(LoadError) as err:
            read_files([path])
        errors = [p for p in err.value.problems if p.severity == "error"]
        assert [(p.file, p.row, p.column) for p in errors] == [(name, *CIN_REFUSED[name])]
        loaded = read_files([path], on_error="reject")
        [assessments] = [f for f in loaded.files if f.table == "assessments"]
        assert assessments.rows_rejected == 1
        expected["assessments"].discard(("DfEX0000001", "2028-04-28"))
    else:
        loaded = read_files([path])                    # on_error="abort": any error would raise
    for table, keys in expected.items():
        assert cin_loaded_keys(loaded, table) == keys, table
    assert {f.format for f in loaded.files} == {"CIN census XML"}
    for f in loaded.files:
        assert f.rows_read == f.rows_loaded + f.rows_rejected
    assert all(p.file == name and p.row for p in loaded.problems if p.rule not in ("orphan",))


@pytest.mark.samples
def test_cin_census_samples_through_the_cli(samples, tmp_path):
    folder = samples / "cin_census"
    for name in CIN_SAMPLES:
        store, problems = tmp_path / f"{name}.duckdb", tmp_path / f"{name}.csv"
        result = runner.invoke(app, ["load", "--store", str(store), "--problems", str(problems), str(folder / name)])
        if name in CIN_REFUSED:
            assert result.exit_code == 1 and "nothing was loaded" in result.output, result.output
            with open(problems, newline="", encoding="utf-8") as fh:
                errors = [r for r in csv.DictReader(fh) if r["severity"] == "error"]
            assert [(r["file"], int(r["row"]), r["column"]) for r in errors] == [(name, *CIN_REFUSED[name])]
        else:
            assert result.exit_code == 0, result.output
    # The whole folder (the schemas beside the files are skipped, saying so): refused for the two files
    # above by default; with --reject-bad-rows, everything else loads as one history.
    store = tmp_path / "folder.duckdb"
    result = runner.invoke(app, ["load", "--store", str(store), str(folder)])
    assert result.exit_code == 1 and "nothing was loaded" in result.output
    result = runner.invoke(app, ["load", "--reject-bad-rows", "--store", str(store), str(folder)])
    assert result.exit_code == 0, result.output
    loaded = read_files([folder], on_error="reject")
    expected = cin_keys(sorted(folder.glob("*.xml")))
    expected["assessments"].discard(("DfEX0000001", "2028-04-28"))
    for table, keys in expected.items():
        assert cin_loaded_keys(loaded, table) == keys, table


# ---- Ofsted Annex A workbooks ----------------------------------------------------------------------

ANNEX_A = ["annex_a/liia-pipeline-Annex_A_2024_Jan.xlsx", "annex_a/liiatools-Annex_A.xlsx"]


def annex_sheets(path: Path) -> dict[str, list[dict]]:
    """Each sheet's data rows as {header: saved cell value}, read with openpyxl (formulas give the
    value Excel saved with them), header names stripped."""
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    out = {}
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        header = [str(h).strip() if h is not None else "" for h in rows[0]]
        out[ws.title] = [dict(zip(header, r)) for r in rows[1:] if any(v not in (None, "") for v in r)]
    wb.close()
    return out


def _day(value):
    return value.date() if hasattr(value, "date") else value


@pytest.mark.samples
@pytest.mark.parametrize("name", ANNEX_A)
def test_annex_a_samples_load_every_list(samples, name):
    import datetime as dt
    from collections import Counter

    path = samples / name
    sheets = annex_sheets(path)
    loaded = read_files([path])                      # on_error="abort": any error would raise
    t = loaded.tables

    def keys(sheet, *columns):
        return {(str(r["Child Unique ID"]),) + tuple(_day(r[c]) for c in columns) for r in sheets[sheet]}

    assert len(sheets) == 11 and all(sheets[f"List {n}"] for n in range(1, 12))
    assert t["contacts"].num_rows == len(sheets["List 1"])
    assert t["early_help_episodes"].num_rows == len(sheets["List 2"])
    assert t["referrals"].num_rows == len(keys("List 3", "Date of Referral") | keys("List 6", "CIN Start Date"))
    assert t["assessments"].num_rows == len(keys("List 4", "Continuous Assessment Start Date"))
    s47 = "Strategy discussion initiating Section 47 Enquiry Start Date"
    assert t["s47_enquiries"].num_rows == len(keys("List 5", s47))
    assert t["icpcs"].num_rows == sum(1 for r in sheets["List 5"] if r["Date of Initial Child Protection Conference"])
    assert t["cp_plans"].num_rows == len(keys("List 7", "Child Protection Plan Start Date"))
    assert t["cla_episodes"].num_rows == len(sheets["List 8"])
    assert t["care_leavers"].num_rows == len(sheets["List 9"])
    assert t["permanence"].num_rows == len(sheets["List 10"])
    assert t["adopters"].num_rows == len(sheets["List 11"])
    children = {str(r["Child Unique ID"]) for n in range(1, 11) for r in sheets[f"List {n}"]}
    assert t["persons"].num_rows == len(children)
    visits = Counter(r["visit_type"] for r in t["visits"].to_pylist())
    assert visits["CP"] == sum(1 for r in sheets["List 7"] if r["Date of the Last Statutory Visit"])
    assert visits["CLA"] == sum(1 for r in sheets["List 8"] if r["Date of Last Social Work Visit"])
    # Formulas (List 10 and 11 dates are =H2+5 and the like) load as the values Excel saved.
    adopters = {r["adopter_id"]: r for r in t["adopters"].to_pylist()}
    for r in sheets["List 11"]:
        got = adopters[str(r["Individual adopter identifier"])]
        assert got["stage1_start"] == _day(r["Date Stage 1 started"]) and got["placed_date"] == _day(
            r["Date child/children placed with adopter(s)"])
    # A snapshot of the window to the latest event date in the workbook (no date is stated in it).
    latest = max(_day(v) for rows in sheets.values() for r in rows for h, v in r.items()
                 if "date" in h.lower() and "birth" not in h.lower() and isinstance(v, dt.datetime))
    assert loaded.extract_date == latest
    assert loaded.coverage["contacts"][1] == latest
    assert {f.format for f in loaded.files} == {"Ofsted Annex A workbook"}
    for f in loaded.files:
        assert f.rows_read == f.rows_loaded + f.rows_rejected and f.rows_rejected == 0
    # What does not fit is said: an adult social care need code in List 6; the older file's List 9
    # lacks four of the current template's columns.
    assert any(p.rule == "code" and p.value.startswith("PSRMEM") for p in loaded.problems)
    missing = [p for p in loaded.problems if p.rule == "missing-column"]
    assert len(missing) == (4 if "liiatools-" in name else 0)
