"""Benchmark: import 1,000,000 invoices over 100,000 customers from CSV, then age them.

Targets (SQLite, 2-core machine): import <= 60 s, aged balance over 1M open invoices
<= 1 s, peak memory <= 1 GB. Prints one JSON line with every figure.

    .venv/bin/python benchmarks/bench_ledger.py --invoices 1000000 --customers 100000
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from relance.adapters.formats.ledger_csv import CsvKind
from relance.bootstrap import open_store
from relance.core.aging import Buckets
from relance.core.model import Creditor
from relance.services.ledger_import import import_ledger_csv
from relance.services.reports import aging_report
from relance.services.setup import init_creditor

AS_OF = date(2026, 11, 23)


def write_files(folder: Path, customers: int, invoices: int) -> tuple[Path, Path]:
    """Generated customers and invoices CSV files (seed 42), French style."""
    rng = random.Random(42)
    customer_path, invoice_path = folder / "clients.csv", folder / "factures.csv"
    with customer_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["reference", "nom", "type", "pays", "langue", "email"])
        for n in range(customers):
            kind = "entreprise" if n % 5 else "particulier"
            writer.writerow([f"C{n:06d}", f"Client {n}", kind, "FR", "fr", f"c{n}@example.fr"])
    with invoice_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["numero", "client", "date", "echeance", "devise", "montant", "tva"])
        for n in range(invoices):
            issue = AS_OF - timedelta(days=rng.randrange(0, 365))
            due = issue + timedelta(days=rng.choice((30, 45, 60)))
            cents = rng.randrange(1_000, 2_000_000)
            amount = f"{cents // 100},{cents % 100:02d}"
            tax = f"{cents // 600},{(cents // 6) % 100:02d}"
            writer.writerow([
                f"F{n:07d}", f"C{rng.randrange(customers):06d}", issue.strftime("%d/%m/%Y"),
                due.strftime("%d/%m/%Y"), "EUR", amount, tax,
            ])  # fmt: skip
    return customer_path, invoice_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--db", help="database URL (default: a SQLite file in a temp folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        customer_path, invoice_path = write_files(folder, args.customers, args.invoices)
        generate_s = time.perf_counter() - started
        store = open_store(args.db or str(folder / "bench.sqlite"), create=True)
        init_creditor(store, Creditor("Bench SARL", "FR", "EUR"))
        started = time.perf_counter()
        import_ledger_csv(store, CsvKind.CUSTOMERS, customer_path)
        customers_s = time.perf_counter() - started
        started = time.perf_counter()
        report = import_ledger_csv(store, CsvKind.INVOICES, invoice_path)
        invoices_s = time.perf_counter() - started
        timings, cpu = [], []
        for _ in range(3):
            started, cpu_started = time.perf_counter(), time.process_time()
            aging = aging_report(store, AS_OF, Buckets())
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        started = time.perf_counter()
        again = import_ledger_csv(store, CsvKind.INVOICES, invoice_path, dry_run=True)
        reimport_s = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({
            "machine": f"{platform.machine()} {platform.python_version()}",
            "backend": store.engine.dialect.name,
            "customers": args.customers, "invoices": report.created,
            "generate_csv_s": round(generate_s, 2),
            "import_customers_s": round(customers_s, 2),
            "import_invoices_s": round(invoices_s, 2),
            "reimport_dry_run_s": round(reimport_s, 2), "reimport_unchanged": again.unchanged,
            "aging_s": [round(t, 3) for t in timings],
            "aging_cpu_s": [round(t, 3) for t in cpu],
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "aging_customers": len(aging.tables[0].rows) if aging.tables else 0,
            "aging_total": str(aging.tables[0].total) if aging.tables else "0",
            "peak_rss_mb": round(peak_mb),
        }))  # fmt: skip
        store.engine.dispose()


if __name__ == "__main__":
    main()
