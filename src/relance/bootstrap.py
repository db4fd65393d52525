"""The composition root: the one place that builds adapters from settings.

The interfaces open the ledger here and hand the `Store` to the services; nothing below this
module imports it (tests/test_architecture.py).
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from relance.adapters.storage.database import (
    Store,
    create_private_file,
    head_revisions,
    make_engine,
    resolve_url,
    sqlite_path,
    stored_revisions,
    upgrade,
)

__all__ = [
    "LedgerMissing",
    "LedgerUnreachable",
    "Store",
    "ledger_exists",
    "ledger_url",
    "open_store",
]


class LedgerMissing(LookupError):
    """There is no ledger where one was named, and the command may not create one."""


class LedgerUnreachable(ConnectionError):
    """The ledger's database cannot be reached (server down, no such database, refused)."""


def shown_url(url: str) -> str:
    """A database URL as it may be printed: the password replaced by ***."""
    return make_url(url).render_as_string(hide_password=True)


def ledger_url(db: str | None = None) -> str:
    """The URL of the ledger `db` names, as it may be printed (password hidden)."""
    return shown_url(resolve_url(db))


def ledger_exists(db: str | None = None) -> bool:
    """True when `db` names a ledger relance has set up (a SQLite file, or a database holding
    relance's schema). Raises LedgerUnreachable when the database cannot be reached."""
    url = resolve_url(db)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        return False
    engine = make_engine(url)
    try:
        return bool(stored_revisions(engine))
    except DBAPIError as exc:
        raise _unreachable(url, exc) from exc
    finally:
        engine.dispose()


def open_store(db: str | None = None, *, create: bool = False) -> Store:
    """The ledger named by `db` (or RELANCE_DB, or the default file), schema brought current.

    Without `create`, a ledger that does not exist is an error (LedgerMissing) and nothing is
    created: only the commands that set a ledger up (`init`, imports) pass `create=True`. A
    new SQLite file is readable by its owner only. A database that cannot be reached raises
    LedgerUnreachable, naming the URL without its password.
    """
    url = resolve_url(db)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        if not create:
            raise LedgerMissing(
                f"no ledger at {path} (create it with `relance init`, or name it with --db)"
            )
        create_private_file(path)
    engine = make_engine(url)
    try:
        stored = stored_revisions(engine)
        if not stored and not create:
            raise LedgerMissing(
                f"no relance ledger in {shown_url(url)} (create it with `relance init`)"
            )
        if stored != head_revisions():
            upgrade(engine)
    except DBAPIError as exc:
        engine.dispose()
        raise _unreachable(url, exc) from exc
    except LedgerMissing:
        engine.dispose()
        raise
    return Store(engine)


def _unreachable(url: str, exc: DBAPIError) -> LedgerUnreachable:
    lines = str(exc.orig or exc).strip().splitlines()
    reason = lines[0] if lines else type(exc.orig or exc).__name__
    password = make_url(url).password
    if password:
        reason = reason.replace(str(password), "***")
    return LedgerUnreachable(f"cannot open the ledger at {shown_url(url)}: {reason}")
