"""The migrations build exactly the schema the code declares, on both backends."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from relance.adapters.storage.database import Store, is_current
from relance.adapters.storage.schema import metadata


def test_the_migrated_database_matches_the_declared_tables(store: Store):
    assert is_current(store.engine)
    with store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def test_the_head_read_from_the_files_is_alembics_head(store: Store):
    # `open_store` reads the newest revision from the migration files, without importing
    # Alembic (a quarter of a second at every command); it must agree with Alembic.
    from alembic.script import ScriptDirectory

    from relance.adapters.storage.database import _alembic_config, head_revisions

    script = ScriptDirectory.from_config(_alembic_config(store.engine))
    assert head_revisions() == set(script.get_heads())
