"""The report's HTML as a PDF, with WeasyPrint (no browser), and what is on each page.

The PDF is made from exactly the HTML the report writes: print rules in the template's stylesheet
(`@page`, page numbers, contents page numbers with `target-counter`) do the paging. The PDF is
tagged (`pdf_tags`), so headings, tables and the charts' text alternatives reach assistive
technology. WeasyPrint is imported here only, on first use (it takes about 0.6 s to import).
"""

from __future__ import annotations

from pathlib import Path


def document(html: str, base_url: str | None = None):
    """The laid-out document (WeasyPrint `Document`): its `pages` each have `anchors` (the ids on it)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url or str(Path.cwd())).render(pdf_tags=True)


def write_pdf(html: str, path: Path, title: str = "", base_url: str | None = None) -> int:
    """Lay out the HTML and write it as a tagged PDF, atomically; return the number of pages."""
    doc = document(html, base_url)
    if title:
        doc.metadata.title = title
    path = Path(path)
    tmp = path.with_suffix(".pdf.tmp")
    doc.write_pdf(tmp, pdf_tags=True)
    tmp.replace(path)
    return len(doc.pages)


def pages_of(html: str, ids: list[str]) -> dict[str, int]:
    """The page number (from 1) each id first appears on, for checking layout (tests, the benchmark)."""
    doc = document(html)
    found: dict[str, int] = {}
    for n, page in enumerate(doc.pages, start=1):
        for anchor in page.anchors:
            if anchor in ids and anchor not in found:
                found[anchor] = n
    return found


def element_boxes(doc, id_prefix: str) -> list[tuple[str, int, float, float, float, float]]:
    """(id, page number from 1, x, y, width, height in CSS px) of every laid-out element whose id starts
    with `id_prefix`, e.g. "fig-" for the charts: where to look on a page image (tests)."""
    out = []
    for n, page in enumerate(doc.pages, start=1):
        for box in page._page_box.descendants():   # WeasyPrint's layout tree (no public API for positions)
            element = getattr(box, "element", None)
            if element is None or getattr(box, "element_tag", None) is None:
                continue
            ident = element.get("id") or ""
            if ident.startswith(id_prefix) and getattr(box, "is_for_root_element", False) is False \
                    and type(box).__name__ == "BlockBox":
                out.append((ident, n, box.position_x, box.position_y, box.border_width(), box.border_height()))
    return out
