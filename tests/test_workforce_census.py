"""The children's social work workforce census (CSWW XML) and a council's HR export.

A small census written by hand: its workers become professionals and census rows, its vacancies a
vacancies row, dated by the header. Checked against the schema shipped in the package; broken copies
(a bad date, a truncated file, a missing census date, Windows-1252 bytes) give precise messages and
load nothing half-way. The synthetic council's censuses are valid against the schema and load.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from lxml import etree

from cscperf.sources.load import read_files
from cscperf.sources.problems import LoadError
from cscperf.sources.readers import reader_for
from cscperf.sources.workforce_census import SCHEMA, schema

EXTRACT = dt.date(2024, 3, 31)

CSWW = """<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CSWW</Collection>
      <Year>2023</Year>
      <ReferenceDate>2023-09-30</ReferenceDate>
    </CollectionDetails>
    <Source>
      <SourceLevel>L</SourceLevel>
      <LEA>999</LEA>
    </Source>
  </Header>
  <LALevelVacancies>
    <NumberOfVacancies>3.50</NumberOfVacancies>
    <NoAgencyFTE>2.00</NoAgencyFTE>
    <NoAgencyHeadcount>2</NoAgencyHeadcount>
  </LALevelVacancies>
  <CSWWWorker>
    <AgencyWorker>0</AgencyWorker>
    <SWENo>SW0000000001</SWENo>
    <FTE>0.800000</FTE>
    <PersonBirthDate>1985-04-02</PersonBirthDate>
    <GenderCurrent>2</GenderCurrent>
    <Ethnicity>WBRI</Ethnicity>
    <QualInst>Kingsford University</QualInst>
    <OrgRole>5</OrgRole>
    <RoleStartDate>{start}</RoleStartDate>
    <FTE30>0.800000</FTE30>
    <Cases30>14</Cases30>
    <WorkingDaysLost>3.50</WorkingDaysLost>
    <Absat30Sept>0</Absat30Sept>
    <CFKSSstatus>2</CFKSSstatus>
  </CSWWWorker>
  <CSWWWorker>
    <AgencyWorker>1</AgencyWorker>
    <SWENo>SW0000000002</SWENo>
    <FTE>1.000000</FTE>
    <QualInst>Easthaven University</QualInst>
    <OrgRole>5</OrgRole>
    <RoleStartDate>2023-05-01</RoleStartDate>
    <FTE30>1.000000</FTE30>
    <Cases30>18</Cases30>
    <WorkingDaysLost>0.00</WorkingDaysLost>
    <Absat30Sept>1</Absat30Sept>
    <ReasonAbsence>SIC</ReasonAbsence>
    <CFKSSstatus>1</CFKSSstatus>
  </CSWWWorker>
  <CSWWWorker>
    <AgencyWorker>0</AgencyWorker>
    <SWENo>{swe}</SWENo>
    <FTE>1.000000</FTE>
    <PersonBirthDate>1970-12-12</PersonBirthDate>
    <GenderCurrent>1</GenderCurrent>
    <Ethnicity>AIND</Ethnicity>
    <QualInst>The Open University</QualInst>
    <OrgRole>3</OrgRole>
    <RoleStartDate>2015-01-05</RoleStartDate>
    <RoleEndDate>2023-06-30</RoleEndDate>
    <ReasonLeave>5</ReasonLeave>
    <CFKSSstatus>3</CFKSSstatus>
  </CSWWWorker>
</Message>
"""
DEFAULTS = {"start": "2019-09-02", "swe": "SW0000000003"}


def write(folder: Path, name: str = "csww.xml", text: str | None = None, **values) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text if text is not None else CSWW.format(**{**DEFAULTS, **values}), encoding="utf-8")
    return path


def errors(problems):
    return [p for p in problems if p.severity == "error"]


def test_the_shipped_schema_is_the_published_one(samples):
    assert SCHEMA.read_bytes() == (samples / "workforce" / "social_work_workforce_2022.xsd").read_bytes()
    assert (SCHEMA.parent / "README.md").is_file()


def test_a_census_fills_professionals_census_rows_and_vacancies(tmp_path):
    path = write(tmp_path)
    assert schema().validate(etree.parse(str(path)))                  # the hand-written file is valid
    assert reader_for(path).format.startswith("children's social work workforce census")
    loaded = read_files([path], extract_date=EXTRACT)
    assert not errors(loaded.problems) and not [p for p in loaded.problems if p.rule == "schema"]
    staff = {r["professional_id"]: r for r in loaded.tables["professionals"].to_pylist()}
    assert set(staff) == {"SW0000000001", "SW0000000002", "SW0000000003"}
    a, b, c = staff["SW0000000001"], staff["SW0000000002"], staff["SW0000000003"]
    assert (a["role"], a["org_role"], a["fte"], a["agency"], a["start_date"]) == ("SW", "5", 0.8, False, dt.date(2019, 9, 2))
    assert (b["role"], b["agency"]) == ("ASYE", True)                 # case holder in the ASYE year
    assert (c["role"], c["leave_date"], c["leave_reason"]) == ("TM", dt.date(2023, 6, 30), "5")
    assert a["swe_number"] == "SW0000000001"
    census = {r["professional_id"]: r for r in loaded.tables["workforce_census"].to_pylist()}
    assert census["SW0000000001"] == {"professional_id": "SW0000000001", "census_date": dt.date(2023, 9, 30),
                                      "fte": 0.8, "cases": 14, "working_days_lost": 3.5, "absent": False,
                                      "absence_reason": None}
    assert (census["SW0000000002"]["absent"], census["SW0000000002"]["absence_reason"]) == (True, "SIC")
    assert loaded.tables["vacancies"].to_pylist() == [{"census_date": dt.date(2023, 9, 30), "vacancies_fte": 3.5,
                                                       "agency_fte": 2.0, "agency_headcount": 2,
                                                       "agency_cover_fte": None}]
    assert {f.collection_year for f in loaded.files} == {2023}
    assert loaded.coverage["workforce_census"] == (dt.date(2023, 9, 30), dt.date(2023, 9, 30))
    assert loaded.coverage["professionals"] == (dt.date(2022, 10, 1), dt.date(2023, 9, 30))


def test_a_worker_without_swe_number_gets_the_same_id_every_year(tmp_path):
    text = CSWW.format(**DEFAULTS).replace("<SWENo>SW0000000003</SWENo>", "<SWENo></SWENo>")
    one = read_files([write(tmp_path / "a", text=text)], extract_date=EXTRACT)
    later = text.replace("2023-09-30", "2024-09-30").replace("<Year>2023</Year>", "<Year>2024</Year>")
    two = read_files([write(tmp_path / "b", text=later)], extract_date=dt.date(2024, 9, 30))
    ids = [{r["professional_id"] for r in x.tables["professionals"].to_pylist()} - {"SW0000000001", "SW0000000002"}
           for x in (one, two)]
    assert ids[0] == ids[1] and len(ids[0]) == 1 and next(iter(ids[0])).startswith("CSWW-999-")
    [w] = [p for p in one.problems if p.rule == "csww-id"]
    assert w.severity == "warning" and "worker 3 has no SWENo" in w.message and "same id" in w.message
    # The empty SWENo breaks the schema's pattern: said as a warning, with the line.
    [s] = [p for p in one.problems if p.rule == "schema"]
    assert s.column == "SWENo" and s.row == text.splitlines().index("    <SWENo></SWENo>") + 1
    assert "Social Work England number" in s.message


def test_schema_problems_are_warnings_with_line_and_plain_words(tmp_path):
    text = CSWW.format(**DEFAULTS).replace("    <QualInst>Easthaven University</QualInst>\n", "")
    loaded = read_files([write(tmp_path, text=text)], extract_date=EXTRACT)
    [s] = [p for p in loaded.problems if p.rule == "schema"]
    assert s.severity == "warning" and s.column == "OrgRole"
    second_worker_role = [i for i, line in enumerate(text.splitlines()) if line == "    <OrgRole>5</OrgRole>"][1]
    assert s.row == second_worker_role + 1
    assert "QualInst at this point" in s.message and "missing" in s.message
    assert loaded.tables["professionals"].num_rows == 3               # read all the same


def test_a_bad_date_is_an_error_on_the_workers_rows(tmp_path):
    path = write(tmp_path, start="2019-02-30")
    with pytest.raises(LoadError) as e:
        read_files([path], extract_date=EXTRACT)
    [p] = errors(e.value.problems)
    assert p.file == "csww.xml, CSWWWorker" and p.column == "RoleStartDate" and p.value == "2019-02-30"
    assert p.row == CSWW.format(**DEFAULTS).splitlines().index("  <CSWWWorker>") + 1
    assert not [q for q in e.value.problems if q.rule == "schema"]     # said once, not also by the schema
    loaded = read_files([path], on_error="reject", extract_date=EXTRACT)
    workers = next(f for f in loaded.files if f.table == "professionals")
    assert (workers.rows_read, workers.rows_rejected) == (3, 1)


def test_a_truncated_census_is_refused_whole(tmp_path):
    text = CSWW.format(**DEFAULTS)
    path = write(tmp_path, text=text[: text.index("<Cases30>18")])
    with pytest.raises(LoadError) as e:
        read_files([path], extract_date=EXTRACT)
    [p] = errors(e.value.problems)
    assert p.file == "csww.xml" and p.rule == "xml" and "truncated" in p.message and p.row
    loaded = read_files([path], on_error="reject", extract_date=EXTRACT)
    assert loaded.tables == {}


def test_without_a_census_date_nothing_is_loaded(tmp_path):
    text = CSWW.format(**DEFAULTS).replace("      <Year>2023</Year>\n      <ReferenceDate>2023-09-30</ReferenceDate>\n", "")
    with pytest.raises(LoadError) as e:
        read_files([write(tmp_path, text=text)], extract_date=EXTRACT)
    [p] = errors(e.value.problems)
    assert p.rule == "census-date" and "ReferenceDate" in p.message


def test_the_year_alone_dates_the_census_at_30_september(tmp_path):
    text = CSWW.format(**DEFAULTS).replace("      <ReferenceDate>2023-09-30</ReferenceDate>\n", "")
    loaded = read_files([write(tmp_path, text=text)], extract_date=EXTRACT)
    assert {r["census_date"] for r in loaded.tables["workforce_census"].to_pylist()} == {dt.date(2023, 9, 30)}


def test_windows_1252_bytes_are_read_and_said(tmp_path):
    text = CSWW.format(**DEFAULTS).replace("Kingsford University", "Université de Kingsford")
    path = tmp_path / "csww.xml"
    path.write_bytes(text.encode("cp1252"))
    loaded = read_files([path], extract_date=EXTRACT)
    assert [p.rule for p in loaded.problems if p.rule == "encoding"] == ["encoding"]
    assert loaded.tables["professionals"].num_rows == 3


def test_a_worker_twice_in_one_census_is_said(tmp_path):
    loaded = read_files([write(tmp_path, swe="SW0000000001")], extract_date=EXTRACT)
    dup = [p for p in loaded.problems if p.rule == "duplicate"]
    assert dup and all(p.severity == "warning" for p in dup)
    assert loaded.tables["professionals"].num_rows == 2


# ---- the synthetic council's censuses -----------------------------------------------------------------

@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    from cscperf.synth import generate

    out = tmp_path_factory.mktemp("synthcsww")
    generate(out, scale=0.2)
    return out


def test_the_synthetic_council_writes_a_valid_census_each_september(synthetic):
    files = sorted((synthetic / "workforce").glob("CSWW_*.xml"))
    assert [f.stem for f in files] == [f"CSWW_{y}" for y in range(2018, 2024)]
    for f in files:
        assert schema().validate(etree.parse(str(f))), (f.name, [e.message for e in schema().error_log][:3])
    loaded = read_files([synthetic / "workforce"], extract_date=EXTRACT)
    assert not errors(loaded.problems) and not [p for p in loaded.problems if p.rule == "schema"]
    workers = sum(len(ET.parse(f).getroot().findall("CSWWWorker")) for f in files)
    assert loaded.tables["workforce_census"].num_rows == workers
    assert loaded.tables["vacancies"].num_rows == len(files)
    # Cases at the census date are the open allocations of the CMS extract on that day.
    import csv

    with open(synthetic / "cms" / "allocations.csv", encoding="utf-8") as fh:
        allocations = list(csv.DictReader(fh))
    with open(synthetic / "cms" / "professionals.csv", encoding="utf-8") as fh:
        advisers = {r["professional_id"] for r in csv.DictReader(fh) if r["role"] == "PA"}   # not social workers
    day = dt.date(2022, 9, 30)
    open_on = sum(1 for a in allocations if a["professional_id"] not in advisers
                  and dt.date.fromisoformat(a["start_date"]) <= day
                  and (not a["end_date"] or dt.date.fromisoformat(a["end_date"]) > day))
    census = [r for r in loaded.tables["workforce_census"].to_pylist() if r["census_date"] == day]
    assert sum(r["cases"] or 0 for r in census) == open_on
    agency = [r for r in loaded.tables["professionals"].to_pylist() if r["agency"]]
    assert agency and all(r["role"] in ("SW", "SSW") for r in agency)


def test_census_workers_are_the_cms_staff_not_twice(synthetic):
    """The census names workers by SWE number, the CMS by staff id: loaded together, one record each."""
    with_cms = read_files([synthetic / "cms", synthetic / "workforce"], extract_date=EXTRACT)
    cms_only = read_files([synthetic / "cms"], extract_date=EXTRACT)
    assert with_cms.tables["professionals"].num_rows == cms_only.tables["professionals"].num_rows
    staff = {r["professional_id"] for r in cms_only.tables["professionals"].to_pylist()}
    assert {r["professional_id"] for r in with_cms.tables["workforce_census"].to_pylist()} <= staff
    kept = {r["professional_id"]: r for r in with_cms.tables["professionals"].to_pylist()}
    assert kept == {r["professional_id"]: r for r in cms_only.tables["professionals"].to_pylist()}   # CMS rows win


# ---- a council's HR export ----------------------------------------------------------------------------

HR = """Staff ID,Name,Job Title,Team,FTE,Agency (Y/N),Start date,Leaving date,Reason for leaving
004512,Amy Shaw,Social Worker,T03,0.8,N,06/09/2021,,
004513,Ben Wood,Senior Practitioner,T03,1,Y,01/02/2023,28/02/2024,End of contract
004514,Cara Lee,Team Manager,T03,1,N,2019-04-01,,
004515,Dan Fox,Newly Qualified Social Worker,T03,1,N,2022-09-05,2023-01-31,Resignation
"""


def test_an_hr_export_with_its_own_column_names_loads(tmp_path):
    path = tmp_path / "HR staff list March 2024.csv"
    path.write_bytes(HR.encode("cp1252"))                            # as Excel on Windows saves it
    loaded = read_files([path], extract_date=EXTRACT)
    assert loaded.files[0].layout == "HR export (professionals)"
    assert not [p for p in loaded.problems if p.severity == "error" or p.rule in ("extra-column", "code")]
    staff = {r["professional_id"]: r for r in loaded.tables["professionals"].to_pylist()}
    assert set(staff) == {"004512", "004513", "004514", "004515"}     # leading zeros kept
    assert [staff[k]["role"] for k in sorted(staff)] == ["SW", "SSW", "TM", "ASYE"]
    assert (staff["004513"]["agency"], staff["004513"]["leave_date"], staff["004513"]["leave_reason"]) == \
        (True, dt.date(2024, 2, 28), "8")
    assert staff["004515"]["leave_reason"] == "1" and staff["004512"]["fte"] == 0.8


def test_an_hr_file_with_swe_numbers_names_the_census_workers(tmp_path):
    write(tmp_path / "census")
    (tmp_path / "hr.csv").write_text("Staff ID,Job Title,SWE number,Team\n004512,Social Worker,SW0000000001,T03\n",
                                     encoding="utf-8")
    loaded = read_files([tmp_path / "census", tmp_path / "hr.csv"], extract_date=EXTRACT)
    staff = {r["professional_id"]: r for r in loaded.tables["professionals"].to_pylist()}
    assert set(staff) == {"004512", "SW0000000002", "SW0000000003"}  # the HR id, not the SWE number, for her
    assert staff["004512"]["team_id"] == "T03"
    census = {r["professional_id"]: r["cases"] for r in loaded.tables["workforce_census"].to_pylist()}
    assert census["004512"] == 14


def test_an_hr_export_with_contract_type_words(tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text("Employee number,Job role,Contract type,Date joined\n77,Social worker,Agency,2023-01-09\n"
                    "78,Personal Adviser,Permanent,2020-03-02\n", encoding="utf-8")
    rows = {r["professional_id"]: r for r in read_files([path], extract_date=EXTRACT).tables["professionals"].to_pylist()}
    assert (rows["77"]["role"], rows["77"]["agency"]) == ("SW", True)
    assert (rows["78"]["role"], rows["78"]["agency"]) == ("PA", False)
