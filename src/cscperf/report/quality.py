"""The data-quality report of one snapshot: what was read, what was loaded, and what to fix.

`build` reads only what the store kept at load time (the snapshot, its files with their checksums
and row counts, the period each table covers, the rows in each table, and every problem found, the
DfE's rules included when they were run); `write_quality` writes

- `quality.html`: per file (format, layout, rows read / loaded / rejected, checksum), per table (rows,
  coverage), then the problems grouped by rule and file with counts and example rows, each rule
  explained in plain English with what to do about it;
- `quality.csv`: the same problem groups, one row each (a data team's to-do list);
- `quality-problems.csv`: every problem, row by row.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from cscperf.model import BY_NAME
from cscperf.sources.problems import ERROR, INFO, WARNING, rule_info
from cscperf.store import Store

EXAMPLES = 5
SEVERITY = {ERROR: "Error: rows left out", WARNING: "Warning: kept, please check", INFO: "Note"}
ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


@dataclass
class FileRow:
    name: str
    part: str | None
    path: str
    format: str
    layout: str
    table: str | None
    collection_year: int | None
    encoding: str | None
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    sha256: str


@dataclass
class TableRow:
    name: str
    doc: str
    rows: int
    from_files: int
    covers_from: dt.date | None
    covers_to: dt.date | None

    @property
    def merged(self) -> int:
        """Rows read that are the same record as another row (a later collection year, a richer file)."""
        return max(self.from_files - self.rows, 0)


@dataclass
class Group:
    """The problems of one rule in one file (and column)."""
    severity: str
    rule: str
    file: str
    column: str | None
    count: int = 0
    rows: list[int] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def example_rows(self) -> str:
        shown = ", ".join(str(r) for r in self.rows[:EXAMPLES])
        return shown + (" …" if self.count > len(self.rows[:EXAMPLES]) and self.rows else "")

    @property
    def example_values(self) -> str:
        return ", ".join(dict.fromkeys(self.values[:EXAMPLES]))


@dataclass
class Rule:
    severity: str
    rule: str
    title: str
    action: str
    count: int
    groups: list[Group]

    @property
    def anchor(self) -> str:
        return "rule-" + "".join(c if c.isalnum() else "-" for c in self.rule)

    @property
    def severity_text(self) -> str:
        return SEVERITY.get(self.severity, self.severity)


@dataclass
class Quality:
    snapshot_id: int
    council: str | None
    label: str | None
    created_at: dt.datetime
    extract_date: dt.date | None
    files: list[FileRow]
    tables: list[TableRow]
    rules: list[Rule]
    generated_at: dt.datetime

    def _count(self, severity: str) -> int:
        return sum(r.count for r in self.rules if r.severity == severity)

    @property
    def errors(self) -> int:
        return self._count(ERROR)

    @property
    def warnings(self) -> int:
        return self._count(WARNING)

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    @property
    def not_read(self) -> list[FileRow]:
        return [f for f in self.files if not f.layout]

    @property
    def problem_rules(self) -> list[Rule]:
        return [r for r in self.rules if r.severity != INFO and not r.rule.startswith("dfe:")]

    @property
    def dfe_rules(self) -> list[Rule]:
        return [r for r in self.rules if r.severity != INFO and r.rule.startswith("dfe:")]

    @property
    def notes(self) -> list[Group]:
        return [g for r in self.rules if r.severity == INFO for g in r.groups]


def build(store: Store, snapshot_id: int | None = None) -> Quality:
    snap = store.snapshot(snapshot_id)
    sid = snap.snapshot_id
    files = [FileRow(Path(path).name, part, path, fmt or "not recognised", layout or "", table, year, encoding,
                     read or 0, loaded or 0, rejected or 0, sha or "")
             for path, sha, fmt, part, layout, table, encoding, year, read, loaded, rejected in store.con.execute(
                 'SELECT path, sha256, format, part, layout, "table", encoding, collection_year, rows_read, '
                 "rows_loaded, rows_rejected FROM snapshot_files WHERE snapshot_id = ? ORDER BY path, part",
                 [sid]).fetchall()]
    counts = store.table_counts(sid)
    coverage = store.coverage(sid)
    from_files: dict[str, int] = {}
    for f in files:
        if f.table:
            from_files[f.table] = from_files.get(f.table, 0) + f.rows_loaded
    tables = [TableRow(name, BY_NAME[name].doc, n, from_files.get(name, 0), *coverage.get(name, (None, None)))
              for name, n in counts.items() if n or name in from_files]

    groups: dict[tuple, Group] = {}
    for file, row, column, value, rule, message, severity, count in store.problems(sid):
        key = (severity, rule, file, column)
        g = groups.get(key)
        if g is None:
            g = groups[key] = Group(severity, rule, file, column, message=message)
        g.count += count or 1
        if row is not None and (count or 1) == 1:
            g.rows.append(row)
            if value not in (None, ""):
                g.values.append(str(value))
            if not g.message or len(g.rows) == 1:
                g.message = message
    for g in groups.values():
        g.rows.sort()
    by_rule: dict[tuple, list[Group]] = {}
    for g in groups.values():
        by_rule.setdefault((g.severity, g.rule), []).append(g)
    rules = []
    for (severity, rule), gs in by_rule.items():
        info = rule_info(rule)
        gs.sort(key=lambda g: (-g.count, g.file, g.column or ""))
        title = info.title
        if rule.startswith("dfe:"):    # the DfE's own words, without the "DfE rule N (year):" prefix
            title = f"DfE rule {rule[4:]}: " + gs[0].message.split("): ", 1)[-1].rsplit(" (child ", 1)[0]
        rules.append(Rule(severity, rule, title, info.action, sum(g.count for g in gs), gs))
    rules.sort(key=lambda r: (ORDER.get(r.severity, 3), -r.count, r.rule))
    return Quality(sid, snap.council, snap.label, snap.created_at, snap.extract_date, files, tables, rules,
                   dt.datetime.now())


def render(q: Quality) -> str:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["n"] = lambda n: f"{n:,}"
    env.filters["day"] = lambda d: f"{d.day} {d:%B %Y}" if d else "not known"
    return env.get_template("quality.html.j2").render(q=q, SEVERITY=SEVERITY, ERROR=ERROR, WARNING=WARNING)


GROUP_COLUMNS = ("severity", "rule", "title", "file", "column", "rows", "example_rows", "example_values",
                 "message", "what_to_do")
PROBLEM_COLUMNS = ("severity", "file", "row", "column", "value", "rule", "message", "count")


def write_quality(store: Store, out_dir: Path, snapshot_id: int | None = None) -> tuple[Path, Path]:
    """Write quality.html, quality.csv and quality-problems.csv; return the paths of the first two."""
    q = build(store, snapshot_id)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    html = out_dir / "quality.html"
    html.write_text(render(q), encoding="utf-8")
    groups = out_dir / "quality.csv"
    with open(groups, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(GROUP_COLUMNS)
        for r in q.rules:
            for g in r.groups:
                w.writerow([g.severity, g.rule, r.title, g.file, g.column or "", g.count, g.example_rows,
                            g.example_values, g.message, r.action])
    with open(out_dir / "quality-problems.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(PROBLEM_COLUMNS)
        for file, row, column, value, rule, message, severity, count in store.problems(q.snapshot_id):
            w.writerow([severity, file, "" if row is None else row, column or "", value or "", rule, message, count])
    return html, groups
