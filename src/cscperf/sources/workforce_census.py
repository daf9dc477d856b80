"""Reader for children's social work workforce census XML: not written yet; files of this kind are reported as skipped."""

from __future__ import annotations

from pathlib import Path


class _NotYet:
    format = "children's social work workforce census XML"

    def accepts(self, path: Path, head: bytes) -> bool:
        return False

    def read(self, path: Path):
        raise NotImplementedError


READER = _NotYet()
