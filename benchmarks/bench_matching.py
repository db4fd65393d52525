"""Matching benchmark: 100,000 bank credits against 1,000,000 open invoices, known truth.

A generated ledger (100,000 customers with 10 open invoices each) and generated credits
whose true invoices are known: paid with the RF reference of a letter, with the invoice
number in the text (some partially), from a customer's known IBAN (one invoice or its two
oldest), with only the amount and a variant of the customer's name, or noise that pays
nothing of ours. Reports the time of `match_transactions` (indexes included), the share
of credits matched automatically and the precision of automatic matches.

Run: .venv/bin/python benchmarks/bench_matching.py [--invoices N] [--transactions N]
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta

from relance.core.bank import BankTransaction
from relance.core.matching import OpenItem, match_transactions
from relance.core.model import Customer, Invoice
from relance.core.money import Money
from relance.core.reference import creditor_reference

SYLLABLES = (  # noqa: SIM905 - syllables read best as text
    "ba be bo cha co da de di fa fo ga gi la le lo ma mi mo na ne no pa pi ra re ri ro sa se si "
    "ta te to va ve vi"
).split()
FORMS = ("SARL", "SAS", "SA", "EURL", "")
START = date(2026, 1, 1)


def company_name(rng: random.Random) -> str:
    words = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(2)]
    return " ".join(w.capitalize() for w in words) + " " + rng.choice(FORMS)


def iban(rng: random.Random) -> str:
    return "FR76" + "".join(rng.choice("0123456789") for _ in range(23))


def build(
    n_invoices: int, per_customer: int, rng: random.Random
) -> tuple[list[Customer], list[OpenItem]]:
    customers = []
    items = []
    for c in range(n_invoices // per_customer):
        ibans = (iban(rng),) if rng.random() < 0.5 else ()
        customer = Customer(ref=f"C{c:06d}", name=company_name(rng), ibans=ibans)
        customers.append(customer)
        for i in range(per_customer):
            number = f"F{c * per_customer + i:07d}"
            issued = START + timedelta(days=rng.randint(0, 300))
            amount = Money.from_minor(rng.randint(1_000, 500_000), "EUR")
            invoice = Invoice(
                number, customer.ref, issued, issued + timedelta(days=30), amount, Money.zero("EUR")
            )
            items.append(OpenItem(invoice, amount))
    return customers, items


def credits(
    n: int, customers: list[Customer], items: list[OpenItem], rng: random.Random
) -> tuple[list[BankTransaction], dict[str, frozenset[str]]]:
    """Credits and, for each, the invoice numbers it truly pays (empty for noise)."""
    by_customer: dict[str, list[OpenItem]] = {}
    for it in items:
        by_customer.setdefault(it.invoice.customer_ref, []).append(it)
    for its in by_customer.values():
        its.sort(key=lambda i: (i.invoice.due_date, i.invoice.number))
    names = {c.ref: c for c in customers}
    used: set[str] = set()
    chosen_customers = rng.sample(list(by_customer), n)
    result: list[BankTransaction] = []
    truth: dict[str, frozenset[str]] = {}
    for t, ref in enumerate(chosen_customers):
        key = f"TX{t:07d}"
        customer = names[ref]
        mine = by_customer[ref]
        pick = mine[0]
        roll = rng.random()
        day = START + timedelta(days=rng.randint(30, 330))
        payer = customer.name.upper() if rng.random() < 0.7 else ""
        if roll < 0.25:
            tx = BankTransaction(
                key,
                day,
                pick.open_amount,
                payer_name=payer,
                structured_reference=creditor_reference(pick.invoice.number),
            )
            paid = {pick.invoice.number}
        elif roll < 0.50:
            partial = rng.random() < 0.1
            amount = pick.open_amount * (1 if not partial else 0) + (
                Money.from_minor(pick.open_amount.to_minor() // 2, "EUR")
                if partial
                else Money.zero("EUR")
            )
            text = rng.choice(
                ("FACTURE {}", "REGLEMENT FACT {} MERCI", "INV {} / ORDER 77", "PAIEMENT {}")
            )
            number = pick.invoice.number
            if rng.random() < 0.05:  # a typing mistake that names another invoice
                at = rng.randrange(1, len(number))
                number = number[:at] + str((int(number[at]) + 1) % 10) + number[at + 1 :]
            tx = BankTransaction(key, day, amount, payer_name=payer, remittance=text.format(number))
            paid = {pick.invoice.number}
        elif roll < 0.70 and customer.ibans:
            two = rng.random() < 0.3
            paying = mine[:2] if two else [pick]
            amount = Money.from_minor(sum(i.open_amount.to_minor() for i in paying), "EUR")
            tx = BankTransaction(
                key,
                day,
                amount,
                payer_name=payer,
                payer_iban=customer.ibans[0],
                remittance="VIREMENT SEPA",
            )
            paid = {i.invoice.number for i in paying}
        elif roll < 0.85:
            name = customer.name.upper().rsplit(" ", 1)[0] if rng.random() < 0.5 else customer.name
            tx = BankTransaction(
                key,
                day,
                pick.open_amount,
                payer_name=name,
                remittance="VIR " + str(rng.randint(10**6, 10**7)),
            )
            paid = {pick.invoice.number}
        else:
            amount = Money.from_minor(rng.randint(1_000, 500_000), "EUR")
            tx = BankTransaction(
                key,
                day,
                amount,
                payer_name=company_name(rng).upper(),
                payer_iban=iban(rng),
                remittance="REMBOURSEMENT",
            )
            paid = set()
        used |= paid
        result.append(tx)
        truth[key] = frozenset(paid)
    return result, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--transactions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    customers, items = build(args.invoices, 10, rng)
    txs, truth = credits(args.transactions, customers, items, rng)
    print(
        f"generated {len(items):,} open invoices, {len(customers):,} customers, "
        f"{len(txs):,} credits in {time.perf_counter() - t0:.1f} s"
    )
    t1, c1 = time.perf_counter(), time.process_time()
    result = match_transactions(txs, items, customers)
    elapsed, cpu = time.perf_counter() - t1, time.process_time() - c1
    correct = sum(
        1
        for m in result.matches
        if frozenset(a.invoice_number for a in m.allocations) == truth[m.transaction_key]
    )
    auto = len(result.matches)
    payable = sum(1 for v in truth.values() if v)
    # The machine is shared: CPU time says what the run cost, wall time what was waited.
    print(f"matching time: {elapsed:.2f} s wall, {cpu:.2f} s CPU")
    print(
        f"matched automatically: {auto:,} of {len(txs):,} credits ({auto / len(txs):.1%}); "
        f"{payable:,} credits pay our invoices ({auto / payable:.1%} of them)"
    )
    print(f"precision of automatic matches: {correct / auto:.4%} ({auto - correct} wrong)")
    with_suggestion = sum(
        1
        for u in result.unmatched
        if u.suggestions
        and truth[u.transaction.key]
        and frozenset(u.suggestions[0].invoice_numbers) == truth[u.transaction.key]
    )
    print(f"queue: {len(result.unmatched):,}; right invoices ranked first for {with_suggestion:,}")


if __name__ == "__main__":
    main()
