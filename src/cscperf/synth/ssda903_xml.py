"""The synthetic council's last SSDA903 collection year again, as the XML return (EXPSSDA903).

Written from the same rows as that year's CSV files (`Writer903.year_rows`), so the two must load to
the same records: that is what the XML reader is tested against. The layout is the DfE's expanded
903 XML (data-standards.md §1.2): per CHILD a HEADER (with UASC, AD1 and OC3 fields inline, and
AMISSING, AREVIEW, PERMANENCE, OC2 and AD_PLACED nested) and its EPISODEs. Social worker episodes
have no place in this XML layout and are left out. Written with line breaks, one element a line.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from lxml import etree

from cscperf.synth.ssda903 import COLUMNS

HEADER_ORDER = ("CHILDID", "UPN", "SEX", "DOB", "ETHNIC", "UASC", "DUC", "DATE_INT", "DATE_MATCH", "FOSTER_CARE",
                "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR", "IN_TOUCH", "ACTIV", "ACCOM")
EPISODE_ORDER = ("DECOM", "RNE", "LS", "CIN", "PL", "PL_POST", "HOME_POST", "URN", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE")
NESTED = (("missing", "AMISSING", ("MISSING", "MIS_START", "MIS_END")),
          ("reviews", "AREVIEW", ("REVIEW", "REVIEW_CODE")))
AFTER_MOTHER = (("previous_permanence", "PERMANENCE", ("PREV_PERM", "LA_PERM", "DATE_PERM")),
                ("oc2", "OC2", COLUMNS["oc2"][2:]),
                ("placed_for_adoption", "AD_PLACED", ("DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED")))


def write_xml(path: Path, rows: dict[str, list[tuple]]) -> int:
    """Write one collection year's 903 rows (by CSV table) as EXPSSDA903 XML; return the children written."""
    by_child: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for table, table_rows in rows.items():
        for r in table_rows:
            record = dict(zip(COLUMNS[table], r))
            by_child[record["CHILD"]][table].append(record)
    root = etree.Element("EXPSSDA903")
    n = 0
    for child_id in sorted(by_child):
        tables = by_child[child_id]
        if not tables.get("header"):
            continue                       # a row of a child not in the year's header has no place in the XML
        n += 1
        h = tables["header"][0]
        fields = {"CHILDID": child_id, "UPN": h["UPN"], "SEX": h["SEX"], "DOB": h["DOB"], "ETHNIC": h["ETHNIC"]}
        uasc = tables.get("uasc")
        fields["UASC"] = "1" if uasc else "0"
        if uasc and uasc[0]["DUC"]:
            fields["DUC"] = uasc[0]["DUC"]
        for table in ("ad1", "oc3"):
            if tables.get(table):
                fields.update({k: v for k, v in tables[table][0].items() if k not in ("CHILD", "DOB")})
        child = etree.SubElement(root, "CHILD")
        header = etree.SubElement(child, "HEADER")
        for tag in HEADER_ORDER:
            if tag in fields:
                _sub(header, tag, fields[tag])
        for table, tag, names in NESTED:
            for r in tables.get(table, []):
                block = etree.SubElement(header, tag)
                for name in names:
                    _sub(block, name, r[name])
        _sub(header, "MOTHER", h["MOTHER"])
        _sub(header, "MC_DOB", h["MC_DOB"])
        for table, tag, names in AFTER_MOTHER:
            for r in tables.get(table, []):
                block = etree.SubElement(header, tag)
                for name in names:
                    _sub(block, name, r[name])
        for e in tables.get("episodes", []):
            episode = etree.SubElement(child, "EPISODE")
            for tag in EPISODE_ORDER:
                _sub(episode, tag, e["PLACE" if tag == "PL" else tag])
    path.parent.mkdir(parents=True, exist_ok=True)
    etree.ElementTree(root).write(str(path), encoding="UTF-8", xml_declaration=True, pretty_print=True)
    return n


def _sub(parent, tag: str, value: str) -> None:
    etree.SubElement(parent, tag).text = value or None
