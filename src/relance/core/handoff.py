"""After the formal notice: the routes a claim can take, and which of a customer's
invoices a decision covers (docs/after-notice.md).

relance never hands a debt over by itself: the user compares the routes
(`relance.core.routes`) and decides for the customer's claim as a whole. The decision
covers the customer's invoices still open and past due that went through the formal
notice, as a step of the process or recorded by hand (`relance notice`), and are not
already with an agency or before the courts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from relance.core.interest import FormalNotice
from relance.core.model import Invoice
from relance.core.money import Money
from relance.core.policy import Policy
from relance.core.proceedings import Proceeding, ProceedingKind
from relance.core.stages import InvoiceStage


class Route(StrEnum):
    """Where a claim goes once the formal notice went unanswered."""

    AGENCY = "agency"  # a collection agency, amicably (CPCE R124-1 ff.)
    SMALL_CLAIMS = "small_claims"  # a commissaire de justice, with the debtor's agreement
    PAYMENT_ORDER = "payment_order"  # injonction de payer (CPC 1405 ff.)
    WRITE_OFF = "write_off"  # held lost; the VAT on it recovered (CGI 272)


@dataclass(frozen=True, slots=True)
class ClaimItem:
    """One invoice of the claim: its open balance and days past due on the day."""

    invoice: Invoice
    balance: Money
    age_days: int


def notice_level(policy: Policy | None) -> int | None:
    """The index of the policy's first formal notice level (None when it has none)."""
    if policy is None:
        return None
    for index, level in enumerate(policy.levels):
        if level.formal_notice:
            return index
    return None


def after_notice(
    balances: Iterable[tuple[Invoice, Money]],
    on: date,
    *,
    stages: Mapping[str, InvoiceStage],
    notice_index: int | None,
    notices: Iterable[FormalNotice],
    handed_over: frozenset[str],
) -> tuple[ClaimItem, ...]:
    """The invoices of one customer a decision on `on` covers: open and past due, through
    the formal notice (their stage reached the policy's notice level, or a notice recorded
    by `on` names them or, for the whole customer, came after their due date), and not
    already handed over."""
    recorded = [n for n in notices if n.date <= on]
    found = []
    for invoice, balance in balances:
        if invoice.due_date >= on or invoice.number in handed_over or not balance.is_positive:
            continue
        stage = stages.get(invoice.number)
        noticed = notice_index is not None and stage is not None and stage.level >= notice_index
        noticed = noticed or any(
            n.invoice_number == invoice.number
            or (n.invoice_number is None and invoice.due_date < n.date)
            for n in recorded
        )
        if noticed:
            found.append(ClaimItem(invoice, balance, (on - invoice.due_date).days))
    return tuple(found)


def proceedings_refusal(route: Route, proceeding: Proceeding | None) -> str | None:
    """Why `route` is closed to a customer in insolvency or over-indebtedness proceedings
    (None when it is open): from the opening judgment no creditor may pursue a debt born
    before it on its own (C. com. L622-21; C. conso. L722-2); the claim is declared
    instead. A write-off stays open: it is how a loss made definite is booked."""
    if proceeding is None or route is Route.WRITE_OFF:
        return None
    if proceeding.kind is ProceedingKind.LEGAL_ACTION:
        return None
    law = "C. com. L622-21" if proceeding.kind is ProceedingKind.INSOLVENCY else "C. conso. L722-2"
    return (
        f"customer {proceeding.customer_ref} is in {proceeding.kind.value.replace('_', '-')} "
        f"proceedings since {proceeding.since.isoformat()}: no individual collection ({law}); "
        "declare the claim instead"
    )
