"""The store: one DuckDB file (or a PostgreSQL database) holding every snapshot, its files and
problems, and the results.

Each load is one snapshot, written in one transaction: a load that fails leaves nothing behind.
Canonical tables carry a `snapshot_id` column, so history is kept and any figure can be recomputed
from the snapshot it came from. Indicators read the tables through Ibis (`tables`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from cscperf.connections import DUCKDB, Unreachable, connect, is_postgres, is_spark, redacted
from cscperf.model import TABLES
from cscperf.sources.convert import SQL_TYPES
from cscperf.sources.load import Loaded

SCHEMA_VERSION = 2

RESULT_COLUMNS = ("indicator", "period_end", "breakdown", "numerator", "denominator", "value",
                  "snapshot", "catalogue_version")

META_DDL = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS snapshots (
    snapshot_id INTEGER PRIMARY KEY, created_at TIMESTAMP, extract_date DATE, council VARCHAR,
    label VARCHAR, status VARCHAR, warnings INTEGER, rows_loaded BIGINT, rows_rejected BIGINT);
CREATE TABLE IF NOT EXISTS snapshot_files (
    snapshot_id INTEGER, path VARCHAR, sha256 VARCHAR, format VARCHAR, part VARCHAR, layout VARCHAR, "table" VARCHAR,
    encoding VARCHAR, collection_year INTEGER, rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT);
CREATE TABLE IF NOT EXISTS snapshot_coverage (snapshot_id INTEGER, "table" VARCHAR, covers_from DATE, covers_to DATE);
CREATE TABLE IF NOT EXISTS snapshot_councils (
    snapshot_id INTEGER, council VARCHAR, name VARCHAR, ons_code VARCHAR, extract_date DATE, files INTEGER,
    rows_loaded BIGINT, rows_rejected BIGINT, warnings INTEGER);
CREATE TABLE IF NOT EXISTS council_populations (snapshot_id INTEGER, council VARCHAR, mid_year INTEGER, children BIGINT);
CREATE TABLE IF NOT EXISTS problems (
    snapshot_id INTEGER, file VARCHAR, "row" BIGINT, "column" VARCHAR, value VARCHAR, rule VARCHAR,
    message VARCHAR, severity VARCHAR, "count" BIGINT DEFAULT 1);
ALTER TABLE problems ADD COLUMN IF NOT EXISTS "count" BIGINT DEFAULT 1;
CREATE TABLE IF NOT EXISTS compiled_sql (key VARCHAR PRIMARY KEY, sql VARCHAR, created_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS results (
    indicator VARCHAR, period_end DATE, breakdown VARCHAR, numerator DOUBLE, denominator DOUBLE,
    value DOUBLE, units BIGINT, snapshot INTEGER, catalogue_version VARCHAR, computed_at TIMESTAMP);
"""


def _snapshot_columns(t, quoted: bool = True):
    """The columns a snapshot's rows show indicators: the canonical ones, and, for a table with no
    identifiers to qualify (vacancies), the row's council, which in a snapshot of several councils is
    the only way to tell whose row it is (null for one council)."""
    names = [c.name for c in t.columns] + (["council"] if not t.identifiers else [])
    return ", ".join(f'"{n}"' for n in names) if quoted else names


def _cell(value, arrow_type):
    """A problem's field as its column's type (a reader may give a value as a number)."""
    return str(value) if value is not None and arrow_type == pa.string() else value


class StoreError(RuntimeError):
    pass


@dataclass
class Snapshot:
    snapshot_id: int
    created_at: dt.datetime
    extract_date: dt.date | None
    council: str | None
    label: str | None
    status: str
    warnings: int
    rows_loaded: int
    rows_rejected: int


class Store:
    """`engine` (config [store] engine): "duckdb" for the file at `path`, a postgresql:// URL for a
    PostgreSQL database, or "spark"/a Spark master URL to compute on Spark from the DuckDB file.
    `memory_limit` caps DuckDB's memory (beyond it, DuckDB spills to disk beside the file)."""

    def __init__(self, path: str | Path, read_only: bool = False, engine: str = DUCKDB, memory_limit: str = ""):
        self.engine = engine
        if is_postgres(engine):
            self.path = redacted(engine)   # what messages call the store
        else:
            self.path = Path(path)
            if read_only and not self.path.exists():
                raise StoreError(f"{self.path}: no store here yet; load data first with `cscperf load FILES...`")
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = connect(engine, self.path, read_only, memory_limit)
        except Unreachable as e:
            raise StoreError(str(e)) from None
        self.read_only = read_only
        self._spark = None
        if is_spark(engine):
            from cscperf.spark import SparkCompute

            self._spark = SparkCompute(engine)
        if not read_only:
            self._ensure_schema()
        self._tables: dict[int, dict] = {}
        self._made: set[str] = set()   # temporary views and tables made on this connection (`relation`)
        self._once: dict = {}          # what `once` has worked out on this connection

    @classmethod
    def of(cls, config, read_only: bool = False) -> "Store":
        """The store a config names (its path and engine)."""
        return cls(config.store, read_only=read_only, engine=config.engine, memory_limit=config.memory_limit)

    def _one(self, sql: str, params: list | None = None):
        """The first row of a query, or None. (DuckDB 2.0 keeps a result open after fetchone(),
        which blocks the next statement on the connection, so read it whole.)"""
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0] if rows else None

    def _columns(self, table: str) -> set[str]:
        """A table's columns (a store written by an earlier cscperf may lack the newest, read-only)."""
        return {r[0] for r in self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}

    def close(self) -> None:
        self.con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _ensure_schema(self) -> None:
        from cscperf import actions

        self.con.execute(META_DDL)
        actions.ensure(self.con)
        for t in TABLES:
            cols = ", ".join(f'"{c.name}" {SQL_TYPES[c.type]}' for c in t.columns)
            self.con.execute(f'CREATE TABLE IF NOT EXISTS "{t.name}" (snapshot_id INTEGER, {cols})')
            # Which council a row is from, in a snapshot of several (write_councils; docs/councils.md).
            self.con.execute(f'ALTER TABLE "{t.name}" ADD COLUMN IF NOT EXISTS council VARCHAR')
        if is_postgres(self.engine):
            # A server reads results by snapshot (reports, the dashboard) and the dashboard watches the newest
            # computation on every page (web.data.SERVER_FINGERPRINT): indexes keep both from reading every row.
            self.con.execute("CREATE INDEX IF NOT EXISTS results_snapshot ON results (snapshot, catalogue_version)")
            self.con.execute("CREATE INDEX IF NOT EXISTS results_computed_at ON results (computed_at)")
        found = self._one("SELECT value FROM meta WHERE key = 'schema_version'")
        if found is None:
            self.con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        elif int(found[0]) != SCHEMA_VERSION:
            raise StoreError(f"{self.path} was written by another version of cscperf (schema {found[0]}, "
                             f"this one reads {SCHEMA_VERSION}); load your files into a new store")

    # ---- snapshots -------------------------------------------------------------------------

    def write_snapshot(self, loaded: Loaded, council: str | None = None, label: str | None = None) -> int:
        """Write every table of a load as one snapshot, all or nothing."""
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            sid = self._one("SELECT coalesce(max(snapshot_id), 0) + 1 FROM snapshots")[0]
            loaded_rows = sum(f.rows_loaded for f in loaded.files)
            rejected = sum(f.rows_rejected for f in loaded.files)
            con.execute("INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, 'loaded', ?, ?, ?)",
                        [sid, dt.datetime.now(), loaded.extract_date, council, label,
                         sum(p.count for p in loaded.warnings), loaded_rows, rejected])
            self._write_load(sid, loaded, {"snapshot_id": sid})
            for name, (start, end) in loaded.coverage.items():
                con.execute("INSERT INTO snapshot_coverage VALUES (?, ?, ?, ?)", [sid, name, start, end])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.analyse(list(loaded.tables))
        return sid

    def write_councils(self, councils, label: str | None = None) -> tuple[int, list[dict]]:
        """Write several councils' loads as one snapshot, all or nothing: `councils` yields
        (CouncilFolder, Loaded) with identifiers already qualified (`sources.councils.read_councils`),
        read while this writes. Every row keeps its council; the snapshot covers what every council
        covers (a pooled month lacking a council would not be the pool). Returns the snapshot id and
        one summary per council."""
        con, summary = self.con, []
        coverage: dict[str, tuple[dt.date, dt.date]] | None = None
        con.execute("BEGIN TRANSACTION")
        try:
            sid = self._one("SELECT coalesce(max(snapshot_id), 0) + 1 FROM snapshots")[0]
            for council, loaded in councils:
                self._write_load(sid, loaded, {"snapshot_id": sid, "council": council.code})
                got = {"council": council.code, "name": council.name, "ons_code": council.ons_code,
                       "extract_date": loaded.extract_date, "files": len(loaded.files),
                       "rows_loaded": sum(f.rows_loaded for f in loaded.files),
                       "rows_rejected": sum(f.rows_rejected for f in loaded.files),
                       "warnings": sum(p.count for p in loaded.warnings)}
                con.execute("INSERT INTO snapshot_councils VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [sid, *got.values()])
                for year, children in council.population:
                    con.execute("INSERT INTO council_populations VALUES (?, ?, ?, ?)", [sid, council.code, year, children])
                summary.append(got)
                cov = loaded.coverage
                coverage = dict(cov) if coverage is None else {
                    t: (max(a, cov[t][0]), min(b, cov[t][1])) for t, (a, b) in coverage.items() if t in cov}
            if not summary:
                raise StoreError("no council to load")
            for name, (start, end) in (coverage or {}).items():
                if start <= end:
                    con.execute("INSERT INTO snapshot_coverage VALUES (?, ?, ?, ?)", [sid, name, start, end])
            dates = [c["extract_date"] for c in summary if c["extract_date"]]
            con.execute("INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, 'loaded', ?, ?, ?)",
                        [sid, dt.datetime.now(), min(dates) if dates else None, f"{len(summary)} councils", label,
                         sum(c["warnings"] for c in summary), sum(c["rows_loaded"] for c in summary),
                         sum(c["rows_rejected"] for c in summary)])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.analyse([t.name for t in TABLES])
        return sid, summary

    def _write_load(self, sid: int, loaded: Loaded, constants: dict) -> None:
        """A load's tables, files and problems (inside the caller's transaction)."""
        con = self.con
        for name, table in loaded.tables.items():
            con.insert_arrow(name, table, constants)
        for f in loaded.files:
            con.execute("INSERT INTO snapshot_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [sid, f.path, f.sha256, f.format, f.part, f.layout, f.table, f.encoding, f.collection_year,
                         f.rows_read, f.rows_loaded, f.rows_rejected])
        if loaded.problems:   # as one Arrow table: row-by-row inserts take seconds per thousand
            fields = {"file": pa.string(), "row": pa.int64(), "column": pa.string(), "value": pa.string(),
                      "rule": pa.string(), "message": pa.string(), "severity": pa.string(), "count": pa.int64()}
            incoming = pa.table({"snapshot_id": pa.array([sid] * len(loaded.problems), pa.int32()),
                                 **{f: pa.array([_cell(getattr(p, f, 1), t) for p in loaded.problems], t)
                                    for f, t in fields.items()}})
            con.insert_arrow("problems", incoming)

    def councils(self, snapshot_id: int) -> list[tuple[str, str]]:
        """(code, name) of each council a snapshot pools, by code; [] for a one-council snapshot."""
        if not self.has_table("snapshot_councils"):
            return []
        return [tuple(r) for r in self.con.execute("SELECT council, name FROM snapshot_councils WHERE snapshot_id = ? "
                                                   "ORDER BY council", [snapshot_id]).fetchall()]

    def council_populations(self, snapshot_id: int) -> dict[str, dict[int, int]]:
        """{council: {mid-year: children aged 0-17}} from each pooled council's config, for its rates."""
        if not self.has_table("council_populations"):
            return {}
        out: dict[str, dict[int, int]] = {}
        for code, year, children in self.con.execute("SELECT council, mid_year, children FROM council_populations "
                                                      "WHERE snapshot_id = ?", [snapshot_id]).fetchall():
            out.setdefault(code, {})[year] = children
        return out

    def snapshots(self) -> list[Snapshot]:
        rows = self.con.execute("SELECT * FROM snapshots ORDER BY snapshot_id").fetchall()
        return [Snapshot(*r) for r in rows]

    def latest_snapshot(self) -> int:
        found = self._one("SELECT max(snapshot_id) FROM snapshots")[0]
        if found is None:
            raise StoreError(f"{self.path} holds no snapshot yet; load data first with `cscperf load FILES...`")
        return found

    def snapshot(self, snapshot_id: int | None) -> Snapshot:
        sid = self.latest_snapshot() if snapshot_id is None else snapshot_id
        row = self._one("SELECT * FROM snapshots WHERE snapshot_id = ?", [sid])
        if row is None:
            raise StoreError(f"there is no snapshot {sid}; `cscperf snapshots` lists them")
        return Snapshot(*row)

    def coverage(self, snapshot_id: int) -> dict[str, tuple[dt.date, dt.date]]:
        rows = self.con.execute('SELECT "table", covers_from, covers_to FROM snapshot_coverage WHERE snapshot_id = ?',
                                [snapshot_id]).fetchall()
        return {t: (a, b) for t, a, b in rows}

    def table_counts(self, snapshot_id: int) -> dict[str, int]:
        return {t.name: self._one(f'SELECT count(*) FROM "{t.name}" WHERE snapshot_id = ?', [snapshot_id])[0]
                for t in TABLES}

    # ---- indicators --------------------------------------------------------------------------

    def ibis(self):
        """The store's own database as an Ibis backend (reports read through it). Indicators read
        through `tables`, `table` and `materialise`, which go to Spark when it computes."""
        return self.con.ibis()

    def table(self, name: str):
        """A whole table of the store (e.g. the calendar) as an Ibis table where indicators run."""
        if self._spark:
            return self._spark.table(name, lambda: self.con.fetch_arrow(f'SELECT * FROM "{name}"'))
        return self.ibis().table(name)

    def tables(self, snapshot_id: int) -> dict:
        """The canonical tables of one snapshot, as Ibis tables without the snapshot column."""
        if snapshot_id not in self._tables:
            out = {}
            for t in TABLES:
                if self._spark:   # handed over once per snapshot, as Arrow
                    sql = f'SELECT {_snapshot_columns(t)} FROM "{t.name}" WHERE snapshot_id = ?'
                    out[t.name] = self._spark.table(f"{t.name}__{snapshot_id}",
                                                    lambda sql=sql: self.con.fetch_arrow(sql, [snapshot_id]))
                    continue
                tab = self.ibis().table(t.name)
                out[t.name] = tab.filter(tab.snapshot_id == snapshot_id).select(*_snapshot_columns(t, quoted=False))
            self._tables[snapshot_id] = out
        return self._tables[snapshot_id]

    # ---- compiled SQL (cscperf.compiled) -----------------------------------------------------------------

    @property
    def compiles(self) -> bool:
        """Whether indicators run as SQL compiled once (DuckDB, PostgreSQL), not as Ibis expressions (Spark)."""
        return self._spark is None

    @property
    def dialect(self) -> str:
        return self.con.ibis_backend

    def snapshot_views(self, snapshot_id: int, only: set[str] | None = None) -> dict[str, str]:
        """{canonical table: a temporary view of this connection holding the snapshot's rows}, the columns
        of `tables`; for the tables in `only` (default all). An indicator reads a few of the 40 tables, and
        making every view (a statement each) cost a council's first indicator 0.04 s."""
        views = {}
        for t in TABLES:
            if only is not None and t.name not in only:
                continue
            views[t.name] = name = f"_snap{snapshot_id}_{t.name}"
            self.relation(name, f'SELECT {_snapshot_columns(t)} FROM "{t.name}" WHERE snapshot_id = {int(snapshot_id)}')
        return views

    def relation(self, name: str, sql: str, table: bool = False) -> None:
        """A temporary view (or table) of this connection made from a query in the engine's own dialect,
        once: the name must say what it holds. (Only `relation` makes such names, and a connection's temporary
        relations go with it, so there is nothing to drop first: a statement is 1 to 2 ms, a tenth of a council's
        indicator.)"""
        if name not in self._made:
            kind = "TABLE" if table else "VIEW"
            self.con.run_native(f'CREATE TEMPORARY {kind} "{name}" AS {sql}')
            self._made.add(name)

    def small_relation(self, name: str, data: pa.Table, sql: str) -> None:
        """A relation of this connection holding a small Arrow table (`sql` gives the same rows), once, as
        `relation`: such as the period ends an indicator is computed at."""
        if name not in self._made:
            self.con.temporary(name, data, sql)
            self._made.add(name)

    def once(self, key, make, renew: bool = False):
        """`make()`, worked out once per connection and key (again with `renew`): such as an Ibis table over a
        temporary relation, which costs a query to describe, asked for by every indicator of a run."""
        if renew or key not in self._once:
            self._once[key] = make()
        return self._once[key]

    def compiled(self, key: str) -> str | None:
        """SQL compiled earlier for this key (by any run on this store), or None."""
        if not self.once("has compiled_sql", lambda: self.has_table("compiled_sql")):   # an earlier cscperf's, read-only
            return None
        found = self._one("SELECT sql FROM compiled_sql WHERE key = ?", [key])
        return found[0] if found else None

    def keep_compiled(self, key: str, sql: str) -> None:
        """Keep compiled SQL for later runs (not on a store opened read-only: those keep it in memory)."""
        if not self.read_only:
            self.con.execute("INSERT INTO compiled_sql VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [key, sql, dt.datetime.now()])

    def has_table(self, name: str) -> bool:
        return self._one("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name])[0] > 0

    def materialise(self, expr, name: str):
        """Run an expression once into a temporary table of this connection and return that table."""
        if self._spark:
            return self._spark.materialise(expr, name)
        return self.ibis().create_table(f"_tmp_{name}", expr, temp=True, overwrite=True)

    def query(self, sql: str) -> pa.Table:
        """A DuckDB-dialect query over the store's tables and temporary tables (`materialise`), run where
        the indicators run (DuckDB, PostgreSQL or Spark), as Arrow."""
        if self._spark:
            return self._spark.query(sql)
        return self.con.fetch_arrow(sql)

    def put_calendar(self, calendar: pa.Table) -> None:
        self.con.replace_table("calendar", calendar)
        if self._spark:
            self._spark.put("calendar", calendar)

    # ---- results -----------------------------------------------------------------------------

    def replace_results(self, snapshot_id: int, catalogue_version: str, results: pa.Table) -> None:
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM results WHERE snapshot = ? AND catalogue_version = ?", [snapshot_id, catalogue_version])
            con.insert_arrow("results", results.select([c for c in RESULT_COLUMNS] + ["units"]),
                             {"computed_at": dt.datetime.now()})
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def results(self, snapshot_id: int | None = None, catalogue_version: str | None = None) -> pa.Table:
        """Results of a snapshot (latest by default), from the newest computation of it."""
        sid = self.latest_snapshot() if snapshot_id is None else snapshot_id
        if catalogue_version is None:
            found = self._one("SELECT catalogue_version FROM results WHERE snapshot = ? "
                                     "ORDER BY computed_at DESC LIMIT 1", [sid])
            if found is None:
                raise StoreError(f"snapshot {sid} has no results yet; run `cscperf compute`")
            catalogue_version = found[0]
        cols = ", ".join(RESULT_COLUMNS) + ", units"
        return self.con.fetch_arrow(f"SELECT {cols} FROM results WHERE snapshot = ? AND catalogue_version = ? "
                                    "ORDER BY indicator, breakdown, period_end", [sid, catalogue_version])

    def problems(self, snapshot_id: int) -> list[tuple]:
        """(file, row, column, value, rule, message, severity, count) of each problem of a snapshot."""
        count = '"count"' if "count" in self._columns("problems") else "1"
        return self.con.execute(f"SELECT file, \"row\", \"column\", value, rule, message, severity, {count} FROM problems "
                                "WHERE snapshot_id = ? ORDER BY severity, file, \"row\"", [snapshot_id]).fetchall()

