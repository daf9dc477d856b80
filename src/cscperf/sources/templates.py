"""CSV templates in the canonical layout: one per table, header = the table's column names.

They carry what the statutory returns lack (visits, allocations, professionals, missing episodes
with return interviews, care proceedings), and an SSD-style extract of any other table. A template
row is richer than the same record in a return, so templates win when both hold it.
"""

from __future__ import annotations

from cscperf.model import TABLES
from cscperf.sources.layouts import Layout

LAYOUTS = [
    Layout(f"cscperf {t.name} template", "template", t.name, {c.name: c.name for c in t.columns},
           frozenset(c.name for c in t.columns if not c.required), priority=2)
    for t in TABLES
]
