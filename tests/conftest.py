"""Shared fixtures: a fresh ledger database on SQLite and on PostgreSQL, and file helpers.

PostgreSQL tests use the server at 127.0.0.1:5432 (database `test`, trust auth), each test
in a schema of its own that is dropped afterwards. Where no server answers they are
skipped, unless RELANCE_REQUIRE_PG=1 (as in CI), where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from relance.adapters.storage.database import Store
from relance.bootstrap import open_store
from relance.interfaces.cli.main import run

PG_URL = os.environ.get("RELANCE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


def _pg_reachable() -> str | None:
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # any failure to connect means: no server here
        return str(exc).splitlines()[0]
    return None


_PG_PROBLEM: str | bool | None = False  # False: not probed yet


def pg_problem() -> str | None:
    """Why PostgreSQL cannot be used here, or None when it can."""
    global _PG_PROBLEM
    if _PG_PROBLEM is False:
        _PG_PROBLEM = _pg_reachable()
    return _PG_PROBLEM if isinstance(_PG_PROBLEM, str) else None


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search path is a fresh schema, dropped after the test."""
    problem = pg_problem()
    if problem is not None:
        if os.environ.get("RELANCE_REQUIRE_PG") == "1":
            pytest.fail(f"PostgreSQL is required (RELANCE_REQUIRE_PG=1) but unreachable: {problem}")
        pytest.skip(f"no PostgreSQL server at {PG_URL}: {problem}")
    schema = f"relance_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty ledger, schema migrated, on each backend in turn."""
    if request.param == "sqlite":
        url = str(tmp_path / "ledger.sqlite")
    else:
        url = request.getfixturevalue("pg_url")
    store = open_store(url, create=True)
    yield store
    store.engine.dispose()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    """An empty ledger on SQLite only, for tests about SQLite itself or the pure paths."""
    store = open_store(str(tmp_path / "ledger.sqlite"), create=True)
    yield store
    store.engine.dispose()


def create_ledger(db: Path) -> Store:
    """A new SQLite ledger at `db`, as the demo command makes one."""
    return open_store(str(db), create=True)


def write(path: Path, text_: str, encoding: str = "utf-8") -> Path:
    """Write a small test file and return its path."""
    path.write_bytes(text_.encode(encoding))
    return path


@pytest.fixture
def samples() -> Path:
    """The folder of real files written by others; tests skip, saying why, without it."""
    if not SAMPLES.is_dir():
        pytest.skip(f"the shared samples folder is absent ({SAMPLES})")
    return SAMPLES


def cli_ledger(store: Store, tmp_path: Path, customers: str, invoices: str) -> str:
    """The URL of `store` after `relance init` and the import of the two CSV texts through
    the command line, as a user starts."""
    url = store.engine.url.render_as_string(hide_password=False)
    assert run(["init", "--db", url, "--name", "Atelier Durand"]) == 0
    for kind, text_ in (("customers", customers), ("invoices", invoices)):
        assert run(["import", kind, str(write(tmp_path / f"{kind}.csv", text_)), "--db", url]) == 0
    return url
