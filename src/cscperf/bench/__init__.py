"""`cscperf bench`: time and peak memory of each step of the pipeline at council, region and national size,
and four core indicators (CP07, AS02, LA04, MI01) computed three ways on the same store: cscperf's engine, a
straightforward pandas implementation (`pandas_baseline`) and hand-written DuckDB SQL (`sql_baseline`), with a
check that all three give the same numerators and denominators at every month end. docs/benchmarks.md.
"""

from cscperf.bench.runner import SIZES, STEPS, parity, run, run_size  # noqa: F401
from cscperf.bench.steps import FOUR  # noqa: F401
