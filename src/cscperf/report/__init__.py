"""Reports for people: the committee report (HTML and PDF from one template) and its scorecard.

Everything here reads the results table and the catalogue's metadata (the deep dives' interim profiles
also read the canonical tables: `distributions`), never the source files.
Heavy imports (altair, vl_convert, jinja2) happen on first use, so the CLI starts quickly.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cscperf.config import Config
    from cscperf.store import Store

__all__ = ["write_report", "write_scorecard"]


def write_scorecard(store: "Store", config: "Config", out_dir: Path, snapshot_id: int | None = None,
                    month: dt.date | None = None) -> Path:
    """Write `out_dir/scorecard.html` for a month end (default: the latest in the results) and return its path."""
    from cscperf.report.scorecard import write_scorecard as write

    return write(store, config, out_dir, snapshot_id, month)


def write_report(store: "Store", config: "Config", out_dir: Path, snapshot_id: int | None = None,
                 month: dt.date | None = None, only: str | None = None, pdf: bool = True):
    """Write the committee report (`report-YYYY-MM.html` and `.pdf`; with `only`, e.g. `missing-YYYY-MM`)
    and return a `cscperf.report.committee.Written` with the paths."""
    from cscperf.report.committee import write

    return write(store, config, out_dir, snapshot_id, month, only, pdf)
