"""Bank import benchmark: 100,000 bank transactions matched against 1,000,000 open invoices
through the import service, on SQLite, with known truth, beside a bare baseline.

`bench_matching.py`'s generated ledger (a tenth as many customers as invoices, 10 open
invoices each) is put in a SQLite database once (kept in `--folder`); its generated credits
(RF references, invoice numbers in the text, known IBANs, names, noise) are written as a
CSV bank statement. Then, each in a fresh process on a fresh copy of the database:

- relance: `relance.services.file_import.import_bank_statements`, the call behind
  `relance import bank`: read, stored, matched, allocations written, in one transaction;
- baseline: plain `csv` + `sqlite3`: the open invoices' keys read into dicts (number,
  amount, customer), each credit matched by its RF reference, an invoice number in its
  text, or its amount among its IBAN's customer's invoices, and the lines, payments and
  allocations written with executemany in one transaction.

Prints CPU time (user + system of the process), the phases the service times (CPU), peak
RSS, the load average, the share matched automatically and the precision of automatic
matches read back from the database.

Run: .venv/bin/python benchmarks/bench_bank_import.py [--invoices N] [--transactions N]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import pickle
import random
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from relance.adapters.storage import repository as repo
from relance.adapters.storage import tables as t
from relance.adapters.storage.database import Store
from relance.bootstrap import open_store
from relance.core.bank import BankTransaction
from relance.core.matching import OpenItem
from relance.core.model import Customer
from relance.core.reference import creditor_reference

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ledger import drop_aging_triggers
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


def prepare(folder: Path, invoices: int, transactions: int, seed: int) -> None:
    """The ledger database, the statement and the truth, made once per size."""
    if (folder / "truth.pickle").exists():
        return
    rng = random.Random(seed)
    customers, items = build(invoices, 10, rng)
    txs, truth = credits(transactions, customers, items, rng)
    (folder / "ledger.sqlite").unlink(missing_ok=True)
    store = open_store(str(folder / "ledger.sqlite"), create=True)
    fill(store, customers, items)
    store.engine.dispose()
    statement(folder / "releve.csv", txs)
    (folder / "truth.pickle").write_bytes(pickle.dumps(truth))


def relance_import(db: Path, path: Path) -> dict[str, Any]:
    """`import_bank_statements`, as `relance import bank` calls it; phases in CPU seconds."""
    from relance.services import import_run
    from relance.services.file_import import import_bank_statements

    # the service times its phases on the wall clock; on a shared machine CPU is read
    import_run.time.perf_counter = time.process_time  # type: ignore[assignment]
    store = open_store(str(db))
    cpu = time.process_time()
    (report,) = import_bank_statements(store, [path], as_of=AS_OF)
    figures = {"cpu_s": round(time.process_time() - cpu, 2), "matched": report.matched}
    figures["phases_cpu_s"] = {k: round(v, 2) for k, v in report.seconds.items()}
    store.engine.dispose()
    return figures


_TOKEN = re.compile(r"[0-9A-Z]+")


def baseline_import(db: Path, path: Path) -> dict[str, Any]:
    """Plain csv + sqlite3: keys in dicts, three lookups a credit, executemany writes."""
    cpu = time.process_time()
    conn = sqlite3.connect(db)
    by_number: dict[str, tuple[int, int, int]] = {}  # number: id, owed, customer id
    by_customer: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    for invoice_id, number, customer_id, owed in conn.execute(
        "SELECT i.id, i.number, i.customer_id, i.amount_minor - COALESCE(a.paid, 0)"
        " FROM invoices i LEFT JOIN (SELECT invoice_id, SUM(amount_minor) AS paid"
        " FROM allocations GROUP BY invoice_id) a ON a.invoice_id = i.id"
        " WHERE i.issue_date <= ? ORDER BY i.due_date, i.number",
        (AS_OF.isoformat(),),
    ):
        if owed > 0:
            by_number[number] = (invoice_id, owed, customer_id)
            by_customer[customer_id].append((owed, number, invoice_id))
    by_iban = {}
    for customer_id, ibans in conn.execute("SELECT id, ibans FROM customers"):
        for iban in json.loads(ibans):
            by_iban[iban] = customer_id
    by_reference = {creditor_reference(number): number for number in by_number}
    lines, allocations, payments = [], [], []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter=";")
        next(rows)
        for day, text, amount, payer, iban, reference, key in rows:
            minor = round(float(amount) * 100)
            number = by_reference.get(reference)
            if number is None:
                number = next((w for w in _TOKEN.findall(text) if w in by_number), None)
            found = by_number.get(number) if number else None
            if found is None and iban in by_iban:
                found = next(
                    (by_number[n] for o, n, _ in by_customer[by_iban[iban]] if o == minor), None
                )
            lines.append((key, day, minor, payer, iban, text, "matched" if found else "queued"))
            payments.append((key, found[2] if found else None, day, minor, reference or text))
            if found:
                allocations.append(("payment", key, found[0], min(minor, found[1]), day))
    conn.execute(
        "CREATE TABLE bare_lines (key TEXT PRIMARY KEY, day TEXT, amount INT, payer TEXT,"
        " iban TEXT, text TEXT, state TEXT)"
    )
    conn.execute(
        "CREATE TABLE bare_payments (key TEXT PRIMARY KEY, customer_id INT, day TEXT,"
        " amount INT, reference TEXT)"
    )
    conn.executemany("INSERT INTO bare_lines VALUES (?, ?, ?, ?, ?, ?, ?)", lines)
    conn.executemany("INSERT INTO bare_payments VALUES (?, ?, ?, ?, ?)", payments)
    conn.executemany(
        "INSERT INTO allocations (kind, source, invoice_id, currency, amount_minor, date)"
        " VALUES (?, ?, ?, 'EUR', ?, ?)",
        allocations,
    )
    conn.commit()
    conn.close()
    return {"cpu_s": round(time.process_time() - cpu, 2), "matched": len(allocations)}


def precision(db: Path, truth: dict[str, frozenset[str]]) -> str:
    """The share matched automatically and the precision of those matches, read back."""
    conn = sqlite3.connect(db)
    paid: dict[str, set[str]] = defaultdict(set)
    for source, number in conn.execute(
        "SELECT a.source, i.number FROM allocations a JOIN invoices i ON i.id = a.invoice_id"
        " WHERE a.kind = 'payment'"
    ):
        paid[source].add(number)
    automatic = "SELECT key FROM bank_transactions WHERE state = 'automatic'"
    auto = [key for (key,) in conn.execute(automatic)]
    conn.close()
    correct = sum(1 for key in auto if frozenset(paid[key]) == truth[key])
    payable = sum(1 for v in truth.values() if v)
    return (
        f"matched automatically: {len(auto):,} of {len(truth):,} credits "
        f"({len(auto) / len(truth):.1%}); {len(auto) / payable:.1%} of the {payable:,} that pay "
        f"our invoices; precision {correct / len(auto):.3%} ({len(auto) - correct} wrong)"
    )


def peak_rss_mib() -> int:
    """This process's peak RSS: VmHWM on Linux (ru_maxrss keeps the parent's peak across
    fork and exec, the size of a first run's `prepare`), else ru_maxrss."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def run_one(workload: str, folder: Path) -> None:
    """One workload on a fresh copy of the ledger, in this process; figures as JSON."""
    db = folder / f"{workload}.sqlite"
    shutil.copy(folder / "ledger.sqlite", db)
    if workload == "relance_untriggered":  # what the kept aged balance's triggers cost
        drop_aging_triggers(db)
    work = {
        "relance": relance_import,
        "relance_untriggered": relance_import,
        "baseline": baseline_import,
    }[workload]
    figures = work(db, folder / "releve.csv")
    figures["peak_rss_mib"] = peak_rss_mib()
    if workload.startswith("relance"):
        figures["truth"] = precision(db, pickle.loads((folder / "truth.pickle").read_bytes()))
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--transactions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--folder", default="/tmp/relance-bench-bank")
    parser.add_argument("--only", default="baseline,relance")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    folder = Path(args.folder) / f"{args.invoices}x{args.transactions}"
    if args.one:
        run_one(args.one, folder)
        return
    folder.mkdir(parents=True, exist_ok=True)
    prepare(folder, args.invoices, args.transactions, args.seed)
    figures: dict[str, Any] = {"invoices": args.invoices, "transactions": args.transactions}
    figures["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
    for workload in args.only.split(","):
        out = subprocess.run(
            [sys.executable, __file__, "--one", workload, "--folder", args.folder,
             "--invoices", str(args.invoices), "--transactions", str(args.transactions)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        figures[workload] = json.loads(out.stdout.strip().splitlines()[-1])
    figures["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    figures["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
