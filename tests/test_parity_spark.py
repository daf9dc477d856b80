"""Spark gives the same figures as DuckDB: the catalogue computed on a local Spark session (two
cores) from a copy of the DuckDB store, results written back to it. Needs `pip install cscperf[spark]`
and Java 17; Spark starts in about 7 s and takes some 2 GB."""

from __future__ import annotations

import shutil
import time

import pytest

from parity import differences, report

pytestmark = pytest.mark.slow


def test_spark_matches_duckdb(parity_council, tmp_path):
    pytest.importorskip("pyspark", reason="PySpark is not installed: pip install 'cscperf[spark]'")
    if shutil.which("java") is None:
        pytest.skip("no java on PATH: Spark needs Java 17 (apt-get install openjdk-17-jre-headless)")
    from cscperf import engine
    from cscperf.store import Store

    council = parity_council
    store_copy = tmp_path / "spark.duckdb"
    shutil.copy(council.config.store, store_copy)
    cfg = council.with_engine("spark", store=store_copy)
    with Store.of(cfg) as store:
        began = time.perf_counter()
        results = engine.compute(store, cfg)
        seconds = time.perf_counter() - began
        print(f"compute: DuckDB {council.seconds:.1f} s, Spark {seconds:.1f} s (session start included)")
        found = differences(council.results, results)
        assert not found, report(found)
        assert store.results().num_rows == results.num_rows   # written back to the DuckDB store
