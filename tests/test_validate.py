"""Validation a data team can act on: broken copies of real-format files, and the checks across tables.

The SSDA903 files are copies of Data to Insight's sample return (../shared/samples/ssda903/d2i-validator),
broken on purpose one way at a time. Expected rows and values are read from the files here with the csv
module, never from cscperf. The checks across tables use small cscperf templates written by hand.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.sources import dfe
from cscperf.sources.load import read_files
from cscperf.sources.problems import LoadError
from cscperf.store import Store

runner = CliRunner()
D2I = "ssda903/d2i-validator"


# ---- helpers --------------------------------------------------------------------------------------

def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8-sig").splitlines()


def write_lines(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def records(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def balanced(loaded) -> None:
    for f in loaded.files:
        assert f.rows_read == f.rows_loaded + f.rows_rejected, f
    read = sum(f.rows_read for f in loaded.files)
    assert read == sum(f.rows_loaded for f in loaded.files) + sum(f.rows_rejected for f in loaded.files)


def of(loaded_or_problems, rule: str, severity: str | None = None) -> list:
    problems = getattr(loaded_or_problems, "problems", loaded_or_problems)
    return [p for p in problems if p.rule == rule and (severity is None or p.severity == severity)]


def file_result(loaded, name: str):
    return next(f for f in loaded.files if Path(f.path).name == name)


@pytest.fixture
def d2i(samples, tmp_path) -> Path:
    """A copy of the sample return's header and episodes (the two files every check here needs)."""
    folder = tmp_path / "return"
    folder.mkdir()
    for name in ("header.csv", "episodes.csv"):
        shutil.copy(samples / D2I / name, folder / name)
        os.chmod(folder / name, 0o644)
    return folder


def episode_line(folder: Path, pick) -> tuple[int, dict]:
    """(line in the file, row) of the first episode for which pick(row) is true."""
    for i, r in enumerate(records(folder / "episodes.csv")):
        if pick(r):
            return i + 2, r
    raise AssertionError("no such episode in the sample")


# ---- broken copies of real files --------------------------------------------------------------------

def test_the_copies_load_cleanly_before_they_are_broken(d2i):
    loaded = read_files([d2i])
    assert loaded.tables["cla_episodes"].num_rows == len({(r["CHILD"], r["DECOM"]) for r in records(d2i / "episodes.csv")})
    assert not [p for p in loaded.problems if p.severity == "error"]
    balanced(loaded)


def test_shuffled_columns_load_the_same_because_columns_are_matched_by_name(d2i, tmp_path):
    before = read_files([d2i]).tables
    rows = records(d2i / "episodes.csv")
    shuffled = list(reversed(list(rows[0])))
    with open(d2i / "episodes.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=shuffled)
        w.writeheader()
        w.writerows(rows)
    after = read_files([d2i])
    assert lines_of(d2i / "episodes.csv")[0].startswith("URN,PL_POST,HOME_POST")
    assert after.tables["cla_episodes"].equals(before["cla_episodes"])
    assert not [p for p in after.problems if p.severity == "error"]


def test_bad_dates_are_errors_naming_file_row_column_and_value_and_nothing_is_loaded(d2i, tmp_path):
    lines = lines_of(d2i / "episodes.csv")
    bad = {5: ("DECOM", "31/02/2017"), 9: ("DEC", "2017-13-01"), 12: ("DECOM", "1/4/17")}
    header = lines[0].split(",")
    for line, (column, value) in bad.items():
        cells = lines[line - 1].split(",")
        cells[header.index(column)] = value
        lines[line - 1] = ",".join(cells)
    write_lines(d2i / "episodes.csv", lines)
    before = digest(d2i)

    with pytest.raises(LoadError) as err:
        read_files([d2i])
    errors = [p for p in err.value.problems if p.severity == "error"]
    assert {(p.file, p.row, p.column, p.value) for p in errors} == {
        ("episodes.csv", line, column, value) for line, (column, value) in bad.items()}
    by_row = {p.row: p.message for p in errors}
    assert "not a real calendar date" in by_row[5]
    assert "expected a date as dd/mm/yyyy or yyyy-mm-dd" in by_row[12] and "four-digit year" in by_row[12]

    store = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["load", "--store", str(store), str(d2i)])
    assert result.exit_code == 1 and "nothing was loaded" in result.output
    with Store(store) as s:
        assert s.snapshots() == [] and s.con.execute("SELECT count(*) FROM persons").fetchone()[0] == 0
    assert digest(d2i) == before                                # the source files are untouched


def test_reject_bad_rows_loads_exactly_the_valid_rows(d2i, tmp_path):
    original = records(d2i / "episodes.csv")
    lines = lines_of(d2i / "episodes.csv")
    header = lines[0].split(",")
    broken = {7: "DECOM", 20: "RNE", 33: "DEC"}               # a bad date, a missing required code, an end before start
    for line, column in broken.items():
        cells = lines[line - 1].split(",")
        if column == "DECOM":
            cells[header.index("DECOM")] = "not a date"
        elif column == "RNE":
            cells[header.index("RNE")] = ""
        else:
            start = dt.datetime.strptime(cells[header.index("DECOM")], "%d/%m/%Y").date()
            cells[header.index("DEC")] = (start - dt.timedelta(days=1)).strftime("%d/%m/%Y")
        lines[line - 1] = ",".join(cells)
    write_lines(d2i / "episodes.csv", lines)

    loaded = read_files([d2i], on_error="reject")
    balanced(loaded)
    eps = file_result(loaded, "episodes.csv")
    assert (eps.rows_read, eps.rows_rejected) == (len(original), 3)
    assert {p.row for p in loaded.problems if p.severity == "error"} == set(broken)
    order = next(p for p in loaded.problems if p.row == 33)
    assert order.rule == "date-order" and "cannot end before it starts" in order.message

    kept = {(r["CHILD"], r["DECOM"]) for i, r in enumerate(original) if i + 2 not in broken}
    store = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["load", "--reject-bad-rows", "--store", str(store), str(d2i)])
    assert result.exit_code == 0, result.output
    with Store(store) as s:
        got = s.con.execute("SELECT person_id, strftime(start_date, '%d/%m/%Y') FROM cla_episodes").fetchall()
        snap = s.snapshots()[0]
    assert set(got) == kept and len(got) == len(kept)
    assert (snap.rows_loaded + snap.rows_rejected) == len(original) + len(records(d2i / "header.csv"))
    assert snap.rows_rejected == 3


def test_a_truncated_file_rejects_its_broken_last_row_only(d2i):
    data = (d2i / "episodes.csv").read_bytes()
    cut = data.index(b"\n", len(data) // 2) + 15               # fifteen characters into a row
    (d2i / "episodes.csv").write_bytes(data[:cut])
    complete = data[:cut].count(b"\n") - 1                      # rows before the cut, less the header
    with pytest.raises(LoadError) as err:
        read_files([d2i])
    (problem,) = [p for p in err.value.problems if p.severity == "error"]
    assert (problem.file, problem.row, problem.rule) == ("episodes.csv", complete + 2, "row-length")
    assert "is the row truncated?" in problem.message and "but the header has 13" in problem.message

    loaded = read_files([d2i], on_error="reject")
    eps = file_result(loaded, "episodes.csv")
    assert (eps.rows_read, eps.rows_loaded, eps.rows_rejected) == (complete + 1, complete, 1)


def test_wrong_encoding_bytes_in_a_utf8_file_are_read_and_named(d2i):
    lines = lines_of(d2i / "header.csv")
    header = lines[0].split(",")
    upn = header.index("UPN")
    cells3, cells4 = lines[2].split(","), lines[3].split(",")
    cells3[upn], cells4[upn] = "Zoë", "Renée"
    lines[2], lines[3] = ",".join(cells3), ",".join(cells4)
    data = ("\n".join(lines) + "\n").encode("utf-8")
    data = data.replace("Renée".encode("utf-8"), "Renée".encode("cp1252"))       # one row pasted from Excel
    (d2i / "header.csv").write_bytes(data)

    loaded = read_files([d2i])
    people = {p["person_id"]: p for p in loaded.tables["persons"].to_pylist()}
    assert people[cells3[0]]["upn"] == "Zoë" and people[cells4[0]]["upn"] == "Renée"   # both right, no mojibake
    (warning,) = of(loaded, "encoding")
    assert (warning.file, warning.row, warning.severity) == ("header.csv", 4, "warning")
    assert "Windows-1252" in warning.message and "CSV UTF-8" in warning.message
    assert file_result(loaded, "header.csv").rows_rejected == 0


def test_whole_files_in_other_encodings_load_and_a_binary_file_is_refused_whole(d2i):
    text = (d2i / "header.csv").read_text(encoding="utf-8")
    (d2i / "header.csv").write_bytes(text.encode("utf-16"))                    # Excel's "Unicode text"
    loaded = read_files([d2i])
    assert file_result(loaded, "header.csv").encoding == "utf-16"
    assert loaded.tables["persons"].num_rows == len(records_from_text(text))

    (d2i / "report.csv").write_bytes(b"PK\x03\x04" + bytes(200))              # a workbook saved as .csv
    with pytest.raises(LoadError) as err:
        read_files([d2i])
    (problem,) = [p for p in err.value.problems if p.severity == "error"]
    assert problem.file == "report.csv" and problem.row is None and problem.rule == "unreadable"
    assert "Excel workbook" in problem.message
    loaded = read_files([d2i], on_error="reject")                              # the rest loads
    assert file_result(loaded, "report.csv").rows_read == 0
    assert loaded.tables["cla_episodes"].num_rows > 0


def records_from_text(text: str) -> list[dict]:
    return list(csv.DictReader(text.splitlines()))


def test_a_duplicated_child_is_a_warning_naming_both_rows_and_what_differs(d2i):
    lines = lines_of(d2i / "header.csv")
    header = lines[0].split(",")
    copy = lines[3].split(",")
    copy[header.index("DOB")] = "01/01/2001"
    write_lines(d2i / "header.csv", lines + [",".join(copy)])
    loaded = read_files([d2i])                                  # a warning: the load goes ahead
    (dup,) = of(loaded, "duplicate")
    assert (dup.file, dup.row, dup.severity) == ("header.csv", len(lines) + 1, "warning")
    assert f"row 4 (CHILD {copy[0]})" in dup.message
    assert f"DOB {lines[3].split(',')[header.index('DOB')]} in row 4, 01/01/2001 here" in dup.message
    person = next(p for p in loaded.tables["persons"].to_pylist() if p["person_id"] == copy[0])
    assert person["dob"] == dt.date(2001, 1, 1)                 # the later row is used
    head = file_result(loaded, "header.csv")
    assert (head.rows_read, head.rows_rejected) == (len(lines), 0)      # merged, not rejected
    assert loaded.tables["persons"].num_rows == len(lines) - 1


def test_an_orphan_episode_is_named_by_file_and_row(d2i):
    lines = lines_of(d2i / "episodes.csv")
    write_lines(d2i / "episodes.csv", lines + ["000999999,01/06/2017,S,C2,N1,U1,PR1,,,,,,"])
    loaded = read_files([d2i])
    (orphan,) = of(loaded, "orphan")
    assert (orphan.file, orphan.row, orphan.column, orphan.value) == ("episodes.csv", len(lines) + 1, "CHILD", "000999999")
    assert "no child 000999999 in the header" in orphan.message and orphan.severity == "warning"
    assert loaded.tables["cla_episodes"].num_rows == len({(r["CHILD"], r["DECOM"]) for r in records(d2i / "episodes.csv")})


def test_orphans_beyond_the_cap_are_counted_not_lost(d2i):
    lines = lines_of(d2i / "episodes.csv")
    extra = [f"ORPHAN{i:03d},01/06/2017,S,C2,N1,U1,PR1,,,,,," for i in range(30)]
    write_lines(d2i / "episodes.csv", lines + extra)
    loaded = read_files([d2i], max_listed=10)
    listed = [p for p in of(loaded, "orphan") if p.count == 1]
    (summary,) = [p for p in of(loaded, "orphan") if p.count > 1]
    assert [p.row for p in listed] == list(range(len(lines) + 1, len(lines) + 11))
    assert summary.count == 20 and "20 more rows" in summary.message and "30 in all" in summary.message
    assert sum(p.count for p in of(loaded, "orphan")) == 30


def test_overlapping_episodes_name_both_rows(d2i):
    rows = records(d2i / "episodes.csv")
    # a child whose first two episodes are consecutive (DEC of one = DECOM of the next)
    for i in range(len(rows) - 1):
        a, b = rows[i], rows[i + 1]
        if a["CHILD"] == b["CHILD"] and a["DEC"] and a["DEC"] == b["DECOM"]:
            break
    first, second = i + 2, i + 3
    lines = lines_of(d2i / "episodes.csv")
    end = dt.datetime.strptime(a["DEC"], "%d/%m/%Y").date() + dt.timedelta(days=10)
    lines[first - 1] = lines[first - 1].replace(f",{a['DEC']},", f",{end:%d/%m/%Y},", 1)
    write_lines(d2i / "episodes.csv", lines)
    loaded = read_files([d2i])
    found = [p for p in of(loaded, "overlap") if p.row == second]
    assert len(found) == 1 and found[0].file == "episodes.csv" and found[0].column == "DECOM"
    assert f"(episodes.csv, row {first})" in found[0].message and f"ends on {end:%d/%m/%Y}" in found[0].message
    assert file_result(loaded, "episodes.csv").rows_rejected == 0


def test_a_date_after_the_extract_date_is_a_warning_and_does_not_stretch_the_data(d2i):
    lines = lines_of(d2i / "episodes.csv")
    write_lines(d2i / "episodes.csv", lines + ["ZZ1,01/06/2031,S,C2,N1,U1,PR1,,,,,,"])
    loaded = read_files([d2i], extract_date=dt.date(2018, 3, 31))
    future = [p for p in of(loaded, "future-date") if p.row == len(lines) + 1]
    assert len(future) == 1 and future[0].severity == "warning" and future[0].value == "01/06/2031"
    assert "after the extract date (31/03/2018)" in future[0].message
    assert {f.collection_year for f in loaded.files} == {2018}          # not 2031
    assert loaded.coverage["cla_episodes"][1] == dt.date(2018, 3, 31)


# ---- the CLI ------------------------------------------------------------------------------------------

def test_validate_checks_without_loading_and_exits_1_on_errors(d2i, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines = lines_of(d2i / "episodes.csv")
    lines[4] = lines[4].replace(lines[4].split(",")[1], "32/01/2017", 1)
    write_lines(d2i / "episodes.csv", lines + ["000999999,01/06/2017,S,C2,N1,U1,PR1,,,,,,"])
    out = tmp_path / "problems.csv"
    result = runner.invoke(app, ["validate", str(d2i), "--problems", str(out)])
    assert result.exit_code == 1, result.output
    assert "would load" in result.output and "1 would be left out" in result.output
    assert "Nothing was loaded" in result.output
    assert not list(tmp_path.glob("*.duckdb"))                  # no store was made
    written = records(out)
    assert list(written[0]) == ["severity", "file", "row", "column", "value", "rule", "message", "count"]
    assert {(r["severity"], r["file"], r["row"], r["column"], r["rule"]) for r in written} >= {
        ("error", "episodes.csv", "5", "DECOM", "date"), ("warning", "episodes.csv", str(len(lines) + 1), "CHILD", "orphan")}

    clean = tmp_path / "clean"
    clean.mkdir()
    shutil.copy(d2i / "header.csv", clean / "header.csv")
    result = runner.invoke(app, ["validate", str(clean)])
    assert result.exit_code == 0 and "No errors" in result.output


# ---- checks across tables, on hand-written templates ---------------------------------------------

def template(folder: Path, table: str, header: str, *rows: str) -> Path:
    return write_lines(folder / f"{table}.csv", [header, *rows])


def test_relational_and_plausibility_checks_on_templates(tmp_path):
    t = tmp_path
    template(t, "persons", "person_id,sex,dob,death_date",
             "C1,F,01/01/2015,", "C2,M,01/06/2019,", "C3,F,01/01/2010,01/01/2019")
    template(t, "s47_enquiries", "s47_id,person_id,start_date", "S1,C1,01/02/2019")
    template(t, "icpcs", "icpc_id,s47_id,person_id,icpc_date",
             "I1,S1,C1,15/02/2019", "I2,S9,C1,01/03/2019")                          # S9: no such enquiry
    template(t, "cp_plans", "cp_plan_id,person_id,start_date,end_date",
             "P1,C1,15/02/2019,", "P2,C2,01/01/2019,01/02/2020",                    # P2: pre-birth, fine
             "P3,C3,01/01/2005,")                                                    # before birth; > 10 years
    template(t, "visits", "visit_id,person_id,visit_type,visit_date,seen",
             "V1,C1,CP,20/02/2019,Y", "V2,C1,CP,10/02/2019,Y",                       # V2: before the plan
             "V3,C3,CP,01/02/2019,Y")                                                # V3: after death
    template(t, "professionals", "professional_id,role", "W1,SW")
    template(t, "allocations", "person_id,professional_id,start_date", "C1,W1,01/02/2019", "C1,W7,01/03/2019")
    loaded = read_files([t], extract_date=dt.date(2020, 3, 31), covers_from=dt.date(2018, 4, 1))
    found = {(p.rule, p.file, p.row) for p in loaded.problems}
    assert found == {
        ("unknown-s47", "icpcs.csv", 3),
        ("visit-without-plan", "visits.csv", 3),
        ("after-death", "visits.csv", 4),
        ("before-birth", "cp_plans.csv", 4),
        ("long-plan", "cp_plans.csv", 4),
        ("unknown-worker", "allocations.csv", 3),
    }, loaded.problems
    assert all(p.severity == "warning" for p in loaded.problems)
    by_rule = {p.rule: p for p in loaded.problems}
    assert by_rule["unknown-worker"].value == "W7" and by_rule["unknown-worker"].column == "professional_id"
    assert "no child protection plan open on 10/02/2019" in by_rule["visit-without-plan"].message
    assert "before the child was born" in by_rule["before-birth"].message
    assert "still open at 31/03/2020" in by_rule["long-plan"].message
    assert sum(t.num_rows for t in loaded.tables.values()) == 15                   # warnings drop nothing


def test_903_episode_ending_x1_with_no_episode_following(tmp_path):
    write_lines(tmp_path / "header.csv", ["CHILD,SEX,DOB,ETHNIC", "A1,1,01/01/2010,WBRI"])
    write_lines(tmp_path / "episodes.csv", [
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC",
        "A1,01/04/2019,S,C2,N1,U1,PR1,01/06/2019,X1",
        "A1,01/06/2019,P,C2,N1,U4,PR1,01/09/2019,X1",                # nothing starts on 01/09/2019
    ])
    loaded = read_files([tmp_path])
    (gap,) = of(loaded, "episode-gap")
    assert (gap.file, gap.row, gap.column, gap.value) == ("episodes.csv", 3, "REC", "X1")
    assert "no episode starting on 01/09/2019" in gap.message


def test_dfe_rules_say_plainly_when_they_cannot_run(tmp_path):
    write_lines(tmp_path / "header.csv", ["CHILD,SEX,DOB,ETHNIC", "A1,1,01/01/2010,WBRI"])
    write_lines(tmp_path / "episodes.csv", ["CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC",
                                            "A1,01/04/2019,S,C2,N1,U1,PR1,,"])
    options = dfe.Options(env_dir=tmp_path / "no-env", install=False)
    loaded = read_files([tmp_path], dfe=options)
    (note,) = of(loaded, "dfe-rules")
    assert note.severity == "info" and "not installed yet" in note.message and str(tmp_path / "no-env") in note.message
    assert loaded.tables["persons"].num_rows == 1


@pytest.mark.slow
def test_dfe_rules_run_in_their_own_environment_on_a_sample_file(samples, tmp_path):
    try:
        dfe.ensure_env(dfe.Options())
    except dfe.Unavailable as e:
        pytest.skip(f"the DfE validators cannot be installed here: {e}")
    folder = tmp_path / "return"
    folder.mkdir()
    for name in ("header.csv", "episodes.csv"):
        shutil.copy(samples / D2I / name, folder / name)
    loaded = read_files([folder], dfe=dfe.Options(la_code="E10000016"))
    notes = [p for p in loaded.problems if p.rule == "dfe-rules"]
    assert any("were run on" in p.message and "csc-validator-be-903" in p.message for p in notes), notes
    found = [p for p in loaded.problems if p.rule.startswith("dfe:") and p.count == 1]
    assert found and all(p.severity == "warning" for p in found)
    # each finding points at the row of its child in the file it came from
    by_line = {name: {i + 2: r for i, r in enumerate(records(folder / name))} for name in ("header.csv", "episodes.csv")}
    for p in found[:200]:
        child = p.message.rsplit("(child ", 1)[1].rstrip(")")
        assert by_line[p.file][p.row]["CHILD"] == child, p
    assert loaded.tables["cla_episodes"].num_rows > 0                   # the DfE's findings drop nothing
