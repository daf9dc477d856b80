"""The dashboard's view of the store: short-lived connections, and caches that keep pages fast.

Connections. DuckDB lets one process at a time open a file read-write, and while any process has it
open (even read-only) no other may write it. So the server never keeps the store open:

* Figures, snapshots, names and the action log are read in one short read-only connection whenever
  the store file changes (its size and modification time, a `stat` per request), then served from
  memory.
* Child lists and exception lists open a read-only connection for as long as the computation takes
  (a few tenths of a second) and are kept in memory, keyed by the snapshot and the computation of its
  results, so the next person to ask gets them at once.
* An action edit opens the store read-write for the length of the insert.

`cscperf load` and `cscperf compute` can therefore run while the dashboard is up; they fail with
DuckDB's lock error only if they start during one of those moments, and succeed when run again.
While a load or compute holds the store, the dashboard serves what it already has, says the data is
being updated, and answers a page that needs the store with 503 ("try again in a minute").

Within the process a readers-writer lock keeps reads and the rare write apart (DuckDB will not open
a read-write connection while a read-only one is open in the same process).

On a PostgreSQL store (config engine) the same short connections are opened to the server, which has no
file to watch and no lock to wait for: `fingerprint` asks for the newest snapshot, computation and action
update instead (SERVER_FINGERPRINT).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

from cscperf.config import Config
from cscperf.connections import is_postgres
from cscperf.store import Snapshot, Store, StoreError

ALL = "all"   # the whole-council row of the results (engine.ALL)
# On a PostgreSQL store, what `DashboardData.fingerprint` watches: every load adds a snapshot, every compute
# stamps its results, every action edit adds an update (the tables are only ever added to).
SERVER_FINGERPRINT = ("SELECT (SELECT max(snapshot_id) FROM snapshots), (SELECT max(computed_at) FROM results), "
                      "(SELECT count(*) FROM actions), (SELECT count(*) FROM action_updates)")


class StoreBusy(RuntimeError):
    """The store is held by another process (a load or a computation)."""


class NoData(RuntimeError):
    """There is nothing to show yet (no store, no snapshot, no results)."""


class _ReadersWriter:
    def __init__(self):
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False

    @contextmanager
    def read(self):
        with self._cond:
            while self._writing:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self):
        with self._cond:
            while self._writing or self._readers:
                self._cond.wait()
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


class Memo:
    """A bounded cache where the first caller computes a value and concurrent callers for the same
    key wait for it rather than compute it again."""

    def __init__(self, size: int = 256):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._pending: dict[Any, threading.Lock] = {}

    def get(self, key, make: Callable[[], Any]):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            pending = self._pending.setdefault(key, threading.Lock())
        with pending:
            with self._lock:
                if key in self._items:
                    return self._items[key]
            try:
                value = make()
            finally:
                with self._lock:
                    self._pending.pop(key, None)
            with self._lock:
                self._items[key] = value
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def peek(self, key):
        with self._lock:
            return self._items.get(key)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@dataclass(frozen=True)
class SnapshotView:
    info: Snapshot
    catalogue_version: str | None
    computed_at: dt.datetime | None
    months: tuple[dt.date, ...]          # month ends with whole-council figures

    @property
    def id(self) -> int:
        return self.info.snapshot_id

    @property
    def key(self) -> tuple:
        """Identifies what this snapshot's figures and lists were computed from: a store rebuilt from
        scratch reuses snapshot numbers, a recomputation changes `computed_at`."""
        return (self.info.snapshot_id, self.info.created_at, self.computed_at, self.catalogue_version)

    @cached_property
    def month_options(self) -> tuple[tuple[dt.date, str, str], ...]:
        """(month end, "2024-03", "March 2024"), newest first: the month chooser on every page, made once."""
        return tuple((m, f"{m:%Y-%m}", f"{m:%B %Y}") for m in reversed(self.months))

    @property
    def label(self) -> str:
        parts = [f"Snapshot {self.id}"]
        if self.info.extract_date:
            parts.append(f"data to {self.info.extract_date.day} {self.info.extract_date:%B %Y}")
        if self.info.label:
            parts.append(self.info.label)
        return ", ".join(parts)


@dataclass(frozen=True)
class State:
    fingerprint: tuple
    snapshots: dict[int, SnapshotView]
    actions: list = field(default_factory=list)
    action_history: dict = field(default_factory=dict)
    loaded_at: float = field(default_factory=time.time)

    @property
    def latest(self) -> SnapshotView | None:
        """The newest snapshot that has figures."""
        with_results = [s for s in self.snapshots.values() if s.months]
        return with_results[-1] if with_results else None


class _ActionsReadOnly:
    """`actions.listing` first runs `actions.ensure` (CREATE TABLE IF NOT EXISTS), which DuckDB refuses
    on a read-only connection even when the tables exist. This passes every other statement through."""

    def __init__(self, con, ddl: str):
        self._con, self._ddl = con, ddl

    def execute(self, sql, params=None):
        if sql == self._ddl:
            return None
        return self._con.execute(sql, params or [])


@dataclass
class Results:
    """One snapshot's results (suppressed for members, or not), indexed for pages."""
    rows: list[dict]
    by_key: dict[tuple, dict]                     # (indicator, breakdown, period_end) -> row
    series_of: dict[tuple, list[dict]]            # (indicator, breakdown) -> rows by period end
    dimensions: dict[tuple, dict[str, list[dict]]]  # (indicator, period_end) -> dimension -> rows

    def __post_init__(self):
        self._indicators = {k[0] for k in self.series_of}

    @classmethod
    def of(cls, rows: list[dict]) -> "Results":
        by_key, series, dims = {}, {}, {}
        for r in rows:
            by_key[(r["indicator"], r["breakdown"], r["period_end"])] = r
            series.setdefault((r["indicator"], r["breakdown"]), []).append(r)
            dim, _, _value = r["breakdown"].partition("=")
            dims.setdefault((r["indicator"], r["period_end"]), {}).setdefault(dim, []).append(r)
        for v in series.values():
            v.sort(key=lambda r: r["period_end"])
        return cls(rows, by_key, series, dims)

    def at(self, indicator: str, month: dt.date | None, breakdown: str = ALL) -> dict | None:
        return self.by_key.get((indicator, breakdown, month))

    def series(self, indicator: str, breakdown: str = ALL) -> list[dict]:
        return self.series_of.get((indicator, breakdown), [])

    def breakdowns(self, indicator: str, month: dt.date) -> dict[str, list[dict]]:
        return {d: rows for d, rows in self.dimensions.get((indicator, month), {}).items() if d != ALL}

    def indicators(self) -> set[str]:
        return self._indicators


class DashboardData:
    """Everything the pages read from the store, through short connections and caches."""

    def __init__(self, config: Config, retries: int = 3):
        self.config = config
        self.path = Path(config.store)
        self.retries = retries
        self._rw = _ReadersWriter()
        self._state: State | None = None
        self._state_lock = threading.Lock()
        self.memo = Memo(4096)        # figures, names, charts: small
        self.lists = Memo(400)        # child lists: large (three months of every indicator, see `units`)
        self.due_lists = Memo(8)      # exception lists: one per snapshot and day, seconds to make, never pushed out by the above
        self.pages = Memo(1024)       # rendered pages by role scope and address (web.views.show)
        self.busy = False
        self._comparators = None

    # ---- connections ---------------------------------------------------------------------------

    @property
    def on_server(self) -> bool:
        """The store is a PostgreSQL database, not a DuckDB file (docs/engines.md)."""
        return is_postgres(self.config.engine)

    def fingerprint(self) -> tuple:
        """What changes when data is loaded or computed or an action is edited: the file's size and time;
        on a server, the newest snapshot, computation and action update (a cheap query)."""
        if self.on_server:
            with self.read() as store:
                if not store.has_table("results"):
                    raise NoData(f"The database {store.path} holds no cscperf store yet: load data with "
                                 "`cscperf load FILES...`, then `cscperf compute`.")
                return tuple(store.con.execute(SERVER_FINGERPRINT).fetchall()[0])

        def stat(p: Path):
            try:
                s = os.stat(p)
                return (s.st_mtime_ns, s.st_size)
            except FileNotFoundError:
                return None
        return (stat(self.path), stat(self.path.with_name(self.path.name + ".wal")))

    def _open(self, read_only: bool) -> Store:
        import duckdb

        if self.on_server:   # a server takes readers and writers side by side: no lock to wait for
            try:
                return Store(self.path, read_only=read_only, engine=self.config.engine)
            except StoreError as e:
                raise StoreBusy(str(e)) from None
        if not self.path.exists():
            raise NoData(f"There is no store at {self.path} yet: load data with `cscperf load FILES...`, "
                         "then `cscperf compute`.")
        for attempt in range(self.retries + 1):
            try:
                return Store(self.path, read_only=read_only)
            except (duckdb.IOException, duckdb.ConnectionException) as e:
                if "lock" not in str(e).lower() or attempt == self.retries:
                    if "lock" in str(e).lower():
                        raise StoreBusy(str(e)) from None
                    raise
                time.sleep(0.1 * (attempt + 1))
        raise AssertionError("unreachable")

    @contextmanager
    def read(self):
        """A read-only Store for the length of the block."""
        with self._rw.read():
            store = self._open(read_only=True)
            try:
                yield store
            finally:
                store.close()

    @contextmanager
    def write(self):
        """A read-write Store for the length of the block (an action edit)."""
        with self._rw.write():
            store = self._open(read_only=False)
            try:
                yield store
            finally:
                store.close()

    # ---- what changes with the store file --------------------------------------------------------

    def state(self) -> State:
        """The snapshots and action log, re-read when the store file has changed. While another
        process holds the store, the last state read is kept (and `stale` says so)."""
        fp = self.fingerprint()
        current = self._state
        if current is not None and current.fingerprint == fp:
            return current
        with self._state_lock:
            current = self._state
            if current is not None and current.fingerprint == fp:
                return current
            try:
                self._state = self._load_state(fp)
                self.busy = False
            except StoreBusy:
                self.busy = True
                if current is None:
                    raise
                return current
            return self._state

    @property
    def stale(self) -> bool:
        """True while the store has changed (a load or compute is running) and could not be re-read."""
        return self.busy and self._state is not None and self._state.fingerprint != self.fingerprint()

    def _load_state(self, fp: tuple) -> State:
        from cscperf import actions

        with self.read() as store:
            snaps = store.snapshots()
            computed: dict[int, tuple] = {}   # snapshot -> (catalogue version, computed at) of its latest computation
            for sid, version, at in store.con.execute(
                    "SELECT snapshot, catalogue_version, max(computed_at) FROM results GROUP BY snapshot, catalogue_version "
                    "ORDER BY 3").fetchall():
                computed[sid] = (version, at)
            months: dict[int, list] = {}
            for sid, (version, _at) in computed.items():
                months[sid] = [r[0] for r in store.con.execute(
                    "SELECT DISTINCT period_end FROM results WHERE snapshot = ? AND catalogue_version = ? AND breakdown = ? "
                    "ORDER BY period_end", [sid, version, ALL]).fetchall()]
            views = {s.snapshot_id: SnapshotView(s, *(computed.get(s.snapshot_id) or (None, None)),
                                                 tuple(months.get(s.snapshot_id, ())))
                     for s in snaps}
            acts, history = [], {}
            if store.has_table("actions") and store.has_table("action_updates"):
                con = _ActionsReadOnly(store.con, actions.DDL)
                acts = actions.listing(con)
                for a in acts:
                    history[a.action_id] = actions.history(con, a.action_id)
            # The fingerprint is taken before reading: a change while reading shows up next time.
            return State(fp, views, acts, history)

    # ---- per snapshot, kept in memory --------------------------------------------------------------

    def snapshot(self, snapshot_id: int | None) -> SnapshotView:
        state = self.state()
        if snapshot_id is None:
            latest = state.latest
            if latest is None:
                if state.snapshots:
                    raise NoData("The store holds no figures yet: run `cscperf compute`.")
                raise NoData("The store holds no snapshot yet: load data with `cscperf load FILES...`.")
            return latest
        if snapshot_id not in state.snapshots:
            raise KeyError(snapshot_id)
        return state.snapshots[snapshot_id]

    def results(self, snap: SnapshotView, suppressed: bool = False) -> Results:
        def make():
            if suppressed:
                from cscperf import suppression
                from cscperf.indicators import REGISTRY

                def fields(indicator_id: str):
                    ind = REGISTRY.get(indicator_id)
                    return suppression.count_fields(ind) if ind else ("numerator", "denominator", "units")
                rows = suppression.suppress(self.results(snap, False).rows, fields, self.config.suppression_threshold)
                return Results.of(rows)
            if not snap.months:
                return Results.of([])
            with self.read() as store:
                rows = store.results(snap.id, snap.catalogue_version).to_pylist()
            for r in rows:
                r["suppressed"] = False
            return Results.of(rows)
        return self.memo.get(("results", snap.key, suppressed), make)

    def names(self, snap: SnapshotView) -> "Names":
        def make():
            with self.read() as store:
                teams = {r[0]: r[1] for r in store.con.execute(
                    "SELECT team_id, team_name FROM teams WHERE snapshot_id = ?", [snap.id]).fetchall()}
                workers = {r[0]: (r[1], r[2]) for r in store.con.execute(
                    "SELECT professional_id, name, team_id FROM professionals WHERE snapshot_id = ?", [snap.id]).fetchall()}
            return Names(teams, workers)
        return self.memo.get(("names", snap.key), make)

    def units(self, snap: SnapshotView, indicator_id: str, month: dt.date) -> list[dict]:
        """Every unit behind an indicator's figure at a month end (engine.child_list, which='all'),
        with the child breakdowns: the drill-down's figures and lists all come from these.

        The two month ends before are computed in the same query and kept too: a meeting moves
        between this month and the last two, and one query for three months costs little more than
        one (most of a query's time is building it)."""
        from cscperf import engine
        from cscperf.indicators import get

        key = ("units", snap.key, indicator_id)
        earlier = [m for m in snap.months if m < month][-2:]
        missing = [m for m in earlier if self.lists.peek(key + (m,)) is None]

        def make():
            with self.read() as store:
                table = engine.child_list(get(indicator_id), store, self.config, [*missing, month],
                                          which=engine.EVERYONE, snapshot_id=snap.id)
            rows = table.to_pylist()
            by_month = {m: [] for m in missing}
            for r in rows:
                if r["period_end"] != month:
                    by_month[r["period_end"]].append(r)
            for m, those in by_month.items():
                self.lists.put(key + (m,), those)
            return [r for r in rows if r["period_end"] == month]
        return self.lists.get(key + (month,), make)

    def due(self, snap: SnapshotView, as_at: dt.date) -> list[dict]:
        """Everything that falls due as at a date, later items included (engine.due_list); the page
        picks "due soon" by its own number of working days, so one computation serves every choice."""
        from cscperf import engine

        def make():
            with self.read() as store:
                table = engine.due_list(store, self.config, as_at, within=0, snapshot_id=snap.id, include_later=True)
            return table.to_pylist() if "person_id" in table.column_names else []
        return self.due_lists.get((snap.key, as_at), make)

    def comparators(self) -> list:
        if self._comparators is None:
            from cscperf import comparators

            try:
                self._comparators = comparators.load(self.config)
            except comparators.ComparatorError:
                self._comparators = comparators.england()
        return self._comparators

    def notes(self) -> tuple[list, str | None]:
        """The analysts' notes (`commentary.toml`, as the report reads them), re-read when the file changes;
        and what is wrong with the file, if it cannot be read."""
        from cscperf.report import commentary as words

        path = getattr(self.config, "commentary", None)
        try:
            stamp = os.stat(path).st_mtime_ns if path else None
        except FileNotFoundError:
            stamp = None

        def make():
            try:
                return words.load_notes(path), None
            except words.CommentaryError as e:
                return [], str(e)
        return self.memo.get(("notes", str(path), stamp), make)

    def quality(self, snap: SnapshotView) -> dict:
        def make():
            with self.read() as store:
                files = store.con.execute(
                    "SELECT path, format, part, layout, \"table\", encoding, collection_year, rows_read, rows_loaded, "
                    "rows_rejected, sha256 FROM snapshot_files WHERE snapshot_id = ? ORDER BY path, part",
                    [snap.id]).fetchall()
                coverage = sorted(store.coverage(snap.id).items())
                problems = store.problems(snap.id)
            return {"files": files, "coverage": coverage, "problems": problems}
        return self.memo.get(("quality", snap.key), make)

    def child(self, snap: SnapshotView, person_id: str) -> dict | None:
        """What the child page shows of one child in one snapshot. Each view is audited, so the page
        is not kept; the records it reads are (`child_records`), so a view reads memory, not the file."""
        return self.child_records(snap).child(person_id)

    def child_records(self, snap: SnapshotView) -> "ChildRecords":
        def make():
            with self.read() as store:
                return ChildRecords.of(store, snap.id)
        return self.memo.get(("child records", snap.key), make)


class ChildRecords:
    """The few columns of each child's record that the child page shows, for one snapshot, copied
    once into an in-memory DuckDB sorted by child (so a lookup reads one block, and the store file is
    not held open between pages). About 2 MB for a county."""

    # name -> (store table, columns shown, order on the page, how many of the latest to show)
    SHOWN = {
        "person": ("persons", "sex, dob, ethnicity, disability", "person_id", None),
        "allocations": ("allocations", "team_id, professional_id, start_date, end_date",
                        "start_date DESC, professional_id DESC", None),
        "visits": ("visits", "visit_date, visit_type, seen, seen_alone, location", "visit_date DESC", 12),
        "cp_plans": ("cp_plans", "start_date, end_date, initial_category, latest_category", "start_date DESC", None),
        "cla": ("cla_episodes", "start_date, end_date, legal_status, placement_type", "start_date DESC", 12),
        "referrals": ("referrals", "referral_date, referral_source, primary_need, closure_date", "referral_date DESC", 6),
    }

    def __init__(self, con):
        self._con = con
        self._lock = threading.Lock()

    @classmethod
    def of(cls, store: Store, snapshot_id: int) -> "ChildRecords":
        import duckdb

        con = duckdb.connect()
        for name, (table, columns, _, _) in cls.SHOWN.items():
            sql = f"SELECT person_id, {columns} FROM {table} WHERE snapshot_id = ?"
            con.register("incoming", store.con.fetch_arrow(sql, [snapshot_id]))
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM incoming ORDER BY person_id")
            con.unregister("incoming")
        return cls(con)

    def child(self, person_id: str) -> dict | None:
        found = {}
        with self._lock:                       # one DuckDB connection: one query at a time
            for name, (_, _, order, limit) in self.SHOWN.items():
                rows = self._con.execute(f"SELECT * EXCLUDE (person_id) FROM {name} WHERE person_id = ? ORDER BY {order}"
                                         + (f" LIMIT {limit}" if limit else ""), [person_id]).fetchall()
                if name != "person":
                    found[name] = rows
                elif rows:
                    found[name] = (person_id, *rows[0])
                else:
                    return None
        return found


@dataclass(frozen=True)
class Names:
    teams: dict[str, str]
    workers: dict[str, tuple[str | None, str | None]]   # id -> (name, HR team)

    def team(self, team_id: str | None) -> str:
        if team_id is None:
            return "–"
        name = self.teams.get(team_id)
        return f"{name} ({team_id})" if name else str(team_id)

    def worker(self, worker_id: str | None) -> str:
        if worker_id is None:
            return "–"
        name = (self.workers.get(worker_id) or (None, None))[0]
        return f"{name} ({worker_id})" if name else str(worker_id)


def team_at(allocations: list[tuple], on: dt.date) -> str | None:
    """The child's team on a date by the breakdowns' rule: the allocation open at the date (start on
    or before it, no end or an end after it), the latest-starting if several, then the highest worker
    id. `allocations` are (team_id, professional_id, start_date, end_date) rows."""
    open_ = [a for a in allocations if a[2] is not None and a[2] <= on and (a[3] is None or a[3] > on)]
    if not open_:
        return None
    return max(open_, key=lambda a: (a[2], a[1] or ""))[0]
