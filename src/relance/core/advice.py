"""What a credit manager would do before the next order (docs/prevention.md, "Advice"):
ask a deposit, offer an early-payment discount, lower a credit limit; each with its reason.

The seeds' advice, made rules: ask a deposit of a new customer, on a large order (above a
share of the credit limit), on a job longer than 30 days, and of a customer who paid only
after a third letter or an agency; offer a discount for early payment (1 to 5 % within 10
days) to a slow payer in good standing, stating what it costs against the financing it
saves; lower the limit of a customer graded D or E.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from relance.core.model import Customer, Invoice
from relance.core.money import Money
from relance.core.risk import LATE_STAGE, Behaviour

NEW_CUSTOMER_DAYS = 90  # a first invoice issued less than this long ago: a new customer
LONG_JOB_DAYS = 30
RECENT_DAYS = 365  # paying only after a third letter within this long still counts


class AdviceKind(StrEnum):
    """What relance recommends."""

    DEPOSIT = "deposit"
    DISCOUNT = "discount"
    LOWER_LIMIT = "lower_limit"


@dataclass(frozen=True, slots=True)
class Terms:
    """The user's settings for advice: the share of the limit above which an order asks a
    deposit, the discount offered and its window, the cost of financing receivables."""

    large_share: Decimal = Decimal("0.5")
    discount_rate: Decimal = Decimal("0.02")  # 2 %
    discount_days: int = 10
    financing_rate: Decimal = Decimal("0.08")  # a year, as an overdraft or factoring costs


@dataclass(frozen=True, slots=True)
class Advice:
    """One recommendation for one customer, with its reason."""

    customer_ref: str
    kind: AdviceKind
    reason: str
    invoice_number: str = ""


def _money(amount: Decimal, currency: str) -> str:
    return f"{Money(amount, currency).amount} {currency}"


def deposit_reasons(
    customer: Customer,
    invoices: Iterable[Invoice],
    behaviour: Behaviour,
    as_of: date,
    terms: Terms,
) -> list[Advice]:
    """The reasons to ask this customer a deposit on its next order."""
    mine = [i for i in invoices if i.issue_date <= as_of]
    found: list[Advice] = []
    ref = customer.ref
    first = min((i.issue_date for i in mine), default=None)
    if first is None or (as_of - first).days < NEW_CUSTOMER_DAYS:
        since = "no invoice yet" if first is None else f"first invoice on {first.isoformat()}"
        found.append(Advice(ref, AdviceKind.DEPOSIT, f"new customer ({since})"))
    limit = customer.credit_limit
    for invoice in mine:
        if invoice.due_date < as_of:
            continue  # the orders still running: invoiced, not yet due
        if limit is not None and limit.currency == invoice.currency:
            share = invoice.amount.amount / limit.amount if limit.amount else Decimal(1)
            if share > terms.large_share:
                found.append(Advice(
                    ref, AdviceKind.DEPOSIT,
                    f"order {invoice.number} of {_money(invoice.amount.amount, invoice.currency)} "
                    f"is {int(share * 100)} % of the credit limit", invoice.number,
                ))  # fmt: skip
        delivered = invoice.delivery_date
        if delivered is not None and (delivered - invoice.issue_date).days > LONG_JOB_DAYS:
            found.append(Advice(
                ref, AdviceKind.DEPOSIT,
                f"job {invoice.number} runs {(delivered - invoice.issue_date).days} days, "
                f"more than {LONG_JOB_DAYS}", invoice.number,
            ))  # fmt: skip
    recent = as_of - timedelta(days=RECENT_DAYS)
    late = [
        i for i in behaviour.invoices
        if i.settled_on is not None and i.settled_on > recent
        and (i.with_agency or i.stage >= LATE_STAGE)
    ]  # fmt: skip
    if late:
        how = "a collection agency" if any(i.with_agency for i in late) else "a third letter"
        numbers = ", ".join(i.number for i in late[:3])
        found.append(Advice(
            ref, AdviceKind.DEPOSIT, f"paid only after {how} ({numbers}) in the last year",
        ))  # fmt: skip
    return found


def discount_advice(
    customer: Customer, invoices: Iterable[Invoice], behaviour: Behaviour, terms: Terms
) -> Advice | None:
    """An early-payment discount for a slow payer in good standing (graded B or C, paying
    10 days or more late on average, no promise broken), with its cost against the
    financing of the days it would save on an average invoice."""
    late = behaviour.average_days_late
    if behaviour.grade not in ("B", "C") or late is None or late < 10:
        return None
    if behaviour.promises_broken or any(
        i.settled_on is None and i.days_late > 30 for i in behaviour.invoices
    ):
        return None
    paid = [i for i in invoices if any(p.number == i.number for p in behaviour.invoices)]
    if not paid:
        return None
    currency = paid[0].currency
    average = sum((i.amount.amount for i in paid), Decimal(0)) / len(paid)
    term = sum(((i.due_date - i.issue_date).days for i in paid), 0) / len(paid)
    saved_days = Decimal(str(term)) + late - terms.discount_days
    cost = average * terms.discount_rate
    saving = average * terms.financing_rate * saved_days / 365
    yearly = terms.discount_rate / (1 - terms.discount_rate) * 365 / saved_days * 100
    verdict = "worth offering" if saving >= cost else "costs more than it saves"
    return Advice(
        customer.ref, AdviceKind.DISCOUNT,
        f"slow payer in good standing ({behaviour.grade}, {late} days beyond terms): "
        f"{terms.discount_rate * 100:.0f} % within {terms.discount_days} days on an average "
        f"invoice of {_money(average, currency)} costs {_money(cost, currency)}, and saves "
        f"{saved_days:.0f} days of financing at {terms.financing_rate * 100:.1f} % a year, "
        f"{_money(saving, currency)} (the discount is {yearly:.1f} % a year): {verdict}",
    )  # fmt: skip


def limit_advice(customer: Customer, behaviour: Behaviour) -> Advice | None:
    """Lower the limit of a customer graded D (to half) or E (to nothing: deposits or cash
    on order), with the grade's reasons."""
    limit = customer.credit_limit
    if limit is None or behaviour.grade not in ("D", "E") or not limit.amount:
        return None
    half = (limit.amount / 200).to_integral_value() * 100  # to the hundred
    target = half if behaviour.grade == "D" else Decimal(0)
    return Advice(
        customer.ref, AdviceKind.LOWER_LIMIT,
        f"graded {behaviour.grade} ({behaviour.reasons[0]}): lower the limit from "
        f"{_money(limit.amount, limit.currency)} to {_money(target, limit.currency)}",
    )  # fmt: skip


def advise(
    customer: Customer,
    invoices: Iterable[Invoice],
    behaviour: Behaviour,
    as_of: date,
    terms: Terms = Terms(),
) -> list[Advice]:
    """Everything relance recommends for one customer as of `as_of`."""
    invoices = tuple(invoices)
    found = deposit_reasons(customer, invoices, behaviour, as_of, terms)
    for extra in (discount_advice(customer, invoices, behaviour, terms),
                  limit_advice(customer, behaviour)):  # fmt: skip
        if extra is not None:
            found.append(extra)
    return found
