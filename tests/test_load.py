"""Loading files: recognised by header, typed, checked; bad input stops the load and says where."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.sources.load import read_files
from cscperf.sources.problems import LoadError
from cscperf.store import Store

EPISODES_HEADER = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
GOOD_EPISODES = [
    "000123,01/04/2019,S,C1,N1,U4,PR1,15/06/2019,X1,,AB1 2CD,AB3 4EF,SC123456",
    "000123,15/06/2019,P,C2,N1,U6,PR4,,,CARPL,AB1 2CD,AB5 6GH,SC654321",
]
runner = CliRunner()


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), os.stat(path).st_mtime_ns


def run_load(tmp_path: Path, *files: Path):
    store = tmp_path / "store.duckdb"
    result = runner.invoke(app, ["load", "--store", str(store), *map(str, files)])
    return result, store


def snapshots_in(store: Path) -> int:
    with Store(store) as s:
        return len(s.snapshots())


def test_a_good_file_loads_with_leading_zeros_kept(tmp_path):
    f = write(tmp_path / "SSDA903_2020_episodes.csv", [EPISODES_HEADER, *GOOD_EPISODES])
    loaded = read_files([f])
    eps = loaded.tables["cla_episodes"].to_pylist()
    assert [e["person_id"] for e in eps] == ["000123", "000123"]
    assert eps[0]["start_date"] == dt.date(2019, 4, 1) and eps[0]["end_date"] == dt.date(2019, 6, 15)
    assert eps[1]["end_date"] is None and eps[1]["reason_ceased"] is None
    assert loaded.files[0].collection_year == 2020          # the 31 March after the last DECOM
    assert loaded.coverage["cla_episodes"] == (dt.date(2019, 4, 1), dt.date(2020, 3, 31))


@pytest.mark.parametrize("case,lines,row,column,expected", [
    ("wrong header", [EPISODES_HEADER.replace("DECOM", "DECOMM", 1), *GOOD_EPISODES], 1, "DECOMM",
     "header not recognised. The closest layout is SSDA903 episodes, which needs the column(s) DECOM"),
    ("impossible date", [EPISODES_HEADER, GOOD_EPISODES[0], GOOD_EPISODES[1].replace("15/06/2019", "31/02/2019", 1)],
     3, "DECOM", "not a real calendar date"),
    ("two-digit year", [EPISODES_HEADER, GOOD_EPISODES[0].replace("01/04/2019", "01/04/19", 1)],
     2, "DECOM", "expected a date as dd/mm/yyyy or yyyy-mm-dd"),
    ("truncated row", [EPISODES_HEADER, GOOD_EPISODES[0], "000123,15/06/2019,P,C2,N1"], 3, "PLACE",
     "the row has 5 values but the header has 13"),
    ("missing required value", [EPISODES_HEADER, GOOD_EPISODES[0].replace(",S,", ",,", 1)], 2, "RNE", "a value is required"),
])
def test_bad_input_names_file_row_column_and_loads_nothing(tmp_path, case, lines, row, column, expected):
    good = write(tmp_path / "header.csv", ["CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB", "000123,1,01/01/2010,WBRI,,,"])
    bad = write(tmp_path / "episodes.csv", lines)
    before = fingerprint(bad), fingerprint(good)
    with pytest.raises(LoadError) as err:
        read_files([good, bad])
    problem = next(p for p in err.value.problems if p.severity == "error")
    assert (problem.file, problem.row, problem.column) == ("episodes.csv", row, column)
    assert expected in problem.message
    assert str(problem).startswith(f"episodes.csv, row {row}, column {column}: ")

    result, store = run_load(tmp_path, good, bad)
    assert result.exit_code == 1
    assert "nothing was loaded" in result.output and f"episodes.csv" in result.output
    assert snapshots_in(store) == 0                              # the good file was not half-loaded either
    assert (fingerprint(bad), fingerprint(good)) == before       # sources untouched


def test_reject_bad_rows_keeps_the_valid_ones_and_counts_balance(tmp_path):
    f = write(tmp_path / "episodes.csv", [EPISODES_HEADER, GOOD_EPISODES[0],
                                          GOOD_EPISODES[1].replace("15/06/2019", "31/02/2019", 1), "000123,15/06/2019,P"])
    loaded = read_files([f], on_error="reject")
    info = loaded.files[0]
    assert (info.rows_read, info.rows_loaded, info.rows_rejected) == (3, 1, 2)
    assert loaded.tables["cla_episodes"].num_rows == 1


def test_recognised_by_header_not_name_and_read_in_any_encoding(tmp_path):
    # Windows-1252, tab separated, named after nothing in particular.
    odd = tmp_path / "export from system.txt"
    odd.write_bytes(("CHILD\tSEX\tDOB\tETHNIC\tUPN\tMOTHER\tMC_DOB\n0042\t2\t29/02/2012\tWBRI\tA123\t\t\n"
                     "0043\tM\t2011-05-01\tWIRI\t\u00c9ire\t\t\n").encode("cp1252"))
    bom = tmp_path / "a.csv"
    bom.write_bytes("\ufeff".encode("utf-8") + (EPISODES_HEADER + "\n" + GOOD_EPISODES[0] + "\n").encode("utf-8"))
    loaded = read_files([odd, bom])
    people = {p["person_id"]: p for p in loaded.tables["persons"].to_pylist()}
    assert people["0042"]["sex"] == "F" and people["0042"]["dob"] == dt.date(2012, 2, 29)
    assert people["0043"]["sex"] == "M" and people["0043"]["upn"] == "\u00c9ire"
    assert [f.layout for f in loaded.files] == ["SSDA903 header", "SSDA903 episodes"]
    assert loaded.files[0].encoding == "cp1252" and loaded.files[1].encoding == "utf-8-sig"


def test_years_loaded_together_make_one_history(tmp_path):
    y1 = tmp_path / "2019"
    y2 = tmp_path / "2020"
    y1.mkdir()
    y2.mkdir()
    # In the 2019 return the episode was still open on 31 March; the 2020 return shows how it ended.
    write(y1 / "episodes.csv", [EPISODES_HEADER, "7,01/02/2019,S,C1,N1,U4,PR1,,,,,,"])
    write(y2 / "episodes.csv", [EPISODES_HEADER, "7,01/02/2019,S,C1,N1,U4,PR1,10/05/2019,E4A,,,,",
                                "8,01/06/2019,S,V2,N4,U6,PR4,,,,,,"])
    loaded = read_files([tmp_path])
    eps = {(e["person_id"], e["start_date"]): e for e in loaded.tables["cla_episodes"].to_pylist()}
    assert len(eps) == 2
    assert eps[("7", dt.date(2019, 2, 1))]["end_date"] == dt.date(2019, 5, 10)
    assert sorted(f.collection_year for f in loaded.files) == [2019, 2020]
    assert loaded.coverage["cla_episodes"] == (dt.date(2018, 4, 1), dt.date(2020, 3, 31))


def test_a_failed_write_leaves_no_snapshot(tmp_path):
    f = write(tmp_path / "episodes.csv", [EPISODES_HEADER, *GOOD_EPISODES])
    loaded = read_files([f])
    # A table the store does not have fails the write after the snapshot row and the episodes went in.
    loaded.tables["no_such_table"] = loaded.tables["cla_episodes"]
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(Exception, match="no_such_table"):
            store.write_snapshot(loaded)
        assert store.snapshots() == []
        assert store.con.execute("SELECT count(*) FROM cla_episodes").fetchone()[0] == 0
        del loaded.tables["no_such_table"]
        assert store.write_snapshot(loaded) == 1 and len(store.snapshots()) == 1   # the store still works


def test_references_follow_the_record_kept_when_sources_merge(tmp_path):
    # The same assessment from a CMS extract (id A1) and a census-like template with another id (CEN-1),
    # whose factors refer to CEN-1: after the merge the factors belong to A1, the assessment kept.
    cms = tmp_path / "cms"
    census = tmp_path / "census"
    cms.mkdir()
    census.mkdir()
    write(cms / "assessments.csv", ["assessment_id,person_id,start_date,authorised_date",
                                    "A1,C1,2024-01-08,2024-02-01"])
    write(census / "assessments.csv", ["assessment_id,person_id,start_date,authorised_date",
                                       "CEN-1,C1,2024-01-08,2024-02-01", "CEN-2,C2,2024-01-09,"])
    write(census / "assessment_factors.csv", ["assessment_id,person_id,factor", "CEN-1,C1,3A", "CEN-2,C2,21"])
    loaded = read_files([census, cms])      # the CMS file comes later, so its row is kept
    assert sorted(loaded.tables["assessments"].column("assessment_id").to_pylist()) == ["A1", "CEN-2"]
    factors = {r["assessment_id"]: r["factor"] for r in loaded.tables["assessment_factors"].to_pylist()}
    assert factors == {"A1": "3A", "CEN-2": "21"}


def test_files_read_side_by_side_give_what_one_reader_gives(parity_council, tmp_path):
    """The parity council's files, with a visit dated 31/02/2023 and a file whose header cscperf does not know:
    read by two processes, the tables, each file's counts and the problems (in the files' order) are those
    of one process reading them in turn."""
    import shutil

    folders = []
    for source in parity_council.paths():
        folders.append(shutil.copytree(source, tmp_path / source.name))
    visits = tmp_path / "cms" / "visits.csv"
    with visits.open("a") as f:
        f.write("VBAD,01001615,CP,31/02/2023,true,true,HOME\n")
    (tmp_path / "cms" / "notes.txt").write_text("not a return\n")
    one = read_files(folders, on_error="reject", jobs=1)
    told = []
    two = read_files(folders, on_error="reject", jobs=2, progress=lambda name, fraction: told.append((name, fraction)))
    read_in_turn = [Path(path).name for path in dict.fromkeys(f.path for f in one.files)]
    assert [name for name, _ in told] == read_in_turn   # each file as it is read, in order
    assert [f for _, f in told] == [n / len(read_in_turn) for n in range(1, len(read_in_turn) + 1)]
    assert any(p.file == "notes.txt" and p.rule == "header" for p in one.problems)
    assert any(p.file == "visits.csv" and p.value == "31/02/2023" for p in one.problems)
    assert two.problems == one.problems
    assert two.files == one.files
    assert two.coverage == one.coverage and two.extract_date == one.extract_date
    assert sorted(two.tables) == sorted(one.tables)
    for name, table in one.tables.items():
        assert two.tables[name].equals(table), name


def test_where_no_reader_process_can_start_the_files_are_read_here(tmp_path, monkeypatch):
    """A sandbox without shared memory refuses to make process pools (OSError); the load goes on in-process."""
    from cscperf.sources import load

    def refuse(*args, **kwargs):
        raise OSError(38, "Function not implemented")
    monkeypatch.setattr(load, "ProcessPoolExecutor", refuse)
    files = [write(tmp_path / "episodes.csv", [EPISODES_HEADER, *GOOD_EPISODES])]
    loaded = read_files(files, jobs=2)
    assert loaded.tables["cla_episodes"].num_rows == 2 and not loaded.problems
