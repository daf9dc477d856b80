"""CSV and XLSX of what is on screen: a page's `DataTable`s, written with their raw values.

CSV holds one table (the page's first, or the one named by `?table=`); XLSX holds every table of the
page, one sheet each, with a first sheet saying what the file is, who made it and when (an export
of child-level data leaves the dashboard's control, so the file says so). Numbers stay numbers,
dates stay dates; a suppressed figure is "[c]" as on screen.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from cscperf.web.pages import DataTable

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _safe(value):
    """Text starting with = + - @ is read as a formula by spreadsheets: prefix it (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not re.fullmatch(r"-?\d[\d,.]*", value):
        return "'" + value
    return value


def to_csv(table: DataTable) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow([title for title, _ in table.columns])
    for row in table.rows:
        w.writerow([_safe(_cell(c.raw)) for c in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")   # a BOM, so Excel reads UTF-8


def to_xlsx(tables: list[DataTable], title: str, who: str, when: dt.datetime, about: list[tuple[str, str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    info = wb.active
    info.title = "About"
    info.append([title])
    info["A1"].font = Font(bold=True, size=13)
    for k, v in [("Exported by", who), ("Exported at", when.strftime("%Y-%m-%d %H:%M")), *about]:
        info.append([k, v])
    if any(t.child_level for t in tables):
        info.append([])
        info.append(["This file holds child-level data. Keep it on council systems and delete it when done; "
                     "the export is recorded in the dashboard's audit log."])
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 60
    used = {"About"}
    for t in tables:
        name = re.sub(r"[\[\]:*?/\\]", " ", t.caption)[:31].strip() or t.name[:31]
        base, n = name, 2
        while name in used:
            suffix = f" ({n})"
            name, n = base[:31 - len(suffix)] + suffix, n + 1
        used.add(name)
        ws = wb.create_sheet(name)
        ws.append([title for title, _ in t.columns])
        for c in ws[1]:
            c.font = Font(bold=True)
        for row in t.rows:
            ws.append([_safe(c.raw) if not isinstance(c.raw, (dt.date, dt.datetime)) else c.raw for c in row])
        for i, (col_title, _) in enumerate(t.columns, start=1):
            width = max([len(col_title)] + [len(str(r[i - 1].text)) for r in t.rows[:200]]) + 2
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(width, 60)
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def filename(stem: str, extension: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-") + "." + extension
