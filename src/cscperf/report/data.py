"""The figures a report may show: one snapshot's results, suppressed once, with lookups.

Every table, chart and sentence of the committee report reads its figures through `ReportData`, so
that small-number suppression (cscperf.suppression, the config's threshold) is applied once, to
every figure, before anything is drawn or written: a suppressed figure reaches the templates as
`None` with `suppressed` set, never as a number. `shown` records each result the report looked up,
which is what `cscperf publish` freezes.

Suppression runs per indicator and month over the whole-authority row and every breakdown of that
month together (secondary suppression needs the total and all its siblings), for the months the
report can show breakdowns for; whole-authority rows of every month are suppressed on their own
(a month whose figure rests on 1 to 5 children is shown as [c] in trends and tables alike).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cscperf.config import Config, month_end
from cscperf.indicators import catalogue_version, get
from cscperf.indicators.spec import REGISTRY, SNAPSHOT, Indicator
from cscperf.periods import KINDS
from cscperf.store import Store
from cscperf.suppression import count_fields, suppress

ALL = "all"
POOL = "pool"  # a council's report from a snapshot of several councils: the pooled figure (docs/councils.md)
C = "[c]"      # GSS shorthand for a suppressed figure; brackets so screen readers say it (committee-reports §6)


def add_months(d: dt.date, months: int) -> dt.date:
    """The month end `months` months from the month of `d` (negative goes back)."""
    n = d.year * 12 + d.month - 1 + months
    return month_end(n // 12, n % 12 + 1)


@dataclass
class Fig:
    """One result as the public may see it: value and counts None when suppressed."""
    indicator: str
    period_end: dt.date
    breakdown: str
    value: float | None
    numerator: float | None
    denominator: float | None
    units: int | None
    suppressed: bool
    raw_value: float | None = field(default=None, repr=False)   # for restatement checks only, never printed

    @property
    def dimension(self) -> str:
        return self.breakdown.split("=", 1)[0]

    @property
    def group(self) -> str:
        return self.breakdown.split("=", 1)[1] if "=" in self.breakdown else self.breakdown


def _council_and_pool(store: Store, config: Config, snapshot_id: int, rows: list[dict]) -> tuple[list, list, str]:
    """For the config's council in a snapshot of several: its own rows (as whole-authority rows), the
    pool's whole rows, and the pool's name. The pool's breakdowns are not the council's, so they go.
    Otherwise the rows as they are, no pool."""
    codes = [code for code, _ in store.councils(snapshot_id)]
    if len(codes) < 2 or config.council_code not in codes:
        return rows, [], ""
    own = f"council={config.council_code}"
    return ([dict(r, breakdown=ALL) for r in rows if r["breakdown"] == own],
            [r for r in rows if r["breakdown"] == ALL], f"Pool of {len(codes)} councils")


class ReportData:
    """One snapshot's results for a report month, suppressed, with the lookups the report needs."""

    def __init__(self, store: Store, config: Config, snapshot_id: int | None = None, month: dt.date | None = None):
        self.store, self.config = store, config
        snap = store.snapshot(snapshot_id)
        self.snapshot = snap
        self.snapshot_id = snap.snapshot_id
        table = store.results(snap.snapshot_id)
        every = table.to_pylist()
        rows = [r for r in every if r["indicator"] in REGISTRY]
        rows, pool_rows, self.pool_name = _council_and_pool(store, config, snap.snapshot_id, rows)
        self.not_in_catalogue = sorted({r["indicator"] for r in every} - set(REGISTRY))
        self.catalogue_version = table.column("catalogue_version")[0].as_py() if table.num_rows else catalogue_version()
        whole = [r for r in rows if r["breakdown"] == ALL]
        if month is None:
            if not whole:
                raise ValueError(f"snapshot {snap.snapshot_id} has no whole-authority results to report")
            month = max(r["period_end"] for r in whole)
        else:
            month = month_end(month.year, month.month)
        self.month = month
        self.threshold = config.suppression_threshold
        self._ends: dict[str, list[dt.date]] = {}
        for r in whole:
            self._ends.setdefault(r["indicator"], []).append(r["period_end"])
        for ends in self._ends.values():
            ends.sort()
        # Breakdowns are shown for each indicator's latest period end and the one it is compared with.
        wanted: dict[str, set[dt.date]] = {}
        for ind_id in self._ends:
            latest = self.latest_end(ind_id)
            if latest is not None:
                wanted[ind_id] = {latest, self.comparison_end(ind_id, latest)}
        picked = [r for r in rows if r["breakdown"] == ALL or r["period_end"] in wanted.get(r["indicator"], ())]
        raw = {(r["indicator"], r["period_end"], r["breakdown"]): r["value"] for r in picked}
        safe = suppress(picked, self.fields_of, self.threshold)
        self._figs: dict[tuple[str, dt.date, str], Fig] = {}
        self._dims: dict[tuple[str, dt.date], dict[str, list[Fig]]] = {}
        for r in safe:
            key = (r["indicator"], r["period_end"], r["breakdown"])
            f = Fig(r["indicator"], r["period_end"], r["breakdown"], r["value"], r["numerator"], r["denominator"],
                    r["units"], r["suppressed"], raw[key])
            self._figs[key] = f
            if f.breakdown != ALL:
                self._dims.setdefault((f.indicator, f.period_end), {}).setdefault(f.dimension, []).append(f)
        for raw_row, r in zip(pool_rows, suppress(pool_rows, self.fields_of, self.threshold)):   # apart from the council's
            self._figs[(r["indicator"], r["period_end"], POOL)] = Fig(
                r["indicator"], r["period_end"], POOL, r["value"], r["numerator"], r["denominator"], r["units"],
                r["suppressed"], raw_row["value"])
        self.shown: set[tuple[str, dt.date, str]] = set()
        self._teams: dict[str, str] | None = None

    def pool(self, ind_id: str, d: dt.date | None) -> Fig | None:
        """The pooled figure (every council of the snapshot) to show beside the council's, if any."""
        return self.figure(ind_id, d, POOL) if self.pool_name else None

    @staticmethod
    def fields_of(indicator_id: str) -> tuple[str, ...]:
        return count_fields(get(indicator_id))

    # ---- lookups ------------------------------------------------------------------------------

    def indicators(self) -> list[Indicator]:
        """Catalogue indicators with a whole-authority figure at or before the report month."""
        from cscperf.indicators import catalogue

        return [i for i in catalogue() if self.latest_end(i.id) is not None]

    def has(self, ind_id: str) -> bool:
        return self.latest_end(ind_id) is not None

    def ends(self, ind_id: str) -> list[dt.date]:
        return [d for d in self._ends.get(ind_id, []) if d <= self.month]

    def latest_end(self, ind_id: str, on_or_before: dt.date | None = None) -> dt.date | None:
        limit = on_or_before or self.month
        found = [d for d in self._ends.get(ind_id, []) if d <= limit]
        return found[-1] if found else None

    def comparison_end(self, ind_id: str, latest: dt.date) -> dt.date:
        """What a breakdown is compared with: the month before for a month-end snapshot (it can move
        in a month), the same point a year before for periods (a rolling year barely moves monthly)."""
        ind = get(ind_id)
        monthly = KINDS[ind.period].months == tuple(range(1, 13))
        return add_months(latest, -1) if ind.period == SNAPSHOT and monthly else add_months(latest, -12)

    def figure(self, ind_id: str, d: dt.date | None, breakdown: str = ALL) -> Fig | None:
        if d is None:
            return None
        f = self._figs.get((ind_id, d, breakdown))
        if f is not None:
            self.shown.add((ind_id, d, breakdown))
        return f

    def value(self, ind_id: str, d: dt.date | None) -> float | None:
        f = self.figure(ind_id, d)
        return None if f is None else f.value

    def dimensions(self, ind_id: str, d: dt.date) -> dict[str, list[Fig]]:
        """Breakdown figures at a period end, by dimension (team, age_band, ...)."""
        found = self._dims.get((ind_id, d), {})
        for figs in found.values():
            for f in figs:
                self.shown.add((f.indicator, f.period_end, f.breakdown))
        return found

    def team_names(self) -> dict[str, str]:
        """team_id -> team name, from the snapshot's teams table (ids where it has none)."""
        if self._teams is None:
            self._teams = {}
            if self.store.has_table("teams"):
                t = self.store.ibis().table("teams")
                rows = t.filter(t.snapshot_id == self.snapshot_id).select("team_id", "team_name").to_pyarrow().to_pylist()
                self._teams = {r["team_id"]: r["team_name"] or r["team_id"] for r in rows}
        return self._teams

    def raw_rows(self) -> list[dict]:
        """The results shown so far, unsuppressed, for freezing (`cscperf publish`); never printed."""
        out = []
        for key in sorted(self.shown, key=lambda k: (k[0], k[1], k[2])):
            f = self._figs[key]
            out.append({"indicator": f.indicator, "period_end": f.period_end, "breakdown": f.breakdown,
                        "value": f.raw_value, "suppressed": f.suppressed})
        return out
