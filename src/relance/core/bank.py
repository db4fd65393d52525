"""A bank transaction as read from a statement (camt.05x, OFX, MT940, CSV).

Statement readers all return this one record, so matching never depends on the file
format. Credits (money received) are positive, debits negative.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from relance.core.model import Payment
from relance.core.money import Money


class MatchState(StrEnum):
    """Where a statement line stands in lettrage."""

    AUTOMATIC = "automatic"  # matched by a rule with confidence
    MANUAL = "manual"  # matched by a person (`relance match`)
    UNMATCHED = "unmatched"  # a credit waiting in the queue
    IGNORED = "ignored"  # a debit, a zero line or a reversal: not a customer payment


@dataclass(frozen=True, slots=True)
class BankTransaction:
    """One booked line of a bank statement.

    `key` is stable across imports of the same statement (and of overlapping ones): the
    bank's own transaction id when the file has one, else a digest of the line's content.
    """

    key: str
    booking_date: date
    amount: Money
    value_date: date | None = None
    payer_name: str = ""
    payer_iban: str = ""
    remittance: str = ""  # unstructured remittance text (RmtInf/Ustrd, :86:, OFX MEMO)
    structured_reference: str = ""  # ISO 11649 creditor reference (RF...) when given as such
    end_to_end_id: str = ""
    account: str = ""  # our account the statement is for (IBAN or bank account id)
    bank_reference: str = ""  # the bank's own id of the entry, when the file has one
    source_file: str = ""
    reversal: bool = False  # undoes an earlier entry (a returned transfer): not a payment

    @property
    def is_credit(self) -> bool:
        """True for money received."""
        return self.amount.is_positive

    def to_payment(self, customer_ref: str | None = None) -> Payment:
        """The ledger payment this credit records (value date when known)."""
        return Payment(
            key=self.key,
            date=self.value_date or self.booking_date,
            amount=self.amount,
            customer_ref=customer_ref,
            method="transfer",
            reference=self.structured_reference or self.remittance[:140],
            payer=self.payer_name,
            payer_iban=self.payer_iban,
        )


def transaction_key(account: str, bank_id: str, *content: str) -> str:
    """A stable key: `account` + the bank's id when there is one, else a digest of `content`.

    The digest covers only what the bank wrote (never the file name or the import time), so
    the same transaction read twice, even from two overlapping statements, gets one key.
    """
    if bank_id.strip():
        return f"{account.strip()}:{bank_id.strip()}" if account.strip() else bank_id.strip()
    digest = hashlib.sha256("\x1f".join((account, *content)).encode("utf-8")).hexdigest()
    return f"sha256:{digest[:32]}"


def unique_keys(transactions: Iterable[BankTransaction]) -> tuple[BankTransaction, ...]:
    """The transactions with a `#n` suffix on a key already given to an earlier one.

    Banks sometimes give one reference to several lines of a statement; suffixes in file
    order keep every line and keep the keys stable when the same file is read again.
    """
    used: Counter[str] = Counter()
    result = []
    for transaction in transactions:
        used[transaction.key] += 1
        count = used[transaction.key]
        result.append(
            transaction if count == 1 else replace(transaction, key=f"{transaction.key}#{count}")
        )
    return tuple(result)
