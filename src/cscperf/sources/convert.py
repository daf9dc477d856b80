"""Typing a file's text values into canonical columns, with a problem for every value that fails.

The work is done in DuckDB, column by column, so a county's files type in well under a second and
each failure keeps the line and the text it came from.
"""

from __future__ import annotations

import pyarrow as pa

from cscperf.model import codes, table as model_table
from cscperf.sources.csvtext import TextTable
from cscperf.sources.layouts import Layout, norm
from cscperf.sources.scratch import scratch
from cscperf.sources.problems import Problem

SQL_TYPES = {"str": "VARCHAR", "date": "DATE", "int": "BIGINT", "float": "DOUBLE", "bool": "BOOLEAN", "list": "VARCHAR"}

TRUE = ("1", "1.0", "y", "yes", "true", "t")
FALSE = ("0", "0.0", "n", "no", "false", "f")

EXPECTED = {
    "date": "expected a date as dd/mm/yyyy or yyyy-mm-dd with a four-digit year, e.g. 31/03/2024",
    "int": "expected a whole number, e.g. 3",
    "float": "expected a number, e.g. 0.5",
    "bool": "expected yes or no (Y, N, 1, 0, true, false)",
}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def typed_expr(src: str, ctype: str, value_map: dict[str, str] | None, upper: bool) -> str:
    s = f"NULLIF(trim({src}), '')"
    if ctype == "date":
        return (f"CASE WHEN regexp_full_match({s}, '\\d{{1,2}}/\\d{{1,2}}/\\d{{4}}') "
                f"THEN try_strptime({s}, '%d/%m/%Y')::DATE "
                f"WHEN regexp_full_match({s}, '\\d{{4}}-\\d{{2}}-\\d{{2}}([T ]\\d{{2}}:\\d{{2}}(:\\d{{2}}(\\.\\d+)?)?)?') "
                f"THEN try_strptime(substr({s}, 1, 10), '%Y-%m-%d')::DATE END")
    if ctype == "int":
        return (f"CASE WHEN TRY_CAST({s} AS DOUBLE) = floor(TRY_CAST({s} AS DOUBLE)) "
                f"THEN TRY_CAST(TRY_CAST({s} AS DOUBLE) AS BIGINT) END")
    if ctype == "float":
        return f"TRY_CAST({s} AS DOUBLE)"
    if ctype == "bool":
        return (f"CASE WHEN lower({s}) IN ({', '.join(map(_lit, TRUE))}) THEN TRUE "
                f"WHEN lower({s}) IN ({', '.join(map(_lit, FALSE))}) THEN FALSE END")
    if ctype == "list":
        return f"NULLIF(regexp_replace(upper({s}), '\\s*[;,|]\\s*', ';', 'g'), '')"
    value = f"upper({s})" if upper else s
    if value_map:
        cases = " ".join(f"WHEN {_lit(k)} THEN {_lit(v)}" for k, v in value_map.items())
        return f"CASE {value} {cases} ELSE {value} END"
    return value


def convert(text: TextTable, layout: Layout) -> tuple[pa.Table, list[Problem]]:
    """The file's rows as the canonical table's columns (plus `_line`), and the problems found."""
    spec = model_table(layout.table)
    by_norm = {norm(h): i for i, h in enumerate(text.header)}
    file = text.name
    raw_cols: dict[str, pa.Array] = {"_line": pa.array(text.lines, pa.int64())}
    source_of: dict[str, str] = {}  # canonical column -> file column as written
    for file_col, canon in layout.columns.items():
        i = by_norm.get(norm(file_col))
        if i is None:
            continue
        source_of[canon] = text.header[i]
        values = [r[i] for r in text.rows]
        value_map = layout.values.get(canon)
        if value_map and spec.column(canon).type not in ("str", "list"):
            # A layout's words for yes/no, numbers or dates ("NA" -> blank, "Agency" -> true), mapped before typing.
            values = [value_map.get(v.strip().upper(), v) for v in values]
        raw_cols[canon] = pa.array(values, pa.string())
    for canon, value in layout.constants.items():
        if canon not in source_of:      # what the kind of file says, e.g. visit_type CP for an SSD ssd_cp_visits file
            source_of[canon] = canon
            raw_cols[canon] = pa.array([value] * len(text.rows), pa.string())
    raw = pa.table(raw_cols)

    with scratch(raw=raw) as con:
        selects, checks = ["_line"], []
        for col in spec.columns:
            sql_type = SQL_TYPES[col.type]
            if col.name not in source_of:
                selects.append(f"NULL::{sql_type} AS {_q(col.name)}")
                continue
            src = f"raw.{_q(col.name)}"
            expr = typed_expr(src, col.type, layout.values.get(col.name), upper=bool(col.codes))
            selects.append(f"({expr})::{sql_type} AS {_q(col.name)}")
            shown = _lit(source_of[col.name])
            if col.type in EXPECTED:
                message = EXPECTED[col.type]
                if col.type == "date":
                    # A value in the right shape that is not a real day: say so plainly.
                    message_sql = (f"CASE WHEN regexp_full_match(trim({src}), '\\d{{1,2}}/\\d{{1,2}}/\\d{{4}}|\\d{{4}}-\\d{{2}}-\\d{{2}}.*') "
                                   f"THEN 'not a real calendar date (dates are read day first, as dd/mm/yyyy)' ELSE {_lit(message)} END")
                else:
                    message_sql = _lit(message)
                checks.append(f"SELECT _line, {shown}, {src}, {_lit(col.type)}, {message_sql}, 'error' FROM raw "
                              f"WHERE NULLIF(trim({src}), '') IS NOT NULL AND ({expr}) IS NULL")
            if col.required:
                required = _lit(f"a value is required: {col.doc[:1].lower() + col.doc[1:]}")
                checks.append(f"SELECT _line, {shown}, NULL, 'required', {required}, 'error' FROM raw "
                              f"WHERE NULLIF(trim({src}), '') IS NULL")
            if col.codes:
                code_list = list(getattr(codes, col.codes.upper()))
                allowed = ", ".join(_lit(c) for c in code_list)
                listed = (f" ({', '.join(code_list)})" if len(code_list) <= 12
                          else f" (see the {col.codes} codes in docs/tables.md)")
                if col.type == "list":
                    checks.append(f"SELECT _line, {shown}, {src}, 'code', {_lit(f'contains a code not in the {col.codes} list{listed}; kept as written')}, "
                                  f"'warning' FROM raw WHERE ({expr}) IS NOT NULL "
                                  f"AND NOT list_has_all([{allowed}], string_split({expr}, ';'))")
                else:
                    checks.append(f"SELECT _line, {shown}, {src}, 'code', {_lit(f'not a code in the {col.codes} list{listed}; kept as written')}, "
                                  f"'warning' FROM raw WHERE ({expr}) IS NOT NULL AND ({expr}) NOT IN ({allowed})")
        for i, (start, end) in enumerate(spec.ordered_dates):
            if start in source_of and end in source_of:
                s_expr = typed_expr(f"raw.{_q(start)}", "date", None, False)
                e_expr = typed_expr(f"raw.{_q(end)}", "date", None, False)
                # The record's own start and end (the first pair) in the wrong order: the row cannot be placed
                # in time, so it cannot be used. A later pair (a return interview before the return) is a warning.
                if i == 0:
                    what, severity = "a record cannot end before it starts; correct whichever date is wrong", "error"
                else:
                    what, severity = "check both dates", "warning"
                message = (f"{_lit(f'is before {source_of[start]} (')} || trim(raw.{_q(start)}) || "
                           f"{_lit(f'): {what}')}")
                checks.append(f"SELECT _line, {_lit(source_of[end])}, raw.{_q(end)}, 'date-order', "
                              f"{message}, '{severity}' FROM raw WHERE ({e_expr}) < ({s_expr})")
        typed = con.sql(f"SELECT {', '.join(selects)} FROM raw ORDER BY _line").to_arrow_table()
        problems: list[Problem] = []
        if checks:
            for line, column, value, rule, message, severity in con.sql(" UNION ALL ".join(checks) + " ORDER BY 1").fetchall():
                problems.append(Problem(file, line, column, value, rule, message, severity))
    return typed, problems
