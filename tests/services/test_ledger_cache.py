"""Sums kept between two commits: computed once while the ledger does not change, again
after any commit (by this engine or another), and the older ones let go."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import create_ledger

from relance.adapters.storage.database import Store
from relance.adapters.storage.revision import ledger_revision
from relance.bootstrap import open_store
from relance.core.model import Creditor
from relance.services import ledger_cache
from relance.services.setup import init_creditor


def test_a_value_is_kept_until_a_commit_then_computed_again(sqlite_store: Store) -> None:
    # SQLite: on PostgreSQL any write in the server (another test's) counts as a commit,
    # so "kept" cannot be asserted there; that a commit is seen there is tested in
    # tests/interfaces/web/test_web_large_ledger.py.
    store = sqlite_store
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert ledger_cache.kept(store, "sum", compute) == 1
    assert ledger_cache.kept(store, "sum", compute) == 1  # nothing committed: kept
    init_creditor(store, Creditor("Atelier Durand", "FR", "EUR"), actor="test")
    assert ledger_cache.kept(store, "sum", compute) == 2  # a commit: computed again
    other = open_store(store.engine.url.render_as_string(hide_password=False))
    init_creditor(other, Creditor("Atelier Martin", "FR", "EUR"), actor="test")
    other.engine.dispose()
    assert ledger_cache.kept(store, "sum", compute) == 3  # another process's commit too
    kept = ledger_cache._kept[store.engine]
    assert len(kept) == 1  # the values of older revisions let go


def test_a_ledger_whose_path_has_spaces_and_accents_is_watched(tmp_path: Path) -> None:
    folder = tmp_path / "mes relances é"
    folder.mkdir()
    store = create_ledger(folder / "grand livre.sqlite")
    first = ledger_revision(store)
    assert first is not None
    init_creditor(store, Creditor("Atelier Durand", "FR", "EUR"), actor="test")
    assert ledger_revision(store) not in (None, first)
    store.engine.dispose()
