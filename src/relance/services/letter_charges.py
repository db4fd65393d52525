"""The charges a letter states: only those its level names, each a row with its arithmetic
and legal basis in the debtor's language (worded by `relance.adapters.render.charge_wording`;
see docs/law.md).

Interest resting on a rate that is unconfirmed or missing is never claimed silently: by
the creditor's setting the letter leaves it out with a sentence saying it will be claimed
separately (the default), or the letter is blocked. A consumer's formal notice says that
legal interest runs from its receipt until that receipt is recorded. A consumer is never
charged a fee (CPCE L111-8).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from relance.adapters.render.charge_wording import (
    ChargeRow,
    Wording,
    interest_rows,
    item_row,
    note_row,
    stage_fee_row,
)
from relance.adapters.storage import repository as repo
from relance.adapters.storage.database import Connection
from relance.core.charges import ChargeKind, Charges, letter_fee
from relance.core.fees import StageFee
from relance.core.jurisdiction import Contract, InterestStart, RuleSet
from relance.core.model import Customer, CustomerKind
from relance.core.rates import Confidence, UnconfirmedRates
from relance.services.interest_reports import ClaimFacts, customer_claims, read_claim_facts
from relance.services.stage_fees import LetterStep, fees_of_step

__all__ = ["ChargeRow", "LetterCharges", "letter_claim"]

# A letter asked for with no step (tests, `relance interest`): interest and indemnity.
DEFAULT_STEP = LetterStep(charges=("interest", "indemnity"))
_NAMED = {
    ChargeKind.INTEREST: "interest",
    ChargeKind.INDEMNITY: "indemnity",
    ChargeKind.INVOICE_FEE: "fee",
    ChargeKind.LETTER_FEE: "fee",
}


# Marks, at the head of an invoice's rows, that its interest is left out of the letter.
_LATER = ChargeRow("", None, "")


class LetterCharges(NamedTuple):
    """The charges a letter states, what forbids sending it, what the user should know,
    and the stage fees sending it will record."""

    rows: tuple[ChargeRow, ...]
    blocking: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    new_fees: tuple[StageFee, ...] = ()


def letter_claim(
    conn: Connection,
    customer_ref: str,
    invoice_numbers: Sequence[str],
    as_of: date,
    step: LetterStep = DEFAULT_STEP,
    facts: ClaimFacts | None = None,
) -> LetterCharges:
    """The charges a letter of `step` states for these invoices of a customer, as rows
    of (label, amount or None, explanation) in the customer's language, with what blocks
    it, the warnings, and the stage fees it charges. Invoices that were not late carry no
    row but a stage fee; the principal is never among the rows."""

    if not step.charges and step.fee is None:
        return LetterCharges((), ())  # a level that names no charge adds none

    facts = facts or read_claim_facts(conn, [customer_ref], list(invoice_numbers))
    customer, rule_set, claims, _ = customer_claims(
        conn, customer_ref, as_of, list(invoice_numbers), facts
    )
    policy = facts.settings.unconfirmed
    wording = Wording(customer.language, customer.country)
    rows: list[ChargeRow] = []
    blocking: list[str] = []
    warnings: list[str] = []
    later: list[str] = []  # invoices whose interest is left out, said in one row
    for claim in claims:
        found = _claim_rows(claim, rule_set, step, wording, policy, warnings)
        if found is None:
            blocking.extend(_unsure(claim))
            continue
        if found and found[0] is _LATER:
            later.append(claim.invoice_number)
            found = found[1:]
        rows.extend(found)
    if later:
        key = "later" if len(later) == 1 else "later_many"
        rows.insert(0, note_row(key, wording, ", ".join(later)))
    if "interest" in step.charges and step.formal_notice and _awaits_notice(rule_set, claims):
        rows.append(note_row("from_receipt", wording))
    fee_rows, new = _fee_rows(conn, customer, rule_set, step, invoice_numbers, as_of,
                              wording, warnings, facts.contracts)  # fmt: skip
    return LetterCharges(tuple(rows + fee_rows), tuple(blocking), tuple(warnings), new)


def _unsure(claim: Charges) -> list[str]:
    """Why the interest of `claim` cannot be claimed as it stands, empty when it can."""
    reasons = list(claim.blocking)
    interest = claim.interest
    if interest is not None:
        reasons += [
            f"invoice {claim.invoice_number}: the rate used from {line.start} ({line.basis}) "
            f"is unconfirmed"
            for line in interest.lines
            if line.confidence is Confidence.SINGLE_SOURCE
        ]
    return reasons


def _claim_rows(
    claim: Charges,
    rule_set: RuleSet,
    step: LetterStep,
    wording: Wording,
    policy: UnconfirmedRates,
    warnings: list[str],
) -> list[ChargeRow] | None:
    """The rows of one invoice's charges named by the step; None when its interest rests
    on an unconfirmed or missing rate and the creditor's setting blocks such letters."""
    rows: list[ChargeRow] = []
    legal = rule_set.interest_start is InterestStart.FORMAL_NOTICE
    for item in claim.items:
        if _NAMED[item.kind] not in step.charges:
            continue
        if item.kind is ChargeKind.INTEREST:
            continue  # below, once its rate is known to be sound
        rows.append(item_row(item, claim.invoice_number, claim.currency, wording))
    if "interest" not in step.charges:
        return rows
    unsure = _unsure(claim)
    if unsure and policy is UnconfirmedRates.BLOCK:
        return None
    if unsure:
        warnings.extend(f"{reason}: left out of the letter, to be claimed separately"
                        for reason in unsure)  # fmt: skip
        return [_LATER, *rows]
    interest = [i for i in claim.items if i.kind is ChargeKind.INTEREST]
    found = [r for i in interest for r in interest_rows(i, claim.invoice_number, wording,
                                                        rule_set.day_count, legal)]  # fmt: skip
    return [*found, *rows]


def _awaits_notice(rule_set: RuleSet, claims: Sequence[Charges]) -> bool:
    """True when interest runs only from a formal notice and none covers these invoices
    yet: the notice being sent is what starts it, from its receipt."""
    if rule_set.interest_start is not InterestStart.FORMAL_NOTICE:
        return False
    return all(claim.interest is None for claim in claims)


def _fee_rows(
    conn: Connection,
    customer: Customer,
    rule_set: RuleSet,
    step: LetterStep,
    numbers: Sequence[str],
    as_of: date,
    wording: Wording,
    warnings: list[str],
    contracts: Mapping[str, Contract],
) -> tuple[list[ChargeRow], tuple[StageFee, ...]]:
    """The fee rows of a letter (contract's fee per letter, the level's fee per invoice,
    those charged at earlier levels) and the new stage fees; none for a consumer."""
    if "fee" not in step.charges and step.fee is None:
        return [], ()
    if customer.kind is CustomerKind.CONSUMER or not rule_set.fees_allowed:
        if step.fee is not None:
            warnings.append(f"customer {customer.ref} is a consumer: no fee is charged "
                            f"(CPCE L111-8)")  # fmt: skip
        return [], ()
    owed = {inv.number: bal for inv, bal in repo.open_invoice_balances(conn, as_of, customer.ref)
            if inv.number in numbers}  # fmt: skip
    earlier, new = fees_of_step(conn, step, owed, as_of)
    rows = [stage_fee_row(fee, None, None, wording) for fee in earlier]
    for fee in new:
        percent = str(step.fee.percent) if step.fee and step.fee.percent is not None else None
        rows.append(stage_fee_row(fee, wording.number(Decimal(percent)) if percent else None,
                                  owed.get(fee.invoice_number), wording))  # fmt: skip
    if "fee" in step.charges and owed:
        contract = contracts.get(customer.ref)
        currency = next(iter(owed.values())).currency
        charge = letter_fee(1, rule_set, contract, currency)
        if charge is not None:
            rows.append(ChargeRow(wording.words["letter_fee"], charge.amount,
                                  wording.words["letter_fee_why"]))  # fmt: skip
    return rows, new
