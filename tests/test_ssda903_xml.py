"""SSDA903 XML (EXPSSDA903): the same records as the CSV return, and broken copies refused precisely.

The small return below is written by hand twice, as XML and as the DfE's CSV files; the two must
load to the same tables. The broken copies (a bad date, a truncated file, Windows-1252 bytes in a
file that says UTF-8, a child returned twice, an unknown element) must each give a message naming
the file, the line and the element, and never a half-loaded snapshot. The year-by-year codes (K3,
H5, SEX 1/2 and M/F/U) are checked for CSV and XML alike.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cscperf.sources.load import read_files
from cscperf.sources.problems import LoadError
from cscperf.sources.readers import reader_for

EXTRACT = dt.date(2024, 3, 31)

XML = """<?xml version="1.0" encoding="UTF-8"?>
<EXPSSDA903>
  <CHILD>
    <HEADER>
      <CHILDID>0012</CHILDID>
      <UPN>A999123456789</UPN>
      <SEX>1</SEX>
      <DOB>03/05/2010</DOB>
      <ETHNIC>WBRI</ETHNIC>
      <UASC>0</UASC>
      <AMISSING>
        <MISSING>M</MISSING>
        <MIS_START>12/01/2024</MIS_START>
        <MIS_END>13/01/2024</MIS_END>
      </AMISSING>
      <AREVIEW>
        <REVIEW>01/06/2023</REVIEW>
        <REVIEW_CODE>PN1</REVIEW_CODE>
      </AREVIEW>
      <AREVIEW>
        <REVIEW>01/12/2023</REVIEW>
        <REVIEW_CODE>PN3</REVIEW_CODE>
      </AREVIEW>
      <MOTHER/>
      <MC_DOB/>
      <OC2>
        <SDQ_SCORE>14</SDQ_SCORE>
        <CONVICTED>0</CONVICTED>
        <HEALTH_CHECK>1</HEALTH_CHECK>
        <IMMUNISATIONS>1</IMMUNISATIONS>
        <TEETH_CHECK>1</TEETH_CHECK>
        <HEALTH_ASSESSMENT>1</HEALTH_ASSESSMENT>
        <SUBSTANCE_MISUSE>0</SUBSTANCE_MISUSE>
      </OC2>
    </HEADER>
    <EPISODE>
      <DECOM>04/05/2022</DECOM>
      <RNE>S</RNE>
      <LS>C2</LS>
      <CIN>N1</CIN>
      <PL>U4</PL>
      <PL_POST>BW11 7</PL_POST>
      <HOME_POST>BW4 2</HOME_POST>
      <URN>SC123456</URN>
      <PLACE_PROVIDER>PR1</PLACE_PROVIDER>
      <DEC>10/10/2023</DEC>
      <REC>X1</REC>
      <REASON_PLACE_CHANGE>CARPL</REASON_PLACE_CHANGE>
    </EPISODE>
    <EPISODE>
      <DECOM>10/10/2023</DECOM>
      <RNE>P</RNE>
      <LS>C2</LS>
      <CIN>N1</CIN>
      <PL>{place}</PL>
      <PL_POST>BW12 1</PL_POST>
      <HOME_POST>BW4 2</HOME_POST>
      <URN>SC654321</URN>
      <PLACE_PROVIDER>PR4</PLACE_PROVIDER>
      <DEC/>
      <REC/>
      <REASON_PLACE_CHANGE/>
    </EPISODE>
  </CHILD>
  <CHILD>
    <HEADER>
      <CHILDID>4471</CHILDID>
      <UPN>UN2</UPN>
      <SEX>{sex}</SEX>
      <DOB>21/02/2007</DOB>
      <ETHNIC>BAFR</ETHNIC>
      <UASC>1</UASC>
      <DUC>21/02/2025</DUC>
      <IN_TOUCH>YES</IN_TOUCH>
      <ACTIV>F2</ACTIV>
      <ACCOM>D1</ACCOM>
      <MOTHER>0</MOTHER>
      <MC_DOB/>
      <PERMANENCE>
        <PREV_PERM>Z1</PREV_PERM>
      </PERMANENCE>
    </HEADER>
    <EPISODE>
      <DECOM>{decom}</DECOM>
      <RNE>S</RNE>
      <LS>V2</LS>
      <CIN>N1</CIN>
      <PL>H5</PL>
      <PL_POST>BW2 3</PL_POST>
      <HOME_POST/>
      <URN>SC777777</URN>
      <PLACE_PROVIDER>PR4</PLACE_PROVIDER>
      <DEC>{dec}</DEC>
      <REC>E17</REC>
      <REASON_PLACE_CHANGE/>
    </EPISODE>
  </CHILD>
</EXPSSDA903>
"""

CSV = {
    "header.csv": "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n0012,1,03/05/2010,WBRI,A999123456789,,\n"
                  "4471,{sex},21/02/2007,BAFR,UN2,0,\n",
    "episodes.csv": "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
                    "0012,04/05/2022,S,C2,N1,U4,PR1,10/10/2023,X1,CARPL,BW4 2,BW11 7,SC123456\n"
                    "0012,10/10/2023,P,C2,N1,{place},PR4,,,,BW4 2,BW12 1,SC654321\n"
                    "4471,{decom},S,V2,N1,H5,PR4,{dec},E17,,,BW2 3,SC777777\n",
    "reviews.csv": "CHILD,DOB,REVIEW,REVIEW_CODE\n0012,03/05/2010,01/06/2023,PN1\n0012,03/05/2010,01/12/2023,PN3\n",
    "missing.csv": "CHILD,DOB,MISSING,MIS_START,MIS_END\n0012,03/05/2010,M,12/01/2024,13/01/2024\n",
    "uasc.csv": "CHILD,SEX,DOB,DUC\n4471,{sex},21/02/2007,21/02/2025\n",
    "oc3.csv": "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n4471,21/02/2007,YES,F2,D1\n",
    "oc2.csv": "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,"
               "SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\n0012,03/05/2010,14,,0,1,1,1,1,0,,\n",
    "previous_permanence.csv": "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM\n4471,21/02/2007,Z1,,\n",
}

DEFAULTS = {"place": "U6", "sex": "2", "decom": "01/11/2023", "dec": "20/02/2024"}


def write_xml(folder: Path, name: str = "return.xml", text: str | None = None, **values) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text if text is not None else XML.format(**{**DEFAULTS, **values}), encoding="utf-8")
    return path


def write_csv(folder: Path, **values) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in CSV.items():
        (folder / name).write_text(text.format(**{**DEFAULTS, **values}), encoding="utf-8")
    return folder


def errors(problems):
    return [p for p in problems if p.severity == "error"]


def test_recognised_by_content_not_name(tmp_path):
    path = write_xml(tmp_path, "export.dat")
    assert reader_for(path).format.startswith("SSDA903 XML")


def test_xml_loads_the_same_tables_as_the_csv_return(tmp_path):
    xml = read_files([write_xml(tmp_path / "xml")], extract_date=EXTRACT)
    csv = read_files([write_csv(tmp_path / "csv")], extract_date=EXTRACT)
    assert set(xml.tables) == set(csv.tables) == {"persons", "cla_episodes", "cla_reviews", "missing_episodes", "uasc",
                                                  "care_leavers", "cla_outcomes", "previous_permanence"}
    for name in xml.tables:
        assert xml.tables[name].to_pylist() == csv.tables[name].to_pylist(), name
    persons = {r["person_id"]: r for r in xml.tables["persons"].to_pylist()}
    assert set(persons) == {"0012", "4471"}                          # leading zeros kept
    assert persons["0012"]["sex"] == "M" and persons["4471"]["sex"] == "F"
    episodes = xml.tables["cla_episodes"].to_pylist()
    assert [e["placement_type"] for e in episodes] == ["U4", "U6", "H5"]   # PL is PLACE
    assert xml.tables["uasc"].to_pylist() == [{"person_id": "4471", "uasc_ceased_date": dt.date(2025, 2, 21)}]
    assert {f.collection_year for f in xml.files} == {2024} == {f.collection_year for f in csv.files}
    assert not errors(xml.problems)


def test_rows_are_numbered_by_the_line_of_their_element(tmp_path):
    path = write_xml(tmp_path, decom="31/02/2024")                  # no 31 February
    with pytest.raises(LoadError) as e:
        read_files([path], extract_date=EXTRACT)
    bad = errors(e.value.problems)
    assert len(bad) == 1
    p = bad[0]
    line = XML.format(**DEFAULTS).splitlines().index("      <DECOM>{decom}</DECOM>".format(**DEFAULTS)) + 1
    assert p.file == "return.xml, EPISODE" and p.row == line - 1       # the <EPISODE> element's line
    assert p.column == "DECOM" and p.value == "31/02/2024" and "not a real calendar date" in p.message
    # With --reject-bad-rows the episode is left out and counted; the rest loads.
    loaded = read_files([path], on_error="reject", extract_date=EXTRACT)
    episodes = next(f for f in loaded.files if f.table == "cla_episodes")
    assert (episodes.rows_read, episodes.rows_rejected, episodes.rows_loaded) == (3, 1, 2)
    assert loaded.tables["cla_episodes"].num_rows == 2


def test_a_file_on_one_line_is_numbered_by_element(tmp_path):
    one_line = "".join(line.strip() for line in XML.format(**{**DEFAULTS, "decom": "xx/11/2023"}).splitlines())
    path = write_xml(tmp_path, text=one_line)
    with pytest.raises(LoadError) as e:
        read_files([path], extract_date=EXTRACT)
    p = errors(e.value.problems)[0]
    assert p.row == 3                                                # the third EPISODE in the file
    assert p.file == "return.xml, EPISODE (numbered by EPISODE: the file has no line breaks)"
    assert "EPISODE" in str(p) and "row 3" in str(p) and "DECOM" in str(p)


def test_a_truncated_file_is_refused_whole(tmp_path):
    text = XML.format(**DEFAULTS)
    cut = text[: text.index("<CHILDID>4471") + 12]
    path = write_xml(tmp_path, text=cut)
    with pytest.raises(LoadError) as e:
        read_files([path], extract_date=EXTRACT)
    p = errors(e.value.problems)[0]
    assert p.file == "return.xml" and p.rule == "xml" and "truncated" in p.message and p.row == cut.count("\n") + 1
    loaded = read_files([path], on_error="reject", extract_date=EXTRACT)
    assert loaded.tables == {} and all(f.rows_read == 0 for f in loaded.files)   # nothing half-loaded


def test_windows_1252_bytes_in_a_utf8_file_are_read_and_said(tmp_path):
    text = XML.format(**DEFAULTS).replace("<PL_POST>BW2 3</PL_POST>", "<PL_POST>BW2 3é</PL_POST>")
    path = tmp_path / "return.xml"
    path.write_bytes(text.encode("cp1252"))
    loaded = read_files([path], extract_date=EXTRACT)
    warning = [p for p in loaded.problems if p.rule == "encoding"]
    assert len(warning) == 1 and warning[0].row == text.splitlines().index("      <PL_POST>BW2 3é</PL_POST>") + 1
    assert "Windows-1252" in warning[0].message
    assert "BW2 3é" in {e["placement_postcode"] for e in loaded.tables["cla_episodes"].to_pylist()}


def test_a_child_returned_twice_is_an_error_on_every_row_of_the_second(tmp_path):
    text = XML.format(**DEFAULTS)
    first_child = text[text.index("  <CHILD>"): text.index("  <CHILD>", text.index("  <CHILD>") + 1)]
    doubled = text.replace("</EXPSSDA903>", first_child + "</EXPSSDA903>")
    path = write_xml(tmp_path, text=doubled)
    with pytest.raises(LoadError) as e:
        read_files([path], extract_date=EXTRACT)
    bad = [p for p in errors(e.value.problems) if p.rule == "duplicate-child"]
    # The second copy's HEADER, OC2, missing episode, two reviews and two episodes.
    assert len(bad) == 7 and {p.value for p in bad} == {"0012"}
    assert "CHILDID 0012 is returned twice: CHILD 1 (line 3) and CHILD 3 (line" in bad[0].message
    loaded = read_files([path], on_error="reject", extract_date=EXTRACT)
    assert sorted(r["person_id"] for r in loaded.tables["persons"].to_pylist()) == ["0012", "4471"]
    assert sum(f.rows_rejected for f in loaded.files) == 7
    assert all(f.rows_read == f.rows_loaded + f.rows_rejected for f in loaded.files)


def test_an_unknown_element_is_a_warning_and_the_rest_loads(tmp_path):
    text = XML.format(**DEFAULTS).replace("      <MOTHER/>", "      <SWEPISODE><SW_ID>X</SW_ID></SWEPISODE>\n      <MOTHER/>", 1)
    path = write_xml(tmp_path, text=text)
    loaded = read_files([path], extract_date=EXTRACT)
    unknown = [p for p in loaded.problems if p.rule == "unknown-element"]
    assert len(unknown) == 1
    p = unknown[0]
    assert p.column == "SWEPISODE" and p.severity == "warning" and "CHILD 1" in p.message
    assert p.row == text.splitlines().index("      <SWEPISODE><SW_ID>X</SW_ID></SWEPISODE>") + 1
    assert loaded.tables["persons"].num_rows == 2


def test_not_a_903_return(tmp_path):
    path = tmp_path / "other.xml"
    path.write_text("<?xml version='1.0'?>\n<EXPSSDA903x/>\n", encoding="utf-8")
    assert reader_for(path) is None or not reader_for(path).format.startswith("SSDA903")


# ---- codes that changed between collection years ---------------------------------------------------

def year_warnings(loaded):
    return [p for p in loaded.problems if p.rule == "code-year"]


@pytest.mark.parametrize("form", ["xml", "csv"])
def test_k3_before_2024_25_is_a_warning_naming_the_year(tmp_path, form):
    folder = write_xml(tmp_path, place="K3").parent if form == "xml" else write_csv(tmp_path, place="K3")
    loaded = read_files([folder], extract_date=EXTRACT)              # the return for 2023/24
    [w] = year_warnings(loaded)
    assert w.value == "K3" and w.column == ("PL" if form == "xml" else "PLACE") and w.severity == "warning"
    assert "K3 is not a placement code before 2024/25, and this file is for 2023/24" in w.message
    assert loaded.tables["cla_episodes"].column("placement_type").to_pylist().count("K3") == 1   # kept


@pytest.mark.parametrize("form", ["xml", "csv"])
def test_h5_after_2024_25_and_sex_1_2_then_m_f(tmp_path, form):
    # A 2025/26 return (latest DECOM in November 2025): H5 was retired, SEX is M/F/U.
    values = {"decom": "01/11/2025", "dec": "20/02/2026", "sex": "F"}
    folder = write_xml(tmp_path, **values).parent if form == "xml" else write_csv(tmp_path, **values)
    loaded = read_files([folder], extract_date=dt.date(2026, 3, 31))
    found = {(w.value, w.message.split(",")[0]) for w in year_warnings(loaded)}
    assert found == {("H5", "H5 is not a placement code after 2024/25"),
                     ("1", "1 is not a sex code after 2024/25")}        # child 0012 is still written 1
    assert {r["sex"] for r in loaded.tables["persons"].to_pylist()} == {"M", "F"}   # both kept


def test_the_year_rules_are_data_next_to_the_code_lists():
    from cscperf.model import codes

    assert codes.year_code_problem("ssda903", "placement_type", "K3", 2025) is None
    assert codes.year_code_problem("ssda903", "placement_type", "Z11", 2025) == "Z11 is not a placement code before 2025/26"
    assert codes.year_code_problem("ssda903", "placement_type", "U4", 2017) is None
    for (_, column), (_, limits) in codes.YEAR_CODES.items():
        code_list = {"placement_type": codes.PLACEMENT_TYPE, "sex": {**codes.SEX, "1": "", "2": ""}}[column]
        assert set(limits) <= set(code_list)


# ---- the synthetic council's XML return ------------------------------------------------------------

@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    from cscperf.synth import generate

    out = tmp_path_factory.mktemp("synth903xml")
    generate(out, scale=0.1)
    return out


def test_the_synthetic_councils_xml_gives_the_same_records_as_its_csv(synthetic):
    [path] = list((synthetic / "ssda903_xml").glob("*.xml"))
    year = path.stem.split("_")[-1]
    xml = read_files([path], extract_date=EXTRACT)
    csv = read_files([synthetic / "ssda903" / year], extract_date=EXTRACT)
    assert xml.tables["cla_episodes"].num_rows > 50
    assert xml.tables["cla_episodes"].to_pylist() == csv.tables["cla_episodes"].to_pylist()
    for name in xml.tables:
        assert xml.tables[name].to_pylist() == csv.tables[name].to_pylist(), name
    assert set(csv.tables) - set(xml.tables) <= {"sw_episodes", "adoptions"}   # no SW episodes in the XML layout
    # Counted independently, with xml.etree.
    root = ET.parse(path).getroot()
    assert xml.tables["persons"].num_rows == len(root.findall("CHILD"))
    assert xml.tables["cla_episodes"].num_rows == len(root.findall("CHILD/EPISODE"))
    assert not errors(xml.problems)
    assert {f.collection_year for f in xml.files} == {int(year)}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_byte_order_mark_or_utf16_is_read(tmp_path, encoding):
    text = XML.format(**DEFAULTS)
    if encoding == "utf-16":
        text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path = tmp_path / "return.xml"
    path.write_bytes(text.encode(encoding))
    loaded = read_files([path], extract_date=EXTRACT)
    assert loaded.tables["cla_episodes"].num_rows == 3 and not errors(loaded.problems)
