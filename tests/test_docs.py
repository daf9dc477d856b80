"""The reference pages in docs/ are generated from the code; they must match it."""

from pathlib import Path

import pytest

from cscperf import docs

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.mark.parametrize("name", sorted(docs.PAGES))
def test_generated_page_is_current(name):
    committed = (DOCS / name).read_text(encoding="utf-8")
    assert committed == docs.PAGES[name](), f"docs/{name} is out of date: run `python -m cscperf.docs`"


def test_every_indicator_has_its_metadata():
    from cscperf.indicators import catalogue

    for ind in catalogue():
        for field in ("title", "area", "unit", "polarity", "numerator", "denominator", "period", "reference"):
            assert getattr(ind, field), f"{ind.id} has no {field}"
        assert ind.sources, f"{ind.id} names no source tables"
