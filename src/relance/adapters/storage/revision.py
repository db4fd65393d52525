"""A token that changes whenever anything is committed to the ledger, by this process or
another: what a page sums over a million invoices is kept until the token changes.

SQLite: `PRAGMA data_version`, read on a connection of its own that never writes (the
number changes when any other connection commits, in any process). PostgreSQL: the current
snapshot (`pg_current_snapshot()`), which changes when any transaction that wrote commits
or begins to write. A database of another kind, or SQLite in memory, has no token: nothing
is kept.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from weakref import WeakKeyDictionary

from sqlalchemy import Engine

from relance.adapters.storage.database import Store

_watchers: WeakKeyDictionary[Engine, sqlite3.Connection] = WeakKeyDictionary()
_lock = threading.Lock()


def _watcher(engine: Engine) -> sqlite3.Connection | None:
    found = _watchers.get(engine)
    if found is None:
        name = engine.url.database  # the file's own name (the URL's text is escaped)
        if not name or name == ":memory:" or not Path(name).exists():
            return None
        path = Path(name)
        try:  # a URI, so the name may hold any character; read-only: it never writes
            found = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
            )
        except sqlite3.Error:  # unreadable here: nothing is kept, every page sums
            return None
        _watchers[engine] = found
    return found


def ledger_revision(store: Store) -> str | None:
    """The ledger's current token, None when it has none (nothing may be kept)."""
    engine = store.engine
    if engine.dialect.name == "sqlite":
        with _lock:  # one watcher per ledger, shared by the server's threads
            watcher = _watcher(engine)
            if watcher is None:
                return None
            try:
                return f"sqlite:{watcher.execute('PRAGMA data_version').fetchone()[0]}"
            except sqlite3.Error:  # the file went away or is locked out: keep nothing
                return None
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            return "pg:" + str(conn.exec_driver_sql("SELECT pg_current_snapshot()").scalar_one())
    return None
