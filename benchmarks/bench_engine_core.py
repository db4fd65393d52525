"""Time `decide()` over 1,000,000 open invoices and 200,000 customers held in memory.

Decisions only: no storage, no rendering. Prints the time of the ledger's construction
and of the run, and the peak memory of the process (ru_maxrss). Usage:

    .venv/bin/python benchmarks/bench_engine_core.py [--invoices N] [--customers N]
"""

from __future__ import annotations

import argparse
import gc
import resource
import time
from datetime import date, timedelta

from relance.adapters.policy_toml import default_policies
from relance.core.engine import decide
from relance.core.ledger import Ledger
from relance.core.model import (
    Allocation,
    AllocationKind,
    Customer,
    CustomerKind,
    Invoice,
    Payment,
)
from relance.core.money import Money


def build(invoices: int, customers: int, as_of: date) -> Ledger:
    """A ledger where every customer has invoices falling due over the last 120 days,
    one in ten invoices partly paid, and one customer in twenty a consumer."""
    people = tuple(
        Customer(
            f"C{n:07d}",
            f"Customer {n}",
            kind=CustomerKind.CONSUMER if n % 20 == 0 else CustomerKind.BUSINESS,
        )
        for n in range(customers)
    )
    bills: list[Invoice] = []
    payments: list[Payment] = []
    allocations: list[Allocation] = []
    tax = Money.of("20", "EUR")
    for n in range(invoices):
        due = as_of - timedelta(days=n % 120)
        number = f"F{n:08d}"
        ref = people[n % customers].ref
        bills.append(
            Invoice(number, ref, due - timedelta(days=30), due, Money.of(120 + n % 50, "EUR"), tax)
        )
        if n % 10 == 0:
            key = f"P{n:08d}"
            part = Money.of("50", "EUR")
            payments.append(Payment(key, due, part, ref))
            allocations.append(Allocation(AllocationKind.PAYMENT, key, number, part, due))
    return Ledger(
        customers=people,
        invoices=tuple(bills),
        payments=tuple(payments),
        allocations=tuple(allocations),
    )


def main() -> None:
    """Build, run once, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=200_000)
    args = parser.parse_args()
    as_of = date(2026, 11, 20)
    policies = default_policies()
    # The cyclic collector would walk millions of live records again and again while they
    # are made; none of them forms a cycle, so it is paused (the service layer does the same).
    gc.disable()
    started = time.perf_counter()
    ledger = build(args.invoices, args.customers, as_of)
    built = time.perf_counter()
    decision = decide(ledger, policies, as_of=as_of)
    decided = time.perf_counter()
    gc.enable()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"invoices={args.invoices} customers={args.customers}")
    print(f"build ledger in memory: {built - started:.2f} s")
    print(f"decide(): {decided - built:.2f} s, {len(decision.proposals)} proposals")
    print(f"peak memory (whole process): {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
