"""What a committee received, frozen; and restatements when a later calculation changes it.

`cscperf publish --month YYYY-MM` writes the month's report and freezes, in the store, the figures
it showed: each result it looked up (indicator, period end, breakdown), its value as computed and
as printed (after suppression), with the snapshot, its extract date and the catalogue version that
produced them, the checksums of the report files and the analysts' notes it used (tables
`publications` and `published_results`). Publishing is append-only: publishing a month again adds a
publication, it never edits one.

Every later report compares its whole-authority figures with the latest publication that showed
the same figure (indicator and period end). Where the figure as printed now differs from the figure
as printed then, the report lists a restatement and marks the figure [r], with the reason:

* **changed definition**: the catalogue version differs (a rule or parameter of the catalogue changed);
* **new data**: the same definition, a later snapshot with a later extract date (late recording,
  a new month's extract that also revises earlier months);
* **corrected data**: the same definition, another snapshot of the same extract date (the extract
  was fixed and loaded again).

Breakdowns are frozen too, but only whole-authority figures are checked for restatement.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

DDL = """
CREATE TABLE IF NOT EXISTS publications (
    publication_id INTEGER PRIMARY KEY, month DATE, published_at TIMESTAMP, snapshot INTEGER, extract_date DATE,
    catalogue_version VARCHAR, council VARCHAR, by_whom VARCHAR, threshold INTEGER, files VARCHAR, notes VARCHAR);
CREATE TABLE IF NOT EXISTS published_results (
    publication_id INTEGER, indicator VARCHAR, period_end DATE, breakdown VARCHAR, value DOUBLE, shown VARCHAR,
    suppressed BOOLEAN);
"""

NEW_DATA, CORRECTED_DATA, CHANGED_DEFINITION = "new data", "corrected data", "changed definition"


@dataclass(frozen=True)
class Publication:
    publication_id: int
    month: dt.date
    published_at: dt.datetime
    snapshot: int
    extract_date: dt.date | None
    catalogue_version: str
    council: str | None
    by_whom: str | None
    files: dict
    notes: list


@dataclass(frozen=True)
class Restatement:
    indicator: str
    period_end: dt.date
    publication: Publication
    published_text: str
    now_text: str
    reasons: tuple[str, ...]
    detail: str

    @property
    def reason(self) -> str:
        return " and ".join(self.reasons)


def exists(con) -> bool:
    found = con.execute("SELECT count(*) FROM information_schema.tables "
                        "WHERE table_name IN ('publications', 'published_results')").fetchall()[0][0]
    return found == 2


def next_id(con) -> int:
    """The number the next publication will get (a report being published prints it)."""
    if not exists(con):
        return 1
    return con.execute("SELECT coalesce(max(publication_id), 0) + 1 FROM publications").fetchall()[0][0]


def frozen_rows(rep) -> list[dict]:
    """Every result a built report (cscperf.report.committee.Report) looked up, with its value as
    computed and as printed."""
    from cscperf.indicators import get
    from cscperf.report import formatting as fmt
    from cscperf.report.data import C

    out = []
    for r in rep.data.raw_rows():
        ind = get(r["indicator"])
        shown = C if r["suppressed"] else (fmt.DASH if r["value"] is None else fmt.value(r["value"], ind.unit, ind.decimals))
        out.append({**r, "shown": shown})
    return out


def publish(con, month: dt.date, snapshot: int, extract_date: dt.date | None, catalogue_version: str,
            council: str, rows: list[dict], threshold: int, files: dict[str, str] | None = None,
            notes: list[dict] | None = None, by: str = "cli") -> int:
    """Freeze a report's figures: rows of indicator, period_end, breakdown, value, shown, suppressed."""
    import pyarrow as pa

    if not exists(con):
        con.execute(DDL)
    con.execute("BEGIN TRANSACTION")
    try:
        pid = con.execute("SELECT coalesce(max(publication_id), 0) + 1 FROM publications").fetchall()[0][0]
        con.execute("INSERT INTO publications VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [pid, month, dt.datetime.now().replace(microsecond=0), snapshot, extract_date, catalogue_version,
                     council, by, threshold, json.dumps(files or {}), json.dumps(notes or [], default=str)])
        table = pa.table({
            "publication_id": pa.array([pid] * len(rows), pa.int32()),
            "indicator": pa.array([r["indicator"] for r in rows], pa.string()),
            "period_end": pa.array([r["period_end"] for r in rows], pa.date32()),
            "breakdown": pa.array([r["breakdown"] for r in rows], pa.string()),
            "value": pa.array([r["value"] for r in rows], pa.float64()),
            "shown": pa.array([r["shown"] for r in rows], pa.string()),
            "suppressed": pa.array([bool(r["suppressed"]) for r in rows], pa.bool_()),
        })
        con.insert_arrow("published_results", table)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return pid


def _publication(r) -> Publication:
    return Publication(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], json.loads(r[9] or "{}"), json.loads(r[10] or "[]"))


def publications(con, month: dt.date | None = None) -> list[Publication]:
    """Every publication (of one report month), oldest first."""
    if not exists(con):
        return []
    sql = "SELECT * FROM publications" + (" WHERE month = ?" if month else "") + " ORDER BY publication_id"
    return [_publication(r) for r in con.execute(sql, [month] if month else []).fetchall()]


def published_whole(con) -> dict[tuple[str, dt.date], tuple[int, float | None, str, bool]]:
    """For each whole-authority figure ever published, the latest publication's (id, value, shown, suppressed)."""
    if not exists(con):
        return {}
    rows = con.execute("""
        SELECT indicator, period_end, publication_id, value, shown, suppressed FROM (
            SELECT *, row_number() OVER (PARTITION BY indicator, period_end ORDER BY publication_id DESC) AS n
            FROM published_results WHERE breakdown = 'all') WHERE n = 1""").fetchall()
    return {(r[0], r[1]): (r[2], r[3], r[4], r[5]) for r in rows}


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


def reasons(then: Publication, snapshot: int, extract_date: dt.date | None, catalogue_version: str) -> tuple[tuple[str, ...], str]:
    """Why a figure may differ from a publication's: (reasons, detail in words)."""
    out, detail = [], []
    if catalogue_version != then.catalogue_version:
        out.append(CHANGED_DEFINITION)
        detail.append(f"catalogue version {then.catalogue_version} then, {catalogue_version} now")
    if snapshot != then.snapshot:
        if extract_date is not None and then.extract_date is not None and extract_date == then.extract_date:
            out.append(CORRECTED_DATA)
            detail.append(f"snapshot {snapshot} re-loads the extract of {_day(extract_date)} "
                          f"(published from snapshot {then.snapshot})")
        else:
            out.append(NEW_DATA)
            detail.append(f"snapshot {snapshot}" + (f" (extract {_day(extract_date)})" if extract_date else "")
                          + f" replaces snapshot {then.snapshot}"
                          + (f" (extract {_day(then.extract_date)})" if then.extract_date else ""))
    if not out:
        out.append("recalculated")
        detail.append("same snapshot and catalogue version")
    return tuple(out), "; ".join(detail)


def restatements(con, current: dict[tuple[str, dt.date], tuple[float | None, str, bool]], decimals: dict[str, int],
                 snapshot: int, extract_date: dt.date | None, catalogue_version: str) -> list[Restatement]:
    """Published whole-authority figures that read differently now. `current` maps (indicator, period
    end) to (value, shown, suppressed) as this report prints it; `decimals` gives each indicator's."""
    from cscperf.judge import round_half_up

    published = published_whole(con)
    if not published:
        return []
    pubs = {p.publication_id: p for p in publications(con)}
    out = []
    for key, (value, shown, suppressed) in sorted(current.items()):
        if key not in published:
            continue
        pid, old_value, old_shown, old_suppressed = published[key]
        then = pubs[pid]
        if then.snapshot == snapshot and then.catalogue_version == catalogue_version:
            continue
        d = decimals.get(key[0], 1)
        def printed(v):
            return None if v is None else round_half_up(v, d)
        if printed(value) == printed(old_value) and shown == old_shown:
            continue
        if suppressed and old_suppressed:
            continue   # both hidden: saying it changed would say something about hidden numbers
        why, detail = reasons(then, snapshot, extract_date, catalogue_version)
        out.append(Restatement(key[0], key[1], then, old_shown, shown, why, detail))
    return out
