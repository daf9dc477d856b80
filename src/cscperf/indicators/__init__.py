"""The indicator catalogue: each indicator declared once, in the module of its area."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from cscperf import __version__
from cscperf.indicators import (  # noqa: F401  (each import registers its indicators and due rules)
    adoption, assessment, care_leavers, child_protection, children_in_need, courts, due, front_door, looked_after,
    missing, s47, workforce)
from cscperf.indicators.spec import REGISTRY, Indicator


def catalogue() -> list[Indicator]:
    return sorted(REGISTRY.values(), key=lambda i: (_area_order(i.area), i.id))


def get(indicator_id: str) -> Indicator:
    try:
        return REGISTRY[indicator_id]
    except KeyError:
        raise KeyError(f"no indicator {indicator_id!r}; the catalogue holds {', '.join(sorted(REGISTRY))}") from None


def _area_order(area: str) -> int:
    from cscperf.indicators.spec import AREAS

    return AREAS.index(area)


@functools.cache
def catalogue_version() -> str:
    """The package version plus a digest of the definitions: a changed rule is a new version. Worked out once per
    process, from the files as they were when it started (every indicator's units ask for it)."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:10]}"
