"""PostgreSQL gives the same figures as DuckDB: load, compute and report against the server on
127.0.0.1:5432 (CSCPERF_TEST_POSTGRES overrides), in a database of its own, dropped afterwards."""

from __future__ import annotations

import time

import pytest

from parity import differences, report

@pytest.fixture(scope="module")
def database(postgres_database):
    yield from postgres_database("parity")


def test_postgres_matches_duckdb_and_reports(parity_council, database, tmp_path):
    from cscperf import engine
    from cscperf.pipeline import load_files, write_report
    from cscperf.store import Store

    council = parity_council
    cfg = council.with_engine(database)
    sid, _ = load_files(cfg, council.paths(), extract_date=council.extract_date, covers_from=council.start)
    with Store.of(cfg) as store:
        began = time.perf_counter()
        results = engine.compute(store, cfg, sid)
        seconds = time.perf_counter() - began
        print(f"compute: DuckDB {council.seconds:.1f} s, PostgreSQL {seconds:.1f} s")
        found = differences(council.results, results)
        assert not found, report(found)
        assert store.results(sid).num_rows == results.num_rows
        written = write_report(store, cfg, tmp_path / "report", sid, pdf=False)
    assert written.html.exists() and "CP07" in written.html.read_text(encoding="utf-8")


def test_an_unreachable_server_says_what_to_do():
    from cscperf.store import Store, StoreError

    with pytest.raises(StoreError, match=r"cannot reach PostgreSQL at postgresql://cscperf:\*\*\*@127\.0\.0\.1:1/x .*"
                                         r"is the server running"):
        Store("unused.duckdb", engine="postgresql://cscperf:secret@127.0.0.1:1/x")


def test_the_config_names_the_engine(tmp_path):
    from cscperf import config as config_mod

    f = tmp_path / "cscperf.toml"
    f.write_text('[store]\nengine = "postgresql://cscperf@db:5432/cscperf"\n', encoding="utf-8")
    assert config_mod.load(f).engine == "postgresql://cscperf@db:5432/cscperf"
    assert config_mod.Config().engine == "duckdb"
    f.write_text('[store]\nengine = "oracle"\n', encoding="utf-8")
    with pytest.raises(config_mod.ConfigError, match="engine 'oracle': expected"):
        config_mod.load(f)


def test_the_config_caps_duckdbs_memory(tmp_path):
    from cscperf import config as config_mod
    from cscperf.store import Store

    f = tmp_path / "cscperf.toml"
    f.write_text('[store]\nmemory_limit = "512MB"\n', encoding="utf-8")
    cfg = config_mod.load(f)
    with Store.of(cfg) as store:   # DuckDB reports the cap in MiB: 512 MB = 488.2 MiB
        assert store.con.execute("SELECT current_setting('memory_limit')").fetchall() == [("488.2 MiB",)]
    assert config_mod.Config().memory_limit == ""
    f.write_text('[store]\nmemory_limit = "lots"\n', encoding="utf-8")
    with pytest.raises(config_mod.ConfigError, match=r"memory_limit: 'lots'; expected an amount such as \"6GB\""):
        config_mod.load(f)
