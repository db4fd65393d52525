"""Benchmark: import invoices and customers from CSV, then age them, beside a bare baseline.

Each size (invoices; a tenth as many customers) is measured in its own processes, so that
each figure has its own peak memory: relance's `import_ledger_csv` (customers, then
invoices) against the baseline (plain `csv` + the same parsing + `sqlite3` executemany),
and the aged balance (`aging_report`: kept, first after the import, after 100 payments,
the next day, and the scan of every invoice) against plain SQL (per-customer CASE
buckets, and totals only) on the database relance wrote; the import without the kept
aged balance's triggers shows what they cost; `relance_cli_import` (asked for by `--only`)
runs the two `relance import` commands as users do, each a process. CPU time is the figure
to read on a shared machine; the median of `--repeat` runs is kept. Generated files and
databases are kept in `--folder` and reused. Prints one JSON line per size.

    .venv/bin/python benchmarks/bench_ledger.py --sizes 10000,100000,1000000
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

AS_OF = date(2026, 11, 23)
FLOORS = [AS_OF - timedelta(days=d) for d in (0, 30, 60, 90)]  # the default buckets


def write_files(folder: Path, customers: int, invoices: int) -> tuple[Path, Path]:
    """Generated customers and invoices CSV files (seed 42), French style."""
    rng = random.Random(42)
    customer_path, invoice_path = folder / "clients.csv", folder / "factures.csv"
    if invoice_path.exists():
        return customer_path, invoice_path
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


def _minor(text: str) -> int:
    return int(Decimal(text.replace(" ", "").replace(",", ".")) * 100)


def _iso(text: str) -> str:
    day, month, year = text.split("/")
    return date(int(year), int(month), int(day)).isoformat()


def baseline_import(folder: Path) -> dict[str, Any]:
    """csv + parse + executemany into a bare schema, in one transaction."""
    db = folder / "baseline.sqlite"
    db.unlink(missing_ok=True)
    conn = sqlite3.connect(db)
    conn.executescript(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, ref TEXT UNIQUE, name TEXT,"
        " kind TEXT, country TEXT, language TEXT, email TEXT);"
        "CREATE TABLE invoices (id INTEGER PRIMARY KEY, number TEXT UNIQUE, customer_id INT,"
        " issue_date TEXT, due_date TEXT, currency TEXT, amount_minor INT, tax_minor INT);"
        "CREATE INDEX ix_aging ON invoices (customer_id, currency, due_date, issue_date,"
        " amount_minor);"
    )
    with (folder / "clients.csv").open(newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle, delimiter=";")
        next(rows)
        conn.executemany(
            "INSERT INTO customers (ref, name, kind, country, language, email)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
    ids = dict(conn.execute("SELECT ref, id FROM customers"))
    with (folder / "factures.csv").open(newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle, delimiter=";")
        next(rows)
        conn.executemany(
            "INSERT INTO invoices (number, customer_id, issue_date, due_date, currency,"
            " amount_minor, tax_minor) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (n, ids[c], _iso(i), _iso(d), cur, _minor(a), _minor(t))
                for n, c, i, d, cur, a, t in rows
            ),
        )
    conn.commit()
    conn.close()
    return {}


AGING_TRIGGERS = tuple(
    f"aging_stale_{table}_{event}"
    for table in ("invoices", "allocations")
    for event in ("insert", "update", "delete")
)


def drop_aging_triggers(db: Path) -> None:
    """Migrate the SQLite ledger `db`, then drop the kept aged balance's triggers: a
    workload run on it without them shows what they cost."""
    from relance.bootstrap import open_store

    open_store(str(db)).engine.dispose()
    conn = sqlite3.connect(db)
    for name in AGING_TRIGGERS:
        conn.execute(f"DROP TRIGGER {name}")
    conn.commit()
    conn.close()


def relance_import(folder: Path, triggers: bool = True) -> dict[str, Any]:
    """Customers then invoices through `import_ledger_csv`, into a fresh ledger (without
    the kept aged balance's triggers when not `triggers`: into another file)."""
    from relance.adapters.formats.ledger_csv import CsvKind
    from relance.bootstrap import open_store
    from relance.core.model import Creditor
    from relance.services.ledger_import import import_ledger_csv
    from relance.services.setup import init_creditor

    db = folder / ("relance.sqlite" if triggers else "untriggered.sqlite")
    db.unlink(missing_ok=True)
    store = open_store(str(db), create=True)
    init_creditor(store, Creditor("Bench SARL", "FR", "EUR"))
    if not triggers:
        drop_aging_triggers(db)
    cpu, wall = time.process_time(), time.perf_counter()
    import_ledger_csv(store, CsvKind.CUSTOMERS, folder / "clients.csv")
    customers_cpu = time.process_time() - cpu
    report = import_ledger_csv(store, CsvKind.INVOICES, folder / "factures.csv")
    timed = _since(cpu, wall)
    store.engine.dispose()
    return {"customers_cpu_s": round(customers_cpu, 2), "invoices": report.created, **timed}


def relance_cli_import(folder: Path) -> dict[str, Any]:
    """`relance import customers` then `relance import invoices`, each a process of its own
    as users run them (start-up, the count of lines for the bar, the bar, the credit-limit
    check at the end), into a fresh ledger: their CPU time and the larger peak."""
    from relance.bootstrap import open_store
    from relance.core.model import Creditor
    from relance.services.setup import init_creditor

    db = folder / "relance-cli.sqlite"
    db.unlink(missing_ok=True)
    store = open_store(str(db), create=True)
    init_creditor(store, Creditor("Bench SARL", "FR", "EUR"))
    store.engine.dispose()
    relance = str(Path(sys.executable).parent / "relance")
    figures: dict[str, Any] = {}
    for kind, name in (("customers", "clients.csv"), ("invoices", "factures.csv")):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        subprocess.run(
            [relance, "import", kind, str(folder / name), "--db", str(db)],
            check=True, capture_output=True, env={**os.environ, "COLUMNS": "100"},
        )  # fmt: skip
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        figures[f"{kind}_cpu_s"] = round(cpu, 2)
        figures[f"{kind}_wall_s"] = round(time.perf_counter() - wall, 2)
    figures["cpu_s"] = round(figures["customers_cpu_s"] + figures["invoices_cpu_s"], 3)
    figures["wall_s"] = round(figures["customers_wall_s"] + figures["invoices_wall_s"], 3)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    figures["children_peak_rss_mb"] = round(children / 1024)
    return figures


def _copy_of_ledger(folder: Path, name: str) -> Path:
    """A copy of the ledger `relance_import` wrote, for a workload that writes to it."""
    copy = folder / f"{name}.sqlite"
    for suffix in ("-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copy(folder / "relance.sqlite", copy)
    return copy


def _pay(db: Path, count: int) -> None:
    """`count` payments of the ledger's first invoices, imported from a payments CSV."""
    from relance.adapters.formats.ledger_csv import CsvKind
    from relance.bootstrap import open_store
    from relance.services.ledger_import import import_ledger_csv

    conn = sqlite3.connect(db)
    owed = conn.execute(
        "SELECT i.number, c.ref, i.issue_date FROM invoices i JOIN customers c"
        " ON c.id = i.customer_id ORDER BY i.id LIMIT ?",
        (count,),
    ).fetchall()
    conn.close()
    payments = db.with_suffix(".csv")
    with payments.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["date", "client", "montant", "facture"])
        for number, customer, issued in owed:
            writer.writerow(
                [date.fromisoformat(issued).strftime("%d/%m/%Y"), customer, "5,00", number]
            )
    store = open_store(str(db))
    import_ledger_csv(store, CsvKind.PAYMENTS, payments)
    store.engine.dispose()


def relance_aging(folder: Path, case: str = "kept") -> dict[str, Any]:
    """`aging_report` on the ledger `relance_import` wrote (or a copy), as of AS_OF.

    `case`: "kept", the report once the kept rows are current (one report made first);
    "first", the first report after the import (every customer marked by the triggers);
    "payments", after 100 payments imported; "next_day", as of the next day; "scan", the
    whole ledger summed as every report was before the kept rows (`aging_rows`)."""
    from relance.adapters.storage.repository_aging import aging_rows
    from relance.bootstrap import open_store
    from relance.core.aging import Buckets, assemble
    from relance.services.reports import aging_report

    db = folder / "relance.sqlite" if case in ("kept", "scan") else _copy_of_ledger(folder, case)
    day = AS_OF + timedelta(days=1) if case == "next_day" else AS_OF
    if case == "first":  # as the import left it: no kept rows yet
        conn = sqlite3.connect(db)
        conn.execute("DELETE FROM aging_kept_date")
        conn.commit()
        conn.close()
    elif case != "scan":
        warm = open_store(str(db))
        aging_report(warm, AS_OF, Buckets())
        warm.engine.dispose()
    if case == "payments":
        _pay(db, 100)
    store = open_store(str(db))
    cpu, wall = time.process_time(), time.perf_counter()
    if case == "scan":
        with store.begin() as conn:
            aging = assemble(aging_rows(conn, day, Buckets()), day, Buckets())
    else:
        aging = aging_report(store, day, Buckets())
    timed = _since(cpu, wall)
    table = aging.tables[0] if aging.tables else None
    total = str(table.total if table else 0)
    return {"customers": len(table.rows) if table else 0, "total": total, **timed}


def baseline_aging(folder: Path, totals_only: bool = False) -> dict[str, Any]:
    """Plain SQL on the same database: per-customer CASE buckets (or totals only)."""
    conn = sqlite3.connect(folder / "relance.sqlite")
    floors = [f.isoformat() for f in FLOORS]
    if totals_only:
        sums = "SUM(amount_minor)"
    else:
        cases = [f"SUM(CASE WHEN due_date >= '{floors[0]}' THEN amount_minor ELSE 0 END)"]
        for upper, lower in itertools.pairwise(floors):
            cases.append(
                f"SUM(CASE WHEN due_date >= '{lower}' AND due_date < '{upper}'"
                " THEN amount_minor ELSE 0 END)"
            )
        cases.append(f"SUM(CASE WHEN due_date < '{floors[-1]}' THEN amount_minor ELSE 0 END)")
        sums = ", ".join(cases)
    rows = conn.execute(
        f"SELECT customer_id, currency, {sums} FROM invoices WHERE issue_date <= ?"
        " GROUP BY customer_id, currency",
        (AS_OF.isoformat(),),
    ).fetchall()
    names = dict(conn.execute("SELECT id, name FROM customers"))
    result = sorted((names[row[0]], row) for row in rows)
    return {"customers": len(result)}


def _since(cpu: float, wall: float) -> dict[str, float]:
    """CPU and wall seconds since `cpu` and `wall` (the part of a workload that is timed:
    opening the store and migrating a fresh database are left out)."""
    return {
        "cpu_s": round(time.process_time() - cpu, 3),
        "wall_s": round(time.perf_counter() - wall, 3),
    }


WORKLOADS = {
    "baseline_import": baseline_import,
    "relance_import": relance_import,
    "relance_import_untriggered": lambda folder: relance_import(folder, triggers=False),
    "relance_cli_import": relance_cli_import,
    "relance_aging": relance_aging,
    "relance_aging_first": lambda folder: relance_aging(folder, "first"),
    "relance_aging_payments": lambda folder: relance_aging(folder, "payments"),
    "relance_aging_next_day": lambda folder: relance_aging(folder, "next_day"),
    "relance_aging_scan": lambda folder: relance_aging(folder, "scan"),
    "baseline_aging": baseline_aging,
    "baseline_totals": lambda folder: baseline_aging(folder, totals_only=True),
}


def run_one(workload: str, folder: Path) -> None:
    """Measure one workload in this process and print its figures as JSON."""
    cpu, wall = time.process_time(), time.perf_counter()
    figures = WORKLOADS[workload](folder)
    result = {**_since(cpu, wall), **figures}  # a workload's own timing wins
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result))


def measure(workload: str, folder: Path, repeat: int) -> dict[str, Any]:
    """The median (by CPU) of `repeat` runs of `workload`, each in a fresh process."""
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, __file__, "--one", workload, "--folder", str(folder)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    runs.sort(key=lambda run: run["cpu_s"])
    median = dict(runs[len(runs) // 2])
    median["cpu_runs_s"] = [run["cpu_s"] for run in runs]
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="invoices, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--folder", default="/tmp/relance-bench-ledger")
    parser.add_argument(
        "--only",
        default=",".join(w for w in WORKLOADS if w != "relance_cli_import"),
        help=f"workloads to run, among {', '.join(WORKLOADS)}",
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_one(args.one, Path(args.folder))
        return
    for size in (int(s) for s in args.sizes.split(",")):
        folder = Path(args.folder) / str(size)
        folder.mkdir(parents=True, exist_ok=True)
        write_files(folder, size // 10, size)
        figures: dict[str, Any] = {"invoices": size, "customers": size // 10}
        for workload in args.only.split(","):
            figures[workload] = measure(workload, folder, args.repeat)
        figures["load_average"] = [round(x, 2) for x in os.getloadavg()]
        figures["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
