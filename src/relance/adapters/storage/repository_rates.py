"""Reading and writing the law data a user owns: rate periods, law settings, stage fees.

Functions take an open `Connection`; the service decides the transaction. Rows become the
core's records (`RatePeriod`, `StageFee`), keyed by table name and invoice number.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, delete, insert, select

from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_rates as tr
from relance.core.fees import StageFee
from relance.core.money import Money
from relance.core.rates import Confidence, RatePeriod

USER_SOURCE = "your own period: "  # how a user's period is told apart in listings


def user_periods(conn: Connection) -> dict[str, tuple[RatePeriod, ...]]:
    """The user's periods per table name, oldest first."""
    p = tr.user_rate_periods.c
    found: dict[str, list[RatePeriod]] = {}
    for row in conn.execute(select(tr.user_rate_periods).order_by(p.table_name, p.start)):
        confidence = Confidence.CONFIRMED if row.confirmed else Confidence.SINGLE_SOURCE
        period = RatePeriod(
            row.start, row.end, Decimal(row.rate), USER_SOURCE + row.source, confidence, row.note
        )
        found.setdefault(row.table_name, []).append(period)
    return {name: tuple(periods) for name, periods in found.items()}


def save_user_period(
    conn: Connection, table: str, period: RatePeriod, confirmed: bool, recorded_on: date
) -> None:
    """Store the user's period of `table`, replacing the one starting the same day."""
    p = tr.user_rate_periods.c
    conn.execute(delete(tr.user_rate_periods).where(p.table_name == table, p.start == period.start))
    conn.execute(
        insert(tr.user_rate_periods).values(
            table_name=table,
            start=period.start,
            end=period.end,
            rate=str(period.rate),
            source=period.source.removeprefix(USER_SOURCE),
            confirmed=confirmed,
            note=period.note,
            recorded_on=recorded_on,
        )
    )


def settings(conn: Connection) -> dict[str, str]:
    """Every law setting the creditor chose, by name."""
    return {row.name: row.value for row in conn.execute(select(tr.law_settings))}


def save_setting(conn: Connection, name: str, value: str) -> None:
    """Set one law setting."""
    conn.execute(delete(tr.law_settings).where(tr.law_settings.c.name == name))
    conn.execute(insert(tr.law_settings).values(name=name, value=value))


def stage_fees(conn: Connection, numbers: Iterable[str]) -> list[StageFee]:
    """The fees charged on the invoices `numbers`, by invoice and level."""
    f, inv = tr.stage_fees.c, t.invoices.c
    query = (
        select(inv.number, f.level, f.level_name, f.amount_minor, f.currency, f.charged_on,
               f.basis)
        .join(t.invoices, t.invoices.c.id == f.invoice_id)
        .where(inv.number.in_(list(numbers)))
        .order_by(inv.number, f.level)
    )  # fmt: skip
    return [
        StageFee(number, level, name, Money.from_minor(minor, currency), charged_on, basis)
        for number, level, name, minor, currency, charged_on, basis in conn.execute(query)
    ]


def add_stage_fee(conn: Connection, fee: StageFee, invoice_id: int) -> None:
    """Record a fee charged on an invoice at a level (once: the pair is unique)."""
    conn.execute(
        insert(tr.stage_fees).values(
            invoice_id=invoice_id,
            level=fee.level,
            level_name=fee.level_name,
            amount_minor=fee.amount.to_minor(),
            currency=fee.amount.currency,
            charged_on=fee.charged_on,
            basis=fee.basis,
        )
    )
