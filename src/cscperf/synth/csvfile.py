"""Writing CSV files the same way every time (byte-identical for the same rows)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterable


def write_csv(path: Path, header: Iterable[str], rows: Iterable[Iterable], lineterminator: str = "\n") -> int:
    """Write a header and rows; return the number of rows. Values are written as given (text)."""
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator=lineterminator)
        out.writerow(header)
        for row in rows:
            out.writerow(row)
            n += 1
    return n
