"""Time the credit-limit check a daily run and a customers/invoices import end with
(`relance.services.risk.over_limit`): every customer with a limit, its open balance
(overdue and not yet due) summed by the database, against a bare baseline in plain sqlite3
running one equivalent GROUP BY, in the same process, on the same file.

The ledger is bench_dunning's (`build`: open invoices over the last 120 days, one in ten
partly paid), with a credit limit on every customer (700 EUR, which about half exceed). Usage:

    .venv/bin/python benchmarks/bench_exposure.py --db /tmp/exposure.sqlite --build \\
        --invoices 1000000 --customers 200000
    .venv/bin/python benchmarks/bench_exposure.py --db /tmp/exposure.sqlite
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_dunning import AS_OF, build

LIMIT_MINOR = 70_000  # 700 EUR: about half the customers are over it


def baseline(path: Path) -> int:
    """Customers over their limit by one plain SQL query; returns how many."""
    db = sqlite3.connect(path)
    day = AS_OF.isoformat()
    rows = db.execute(
        "SELECT c.ref, sum(i.amount_minor - coalesce(a.paid, 0)) AS owed, c.credit_limit_minor "
        "FROM customers c JOIN invoices i ON i.customer_id = c.id LEFT JOIN (SELECT "
        "invoice_id, sum(amount_minor) AS paid FROM allocations WHERE date <= ?1 GROUP BY "
        "invoice_id) a ON a.invoice_id = i.id WHERE c.credit_limit_minor IS NOT NULL AND "
        "i.issue_date <= ?1 AND i.amount_minor - coalesce(a.paid, 0) > 0 GROUP BY c.ref, "
        "c.credit_limit_minor HAVING owed > c.credit_limit_minor",
        (day,),
    ).fetchall()
    db.close()
    return len(rows)


def timed(label: str, work: object) -> None:
    cpu, wall = time.process_time(), time.perf_counter()
    count = work()  # type: ignore[operator]
    print(
        f"{label}: {count} customers over their limit, CPU {time.process_time() - cpu:.2f} s, "
        f"wall {time.perf_counter() - wall:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="/tmp/relance-bench-exposure.sqlite")
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=200_000)
    args = parser.parse_args()
    path = Path(args.db)
    if args.build:
        build(path, args.invoices, args.customers)
        db = sqlite3.connect(path)
        db.execute(
            "UPDATE customers SET credit_limit_minor = ?, credit_limit_currency = 'EUR'",
            (LIMIT_MINOR,),
        )
        db.commit()
        db.close()
        return
    from relance.bootstrap import open_store
    from relance.services import risk

    print(f"load average: {os.getloadavg()}")
    store = open_store(str(path))
    timed("bare baseline (sqlite3)", lambda: baseline(path))
    timed("relance over_limit", lambda: len(risk.over_limit(store, AS_OF)))
    timed("bare baseline (sqlite3)", lambda: baseline(path))
    timed("relance over_limit", lambda: len(risk.over_limit(store, AS_OF)))


if __name__ == "__main__":
    main()
