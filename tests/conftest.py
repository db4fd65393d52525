"""Shared fixtures: a fresh ledger database on SQLite and on PostgreSQL, and file helpers.

PostgreSQL tests use the server at 127.0.0.1:5432 (database `test`, trust auth), each test
in a schema of its own that is dropped afterwards. Where no server answers they are
skipped, unless RELANCE_REQUIRE_PG=1 (as in CI), where they fail.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, text

from relance.adapters.storage.database import Store, create_private_file, make_engine
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


# Migrating an empty ledger costs about 0.7 s of processor with Alembic, on each backend:
# over the suite's hundreds of `store` fixtures, a large share of `make test`. So each test
# process migrates once per backend, for real, and the fixtures then lay the same ledger
# anew: on SQLite a copy of that migrated file; on PostgreSQL the very statements the
# migration sent, recorded as it ran and replayed in the test's own schema. The migrations
# themselves are tested on their own (tests/adapters/storage/test_migrations.py), and
# `relance init` and the tests that call open_store(create=True) still migrate.
_SQLITE_TEMPLATE: list[Path] = []
_PG_MIGRATION: list[tuple[str, Any, bool, bool]] = []  # statement, parameters, many, bare


def sqlite_ledger(path: Path) -> Store:
    """A new SQLite ledger at `path`, migrated: a copy of this process's first one."""
    if not _SQLITE_TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="relance-template-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        open_store(str(folder / "ledger.sqlite"), create=True).engine.dispose()
        _SQLITE_TEMPLATE.append(folder / "ledger.sqlite")
    create_private_file(path)  # 0600, as open_store makes it
    with (
        closing(sqlite3.connect(_SQLITE_TEMPLATE[0])) as source,
        closing(sqlite3.connect(path)) as target,
    ):
        source.backup(target)
    return open_store(str(path))


def pg_ledger(url: str) -> Store:
    """A migrated ledger in the empty schema of `url`: the first one of this process is
    migrated by Alembic while its statements are recorded, the next ones replay them."""
    if _PG_MIGRATION:
        engine = make_engine(url)
        with engine.begin() as conn:
            cursor = conn.connection.cursor()
            for statement, parameters, many, bare in _PG_MIGRATION:
                if many:
                    cursor.executemany(statement, parameters)
                elif bare:
                    cursor.execute(statement)
                else:
                    cursor.execute(statement, parameters)
        engine.dispose()
        return open_store(url)
    recorded: list[tuple[str, Any, bool, bool]] = []

    def record(_c: Any, _cur: Any, statement: str, parameters: Any, context: Any, many: bool):
        recorded.append((statement, parameters, many, bool(context and context.no_parameters)))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        store = open_store(url, create=True)
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    _PG_MIGRATION.extend(recorded)
    return store


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty ledger, schema migrated, on each backend in turn."""
    if request.param == "sqlite":
        store = sqlite_ledger(tmp_path / "ledger.sqlite")
    else:
        store = pg_ledger(request.getfixturevalue("pg_url"))
    yield store
    store.engine.dispose()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    """An empty ledger on SQLite only, for tests about SQLite itself or the pure paths."""
    store = sqlite_ledger(tmp_path / "ledger.sqlite")
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
