"""One in-memory DuckDB connection per thread for typing, checking and merging files.

Opening a DuckDB connection costs about 40 ms; a load types dozens of parts (an Annex A workbook
alone has some forty), so they share one, each registering its Arrow tables for as long as it needs.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

import duckdb
import pyarrow as pa

_local = threading.local()


def connection() -> duckdb.DuckDBPyConnection:
    con = getattr(_local, "con", None)
    if con is None:
        con = _local.con = duckdb.connect()
    return con


@contextmanager
def scratch(**tables: pa.Table):
    """The shared connection with `tables` registered under their names, unregistered afterwards."""
    con = connection()
    for name, table in tables.items():
        con.register(name, table)
    try:
        yield con
    finally:
        for name in tables:
            con.unregister(name)
