"""Where the store lives: a DuckDB file (the default) or a PostgreSQL database.

`cscperf.toml` names the engine (`[store] engine`, docs/engines.md). The store and the modules that
write beside it (actions, publications, reports) write their SQL once, in DuckDB's dialect with `?`
placeholders; the PostgreSQL connection translates each statement with sqlglot (once, cached), so both
engines run the same statements. Rows in bulk arrive as Arrow: DuckDB scans the table in place,
PostgreSQL takes it by COPY. Indicators reach either through Ibis (`ibis()`).
"""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path

import pyarrow as pa

DUCKDB = "duckdb"
POSTGRES_PREFIXES = ("postgresql://", "postgres://")
SPARK_PREFIXES = ("spark", "local[", "yarn", "k8s://")   # compute on Spark: "spark" (local) or a master URL


def is_postgres(engine: str) -> bool:
    return engine.startswith(POSTGRES_PREFIXES)


def is_spark(engine: str) -> bool:
    return engine.startswith(SPARK_PREFIXES)


def check_engine(engine: str) -> str | None:
    """What is wrong with an engine setting, or None."""
    if engine == DUCKDB or is_postgres(engine) or is_spark(engine):
        return None
    return (f"engine {engine!r}: expected \"duckdb\", a PostgreSQL URL (postgresql://user@host:5432/database), "
            "\"spark\" or a Spark master URL (spark://host:7077)")


def redacted(url: str) -> str:
    """A connection URL fit for messages: any password replaced by ***."""
    return re.sub(r"(//[^:/@]+):[^@]*@", r"\1:***@", url)


class Unreachable(RuntimeError):
    """The store's database cannot be reached (a StoreError to callers)."""


def _sql_type(t: pa.DataType) -> str:
    """The DuckDB-dialect column type for an Arrow type (tables created from Arrow, e.g. the calendar)."""
    for test, name in ((pa.types.is_date, "DATE"), (pa.types.is_boolean, "BOOLEAN"), (pa.types.is_int32, "INTEGER"),
                       (pa.types.is_integer, "BIGINT"), (pa.types.is_floating, "DOUBLE"),
                       (pa.types.is_timestamp, "TIMESTAMP")):
        if test(t):
            return name
    return "VARCHAR"


class _Connection:
    """What both connections share: `raw`, the driver's connection, and Ibis on top of it."""

    ibis_backend = ""   # the Ibis backend's name
    raw = None
    _ibis = None

    def ibis(self):
        if self._ibis is None:
            import ibis

            self._ibis = getattr(ibis, self.ibis_backend).from_connection(self.raw)
        return self._ibis

    def close(self) -> None:
        self.raw.close()


class DuckDBConnection(_Connection):
    """The embedded store: one DuckDB file."""

    ibis_backend = "duckdb"

    def __init__(self, path: Path, read_only: bool = False, memory_limit: str = ""):
        import duckdb

        self.raw = duckdb.connect(str(path), read_only=read_only,
                                  config={"memory_limit": memory_limit} if memory_limit else {})

    def execute(self, sql: str, params: list | None = None):
        return self.raw.execute(sql, params or [])

    def fetch_arrow(self, sql: str, params: list | None = None) -> pa.Table:
        return self.raw.sql(sql, params=params or []).to_arrow_table()

    def run_native(self, sql: str) -> None:
        """A statement already in DuckDB's dialect (compiled by Ibis for this engine)."""
        self.raw.execute(sql)

    def temporary(self, name: str, data: pa.Table, sql: str) -> None:
        """A temporary table of this connection holding a small Arrow table (`sql` gives the same rows): copied
        from the Arrow table, where planning `sql` took 5 ms. (A table, not the Arrow table read in place: the
        joins to it were a little slower at national size.)"""
        self.raw.register("_incoming_small", data)
        self.raw.execute(f'CREATE TEMPORARY TABLE "{name}" AS SELECT * FROM _incoming_small')
        self.raw.unregister("_incoming_small")

    def insert_arrow(self, table: str, data: pa.Table, constants: dict | None = None) -> None:
        """Append an Arrow table's rows (its columns by name), with `constants` as further columns."""
        constants = constants or {}
        cols = ", ".join(f'"{c}"' for c in [*constants, *data.column_names])
        values = ", ".join(["?"] * len(constants) + [f'"{c}"' for c in data.column_names])
        # Not unregistered when the insert fails: in an aborted transaction that would raise over the
        # error that matters (the next register replaces it anyway).
        self.raw.register("_incoming", data)
        self.raw.execute(f'INSERT INTO "{table}" ({cols}) SELECT {values} FROM _incoming', list(constants.values()))
        self.raw.unregister("_incoming")

    def replace_table(self, table: str, data: pa.Table) -> None:
        self.raw.register("_incoming", data)
        self.raw.execute(f'CREATE OR REPLACE TABLE "{table}" AS SELECT * FROM _incoming')
        self.raw.unregister("_incoming")

    def analyse(self, tables: list[str]) -> None:
        """After a bulk load: nothing to do (DuckDB keeps its statistics as it writes)."""


@functools.lru_cache(maxsize=512)
def transpile(sql: str, dialect: str) -> str:
    """A DuckDB-dialect statement (or several, `;`-separated) in another engine's dialect
    ("postgres": placeholders as %s; "spark")."""
    # Ibis adjusts sqlglot's dialects as it loads them: let it go first, or Ibis's own SQL changes
    # (MAKE_DATE came out as DATE_FROM_PARTS).
    import ibis.backends.sql.dialects  # noqa: F401
    import sqlglot

    return ";\n".join(sqlglot.transpile(sql, read="duckdb", write=dialect))


# PostgreSQL column types (by the names psycopg gives them) as Arrow types, for results read as Arrow.
_ARROW_TYPES = {"date": pa.date32(), "bool": pa.bool_(), "int2": pa.int16(), "int4": pa.int32(), "int8": pa.int64(),
                "float4": pa.float32(), "float8": pa.float64(), "numeric": pa.float64(),
                "timestamp": pa.timestamp("us"), "timestamptz": pa.timestamp("us", tz="UTC")}


class PostgresConnection(_Connection):
    """A store in a PostgreSQL database (psycopg 3, which Ibis's postgres backend also uses)."""

    ibis_backend = "postgres"

    def __init__(self, url: str):
        import psycopg

        try:
            self.raw = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as e:
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise Unreachable(f"cannot reach PostgreSQL at {redacted(url)} ({first}): is the server running and "
                                   "the database created (createdb)? Or change the store's engine in cscperf.toml") from None

    def execute(self, sql: str, params: list | None = None):
        # Several statements go as one simple query (psycopg allows that only without parameters).
        return self.raw.execute(transpile(sql, "postgres"), params or None)

    def run_native(self, sql: str) -> None:
        """A statement already in PostgreSQL's dialect (compiled by Ibis for this engine): not transpiled."""
        self.raw.execute(sql)

    def temporary(self, name: str, data: pa.Table, sql: str) -> None:
        """A relation of this connection holding a small Arrow table: a temporary table made by `sql`, which gives
        the same rows."""
        self.raw.execute(f'CREATE TEMPORARY TABLE "{name}" AS {sql}')

    def fetch_arrow(self, sql: str, params: list | None = None) -> pa.Table:
        cur = self.execute(sql, params)
        rows = cur.fetchall()
        types = self.raw.adapters.types
        columns = {}
        for i, d in enumerate(cur.description):
            info = types.get(d.type_code)
            arrow_type = _ARROW_TYPES.get(info.name if info else "", pa.string())
            values = [r[i] for r in rows]
            if arrow_type == pa.float64():
                values = [None if v is None else float(v) for v in values]
            columns[d.name] = pa.array(values, arrow_type)
        return pa.table(columns)

    def insert_arrow(self, table: str, data: pa.Table, constants: dict | None = None) -> None:
        """Append an Arrow table's rows by COPY, as CSV (pyarrow writes nulls bare and empty text quoted,
        as COPY reads them)."""
        import pyarrow.csv as pacsv

        for name, value in (constants or {}).items():
            data = data.append_column(name, pa.array([value] * data.num_rows))
        cols = ", ".join(f'"{c}"' for c in data.column_names)
        with self.raw.cursor() as cur, cur.copy(f'COPY "{table}" ({cols}) FROM STDIN (FORMAT csv)') as copy:
            for batch in data.to_batches(max_chunksize=100_000):
                buf = io.BytesIO()
                pacsv.write_csv(batch, buf, pacsv.WriteOptions(include_header=False))
                copy.write(buf.getvalue())

    def replace_table(self, table: str, data: pa.Table) -> None:
        cols = ", ".join(f'"{f.name}" {_sql_type(f.type)}' for f in data.schema)
        self.execute(f'DROP TABLE IF EXISTS "{table}"; CREATE TABLE "{table}" ({cols})')
        self.insert_arrow(table, data)

    def analyse(self, tables: list[str]) -> None:
        """After a bulk load: refresh the planner's statistics, without which some queries run 10x slower
        (stack-notes G9)."""
        for t in tables:
            self.raw.execute(f'VACUUM ANALYZE "{t}"')


def connect(engine: str, path: Path, read_only: bool = False, memory_limit: str = ""):
    """The store's connection: PostgreSQL for a postgresql:// engine, else the DuckDB file at path
    (Spark computes from the DuckDB store: cscperf.spark). `memory_limit` is DuckDB's ("6GB"); a
    PostgreSQL server's memory is its administrator's to set."""
    if is_postgres(engine):
        return PostgresConnection(engine)
    return DuckDBConnection(path, read_only, memory_limit)
