"""Configuration from one file, `cscperf.toml`.

Everything a council sets lives here: its name and code, child population by year (for rates per
10,000), where the store is, the baseline month, targets with tolerance per indicator, indicator
parameters and a closures file for the working-day calendar. Paths are relative to the file.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_FILE = "cscperf.toml"


class ConfigError(ValueError):
    pass


MEMORY = re.compile(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)   # DuckDB's memory_limit


@dataclass(frozen=True)
class Target:
    value: float
    tolerance: float = 0.0
    source: str = "local"


@dataclass
class Config:
    council_name: str = "Council"
    council_code: str = ""
    store: Path = Path("cscperf.duckdb")
    engine: str = "duckdb"              # or a postgresql:// URL, or spark / a Spark master URL (docs/engines.md)
    memory_limit: str = ""              # DuckDB's memory_limit, e.g. "6GB" (default: DuckDB's, 80% of RAM)
    baseline: dt.date | None = None          # a month end
    population: dict[int, int] = field(default_factory=dict)   # mid-year -> children aged 0-17
    population_source: str = ""
    targets: dict[str, Target] = field(default_factory=dict)
    parameters: dict[str, dict] = field(default_factory=dict)
    closures: Path | None = None
    report_dir: Path = Path("report")
    headline: list[str] = field(default_factory=list)   # the scorecard's indicators (default: cscperf.report chooses)
    commentary: Path | None = None      # analysts' notes for the report (default: commentary.toml beside this file)
    region: str = ""
    statistical_neighbours: list[str] = field(default_factory=list)   # LA codes or names
    comparator_files: list[Path] = field(default_factory=list)        # DfE published LA-level CSVs
    comparator_measures: dict[str, str] = field(default_factory=dict)  # indicator id -> column in those files
    sn_average: str = "mean"            # which SN average the report shows: mean (LAIT) or median (DfE)
    suppression_threshold: int = 5      # counts 1..threshold are shown as "c" to readers without child-level access
    path: Path | None = None

    def population_for(self, period_end: dt.date) -> tuple[int | None, bool]:
        """Children aged 0-17 for a date, and whether the figure is provisional (`population_for`)."""
        return population_for(self.population, period_end)

    def params(self, indicator_id: str) -> dict:
        return dict(self.parameters.get(indicator_id, {}))


def population_for(population: dict[int, int], period_end: dt.date) -> tuple[int | None, bool]:
    """Children aged 0-17 for a date from {mid-year: children}, and whether the figure is provisional
    (kpis.md §1.4): for the reporting year ending 31 March Y, the mid-(Y-1) estimate; if that is not
    given, the latest earlier one (or the earliest there is), flagged provisional."""
    if not population:
        return None, False
    year_end = period_end.year + 1 if period_end.month >= 4 else period_end.year
    wanted = year_end - 1
    if wanted in population:
        return population[wanted], False
    earlier = [y for y in population if y < wanted]
    chosen = max(earlier) if earlier else min(population)
    return population[chosen], True


def read_population(raw: dict, where: str) -> tuple[dict[int, int], str]:
    """A config file's [population] table as ({mid-year: children}, source)."""
    pop = raw.get("population", {})
    if not isinstance(pop, dict):
        pop = {"?": pop}
    pop = dict(pop)
    source = str(pop.pop("source", ""))
    try:
        return {int(k): int(v) for k, v in pop.items()}, source
    except (TypeError, ValueError):
        raise ConfigError(f"{where} [population]: expected lines like 2023 = 120000 (mid-year = children aged 0-17)") from None


def month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def parse_month(text: str, where: str) -> dt.date:
    try:
        year, month = (int(x) for x in str(text).split("-")[:2])
        return month_end(year, month)
    except (ValueError, TypeError):
        raise ConfigError(f"{where}: {text!r} is not a month; expected YYYY-MM, e.g. 2018-07") from None


def load(path: str | Path | None = None) -> Config:
    """Read the config file; with no path, ./cscperf.toml if it exists, else defaults."""
    if path is None:
        if not Path(DEFAULT_FILE).exists():
            return Config()
        path = DEFAULT_FILE
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file; run `cscperf init` to write one") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: {e}") from None
    base = path.resolve().parent
    council = raw.get("council", {})
    cfg = Config(path=path.resolve())
    cfg.council_name = council.get("name", cfg.council_name)
    cfg.council_code = str(council.get("code", ""))
    cfg.region = str(council.get("region", ""))
    cfg.statistical_neighbours = [str(x) for x in council.get("statistical_neighbours", [])]
    comparators = raw.get("comparators", {})
    cfg.comparator_files = [base / f for f in comparators.get("files", [])]
    cfg.comparator_measures = {str(k): str(v) for k, v in comparators.get("measures", {}).items()}
    cfg.sn_average = str(comparators.get("sn_average", "mean"))
    if cfg.sn_average not in ("mean", "median"):
        raise ConfigError(f"{path} [comparators] sn_average: {cfg.sn_average!r}; expected mean or median")
    threshold = raw.get("suppression", {}).get("threshold", 5)
    if not isinstance(threshold, int) or threshold < 0:
        raise ConfigError(f"{path} [suppression] threshold: expected a whole number such as 5, not {threshold!r}")
    cfg.suppression_threshold = threshold
    cfg.store = base / raw.get("store", {}).get("path", "cscperf.duckdb")
    cfg.engine = str(raw.get("store", {}).get("engine", cfg.engine)).strip()
    from cscperf.connections import check_engine

    if problem := check_engine(cfg.engine):
        raise ConfigError(f"{path} [store] {problem}")
    cfg.memory_limit = str(raw.get("store", {}).get("memory_limit", "")).strip()
    if cfg.memory_limit and not MEMORY.fullmatch(cfg.memory_limit):
        raise ConfigError(f"{path} [store] memory_limit: {cfg.memory_limit!r}; expected an amount such as \"6GB\" or \"512MB\"")
    report = raw.get("report", {})
    if "baseline" in report:
        cfg.baseline = parse_month(report["baseline"], f"{path} [report] baseline")
    cfg.report_dir = base / report.get("output", "report")
    cfg.headline = [str(x) for x in report.get("headline", [])]
    cfg.commentary = base / report.get("commentary", "commentary.toml")
    cfg.population, cfg.population_source = read_population(raw, str(path))
    for ind, t in raw.get("targets", {}).items():
        if "target" not in t:
            raise ConfigError(f"{path} [targets.{ind}]: no `target` value")
        cfg.targets[ind] = Target(float(t["target"]), float(t.get("tolerance", 0.0)), str(t.get("source", "local")))
    cfg.parameters = {k: dict(v) for k, v in raw.get("parameters", {}).items()}
    closures = raw.get("calendar", {}).get("closures")
    cfg.closures = base / closures if closures else None
    return cfg
