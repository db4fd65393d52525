"""Bank import benchmark: 100,000 bank transactions matched against 1,000,000 open invoices
through the import service, on SQLite, with known truth.

`bench_matching.py`'s generated ledger (100,000 customers, 10 open invoices each) is put in
a fresh SQLite database; its 100,000 generated credits (RF references, invoice numbers in the
text, known IBANs, names, noise) are written as a CSV bank statement and imported with
`relance.services.file_import.import_bank_statements`: read, stored, matched, allocations
written, in one transaction. Prints the phases the service times (matching alone is
`match`), the share matched automatically and the precision of automatic matches, read
back from the database.

Run: .venv/bin/python benchmarks/bench_bank_import.py [--invoices N] [--transactions N]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

from sqlalchemy import insert, select

from relance.adapters.storage import repository as repo
from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_bank as tb
from relance.adapters.storage.database import Store
from relance.bootstrap import open_store
from relance.core.bank import BankTransaction
from relance.core.matching import OpenItem
from relance.core.model import Customer
from relance.services.file_import import import_bank_statements

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_matching import build, credits  # the generator of the core's benchmark

AS_OF = date(2026, 12, 31)


def fill(store: Store, customers: list[Customer], items: list[OpenItem]) -> None:
    """The generated ledger, inserted in bulk (setup, not timed)."""
    with store.begin() as conn:
        rows = [repo.customer_values(c) for c in customers]
        for start in range(0, len(rows), 5000):
            conn.execute(insert(t.customers), rows[start : start + 5000])
        ids = repo.customer_ids(conn)
        batch = []
        for item in items:
            batch.append(repo.invoice_values(item.invoice, ids[item.invoice.customer_ref]))
            if len(batch) == 20_000:
                conn.execute(insert(t.invoices), batch)
                batch = []
        if batch:
            conn.execute(insert(t.invoices), batch)


def statement(path: Path, txs: list[BankTransaction]) -> None:
    """The credits as the bank's CSV export (`;`, ISO dates, dot decimals)."""
    with path.open("w", encoding="utf-8") as out:
        out.write("Date;Libellé;Montant;Tiers;IBAN tiers;Référence structurée;Id\n")
        for tx in txs:
            text = tx.remittance.replace(";", " ")
            out.write(
                f"{tx.booking_date.isoformat()};{text};{tx.amount.amount};{tx.payer_name};"
                f"{tx.payer_iban};{tx.structured_reference};{tx.key}\n"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--transactions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        t0 = time.perf_counter()
        customers, items = build(args.invoices, 10, rng)
        txs, truth = credits(args.transactions, customers, items, rng)
        store = open_store(str(Path(folder) / "bench.sqlite"), create=True)
        fill(store, customers, items)
        path = Path(folder) / "releve.csv"
        statement(path, txs)
        del customers, items, txs
        gc.collect()
        print(f"setup (generate, insert {args.invoices:,} invoices, write the statement): "
              f"{time.perf_counter() - t0:.1f} s")  # fmt: skip
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        t1, c1 = time.perf_counter(), time.process_time()
        (report,) = import_bank_statements(store, [path], as_of=AS_OF)
        elapsed, cpu = time.perf_counter() - t1, time.process_time() - c1
        print(f"bank import: {elapsed:.1f} s wall, {cpu:.1f} s CPU")
        print("phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items()))
        with store.begin() as conn:
            paid: dict[str, set[str]] = defaultdict(set)
            query = (
                select(t.allocations.c.source, t.invoices.c.number)
                .join(t.invoices, t.invoices.c.id == t.allocations.c.invoice_id)
                .where(t.allocations.c.kind == "payment")
            )
            for source, number in conn.execute(query):
                paid[source].add(number)
            auto = [
                key
                for (key,) in conn.execute(
                    select(tb.bank_transactions.c.key).where(
                        tb.bank_transactions.c.state == "automatic"
                    )
                )
            ]
        store.engine.dispose()
    correct = sum(1 for key in auto if frozenset(paid[key]) == truth[key])
    payable = sum(1 for v in truth.values() if v)
    print(
        f"matched automatically: {len(auto):,} of {len(truth):,} credits "
        f"({len(auto) / len(truth):.1%}); {len(auto) / payable:.1%} of the {payable:,} that pay "
        f"our invoices; precision {correct / len(auto):.3%} ({len(auto) - correct} wrong)"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MiB; load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
