import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

SAMPLES = Path(os.environ.get("CSCPERF_SAMPLES", Path(__file__).resolve().parents[1] / ".." / "shared" / "samples")).resolve()


@pytest.fixture(autouse=True, scope="session")
def _wide_console():
    """The CLI's tables at one width whatever terminal runs the tests (Rich takes the terminal's, so a
    test reading a table passed in one and failed in an 80-column one). Tests of narrow output set their own."""
    from cscperf import cli

    cli.out.width = cli.console.width = 160
    yield


@pytest.fixture
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"sample files not found at {SAMPLES} (set CSCPERF_SAMPLES to the shared/samples folder)")
    return SAMPLES


@pytest.fixture(scope="session")
def parity_council(tmp_path_factory):
    """A small synthetic council loaded into DuckDB with its results: what other engines must match."""
    from parity import build

    return build(tmp_path_factory.mktemp("parity_council"))
