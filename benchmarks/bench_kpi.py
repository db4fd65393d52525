"""Time `relance kpi` over twelve months of a large ledger, against a bare baseline in plain
sqlite3 on the same file, in the same process.

The ledger (`--build`): `--invoices` invoices over the two years to 30 November 2026, spread
over `--customers` customers, due 30, 45 or 60 days after issue; four in five paid (a
quarter of those in two parts), some before their due date, most up to 90 days after; one
invoice in twenty credited in part; 1,000 steps carried out a month over the last year, each
listing three invoices; 2,000 promises. Written straight through sqlite3 into a ledger
relance migrated (the import's speed is measured elsewhere).

relance: `services.kpi.kpi_report` for December 2025 to November 2026 month by month (the
receivables KPIs from the bands the database sums, the stages, promises and handoffs).
Baseline: the receivables KPIs' inputs only, by plain SQL, the way one would write them by
hand: per month end, receivables and not yet due as two SUMs over invoices less two SUMs
over allocations joined to them, and the month's sales; i.e. 12 × 5 aggregate queries.

    .venv/bin/python benchmarks/bench_kpi.py --db /tmp/kpi.sqlite --build --invoices 1000000
    .venv/bin/python benchmarks/bench_kpi.py --db /tmp/kpi.sqlite
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import time
from datetime import date, timedelta
from pathlib import Path

from relance.bootstrap import open_store
from relance.core.kpi import periods
from relance.services.kpi import kpi_report

START, END = date(2024, 12, 1), date(2026, 11, 30)
FIRST = date(2025, 12, 1)
AS_OF = date(2026, 12, 15)


def build(path: Path, invoices: int, customers: int, seed: int = 42) -> None:
    """A migrated ledger at `path`, filled as the module's docstring says."""
    path.unlink(missing_ok=True)
    open_store(str(path), create=True).engine.dispose()
    rng = random.Random(seed)
    db = sqlite3.connect(path)
    db.executemany(
        "INSERT INTO customers (id, ref, name, kind, country, language, address_lines, "
        "postal_code, city, email, phone, tags, registration_id, vat_number, ibans, "
        "contact_name) VALUES (?, ?, ?, 'business', 'FR', 'fr', '[]', '', '', '', '', '[]', "
        "'', '', '[]', '')",
        ((n, f"C{n:07d}", f"Client {n}") for n in range(1, customers + 1)),
    )
    span = (END - START).days
    rows, allocs, notes = [], [], []
    for n in range(1, invoices + 1):
        issued = START + timedelta(days=rng.randrange(span + 1))
        due = issued + timedelta(days=rng.choice((30, 45, 60)))
        minor = rng.randrange(5_000, 500_000)
        rows.append((n, f"F{n:08d}", rng.randrange(1, customers + 1), issued.isoformat(),
                     due.isoformat(), minor, "EUR", minor // 6))  # fmt: skip
        if rng.random() < 0.8:
            paid_on = due + timedelta(days=rng.randrange(-20, 90))
            parts = [minor] if rng.random() < 0.75 else [minor // 2, minor - minor // 2]
            for k, part in enumerate(parts):
                on = paid_on + timedelta(days=30 * k)
                if on <= END:
                    allocs.append(("payment", f"P{n}-{k}", n, part, "EUR", on.isoformat()))
        elif rng.random() < 0.25:
            on = issued + timedelta(days=10)
            notes.append((n, f"AV{n:08d}", rows[-1][2], on.isoformat(), minor // 10, "EUR"))
            allocs.append(("credit_note", f"AV{n:08d}", n, minor // 10, "EUR", on.isoformat()))
    db.executemany(
        "INSERT INTO invoices (id, number, customer_id, issue_date, due_date, amount_minor, "
        "currency, tax_minor, subject, pdf_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', '')",
        rows,
    )
    db.executemany(
        "INSERT INTO allocations (kind, source, invoice_id, amount_minor, currency, date) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        allocs,
    )
    db.executemany(
        "INSERT INTO credit_notes (id, number, customer_id, date, amount_minor, currency) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        notes,
    )
    _process(db, rng, rows)
    db.commit()
    db.close()


def _process(db: sqlite3.Connection, rng: random.Random, rows: list[tuple]) -> None:
    """Steps carried out and promises, naming invoices and customers of the ledger."""
    actions = []
    for month in periods(FIRST, END, by_month=True):
        for k in range(1000):
            on = month.first + timedelta(days=rng.randrange(month.days))
            picked = [rows[rng.randrange(len(rows))] for _ in range(3)]
            ref = f"C{picked[0][2]:07d}"
            level = rng.randrange(5)
            actions.append((f"K{on}-{k}", ref, "business", level, f"level{level}", '["letter"]',
                            json.dumps([p[1] for p in picked]), on.isoformat(), "done",
                            on.isoformat(), "", "{}"))  # fmt: skip
    db.executemany(
        "INSERT INTO dunning_actions (key, customer_ref, policy, level, level_name, channels, "
        "invoice_numbers, proposed_on, status, done_on, outcome, details) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        actions,
    )
    promises = []
    for k in range(2000):
        made = FIRST + timedelta(days=rng.randrange((END - FIRST).days))
        customer = rows[rng.randrange(len(rows))][2]
        promises.append((f"PR{k}", f"C{customer:07d}", made.isoformat(),
                         (made + timedelta(days=10)).isoformat(), 100_000, "EUR", ""))  # fmt: skip
    db.executemany(
        "INSERT INTO promises (key, customer_ref, made_on, due, amount_minor, currency, note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        promises,
    )


def baseline(path: Path) -> int:
    """The receivables KPIs' inputs by hand-written SQL; returns how many figures."""
    db = sqlite3.connect(path)
    figures = []
    for month in periods(FIRST, END, by_month=True):
        day, first = month.last.isoformat(), month.first.isoformat()
        for query, args in (
            ("SELECT sum(amount_minor) FROM invoices WHERE issue_date <= ?", (day,)),
            ("SELECT sum(amount_minor) FROM invoices WHERE issue_date <= ? AND due_date >= ?",
             (day, day)),
            ("SELECT sum(a.amount_minor) FROM allocations a JOIN invoices i ON i.id = "
             "a.invoice_id WHERE a.date <= ? AND i.issue_date <= ?", (day, day)),
            ("SELECT sum(a.amount_minor) FROM allocations a JOIN invoices i ON i.id = "
             "a.invoice_id WHERE a.date <= ? AND i.issue_date <= ? AND i.due_date >= ?",
             (day, day, day)),
            ("SELECT sum(amount_minor) FROM invoices WHERE issue_date BETWEEN ? AND ?",
             (first, day)),
        ):  # fmt: skip
            figures.append(db.execute(query, args).fetchone()[0])
    db.close()
    return len(figures)


def relance(path: Path) -> int:
    """relance's report, month by month; returns how many KPI rows it gave."""
    store = open_store(str(path))
    report = kpi_report(store, FIRST, END, as_of=AS_OF, by_month=True)
    store.engine.dispose()
    return len(report.ledger) + len(report.stages) + len(report.promises)


def timed(label: str, work: object) -> None:
    cpu, wall = time.process_time(), time.perf_counter()
    count = work()  # type: ignore[operator]
    print(f"{label}: {count} figures, CPU {time.process_time() - cpu:.2f} s, "
          f"wall {time.perf_counter() - wall:.2f} s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="/tmp/relance-bench-kpi.sqlite")
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = Path(args.db)
    if args.build:
        started = time.perf_counter()
        build(path, args.invoices, args.customers)
        print(f"built {args.invoices} invoices in {time.perf_counter() - started:.1f} s")
    for _ in range(args.repeat):
        timed("baseline (12 × 5 SUM queries)", lambda: baseline(path))
        timed("relance kpi_report, 12 months", lambda: relance(path))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
