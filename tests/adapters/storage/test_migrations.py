"""The migrations build exactly the schema the code declares, on both backends."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from relance.adapters.storage.database import is_current
from relance.adapters.storage.schema import metadata
from relance.bootstrap import Store


def test_the_migrated_database_matches_the_declared_tables(store: Store):
    assert is_current(store.engine)
    with store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []
