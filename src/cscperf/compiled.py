"""Indicators' SQL, compiled once and kept.

Building an indicator's Ibis expression and compiling it to SQL is Python work of 0.1-0.5 s whatever the
size of the data: on a county it was about half of computing the catalogue (docs/benchmarks.md). The SQL
depends only on the definition, its parameters, the engine and the shape of the tables, not on the snapshot
or the month ends. So it is compiled once, against placeholder relations, and kept by a key of everything it
depends on: in this process, and in the store's `compiled_sql` table for later runs. Each run binds the
placeholders to the snapshot's rows and the run's period ends (`bind`) and runs the text.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Callable

import ibis
import pyarrow as pa
import sqlglot

from cscperf.model import TABLES

PREFIX = "cscperf__"   # placeholder relations are named PREFIX + what they stand for

_kept: dict[str, str] = {}


def placeholder(name: str, schema: ibis.Schema) -> ibis.Table:
    """A relation with no data behind it, standing for `name` until `bind`."""
    return ibis.table(schema, name=PREFIX + name)


def _code_digest() -> str:
    """What the text depends on besides the definitions (the catalogue version): how the engine wraps the
    units, this module, the canonical tables and the compilers' versions."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for path in (here / "engine.py", here / "compiled.py", here / "periods.py"):
        digest.update(path.read_bytes())
    digest.update(repr([(t.name, [(c.name, c.type) for c in t.columns]) for t in TABLES]).encode())
    digest.update(f"ibis {ibis.__version__} sqlglot {sqlglot.__version__}".encode())
    return digest.hexdigest()


_CODE = _code_digest()


def key(**parts) -> str:
    """The key of a compiled text: everything it depends on (`parts` give the indicator's, with the catalogue
    version), as a digest."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256((_CODE + text).encode()).hexdigest()


def sql(store, name: str, build: Callable[[], ibis.Table]) -> str:
    """The text kept under `name` (a `key`) in the store, else in this process, else `build()` compiled for
    the store's engine; kept in the store either way, for its later runs."""
    found = store.compiled(name)
    if found is None:
        found = _kept.get(name) or ibis.to_sql(build(), dialect=store.dialect)
        store.keep_compiled(name, found)
    _kept[name] = found
    return found


def kept() -> dict[str, str]:
    """Every text compiled or read in this process, by key."""
    return dict(_kept)


def adopt(texts: dict[str, str]) -> None:
    """Texts compiled in another process (`engine.compile_ahead`), kept here as if compiled here."""
    _kept.update(texts)


def bind(text: str, relations: dict[str, str]) -> str:
    """The text with each placeholder named in `relations` replaced by the real relation."""
    for name, real in relations.items():
        text = text.replace(f'"{PREFIX}{name}"', f'"{real}"')
    if f'"{PREFIX}' in text:
        left = sorted(placeholders(text))
        raise RuntimeError(f"compiled SQL still names placeholder(s) {', '.join(left)}: nothing bound to them")
    return text


def placeholders(text: str) -> set[str]:
    """What the placeholders a text names stand for: the relations it needs bound."""
    return {part.split('"')[0] for part in text.split(f'"{PREFIX}')[1:]}


def dates_sql(table: pa.Table) -> str:
    """A query giving an Arrow table of dates (the period ends and their periods' starts), in SQL that
    DuckDB and PostgreSQL both read: one VALUES list (a UNION ALL of a SELECT per month end took DuckDB 8 ms to
    plan for 72 of them; DuckDB now copies the Arrow table itself, `Store.small_relation`)."""
    if any(f.type != pa.date32() for f in table.schema):
        raise TypeError(f"dates_sql takes date columns only, not {table.schema}")
    cols = table.column_names
    rows = table.to_pylist() or [dict.fromkeys(cols)]
    values = ", ".join("(" + ", ".join(f"CAST({'NULL' if r[c] is None else repr(r[c].isoformat())} AS DATE)" for c in cols)
                       + ")" for r in rows)
    names = ", ".join(f'"{c}"' for c in cols)
    return f"SELECT * FROM (VALUES {values}) AS v({names})" + ("" if table.num_rows else " WHERE 1 = 0")


def digest(*values) -> str:
    """A short name part for what a temporary relation holds."""
    return hashlib.sha256(repr(values).encode()).hexdigest()[:16]
