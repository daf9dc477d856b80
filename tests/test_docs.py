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


# ---- Every indicator of the reference catalogue is registered or said not to be supported ----------------

import os  # noqa: E402
import re  # noqa: E402

KPIS = Path(os.environ.get("CSCPERF_KPIS", Path(__file__).resolve().parents[2] / "shared" / "reference" / "kpis.md"))
KPI_ID = re.compile(r"^(?:FD|AS|S47-|CP|CN|LA|MI|CL|AD|CT|WF)\d{2}[a-z]?$")


def _first_cells(text: str) -> list[str]:
    """The first cell of every markdown table row (header and rule rows included; callers filter)."""
    return [line.split("|")[1].strip() for line in text.splitlines() if line.lstrip().startswith("|")
            and line.count("|") >= 2]


def _prefix(indicator_id: str) -> str:
    """FD06 -> FD, S47-03 -> S47, CP03a -> CP."""
    return re.match(r"S47|[A-Z]+", indicator_id).group(0)


def test_every_catalogue_id_is_registered_or_listed_as_not_supported():
    """kpis.md ids (the first column of its catalogue tables) of every area that docs/not-supported.md has a
    section for (a heading naming the id prefix in brackets, e.g. "## Front door (FD)") are each registered or
    listed in that page's tables. Areas without a section yet are not checked: their owners add them."""
    from cscperf.indicators import REGISTRY

    if not KPIS.is_file():
        pytest.skip(f"the reference catalogue is not at {KPIS} (set CSCPERF_KPIS to shared/reference/kpis.md)")
    page = (DOCS / "not-supported.md").read_text(encoding="utf-8")
    areas = set(re.findall(r"^## .*\(([A-Z0-9]+)\)\s*$", page, flags=re.M))
    assert areas, "docs/not-supported.md has no area sections (headings such as '## Front door (FD)')"
    catalogue = {c for c in _first_cells(KPIS.read_text(encoding="utf-8")) if KPI_ID.match(c)}
    assert catalogue, f"no indicator ids found in the tables of {KPIS}"
    listed = {c for c in _first_cells(page) if KPI_ID.match(c)}
    checked = {i for i in catalogue if _prefix(i) in areas}
    missing = sorted(checked - set(REGISTRY) - listed)
    assert missing == [], f"neither registered nor listed in docs/not-supported.md: {', '.join(missing)}"
    assert sorted(listed - catalogue) == [], "docs/not-supported.md lists ids that kpis.md does not have"
    assert sorted(listed & set(REGISTRY)) == [], "docs/not-supported.md lists ids that are registered"
