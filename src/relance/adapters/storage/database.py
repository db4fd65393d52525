"""Where the ledger lives: the database URL, the engine, and the schema kept current.

`--db` or `RELANCE_DB` names a SQLite file or a PostgreSQL URL; without either, the
ledger is `relance.sqlite` in the current folder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

if TYPE_CHECKING:
    from alembic.config import Config

DEFAULT_SQLITE = "relance.sqlite"
MIGRATIONS = Path(__file__).with_name("migrations")

__all__ = ["Connection", "Store"]  # the unit of work's handle, named here for the services


@dataclass(frozen=True)
class Store:
    """The ledger's database. `begin()` is one transaction: all of it or nothing."""

    engine: Engine

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A connection inside a transaction, committed when the block ends without error."""
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def trial(self) -> Iterator[Connection]:
        """A transaction that is always rolled back: for `--dry-run`."""
        with self.engine.connect() as connection:
            transaction = connection.begin()
            try:
                yield connection
            finally:
                transaction.rollback()

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self.engine.url.render_as_string(hide_password=True)


def database_failure(exc: BaseException) -> str | None:
    """One line saying why the database failed, when `exc` is such a failure (the server
    went away or refused mid-command, or a constraint refused a write because another
    process took the same name first): the transaction rolled back, nothing was half
    written. None for any other error."""
    if not isinstance(exc, OperationalError | InterfaceError | IntegrityError):
        return None
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return "the database failed: " + (text[0] if text else type(exc).__name__)


def resolve_url(db: str | None = None, environ: dict[str, str] | None = None) -> str:
    """The SQLAlchemy URL for `db`, else `RELANCE_DB`, else the default SQLite file."""
    env = os.environ if environ is None else environ
    value = db or env.get("RELANCE_DB") or DEFAULT_SQLITE
    if value.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser()}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA cache_size=-200000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets foreign keys, WAL and a large page cache."""
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None for another database or SQLite in memory."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url[len(prefix) :] in ("", ":memory:"):
        return None
    return Path(url[len(prefix) :])


def create_private_file(path: Path) -> None:
    """Create an empty SQLite file readable by its owner only (0600): the ledger holds
    customers' personal data. SQLite gives its -wal and -shm files the same mode."""
    descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(descriptor)
    path.chmod(0o600)  # whatever the umask


def _alembic_config(engine: Engine) -> Config:
    from alembic.config import Config  # Alembic is needed only to migrate

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    url = engine.url.render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # configparser escaping
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to the newest migration, or to `revision` (creates it in an empty
    database)."""
    from alembic import command

    config = _alembic_config(engine)
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:  # SQLite rebuilds tables to change them: keys are checked once, at the end
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite:
                    _check_foreign_keys(connection)
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        found = ", ".join(f"{table} row {rowid} -> {parent}" for table, rowid, parent, _ in broken)
        raise RuntimeError(f"the migrated ledger has rows naming missing rows: {found}")


def stored_revisions(engine: Engine) -> set[str]:
    """The migrations the database says it is at (empty for a database relance never set up).

    Read with one query rather than through Alembic, which takes a quarter of a second to
    import: every command opens the ledger, and most find it current.
    """
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return set()
        return {
            row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))
        }


_REVISION = re.compile(r"^(down_)?revision\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)


def head_revisions() -> set[str]:
    """The newest migrations, read from the migration files' `revision` and `down_revision`
    lines (tests/adapters/storage/test_migrations.py checks it against Alembic's answer)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for down, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            names = set(re.findall(r"[\"']([^\"']+)[\"']", value))
            (parents if down else revisions).update(names)
    return revisions - parents


def is_current(engine: Engine) -> bool:
    """True when the database's schema is at the newest migration."""
    return stored_revisions(engine) == head_revisions()
