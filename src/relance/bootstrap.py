"""The composition root: the one place that builds adapters from settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from relance.adapters.storage.database import is_current, make_engine, resolve_url, upgrade


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


def open_store(db: str | None = None) -> Store:
    """The store named by `db` (or RELANCE_DB, or the default file), schema brought current."""
    engine = make_engine(resolve_url(db))
    if not is_current(engine):
        upgrade(engine)
    return Store(engine)
