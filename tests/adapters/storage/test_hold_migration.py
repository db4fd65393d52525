"""A database made before holds were one concept: a customer's `hold_reason` and
`do_not_contact` become rows of the holds table (migration 0010), on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from relance.adapters.storage import repository_pauses as pause_repo
from relance.adapters.storage.database import Store, _alembic_config, make_engine, upgrade
from relance.core.pauses import Hold


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    """An empty database on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    else:
        url = request.getfixturevalue("pg_url")
    made = make_engine(url)
    yield made
    made.dispose()


def _migrate_to(engine: sa.Engine, revision: str) -> None:
    config = _alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _blank(column: sa.Column[Any]) -> Any:
    """A value for a required column the test does not care about."""
    if isinstance(column.type, sa.JSON):
        return []
    if isinstance(column.type, sa.Boolean):
        return False
    if isinstance(column.type, sa.Integer):
        return 0
    return ""


def _add_customer(conn: sa.Connection, ref: str, **values: Any) -> None:
    customers = sa.Table("customers", sa.MetaData(), autoload_with=conn)
    row = {
        column.name: _blank(column)
        for column in customers.columns
        if not column.nullable and not column.primary_key
    }
    conn.execute(sa.insert(customers).values({**row, "ref": ref, "name": ref, **values}))


def test_a_hold_reason_and_do_not_contact_are_carried_over_as_holds(engine: sa.Engine):
    _migrate_to(engine, "0009")
    with engine.begin() as conn:
        _add_customer(conn, "ESTATE", hold_reason="deceased, estate")
        _add_customer(conn, "QUIET", do_not_contact=True)
        _add_customer(conn, "PLAIN")
    upgrade(engine)
    store = Store(engine)
    with store.begin() as conn:
        holds = pause_repo.load_holds(conn)
        columns = {c["name"] for c in sa.inspect(conn).get_columns("customers")}
    assert holds == [
        Hold("ESTATE", date(1900, 1, 1), "deceased, estate"),
        Hold("QUIET", date(1900, 1, 1), "do not contact"),
    ]
    assert all(hold.active(date(2000, 1, 1)) for hold in holds)
    assert not columns & {"hold_reason", "do_not_contact"}
