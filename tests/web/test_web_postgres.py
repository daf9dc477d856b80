"""The dashboard on a council whose store is a PostgreSQL database (docs/engines.md): the parity council
loaded and computed on the server at 127.0.0.1:5432, served, signed in to, drilled into and edited, as on
DuckDB. Skipped, saying why, where no server answers."""

from __future__ import annotations

import dataclasses

import pytest

from webhelpers import Server, add_action_and_see_it, free_port, sign_in

ADMIN, PASSWORD = "pg-admin", "a long enough password 1"


@pytest.fixture(scope="module")
def served(parity_council, postgres_database, tmp_path_factory):
    """(server, config): the dashboard on the parity council's PostgreSQL store, an admin account made."""
    from cscperf import engine
    from cscperf.pipeline import load_files
    from cscperf.store import Store
    from cscperf.web import create_app, users
    from cscperf.web.db import WebDB

    for url in postgres_database("dashboard"):
        folder = tmp_path_factory.mktemp("web-postgres")
        # The DuckDB file the config names does not exist: nothing may be read from it.
        cfg = dataclasses.replace(parity_council.with_engine(url, folder / "absent.duckdb"), path=folder / "cscperf.toml")
        cfg.path.write_text(f'[store]\nengine = "{url}"\npath = "absent.duckdb"\n', encoding="utf-8")
        load_files(cfg, parity_council.paths(), extract_date=parity_council.extract_date,
                   covers_from=parity_council.start)
        with Store.of(cfg) as store:
            engine.compute(store, cfg)
        users.add(WebDB(folder / "users.sqlite"), ADMIN, "admin", [], PASSWORD, must_change=False, by="tests")
        server = Server(create_app(cfg, folder / "users.sqlite", per_address_failures=10_000, warm=False),
                        free_port()).start()
        try:
            yield server, cfg
        finally:
            server.stop()


def test_the_dashboard_reads_a_postgresql_store(served, parity_council):
    from cscperf.web import pages
    from cscperf.web.auth import Principal

    server, cfg = served
    assert not cfg.store.exists()
    client = sign_in(server.base, ADMIN, PASSWORD)
    home = client.get("/")
    assert home.status_code == 200 and "CP07" in home.text
    data = server.app.state.data
    at = pages.as_at(data, None, None)
    expected = {r["indicator"]: r for r in parity_council.results.to_pylist()
                if r["period_end"] == at.month and r["breakdown"] == "all"}
    assert data.results(at.snap).at("CP07", at.month)["numerator"] == expected["CP07"]["numerator"]
    # The drill-down computes units on the server: a team's children are its count in the results.
    teams = [r["breakdown"].split("=", 1)[1] for r in parity_council.results.to_pylist()
             if r["indicator"] == "CP07" and r["period_end"] == at.month and r["breakdown"].startswith("team=")
             and r["units"]]
    who = Principal("t", "analyst")
    row = data.results(at.snap).at("CP07", at.month, f"team={teams[0]}")
    kids = pages.children_page(data, who, at, "CP07", teams[0], None, "all")
    assert len(kids["table"].rows) == row["units"] > 0
    for path in ("/indicators/CP07", f"/indicators/CP07/teams/{teams[0]}",
                 f"/indicators/CP07/children?team={teams[0]}&which=all", "/exceptions", "/quality"):
        assert client.get(path).status_code == 200, path
    client.close()


def test_an_action_written_to_the_server_shows_at_once(served):
    server, cfg = served
    client = sign_in(server.base, ADMIN, PASSWORD)
    try:
        add_action_and_see_it(client, cfg.path, "Recorded on the server")
    finally:
        client.close()
