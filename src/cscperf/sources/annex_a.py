"""Reader for Ofsted Annex A workbook: not written yet; files of this kind are reported as skipped."""

from __future__ import annotations

from pathlib import Path


class _NotYet:
    format = "Ofsted Annex A workbook"

    def accepts(self, path: Path, head: bytes) -> bool:
        return False

    def read(self, path: Path):
        raise NotImplementedError


READER = _NotYet()
