"""Checks that look beyond one value: a row against the extract date, rows against each other, and
the merged tables against each other.

Severities follow one rule. An *error* is a row that cannot be used on its own terms: a value that is
not a date or a number, a required value missing, a record that ends before it starts (`convert`).
Everything found here is a *warning*. A row dated after the extract date does no harm where it
stands (it counts in no period the data covers), so it is kept and reported. Everything that
involves two rows or two tables is a warning because cscperf cannot tell which of the two is wrong,
so it keeps both and says where they are (an episode for a child with no header row, overlapping
episodes, a visit with no plan open that day, the same record twice in one file, where the later
row is used).

Row checks (`row_checks`, `duplicates`) run on each part of a file before merging; table checks
(`table_checks`) run after merging, on tables that still carry where each record came from
(`_name`, the file as problems name it, and `_line`). `cap` keeps the list readable.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Callable

import pyarrow as pa
import pyarrow.compute as pc

from cscperf.model import BY_NAME
from cscperf.sources.csvtext import TextTable
from cscperf.sources.layouts import Layout, norm
from cscperf.sources.scratch import scratch
from cscperf.sources.problems import WARNING, Problem

MAX_LISTED = 1000            # warnings listed one by one per rule, file and column; the rest are counted
UNBORN_DAYS = 280            # pre-birth work (referral, assessment, CP plan, visits) starts at most 40 weeks before birth
LONG_PLAN_DAYS = 3653        # ten years

# Records that can only exist once the child is born (looked after, reviewed, missing, placed).
AFTER_BIRTH_ONLY = {"cla_episodes", "cla_reviews", "cla_health", "missing_episodes", "placed_for_adoption",
                    "sw_episodes", "deprivation_of_liberty", "permanence", "adoptions"}
# Dates a council legitimately records ahead of time: a new starter's first day, a planned leaving date.
FUTURE_ALLOWED = {"professionals"}
# What a visit of each type is a visit for: (table, start, end) of the records that make a child one
# to visit that day, and their name. A child in need is seen while their CIN episode (the referral) is
# open, whether or not they have a CIN plan.
VISIT_PLANS = {"CP": ([("cp_plans", "start_date", "end_date")], "child protection plan"),
               "CIN": ([("cin_plans", "start_date", "end_date"), ("referrals", "referral_date", "closure_date")],
                       "child in need plan or open CIN episode"),
               "CLA": ([("cla_episodes", "start_date", "end_date")], "episode of care")}


def _d(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "blank"


def source_columns(text: TextTable, layout: Layout) -> dict[str, str]:
    """Canonical column -> the column as named in the file's header."""
    by_norm = {norm(h): h for h in text.header}
    return {canon: by_norm[norm(col)] for col, canon in layout.columns.items() if norm(col) in by_norm}


def _raw_values(text: TextTable) -> Callable[[int, str], str | None]:
    """The text of a cell as written in the file, by line and header name."""
    index = {line: i for i, line in enumerate(text.lines)}
    header = {h: i for i, h in enumerate(text.header)}

    def raw(line: int, column: str) -> str | None:
        i, j = index.get(line), header.get(column)
        return None if i is None or j is None else text.rows[i][j]
    return raw


# ---- row checks (one part of one file, before merging) ---------------------------------------------

def row_checks(rows: pa.Table, layout: Layout, text: TextTable, reference: dt.date,
               reference_given: bool) -> list[Problem]:
    """Dates after the extract date (or after today, when no extract date was given): warnings.

    Such a date cannot be true, but the row does no harm where it stands: an event dated after the
    extract date counts in no period the data covers (and is left out when working out that period,
    `load._coverage`), and an end date after it leaves the record open at the extract date. So the
    row is kept and the data team told. A date of birth after it may be an unborn child's."""
    spec = BY_NAME[layout.table]
    if spec.name in FUTURE_ALLOWED or rows.num_rows == 0:
        return []
    columns = source_columns(text, layout)
    raw = _raw_values(text)
    against = f"the extract date ({_d(reference)})" if reference_given else f"today ({_d(reference)})"
    dates = ["dob"] if spec.name == "persons" else list(spec.event_dates)
    problems = []
    lines = rows.column("_line")
    for i, col in enumerate(dates):
        if col not in columns:
            continue
        late = pc.fill_null(pc.greater(rows.column(col), pa.scalar(reference, pa.date32())), False)
        if not pc.any(late).as_py():
            continue
        if col == "dob":
            message = (f"the date of birth is after {against}: fine for an unborn child's expected date of birth; "
                       "otherwise check the year")
        elif i == 0:
            message = (f"is after {against}: an event cannot be recorded before it happens. The row is kept but counts "
                       "in no period up to that date. Check the year (e.g. 2042 typed for 2024)"
                       + ("" if reference_given else ", or give the extract date with --extract-date"))
        else:
            message = (f"is after {against}: the record is counted as still open on that date. If it is a "
                       "planned date, leave it blank until it happens")
        name = columns[col]
        for line in pc.filter(lines, late).to_pylist():
            problems.append(Problem(text.name, line, name, raw(line, name), "future-date", message, WARNING))
    return problems


def duplicates(rows: pa.Table, layout: Layout, text: TextTable) -> list[Problem]:
    """The same record (same natural key) twice in one file: a warning on each later row, saying what
    differs. The later row is the one used (`load._merge`); nothing is rejected."""
    spec = BY_NAME[layout.table]
    if rows.num_rows < 2:
        return []
    counts = rows.group_by(list(spec.key)).aggregate([([], "count_all")]).column("count_all")
    if pc.max(counts).as_py() < 2:
        return []
    key = ", ".join(f'"{k}"' for k in spec.key)
    with scratch(part=rows) as con:
        found = con.sql(f"""SELECT * EXCLUDE (_n) FROM (SELECT *, count(*) OVER (PARTITION BY {key}) AS _n FROM part)
                            WHERE _n > 1 ORDER BY {key}, _line""").to_arrow_table().to_pylist()
    if not found:
        return []
    columns = source_columns(text, layout)
    raw = _raw_values(text)
    compared = [c for c in spec.names if c in columns and c not in spec.key]
    problems = []
    first: dict[tuple, dict] = {}
    for r in found:
        k = tuple(r[c] for c in spec.key)
        if k not in first:
            first[k] = r
            continue
        f = first[k]
        same = ", ".join(f"{columns.get(c, c)} {raw(r['_line'], columns[c]) if c in columns else r[c]}"
                         for c in spec.key)
        differ = [c for c in compared if raw(r["_line"], columns[c]) != raw(f["_line"], columns[c])
                  and r[c] != f[c]]
        if differ:
            what = "; ".join(f"{columns[c]} {raw(f['_line'], columns[c]) or 'blank'!s} in row {f['_line']}, "
                             f"{raw(r['_line'], columns[c]) or 'blank'!s} here" for c in differ[:4])
            message = (f"the same record as row {f['_line']} ({same}) with different values ({what}); cscperf uses "
                       f"this later row. Remove the wrong one, or correct the date if they are two records")
        else:
            message = f"repeats row {f['_line']} ({same}, same values); it is one record and is loaded once"
        problems.append(Problem(text.name, r["_line"], columns.get(spec.key[-1]), None, "duplicate", message, WARNING))
    return problems


# ---- table checks (after merging) -----------------------------------------------------------------

def table_checks(tables: dict[str, pa.Table], columns: dict[str, dict[str, str]],
                 coverage: dict[str, tuple[dt.date, dt.date]], extract_date: dt.date | None) -> list[Problem]:
    """Relational and plausibility checks over the merged tables (each with `_name` and `_line`).
    `columns` gives, per file label, the file's name for each canonical column."""
    with scratch(**tables) as con:
        return _table_checks(con, tables, columns, coverage, extract_date)


def _table_checks(con, tables, columns, coverage, extract_date) -> list[Problem]:
    problems: list[Problem] = []

    def col(label: str, canon: str) -> str:
        return columns.get(label, {}).get(canon, canon)

    def rows(sql: str, params: list | None = None) -> list[dict]:
        result = con.execute(sql, params or [])
        names = [d[0] for d in result.description]
        return [dict(zip(names, r)) for r in result.fetchall()]

    has = tables.__contains__

    # A record for a child with no person (903 header) row.
    if has("persons"):
        for name, t in tables.items():
            if name == "persons" or "person_id" not in t.column_names:
                continue
            for r in rows(f'SELECT _name, _line, person_id FROM "{name}" t ANTI JOIN persons p USING (person_id) '
                          "WHERE t.person_id IS NOT NULL ORDER BY _name, _line"):
                problems.append(Problem(
                    r["_name"], r["_line"], col(r["_name"], "person_id"), r["person_id"], "orphan",
                    f"no child {r['person_id']} in the header / persons rows loaded, so this {_what(name)} cannot be "
                    "linked to the child's date of birth, sex or ethnicity. Add the child's header row, or check the "
                    "ID (leading zeros, typing slips)", WARNING))

    # A conference whose S47 enquiry is not in the extract (allowing for enquiries begun before it starts).
    if has("icpcs") and has("s47_enquiries"):
        since = coverage.get("s47_enquiries", (dt.date.min, None))[0]
        since = since + dt.timedelta(days=60) if since > dt.date.min + dt.timedelta(days=60) else since
        for r in rows("""SELECT _name, _line, s47_id, icpc_date FROM icpcs i
                         WHERE s47_id IS NOT NULL AND icpc_date >= ?
                           AND s47_id NOT IN (SELECT s47_id FROM s47_enquiries WHERE s47_id IS NOT NULL)
                         ORDER BY _name, _line""", [since]):
            problems.append(Problem(
                r["_name"], r["_line"], col(r["_name"], "s47_id"), r["s47_id"], "unknown-s47",
                f"no section 47 enquiry with ID {r['s47_id']} in the files loaded, though the conference on "
                f"{_d(r['icpc_date'])} says it followed one. Check the enquiry ID, or add the enquiry", WARNING))

    # Allocations to workers, and workers to teams, that are not in the lists (by ID, or by name, as
    # Annex A gives them).
    if has("allocations") and has("professionals"):
        for r in rows("""SELECT _name, _line, professional_id FROM allocations a
                         WHERE professional_id NOT IN (SELECT professional_id FROM professionals)
                           AND lower(trim(professional_id)) NOT IN (
                               SELECT lower(trim(name)) FROM professionals WHERE name IS NOT NULL)
                         ORDER BY _name, _line"""):
            problems.append(Problem(
                r["_name"], r["_line"], col(r["_name"], "professional_id"), r["professional_id"], "unknown-worker",
                f"worker {r['professional_id']} is not in the professionals (staff) file loaded, so caseloads and "
                "breakdowns by worker and team will miss this allocation. Add the worker, or correct the ID", WARNING))
    if has("teams"):
        for name in ("allocations", "professionals"):
            if has(name):
                for r in rows(f"""SELECT _name, _line, team_id FROM "{name}" x WHERE team_id IS NOT NULL
                                  AND team_id NOT IN (SELECT team_id FROM teams)
                                  AND lower(trim(team_id)) NOT IN (SELECT lower(trim(team_name)) FROM teams)
                                  ORDER BY _name, _line"""):
                    problems.append(Problem(
                        r["_name"], r["_line"], col(r["_name"], "team_id"), r["team_id"], "unknown-team",
                        f"team {r['team_id']} is not in the teams file loaded; breakdowns by team will show it without "
                        "a name. Add the team, or correct the ID", WARNING))

    # A visit with no plan (or episode of care) of its type open that day, where the plans are loaded
    # and cover the day.
    if has("visits"):
        for vtype, (plans, words) in VISIT_PLANS.items():
            plans = [p for p in plans if has(p[0]) and p[0] in coverage]
            if not plans:
                continue
            start = max(coverage[p[0]][0] for p in plans)        # only where every source covers the day
            end = min(coverage[p[0]][1] for p in plans)
            open_that_day = " OR ".join(
                f"""EXISTS (SELECT 1 FROM "{t}" p WHERE p.person_id = v.person_id AND p."{a}" <= v.visit_date
                            AND (p."{b}" IS NULL OR p."{b}" >= v.visit_date))""" for t, a, b in plans)
            for r in rows(f"""SELECT _name, _line, person_id, visit_date FROM visits v
                              WHERE visit_type = ? AND visit_date BETWEEN ? AND ? AND NOT ({open_that_day})
                              ORDER BY _name, _line""", [vtype, start, end]):
                problems.append(Problem(
                    r["_name"], r["_line"], col(r["_name"], "visit_date"), _d(r["visit_date"]), "visit-without-plan",
                    f"a {vtype} visit to child {r['person_id']}, but the child has no {words} open on "
                    f"{_d(r['visit_date'])} in the files loaded, so it counts towards no plan. Check the visit's type "
                    f"and date, and the start and end dates of the child's {words.split(' or ')[0]}", WARNING))

    # Before birth, after death.
    if has("persons"):
        for name, t in tables.items():
            spec = BY_NAME[name]
            if name == "persons" or "person_id" not in t.column_names or not spec.event_dates:
                continue
            date = spec.event_dates[0]
            strict = f"'{name}' IN ({', '.join(repr(n) for n in AFTER_BIRTH_ONLY)})"
            if name == "visits":
                strict = "x.visit_type = 'CLA'"
            for r in rows(f"""SELECT x._name, x._line, x.person_id, x."{date}" AS d, p.dob, p.death_date,
                                     ({strict}) AS strict
                              FROM "{name}" x JOIN persons p USING (person_id)
                              WHERE (p.dob IS NOT NULL AND x."{date}" < p.dob - CASE WHEN {strict} THEN 0 ELSE ? END)
                                 OR (p.death_date IS NOT NULL AND x."{date}" > p.death_date)
                              ORDER BY x._name, x._line""", [UNBORN_DAYS]):
                where = col(r["_name"], date)
                if r["dob"] is not None and r["d"] < r["dob"]:
                    why = ("is before the child was born" if r["strict"] else
                           "is more than 40 weeks before the child was born, too early even for pre-birth work")
                    problems.append(Problem(
                        r["_name"], r["_line"], where, _d(r["d"]), "before-birth",
                        f"this {_what(name)} {why} (child {r['person_id']}, date of birth {_d(r['dob'])}). Check the "
                        "date of birth and this date", WARNING))
                else:
                    problems.append(Problem(
                        r["_name"], r["_line"], where, _d(r["d"]), "after-death",
                        f"this {_what(name)} is after the child died (child {r['person_id']}, date of death "
                        f"{_d(r['death_date'])}). Check the date of death and this date", WARNING))

    # 903 episodes: overlapping, and X1 endings with no episode following.
    if has("cla_episodes"):
        for r in rows("""SELECT * FROM (
                            SELECT _name, _line, person_id, start_date,
                                   lag(start_date) OVER w AS prev_start, lag(end_date) OVER w AS prev_end,
                                   lag(_name) OVER w AS prev_name, lag(_line) OVER w AS prev_line
                            FROM cla_episodes WINDOW w AS (PARTITION BY person_id ORDER BY start_date))
                         WHERE prev_start IS NOT NULL AND (prev_end IS NULL OR prev_end > start_date)
                         ORDER BY _name, _line"""):
            ended = "has no end date" if r["prev_end"] is None else f"ends on {_d(r['prev_end'])}"
            problems.append(Problem(
                r["_name"], r["_line"], col(r["_name"], "start_date"), _d(r["start_date"]), "overlap",
                f"child {r['person_id']}'s episode starting {_d(r['start_date'])} overlaps the previous one, which "
                f"started {_d(r['prev_start'])} and {ended} ({r['prev_name']}, row {r['prev_line']}). A child has one "
                "episode at a time: end the earlier one on the day the next starts", WARNING))
        for r in rows("""SELECT _name, _line, person_id, end_date FROM cla_episodes e
                         WHERE reason_ceased = 'X1' AND end_date IS NOT NULL AND NOT EXISTS (
                            SELECT 1 FROM cla_episodes n WHERE n.person_id = e.person_id AND n.start_date = e.end_date)
                         ORDER BY _name, _line"""):
            problems.append(Problem(
                r["_name"], r["_line"], col(r["_name"], "reason_ceased"), "X1", "episode-gap",
                f"the episode ends on {_d(r['end_date'])} with REC X1 (a new episode starts the same day), but child "
                f"{r['person_id']} has no episode starting on {_d(r['end_date'])} in the files loaded. Add the next "
                "episode, or correct REC or DEC", WARNING))

    # Child protection plans longer than ten years (open plans: to the extract date).
    if has("cp_plans") and extract_date:
        for r in rows("""SELECT _name, _line, person_id, start_date, end_date FROM cp_plans
                         WHERE coalesce(end_date, ?) - start_date > ? ORDER BY _name, _line""",
                      [extract_date, LONG_PLAN_DAYS]):
            until = f"to {_d(r['end_date'])}" if r["end_date"] else f"and still open at {_d(extract_date)}"
            problems.append(Problem(
                r["_name"], r["_line"], col(r["_name"], "start_date"), _d(r["start_date"]), "long-plan",
                f"child {r['person_id']}'s child protection plan runs from {_d(r['start_date'])} {until}, more than "
                "ten years. Check the start date, and whether the plan should have ended", WARNING))
    return problems


def _what(table: str) -> str:
    return {"cla_episodes": "episode", "cla_reviews": "review", "missing_episodes": "missing episode",
            "cp_plans": "child protection plan", "cin_plans": "child in need plan", "visits": "visit",
            "referrals": "referral", "assessments": "assessment", "s47_enquiries": "section 47 enquiry",
            "icpcs": "conference", "allocations": "allocation", "cla_health": "health check",
            "care_proceedings": "set of proceedings"}.get(table, f"{table.replace('_', ' ')} record")


def cap(problems: list[Problem], max_listed: int = MAX_LISTED) -> list[Problem]:
    """Warnings listed one by one up to `max_listed` per rule, file and column; the rest counted in one
    summary problem (with `count`). Errors are always all listed: each names a row left out."""
    if not max_listed:
        return problems
    seen: dict[tuple, int] = defaultdict(int)
    kept, extra = [], defaultdict(int)
    for p in problems:
        k = (p.rule, p.file, p.column, p.severity)
        if p.severity != WARNING or p.count != 1:
            kept.append(p)
            continue
        seen[k] += 1
        if seen[k] <= max_listed:
            kept.append(p)
        else:
            extra[k] += 1
    for (rule, file, column, severity), n in extra.items():
        kept.append(Problem(file, None, column, None, rule,
                            f"and {n:,} more rows in this file with the same problem ({n + max_listed:,} in all); "
                            f"only the first {max_listed:,} are listed", severity, count=n))
    return kept
