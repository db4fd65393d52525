"""Customers in insolvency proceedings as stored: the BODACC notices read, each customer's
case and its declarations of claim (`tables_insolvency`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import insert, select, update

from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_insolvency as ti
from relance.adapters.storage.database import Connection
from relance.core.insolvency import (
    BodaccNotice,
    DeclarationRecord,
    InsolvencyCase,
    NoticeEffect,
    Procedure,
)
from relance.core.money import Money


def customers_by_siren(conn: Connection) -> dict[str, list[str]]:
    """The customers with a SIREN or SIRET, by SIREN (its first nine digits)."""
    c = t.customers
    found: dict[str, list[str]] = {}
    rows = conn.execute(select(c.c.ref, c.c.registration_id).where(c.c.registration_id != ""))
    for ref, registration in rows:
        digits = "".join(ch for ch in registration if ch.isdigit())
        if len(digits) in (9, 14):
            found.setdefault(digits[:9], []).append(ref)
    return found


def add_notice(conn: Connection, notice: BodaccNotice, customer_ref: str) -> bool:
    """Keep `notice` for `customer_ref`; False when it was already read."""
    table = ti.bodacc_notices
    known = conn.execute(
        select(table.c.notice_id).where(
            table.c.notice_id == notice.notice_id, table.c.customer_ref == customer_ref
        )
    ).first()
    if known is not None:
        return False
    procedure = notice.procedure
    conn.execute(
        insert(table).values(
            notice_id=notice.notice_id,
            customer_ref=customer_ref,
            published=notice.published,
            effect=notice.effect.value,
            procedure=procedure.value if procedure is not None else "",
            nature=notice.judgment_nature,
            judgment_date=notice.judgment_date,
            court=notice.court,
        )
    )
    return True


def _case(row: Any) -> InsolvencyCase:
    return InsolvencyCase(
        row.customer_ref, Procedure(row.procedure), row.opened, row.published, row.court,
        row.representative, row.notice_id, NoticeEffect(row.state), row.state_on,
    )  # fmt: skip


def current_case(conn: Connection, customer_ref: str) -> tuple[int, InsolvencyCase] | None:
    """The customer's latest case with its id, or None."""
    table = ti.insolvency_cases
    row = conn.execute(
        select(table).where(table.c.customer_ref == customer_ref).order_by(table.c.id.desc())
    ).first()
    return None if row is None else (int(row.id), _case(row))


def load_cases(conn: Connection, refs: Iterable[str] | None = None) -> list[InsolvencyCase]:
    """Each customer's latest case, by customer reference."""
    table = ti.insolvency_cases
    query = select(table).order_by(table.c.customer_ref, table.c.id)
    if refs is not None:
        query = query.where(table.c.customer_ref.in_(list(refs)))
    latest: dict[str, InsolvencyCase] = {}
    for row in conn.execute(query):
        latest[row.customer_ref] = _case(row)
    return list(latest.values())


def add_case(conn: Connection, case: InsolvencyCase, proceeding_id: int | None) -> int:
    """Record a new case (an opening); returns its id."""
    table = ti.insolvency_cases
    return int(
        conn.execute(
            insert(table).values(proceeding_id=proceeding_id, **_case_values(case))
            .returning(table.c.id)
        ).scalar_one()
    )  # fmt: skip


def update_case(conn: Connection, case_id: int, case: InsolvencyCase) -> None:
    """Store what a later notice changed in a case."""
    table = ti.insolvency_cases
    conn.execute(update(table).where(table.c.id == case_id).values(**_case_values(case)))


def _case_values(case: InsolvencyCase) -> dict[str, Any]:
    return {
        "customer_ref": case.customer_ref,
        "procedure": case.procedure.value,
        "opened": case.opened,
        "published": case.published,
        "court": case.court,
        "representative": case.representative,
        "notice_id": case.notice_id,
        "state": case.state.value,
        "state_on": case.state_on,
    }


def add_declaration(
    conn: Connection, case_id: int, record: DeclarationRecord, amount: Money
) -> int:
    """Record a declaration of claim rendered for a case; returns its id."""
    table = ti.claim_declarations
    return int(
        conn.execute(
            insert(table)
            .values(
                case_id=case_id,
                customer_ref=record.customer_ref,
                made_on=record.made_on,
                pdf_sha256=record.pdf_sha256,
                amount_minor=amount.to_minor(),
                currency=amount.currency,
                tracking_number=record.tracking_number,
                posted_on=record.posted_on,
                received_on=record.received_on,
            )
            .returning(table.c.id)
        ).scalar_one()
    )


def latest_declarations(
    conn: Connection, refs: Iterable[str] | None = None
) -> dict[str, tuple[int, DeclarationRecord, Money]]:
    """Each customer's latest declaration of its latest case: id, record and amount."""
    table, cases = ti.claim_declarations, ti.insolvency_cases
    newest = select(cases.c.customer_ref, cases.c.id).order_by(cases.c.customer_ref, cases.c.id)
    if refs is not None:
        newest = newest.where(cases.c.customer_ref.in_(list(refs)))
    case_of = {ref: case_id for ref, case_id in conn.execute(newest)}
    if not case_of:
        return {}
    found: dict[str, tuple[int, DeclarationRecord, Money]] = {}
    rows = conn.execute(
        select(table).where(table.c.case_id.in_(list(case_of.values()))).order_by(table.c.id)
    )
    for row in rows:
        record = DeclarationRecord(
            row.customer_ref, row.made_on, row.pdf_sha256, row.tracking_number, row.posted_on,
            row.received_on,
        )  # fmt: skip
        found[row.customer_ref] = (
            int(row.id),
            record,
            Money.from_minor(row.amount_minor, row.currency),
        )
    return found


def save_declaration_evidence(
    conn: Connection, declaration_id: int, record: DeclarationRecord
) -> None:
    """Store a declaration's posting or receipt."""
    table = ti.claim_declarations
    conn.execute(
        update(table)
        .where(table.c.id == declaration_id)
        .values(
            tracking_number=record.tracking_number,
            posted_on=record.posted_on,
            received_on=record.received_on,
        )
    )


def set_proceeding(conn: Connection, case_id: int, proceeding_id: int) -> None:
    """Link a case to the proceeding that stops the customer's collection."""
    table = ti.insolvency_cases
    conn.execute(update(table).where(table.c.id == case_id).values(proceeding_id=proceeding_id))
