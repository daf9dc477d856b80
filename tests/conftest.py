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


POSTGRES = os.environ.get("CSCPERF_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="session")
def postgres_database():
    """postgres_database(name) yields the URL of a new database on the server at 127.0.0.1:5432
    (CSCPERF_TEST_POSTGRES overrides), dropped afterwards; the test is skipped, saying why, where no server
    answers. Use it as `yield from postgres_database("name")` in a fixture of your own."""
    def make(name: str):
        psycopg = pytest.importorskip("psycopg")
        try:
            admin = psycopg.connect(POSTGRES, autocommit=True, connect_timeout=3)
        except psycopg.OperationalError as e:
            pytest.skip(f"no PostgreSQL server at {POSTGRES} ({str(e).strip().splitlines()[0]}); "
                        "start one (or set CSCPERF_TEST_POSTGRES) to run this test")
        database = f"cscperf_{name}_{os.getpid()}"
        admin.execute(f"DROP DATABASE IF EXISTS {database}")
        admin.execute(f"CREATE DATABASE {database}")
        try:
            yield POSTGRES.rsplit("/", 1)[0] + "/" + database
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            admin.close()
    return make
