"""Migration 0009 carries a ledger made by the release before it over: lists become JSON
arrays with every value kept, rows get their foreign keys, and the rows of an old ledger
that named a missing row are moved whole to `migration_orphans`, never lost. On SQLite
and PostgreSQL."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from relance.adapters.storage import repository as repo
from relance.adapters.storage.database import make_engine, resolve_url, upgrade
from relance.adapters.storage.repository_bank import load_suggestions
from relance.adapters.storage.repository_letters import outbox_get
from relance.adapters.storage.repository_open_invoices import customers_with_iban
from relance.adapters.storage.repository_pauses import load_plans
from relance.adapters.storage.repository_queue import load_queue
from relance.core.policy import Channel

RELEASE = "0008_web_users"  # the head of the release this migration upgrades from
DAY = date(2026, 10, 1)
NOW = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)
SHA = "a" * 64


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def old_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    """An empty ledger at the release's schema."""
    if request.param == "sqlite":
        url = resolve_url(str(tmp_path / "old.sqlite"))
    else:
        url = request.getfixturevalue("pg_url")
    engine = make_engine(url)
    upgrade(engine, RELEASE)
    yield engine
    engine.dispose()


def put(conn: sa.Connection, table: str, **values: Any) -> Any:
    """Insert a row as the old release stored it (lists as it wrote them); returns its id."""
    target = sa.table(table, *(sa.column(name) for name in values))
    if table == "send_claims":  # keyed by its action, no id of its own
        conn.execute(target.insert().values(**values))
        return None
    return conn.execute(target.insert().values(**values).returning(sa.column("id"))).scalar_one()


def fill_old_ledger(conn: sa.Connection) -> None:
    """One row of each kind the migration touches, plus rows naming missing ones."""
    blank = dict.fromkeys(
        ("legal_form", "capital", "registration_id", "registration_city", "vat_number",
         "iban", "bic", "phone", "email", "signatory_name", "signatory_title", "logo_path"),
        "",
    )  # fmt: skip
    put(conn, "creditor", id=1, name="Acme", country="FR", currency="EUR", language="fr",
        address_lines="1 rue A\nBât. 2", postal_code="75001", city="Paris", **blank)  # fmt: skip
    customer_id = put(
        conn, "customers", ref="DUP", name="Dupont", kind="business", country="FR",
        language="fr", address_lines="12 rue B\n\nEtage 3", postal_code="69001", city="Lyon",
        email="", phone="", tags="vip,,export", do_not_contact=False, registration_id="",
        vat_number="", ibans="FR7630006000011234567890189,DE89370400440532013000",
    )  # fmt: skip
    put(conn, "customers", ref="NIL", name="Nil", kind="consumer", country="FR",
        language="fr", address_lines="", postal_code="", city="", email="", phone="",
        tags="", do_not_contact=False, registration_id="", vat_number="", ibans="")  # fmt: skip
    put(conn, "invoices", number="F-1", customer_id=customer_id, issue_date=DAY, due_date=DAY,
        amount_minor=120000, currency="EUR", tax_minor=20000, subject="", pdf_path="")  # fmt: skip
    action = dict(policy="business", level=1, level_name="first", invoice_numbers='["F-1"]',
                  proposed_on=DAY, status="done", outcome="sent", details="{}")  # fmt: skip
    action_id = put(conn, "dunning_actions", key="A1", customer_ref="DUP",
                    channels="email,letter", **action)  # fmt: skip
    put(conn, "dunning_contacts", customer_ref="DUP", on=DAY, channel="phone",
        direction="out", note="", action_key="A1", recorded_at=NOW)  # fmt: skip
    put(conn, "disputes", invoice_number="F-1", customer_ref="DUP", opened=DAY,
        reason="price", resolution="")  # fmt: skip
    put(conn, "promises", key="P1", customer_ref="DUP", made_on=DAY, due=DAY,
        amount_minor=5000, currency="EUR", note="")  # fmt: skip
    plan_id = put(conn, "payment_plans", key="PL1", customer_ref="DUP",
                  invoice_numbers='["F-1"]', agreed_on=DAY, every="1m")  # fmt: skip
    put(conn, "plan_instalments", plan_id=plan_id, position=0, due=DAY, amount_minor=60000,
        currency="EUR")  # fmt: skip
    put(conn, "holds", customer_ref="DUP", since=DAY, reason="talks")
    put(conn, "dunning_flags", key="FL1", kind="k", customer_ref="DUP", message="m",
        invoice_number="F-1", raised_on=DAY)  # fmt: skip
    put(conn, "customer_proceedings", customer_ref="DUP", kind="insolvency", since=DAY, note="")
    bank = dict(account="", booking_date=DAY, amount_minor=5000, currency="EUR",
                payer_name="", payer_iban="", remittance="", structured_reference="",
                end_to_end_id="", bank_reference="", reversal=False, source_file="s.csv",
                source_format="csv", file_sha256=SHA, imported_at=NOW, state="unmatched",
                note="")  # fmt: skip
    put(conn, "bank_transactions", key="T1", customer_ref="DUP", **bank)
    put(conn, "bank_suggestions", transaction_key="T1", rank=1, customer_ref="DUP",
        invoice_numbers='["F-1"]', score=90, reason="amount")  # fmt: skip
    batch = put(conn, "print_batches", as_of=DAY, file_name="b1.pdf", letters=1, pages=1,
                sha256=SHA, created_at=NOW)  # fmt: skip
    mail = dict(channel="email", status="sent", message_id="<m@x>", message=b"bytes",
                sha256=SHA, created_at=NOW, server_reply="")  # fmt: skip
    put(conn, "letter_outbox", outbox_key=f"{action_id}:email", action_id=action_id,
        recipients='["a@b.fr", "c@d.fr"]', **mail)  # fmt: skip
    put(conn, "letter_evidence", action_id=action_id, channel="letter", customer_ref="DUP",
        level=1, template_key="t", reference="r", rf_reference="", dated=DAY,
        file_name="l.pdf", pages=1, pdf=b"%PDF", sha256=SHA, recorded_at=NOW,
        print_batch=batch)  # fmt: skip
    put(conn, "registered_mail", action_id=action_id, provider="laposte", pdf_sha256=SHA,
        tracking_number="1A", updated_at=NOW)  # fmt: skip
    put(conn, "send_claims", action_id=action_id, owner=None)
    # What an old ledger may hold: rows naming a customer that is gone (money among them),
    # and rows naming those rows in turn.
    put(conn, "promises", key="P-GONE", customer_ref="GONE", made_on=DAY, due=DAY,
        amount_minor=777, currency="EUR", note="kept")  # fmt: skip
    gone_plan = put(conn, "payment_plans", key="PL-GONE", customer_ref="GONE",
                    invoice_numbers='["F-9"]', agreed_on=DAY, every="1m")  # fmt: skip
    put(conn, "plan_instalments", plan_id=gone_plan, position=0, due=DAY, amount_minor=888,
        currency="EUR")  # fmt: skip
    gone_action = put(conn, "dunning_actions", key="A-GONE", customer_ref="GONE",
                      channels="email", **action)  # fmt: skip
    put(conn, "letter_outbox", outbox_key=f"{gone_action}:email", action_id=gone_action,
        recipients='["x@y.fr"]', **mail)  # fmt: skip
    put(conn, "dunning_flags", key="FL-GONE", kind="k", customer_ref="DUP", message="m",
        invoice_number="F-GONE", raised_on=DAY)  # fmt: skip


def test_an_old_ledger_keeps_every_value_and_gains_its_keys(
    old_engine: sa.Engine, caplog: pytest.LogCaptureFixture
) -> None:
    with old_engine.begin() as conn:
        fill_old_ledger(conn)
    with caplog.at_level(logging.WARNING, logger="relance.migrations"):
        upgrade(old_engine)

    with old_engine.begin() as conn:
        creditor = repo.load_creditor(conn)
        assert creditor is not None and creditor.address.lines == ("1 rue A", "Bât. 2")
        dup, nil = repo.load_customers(conn, ["DUP", "NIL"])
        assert dup.address.lines == ("12 rue B", "Etage 3")
        assert dup.tags == ("vip", "export")
        assert dup.ibans == ("FR7630006000011234567890189", "DE89370400440532013000")
        assert (nil.address.lines, nil.tags, nil.ibans) == ((), (), ())
        assert customers_with_iban(conn, "DE89 3704 0044 0532 0130 00") == ["DUP"]
        (queued,) = load_queue(conn)
        assert queued.action.channels == (Channel.EMAIL, Channel.LETTER)
        assert queued.action.invoice_numbers == ("F-1",)
        (plan,) = load_plans(conn)
        assert plan.invoice_numbers == ("F-1",) and plan.instalments[0].amount.to_minor() == 60000
        assert load_suggestions(conn, ["T1"])["T1"][0].invoice_numbers == ("F-1",)
        outbox = outbox_get(conn, f"{queued.id}:email")
        assert outbox is not None and outbox.recipients == ("a@b.fr", "c@d.fr")
        orphans = {
            (row.table_name, row.missing): row.row
            for row in conn.execute(
                sa.text("SELECT table_name, missing, row FROM migration_orphans")
            )
        }
    rows = {key: _json(value) for key, value in orphans.items()}
    assert set(rows) == {
        ("promises", "customers.ref = 'GONE'"),
        ("payment_plans", "customers.ref = 'GONE'"),
        (
            "plan_instalments",
            f"payment_plans.id = {rows_id(rows, 'payment_plans')} (itself moved here)",
        ),
        ("dunning_actions", "customers.ref = 'GONE'"),
        ("letter_outbox", f"dunning_actions.id = {rows_id(rows, 'dunning_actions')}"),
        ("dunning_flags", "invoices.number = 'F-GONE'"),
    }
    promise = rows[("promises", "customers.ref = 'GONE'")]
    assert (promise["key"], promise["amount_minor"], promise["currency"]) == ("P-GONE", 777, "EUR")
    instalment = next(row for (table, _), row in rows.items() if table == "plan_instalments")
    assert instalment["amount_minor"] == 888 and instalment["due"] == DAY.isoformat()
    message = next(row for (table, _), row in rows.items() if table == "letter_outbox")
    assert base64.b64decode(message["message"]["base64"]) == b"bytes"
    assert "promises named a missing customers ('GONE')" in caplog.text

    with old_engine.begin() as conn:
        remaining = conn.execute(sa.text("SELECT key FROM promises")).scalars().all()
    assert remaining == ["P1"]
    for table, values in (
        ("promises", dict(key="P2", customer_ref="NOBODY", made_on=DAY, due=DAY,
                          amount_minor=1, currency="EUR", note="")),
        ("disputes", dict(invoice_number="F-404", customer_ref="DUP", opened=DAY,
                          reason="x", resolution="")),
        ("send_claims", dict(action_id=999_999, owner=None)),
    ):  # fmt: skip
        with pytest.raises(IntegrityError), old_engine.begin() as conn:
            put(conn, table, **values)


def rows_id(rows: dict[tuple[str, str], dict[str, Any]], table: str) -> Any:
    """The id of the one row of `table` moved to the orphans."""
    (found,) = [row["id"] for (name, _), row in rows.items() if name == table]
    return found


def _json(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value)
