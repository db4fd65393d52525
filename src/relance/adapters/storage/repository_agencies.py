"""Reading and writing collection agencies, the routes chosen for claims, and the money
agencies recovered.

Functions take an open `Connection`; the service decides the transaction. Agencies are
known by name, invoices by number: database ids stay here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_agencies as ta
from relance.core.agencies import Agency, FeeBand, FeeSchedule, Insurance
from relance.core.model import Address
from relance.core.money import Money, minor_units


def _minor(amount: Decimal, currency: str) -> int:
    return int(amount.scaleb(minor_units(currency)))


def _agency_values(agency: Agency) -> dict[str, Any]:
    currency = agency.fees.currency
    insurance = agency.insurance
    return {
        "name": agency.name,
        "siren": agency.siren,
        "address_lines": "\n".join(agency.address.lines),
        "postal_code": agency.address.postal_code,
        "city": agency.address.city,
        "country": agency.address.country or "FR",
        "contact": agency.contact,
        "email": agency.email,
        "phone": agency.phone,
        "insurer": insurance.insurer if insurance else None,
        "policy_number": insurance.policy_number if insurance else None,
        "insured_until": insurance.valid_until if insurance else None,
        "funds_iban": agency.funds_iban,
        "currency": currency,
        "fixed_fee_minor": _minor(agency.fees.fixed_fee, currency),
        "minimum_fee_minor": _minor(agency.fees.minimum_fee, currency),
    }


def save_agency(conn: Connection, agency: Agency) -> bool:
    """Create the agency, or replace the record of the one with its name; True when new."""
    a = ta.agencies
    found = conn.execute(select(a.c.id).where(a.c.name == agency.name)).scalar()
    if found is None:
        agency_id = int(
            conn.execute(insert(a).values(**_agency_values(agency)).returning(a.c.id)).scalar_one()
        )
    else:
        agency_id = int(found)
        conn.execute(update(a).where(a.c.id == agency_id).values(**_agency_values(agency)))
        conn.execute(
            delete(ta.agency_fee_bands).where(ta.agency_fee_bands.c.agency_id == agency_id)
        )
    for position, band in enumerate(agency.fees.bands):
        conn.execute(
            insert(ta.agency_fee_bands).values(
                agency_id=agency_id,
                position=position,
                rate=str(band.rate),
                max_age_days=band.max_age_days,
                max_amount=str(band.max_amount) if band.max_amount is not None else None,
            )
        )
    return found is None


def _bands(conn: Connection) -> dict[int, list[FeeBand]]:
    b = ta.agency_fee_bands.c
    found: dict[int, list[FeeBand]] = {}
    query = select(b.agency_id, b.rate, b.max_age_days, b.max_amount).order_by(
        b.agency_id, b.position
    )
    for agency_id, rate, age, amount in conn.execute(query):
        band = FeeBand(Decimal(rate), age, Decimal(amount) if amount is not None else None)
        found.setdefault(agency_id, []).append(band)
    return found


def _agency(row: Any, bands: list[FeeBand]) -> Agency:
    currency = row["currency"]
    insurance = None
    if row["policy_number"] is not None and row["insured_until"] is not None:
        insurance = Insurance(row["insurer"] or "", row["policy_number"], row["insured_until"])
    return Agency(
        name=row["name"],
        siren=row["siren"],
        address=Address(
            tuple(line for line in row["address_lines"].split("\n") if line),
            row["postal_code"],
            row["city"],
            row["country"],
        ),
        contact=row["contact"],
        fees=FeeSchedule(
            currency,
            tuple(bands),
            Money.from_minor(row["fixed_fee_minor"], currency).amount,
            Money.from_minor(row["minimum_fee_minor"], currency).amount,
        ),
        insurance=insurance,
        funds_iban=row["funds_iban"],
        email=row["email"],
        phone=row["phone"],
    )


def load_agencies(conn: Connection, names: Iterable[str] | None = None) -> list[Agency]:
    """The agencies on record (all, or those named), by name."""
    a = ta.agencies
    query = select(a).order_by(a.c.name)
    if names is not None:
        query = query.where(a.c.name.in_(list(names)))
    bands = _bands(conn)
    return [_agency(row, bands.get(row["id"], [])) for row in conn.execute(query).mappings()]


def agency_id(conn: Connection, name: str) -> int:
    """The database id of the agency `name`; LookupError naming it when unknown."""
    found = conn.execute(select(ta.agencies.c.id).where(ta.agencies.c.name == name)).scalar()
    if found is None:
        raise LookupError(f"no agency named {name!r} (add it with relance agency add)")
    return int(found)


# -- routes ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RouteRow:
    """A route chosen for one invoice's claim, as stored."""

    invoice_number: str
    customer_ref: str
    route: str
    agency: str | None
    date: date
    claim: Money
    age_days: int
    actor: str
    note: str
    file_fee: Money | None = None  # the agency's fixed fee, on a handoff's first invoice


def add_route(conn: Connection, row: RouteRow) -> None:
    """Record the route chosen for an invoice's claim."""
    invoice = conn.execute(
        select(t.invoices.c.id).where(t.invoices.c.number == row.invoice_number)
    ).scalar_one()
    conn.execute(
        insert(ta.claim_routes).values(
            invoice_id=invoice,
            route=row.route,
            agency_id=agency_id(conn, row.agency) if row.agency else None,
            date=row.date,
            claim_minor=row.claim.to_minor(),
            currency=row.claim.currency,
            age_days=row.age_days,
            file_fee_minor=row.file_fee.to_minor() if row.file_fee else 0,
            actor=row.actor,
            note=row.note,
        )
    )


def load_routes(conn: Connection, customer_ref: str | None = None) -> list[RouteRow]:
    """Every route chosen (of one customer's invoices, or all), oldest first."""
    r, inv, cust, a = ta.claim_routes, t.invoices, t.customers, ta.agencies
    query = (
        select(inv.c.number, cust.c.ref, r.c.route, a.c.name, r.c.date, r.c.claim_minor,
               r.c.currency, r.c.age_days, r.c.actor, r.c.note, r.c.file_fee_minor)
        .select_from(r)
        .join(inv, inv.c.id == r.c.invoice_id)
        .join(cust, cust.c.id == inv.c.customer_id)
        .outerjoin(a, a.c.id == r.c.agency_id)
        .order_by(r.c.date, r.c.id)
    )  # fmt: skip
    if customer_ref is not None:
        query = query.where(cust.c.ref == customer_ref)
    return [
        RouteRow(number, ref, route, agency, day, Money.from_minor(minor, currency), age, actor,
                 note, Money.from_minor(fee, currency))
        for number, ref, route, agency, day, minor, currency, age, actor, note, fee
        in conn.execute(query)
    ]  # fmt: skip


def routed_to_court(conn: Connection, as_of: date) -> set[str]:
    """Invoices whose latest route by `as_of` is a payment order or the small-claims
    procedure: out of the daily run like those before the courts."""
    r, inv = ta.claim_routes, t.invoices
    latest: dict[str, tuple[date, int, str]] = {}
    query = (
        select(inv.c.number, r.c.date, r.c.id, r.c.route)
        .join(inv, inv.c.id == r.c.invoice_id)
        .where(r.c.date <= as_of)
    )
    for number, day, row_id, route in conn.execute(query):
        if number not in latest or (day, row_id) > latest[number][:2]:
            latest[number] = (day, row_id, route)
    return {n for n, (_, _, route) in latest.items() if route in ("payment_order", "small_claims")}


# -- recoveries ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecoveryRow:
    """Money an agency recovered on an invoice, with its fee, as stored."""

    agency: str
    invoice_number: str
    date: date
    amount: Money
    fee: Money
    reference: str
    payment_key: str


def add_recovery(conn: Connection, row: RecoveryRow) -> None:
    """Record a recovery (its payment and allocation are written by the ledger's functions)."""
    invoice = conn.execute(
        select(t.invoices.c.id).where(t.invoices.c.number == row.invoice_number)
    ).scalar_one()
    conn.execute(
        insert(ta.agency_recoveries).values(
            agency_id=agency_id(conn, row.agency),
            invoice_id=invoice,
            date=row.date,
            amount_minor=row.amount.to_minor(),
            currency=row.amount.currency,
            fee_minor=row.fee.to_minor(),
            reference=row.reference,
            payment_key=row.payment_key,
        )
    )


def load_recoveries(conn: Connection, agency: str | None = None) -> list[RecoveryRow]:
    """Every recovery (of one agency, or all), by date."""
    r, inv, a = ta.agency_recoveries, t.invoices, ta.agencies
    query = (
        select(a.c.name, inv.c.number, r.c.date, r.c.amount_minor, r.c.currency, r.c.fee_minor,
               r.c.reference, r.c.payment_key)
        .select_from(r)
        .join(inv, inv.c.id == r.c.invoice_id)
        .join(a, a.c.id == r.c.agency_id)
        .order_by(r.c.date, r.c.id)
    )  # fmt: skip
    if agency is not None:
        query = query.where(a.c.name == agency)
    return [
        RecoveryRow(name, number, day, Money.from_minor(minor, currency),
                    Money.from_minor(fee, currency), reference, key)
        for name, number, day, minor, currency, fee, reference, key in conn.execute(query)
    ]  # fmt: skip


def known_references(conn: Connection, agency: str) -> set[str]:
    """The agency's references already imported (a file imported twice adds nothing)."""
    r, a = ta.agency_recoveries, ta.agencies
    query = select(r.c.reference).join(a, a.c.id == r.c.agency_id).where(a.c.name == agency)
    return set(conn.execute(query).scalars())
