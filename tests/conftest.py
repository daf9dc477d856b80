import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

SAMPLES = Path(os.environ.get("CSCPERF_SAMPLES", Path(__file__).resolve().parents[1] / ".." / "shared" / "samples")).resolve()


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
