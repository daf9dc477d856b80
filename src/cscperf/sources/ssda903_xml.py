"""Reader for SSDA903 XML (EXPSSDA903): not written yet; files of this kind are reported as skipped."""

from __future__ import annotations

from pathlib import Path


class _NotYet:
    format = "SSDA903 XML (EXPSSDA903)"

    def accepts(self, path: Path, head: bytes) -> bool:
        return False

    def read(self, path: Path):
        raise NotImplementedError


READER = _NotYet()
