"""One worker, two identifiers: the workforce census names social workers by their Social Work England
number, a council's HR file, SSD extract or CMS by its own staff id.

Before merging, a worker the census names by an SWE number that a richer source (HR, SSD, a template:
a higher priority) also holds, on a professionals row, takes that row's staff id, in the census's
professionals and workforce_census rows alike. So each worker is one professionals record (the richer
source's, which wins the merge) and their census figures join to it; without this every social worker
would be counted twice, once under each id.
"""

from __future__ import annotations

import pyarrow as pa

TABLES = ("professionals", "workforce_census")


def reconcile(parts: dict) -> int:
    """Rename, in place, the professional ids of lower-priority parts (`load.Typed`) that are SWE numbers
    a higher-priority professionals part gives a staff id for. Returns the number of rows renamed."""
    staff = parts.get("professionals", [])
    best: dict[str, tuple[int, str]] = {}            # SWE number -> (priority, staff id)
    for t in staff:
        if "swe_number" not in t.rows.column_names:
            continue
        for swe, pid in zip(t.rows.column("swe_number").to_pylist(), t.rows.column("professional_id").to_pylist()):
            if swe and pid and swe != pid and (swe not in best or t.layout.priority > best[swe][0]):
                best[swe] = (t.layout.priority, pid)
    if not best:
        return 0
    renamed = 0
    for name in TABLES:
        for t in parts.get(name, []):
            ids = t.rows.column("professional_id").to_pylist()
            new = [best[i][1] if i in best and best[i][0] > t.layout.priority else i for i in ids]
            changed = sum(a != b for a, b in zip(ids, new))
            if changed:
                index = t.rows.schema.get_field_index("professional_id")
                t.rows = t.rows.set_column(index, "professional_id", pa.array(new, pa.string()))
                renamed += changed
    return renamed
