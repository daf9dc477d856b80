"""The DfE's own validation rules, run by Data to Insight's validators, kept out of cscperf's environment.

`csc-validator-be-903` (SSDA903) and `csc-validator-be-cin` (CIN census) on PyPI encode the DfE's
validation rules year by year (rule sets 2022/23 to 2026/27 in the versions pinned here; an earlier
or later year is checked with the nearest year's rules, and the note says so). They pin
pandas<2.0 and numpy<1.25, which cannot live beside cscperf's pandas 3, and which have wheels only for
Python 3.9 to 3.11. So cscperf installs them once into a virtual environment of their own under the
user's cache folder (`cache_dir()`), and runs them there in a subprocess (`dfe_runner.py`), passing
files in and findings out as JSON.

SSDA903: the 903 parts of the load (CSV or XML), a collection year at a time, are written out in the
exact columns the validator expects (so files in Windows-1252, tab separated, with extra or
differently-cased columns are checked as cscperf read them), with the year before as its "previous
year". Each finding comes back as the row of the table it was given, and is mapped to the file and
line it came from. CIN census: each CIN census XML file is given to the validator as it is; a finding
names the child, and cscperf points at the line of that child's LAchildID.

Findings are warnings with rule `dfe:<code>` (the data is kept: these are the DfE's checks on the
return, not rows cscperf cannot use), with the DfE's message. Anything that stops the rules running
(no Python 3.9-3.11, no network for the first install, a run that fails) is a note (`INFO`)
saying exactly what, never a failure of the load.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from cscperf.sources import ssda903
from cscperf.sources.layouts import norm
from cscperf.sources.problems import INFO, WARNING, Problem

PACKAGES = ("csc-validator-be-903==0.1.17", "csc-validator-be-cin==0.1.13")
RUNNER = Path(__file__).with_name("dfe_runner.py")
READY = "cscperf-ready.json"
PYTHONS = ("python3.11", "python3.10", "python3.9")

# canonical table -> the validator's table name
TABLES_903 = {"persons": "Header", "cla_episodes": "Episodes", "cla_reviews": "Reviews", "uasc": "UASC",
              "cla_outcomes": "OC2", "care_leavers": "OC3", "adoptions": "AD1", "placed_for_adoption": "PlacedAdoption",
              "previous_permanence": "PrevPerm", "missing_episodes": "Missing", "sw_episodes": "SWEpisodes",
              "deprivation_of_liberty": "DoLo"}
XML_NAMES = {"CHILD": "CHILDID", "PLACE": "PL"}     # as the 903 XML names two columns
LA_CODE = re.compile(r"^[EW]\d{8}$")


class Unavailable(RuntimeError):
    """The validators cannot be run here; the message says why, and what would make them run."""


@dataclass
class Options:
    la_code: str | None = None               # the council's ONS code (E10000016), for placement-area rules
    env_dir: Path | None = None              # where the validators' environment lives (default: cache_dir())
    install: bool = True                     # create the environment if it is not there yet
    progress: Callable[[str], None] | None = None
    timeout: float = 3600


def cache_dir() -> Path:
    """The user's cache folder for cscperf (CSCPERF_CACHE_DIR overrides)."""
    if os.environ.get("CSCPERF_CACHE_DIR"):
        return Path(os.environ["CSCPERF_CACHE_DIR"])
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "cscperf" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "cscperf"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cscperf"


def env_dir(options: Options | None = None) -> Path:
    if options and options.env_dir:
        return Path(options.env_dir)
    tag = "-".join(p.split("==")[1] for p in PACKAGES)
    return cache_dir() / f"dfe-validators-{tag}"


def _python_in(env: Path) -> Path:
    return env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _version_of(python: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run([python, "-c", "import sys; print(sys.version_info[0], sys.version_info[1])"],
                             capture_output=True, text=True, timeout=60)
        major, minor = map(int, out.stdout.split())
        return major, minor
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def base_python() -> str:
    """A Python 3.9-3.11 to build the validators' environment from (CSCPERF_DFE_PYTHON, this one, or
    python3.11/3.10/3.9 on PATH)."""
    tried = []
    candidates = [os.environ.get("CSCPERF_DFE_PYTHON"), sys.executable, *(shutil.which(p) for p in PYTHONS)]
    for python in filter(None, candidates):
        version = _version_of(python)
        tried.append(f"{python} ({'.'.join(map(str, version)) if version else 'does not run'})")
        if version and (3, 9) <= version <= (3, 11):
            return python
    raise Unavailable("the DfE validators need Python 3.9, 3.10 or 3.11 (they pin numpy<1.25 and pandas<2.0, "
                      "which have no wheels for later Pythons); found only " + ", ".join(tried) +
                      ". Install Python 3.11, or name one with CSCPERF_DFE_PYTHON")


def ensure_env(options: Options | None = None) -> Path:
    """The Python of the validators' environment, creating it (once) if needed."""
    options = options or Options()
    env = env_dir(options)
    python = _python_in(env)
    if (env / READY).exists() and python.exists():
        return python
    if not options.install:
        raise Unavailable(f"the DfE validators are not installed yet (they go in {env})")
    if env.exists():
        shutil.rmtree(env)                   # a half-made environment from an interrupted install
    base = base_python()
    say = options.progress or (lambda message: None)
    say(f"Installing the DfE validators into {env} (once; about 250 MB)")
    env.parent.mkdir(parents=True, exist_ok=True)
    steps = [([base, "-m", "venv", str(env)], "create a virtual environment"),
             ([str(python), "-m", "pip", "install", "--disable-pip-version-check", "--quiet", *PACKAGES],
              "install " + " ".join(PACKAGES)),
             ([str(python), "-I", "-c", "import lac_validator.lac_validator, cin_validator.cin_validator"],
              "import the validators")]
    for command, what in steps:
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800, cwd=tempfile.gettempdir())
        if done.returncode != 0:
            shutil.rmtree(env, ignore_errors=True)
            detail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-6:])
            raise Unavailable(f"could not {what} for the DfE validators:\n{detail}")
    (env / READY).write_text(json.dumps({"packages": PACKAGES, "python": base}))
    return python


# ---- preparing the runs ------------------------------------------------------------------------

@dataclass
class _Table903:
    header: list[str]
    rows: list[list[str]]
    origin: list[tuple[str, int]]            # (file as problems name it, line) of each row
    columns: dict[str, dict[str, str]]       # file -> the validator's column -> the column as named in it


def _dfe_columns(table: str) -> list[str]:
    layout = next(lay for lay in ssda903.LAYOUTS if lay.table == table)
    return list(layout.columns) + sorted(layout.known)


def _prepare_903(typed_parts: dict) -> dict[int, dict[str, _Table903]]:
    """year -> validator table -> rows, from every SSDA903 part (CSV or XML) of the load."""
    years: dict[int, dict[str, _Table903]] = defaultdict(dict)
    for table, parts in typed_parts.items():
        if table not in TABLES_903:
            continue
        columns = _dfe_columns(table)
        for t in parts:
            year = t.result.collection_year
            if t.layout.format != "ssda903" or year is None or t.part is None:
                continue
            text = t.part.text
            by_norm = {norm(h): i for i, h in enumerate(text.header)}
            index = {c: by_norm.get(norm(c), by_norm.get(norm(XML_NAMES.get(c, c)))) for c in columns}
            target = years[year].setdefault(TABLES_903[table], _Table903(columns, [], [], {}))
            target.columns[text.name] = {c: text.header[i] for c, i in index.items() if i is not None}
            for row, line in zip(text.rows, text.lines):
                target.rows.append(["" if index[c] is None else row[index[c]] for c in columns])
                target.origin.append((text.name, line))
    return years


def _cin_files(files: list[Path]) -> list[tuple[Path, str]]:
    """CIN census XML files among those loaded, with the collection year their reference date gives."""
    found = []
    for path in files:
        if path.suffix.lower() != ".xml":
            continue
        with open(path, "rb") as f:
            head = f.read(4096)
        if b"<Message" not in head or not re.search(rb"<Collection>\s*CIN\s*</Collection>", head):
            continue
        ref = re.search(rb"<ReferenceDate>\s*(\d{4})-(\d{2})-\d{2}", head)
        if ref:
            year, month = int(ref.group(1)), int(ref.group(2))
            found.append((path, str(year if month <= 3 else year + 1)))
        else:
            found.append((path, ""))
    return found


def _child_lines(path: Path) -> dict[str, int]:
    """The line of each child's first LAchildID element in a CIN census file."""
    lines: dict[str, int] = {}
    pattern = re.compile(r"<LAchildID>\s*([^<]*?)\s*</LAchildID>")
    with open(path, encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, start=1):
            for m in pattern.finditer(line):
                lines.setdefault(m.group(1), number)
    return lines


def _year_name(year: int | str) -> str:
    y = int(year)
    return f"{y - 1}/{str(y)[2:]}"


# ---- running ----------------------------------------------------------------------------------

def check(files: list[Path], typed_parts: dict, options: Options) -> list[Problem]:
    """The DfE's findings on the SSDA903 parts and CIN census files of a load, as problems."""
    years = _prepare_903(typed_parts)
    cin = _cin_files(files)
    if not years and not cin:
        return [Problem("(DfE rules)", None, None, None, "dfe-rules",
                        "no SSDA903 or CIN census data in this load, so the DfE's rules were not run", INFO)]
    try:
        python = ensure_env(options)
    except Unavailable as e:
        return [Problem("(DfE rules)", None, None, None, "dfe-rules", f"the DfE's rules were not run: {e}", INFO)]

    la = options.la_code or ""
    notes: list[Problem] = []
    if not LA_CODE.match(la) and years:
        notes.append(Problem("(DfE rules)", None, None, None, "dfe-rules",
                             "no council ONS code given (e.g. --la-code E10000016), so the DfE rules that compare a "
                             "placement's area with the council's treat every placement as out of area", INFO))
    if not LA_CODE.match(la):
        la = "E99999999"
    with tempfile.TemporaryDirectory(prefix="cscperf-dfe-") as tmp:
        runs, origins = [], {}
        for year, tables in sorted(years.items()):
            run = {"id": f"903-{year}", "kind": "903", "year": str(year), "la": la, "this": {}, "prev": {}}
            for which, y in (("this", year), ("prev", year - 1)):
                for name, t in years.get(y, {}).items():
                    path = Path(tmp) / f"{y}-{name}.csv"
                    with open(path, "w", newline="", encoding="utf-8") as f:
                        w = csv.writer(f)
                        w.writerow(t.header)
                        w.writerows(t.rows)
                    run[which][name] = str(path)
            runs.append(run)
            origins[run["id"]] = tables
        for i, (path, year) in enumerate(cin):
            if not year:
                notes.append(Problem(path.name, None, None, None, "dfe-rules", "the DfE's CIN rules were not run: the "
                                     "file has no ReferenceDate in its header, so its collection year is unknown", INFO))
                continue
            runs.append({"id": f"cin-{i}", "kind": "cin", "year": year, "path": str(path)})
        if options.progress:
            options.progress(f"Running the DfE's rules ({len(runs)} run(s))")
        done = None
        try:
            done = subprocess.run([str(python), "-I", str(RUNNER)], input=json.dumps({"runs": runs}),
                                  capture_output=True, text=True, timeout=options.timeout, cwd=tmp)
            out = json.loads(done.stdout)
        except (subprocess.SubprocessError, OSError, json.JSONDecodeError) as e:
            tail = "\n".join((done.stderr if done else "").strip().splitlines()[-5:])
            return notes + [Problem("(DfE rules)", None, None, None, "dfe-rules",
                                    f"the DfE validators stopped without results ({type(e).__name__}: {e}) {tail}", INFO)]

    versions = ", ".join(f"{k} {v}" for k, v in out.get("versions", {}).items() if v)
    problems: list[Problem] = []
    for res in out["results"]:
        if res["id"].startswith("903-"):
            year = int(res["id"][4:])
            what, tables = f"SSDA903 {_year_name(year)}", origins[res["id"]]
            files_named = sorted({name for t in tables.values() for name, _ in t.origin})
        else:
            path, year = cin[int(res["id"][4:])]
            what, tables, files_named = f"CIN census {_year_name(year)}", None, [path.name]
        where = ", ".join(files_named[:3]) + (" ..." if len(files_named) > 3 else "")
        if res.get("error"):
            notes.append(Problem("(DfE rules)", None, None, None, "dfe-rules",
                                 f"the DfE's rules for {what} ({where}) stopped: {res['error']}", INFO))
            continue
        for note in res.get("notes", []):
            notes.append(Problem("(DfE rules)", None, None, None, "dfe-rules", f"{what}: {note}", INFO))
        used = _year_name(int(res["ruleset"][-2:]) + 2000) if res.get("ruleset") else None
        caveat = (f" The validator has no rules for {_year_name(year)}, so those of {used}, the nearest year it has, "
                  "were used: rules that changed between the two years may be wrong for this data."
                  if used and used != _year_name(year) else "")
        notes.append(Problem("(DfE rules)", None, None, None, "dfe-rules",
                             f"the DfE's rules for {what} were run on {where} ({versions}): "
                             f"{len(res['findings']):,} finding(s).{caveat}", INFO))
        lines = _child_lines(path) if tables is None else {}
        for f in res["findings"]:
            problems.append(_finding(f, what, tables, lines, files_named[0]))
    return notes + [p for p in problems if p is not None]


def _finding(f: dict, what: str, tables: dict | None, lines: dict[str, int], default_file: str) -> Problem | None:
    code, child = f["code"], f.get("child")
    message = f"DfE rule {code} ({what}): {f['message'].strip()}" + (f" (child {child})" if child else "")
    if tables is not None:                                   # SSDA903: the row as given, back to file and line
        table = tables.get(f["table"])
        if table is None or f["row"] is None or f["row"] >= len(table.origin):
            return None                                      # a finding on the year before: that year's run has it
        file, line = table.origin[f["row"]]
        names = [table.columns.get(file, {}).get(c, c) for c in f["columns"]]
        value = None
        if len(f["columns"]) == 1 and f["columns"][0] in table.header:
            value = table.rows[f["row"]][table.header.index(f["columns"][0])] or None
        return Problem(file, line, ", ".join(names) or None, value, f"dfe:{code}", message, WARNING)
    return Problem(default_file, lines.get(child) if child else None, ", ".join(f["columns"]) or None, None,
                   f"dfe:{code}", message, WARNING)
