"""Computing the catalogue on Spark (`[store] engine = "spark"` or a master URL; pip install cscperf[spark]).

The store stays a DuckDB file: loads and reports run there as ever. For `cscperf compute` the
snapshot's canonical tables and the calendar are handed to Spark as Arrow, each registered as a
temporary view, the indicators' Ibis expressions run through `ibis.pyspark`, and the results are
written back to the store. docs/engines.md says how an alliance points this at its cluster.
"""

from __future__ import annotations

import os
from typing import Callable

import pyarrow as pa

LOCAL = "local[2]"

# Small shuffles: the default 200 partitions make every council-sized query wait on empty tasks.
# Whole-stage code generation compiles Java for every stage, which costs more than it saves at this size.
SETTINGS = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "2",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.driver.memory": "2g",
}


def session(engine: str):
    """A Spark session for an engine setting: "spark" is local (two cores), anything else is the
    master URL. Settings in SPARK_CONF_DIR / spark-defaults.conf still apply; one session per process."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise RuntimeError("engine = \"spark\" needs PySpark: pip install 'cscperf[spark]' (and Java 17), "
                           "or set [store] engine in cscperf.toml back to \"duckdb\"") from None
    master = LOCAL if engine == "spark" else engine
    if master.startswith("local"):
        # The host name may resolve to an address Spark cannot bind (stack-notes G10).
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = SparkSession.builder.master(master).appName("cscperf")
    for key, value in SETTINGS.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


class SparkCompute:
    """Where indicators run when the engine is Spark: tables arrive from the store on first use."""

    def __init__(self, engine: str):
        self.engine = engine
        self._backend = None
        self._views: dict[str, object] = {}    # view name -> its DataFrame (to free a replaced one)

    @property
    def backend(self):
        if self._backend is None:
            import ibis

            self._backend = ibis.pyspark.connect(session(self.engine))
        return self._backend

    def put(self, name: str, data: pa.Table):
        """Register an Arrow table as the view `name` (replacing any earlier one) and return it."""
        spark = self.backend._session
        df = spark.createDataFrame(data) if data.num_rows else spark.createDataFrame([], self._schema(data.schema))
        return self._register(name, df.localCheckpoint(eager=True))

    def table(self, name: str, fetch: Callable[[], pa.Table]):
        """The view `name`, fetched from the store (as Arrow) the first time it is asked for."""
        if name not in self._views:
            self.put(name, fetch())
        return self.backend.table(name)

    def materialise(self, expr, name: str):
        """Run an expression once and keep its rows (checkpointed in Spark's memory) as a view."""
        self.backend._run_pre_execute_hooks(expr)   # registers the memtables it uses (period ends)
        df = self.backend._session.sql(self.backend.compile(expr))
        self._register(f"_tmp_{name}", df.localCheckpoint(eager=True))
        return self.backend.table(f"_tmp_{name}")

    def query(self, sql: str) -> pa.Table:
        """A DuckDB-dialect query, put into Spark SQL by sqlglot, as Arrow."""
        from cscperf.connections import transpile

        return self.backend._session.sql(transpile(sql, "spark")).toArrow()

    def _register(self, name: str, df):
        old = self._views.get(name)
        df.createOrReplaceTempView(name)
        self._views[name] = df
        if old is not None:
            old.unpersist()
        return self.backend.table(name)

    @staticmethod
    def _schema(schema: pa.Schema):
        from pyspark.sql.pandas.types import from_arrow_schema

        return from_arrow_schema(schema)
