"""Time the daily dunning run over a SQLite ledger of 1,000,000 open invoices and 200,000
customers, loading from the database included (decisions only: nothing is rendered).

The ledger is built once into a file (`--build`), then each timing runs in a fresh
process so the peak memory (ru_maxrss) is the run's own. The run is a dry run: the same
work (load, decide, queue every proposal, append the events), rolled back at the end, so
it can be repeated on the same file. Usage:

    .venv/bin/python benchmarks/bench_dunning.py --db /tmp/dun.sqlite --build
    .venv/bin/python benchmarks/bench_dunning.py --db /tmp/dun.sqlite

Each customer has invoices falling due over the last 120 days; one invoice in ten is
partly paid (50 EUR); one customer in twenty is a consumer. `--like-tryton` builds the
ledger loaded into Tryton instead (200 days, 20 % paid, 15 % part-paid), for the comparison
recorded in RESULTS.md.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import sqlite3
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

AS_OF = date(2026, 11, 20)


def build(path: Path, invoices: int, customers: int, like_tryton: bool = False) -> None:
    """Create the schema through relance, then fill it with plain sqlite3 (fast).

    With `like_tryton`, the ledger has the shape of the Tryton peer's (peers/tryton/
    bench.py): due dates over the last 200 days, one invoice in five paid in full and
    three in twenty paid in part (half), instead of 120 days and one in ten part-paid.
    """
    spread = 200 if like_tryton else 120

    def amount_of(n: int) -> int:
        return (120 + n % 50) * 100

    def paid_of(n: int) -> int:
        if not like_tryton:
            return 5000 if n % 10 == 0 else 0
        share = (n + n // customers) % 20  # varies within each customer's invoices
        return amount_of(n) if share < 4 else amount_of(n) // 2 if share < 7 else 0

    from relance.bootstrap import open_store

    if path.exists():
        path.unlink()
    open_store(str(path), create=True).engine.dispose()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    db.execute(
        "INSERT INTO creditor (id, name, country, currency, language, address_lines, "
        "postal_code, city, legal_form, capital, registration_id, registration_city, "
        "vat_number, iban, bic, phone, email, signatory_name, signatory_title, logo_path) "
        "VALUES (1, 'Bench SA', 'FR', 'EUR', 'fr', '[]', '', '', '', '', '', '', '', '', '', "
        "'', '', '', '', '')"
    )
    db.executemany(
        "INSERT INTO customers (id, ref, name, kind, country, language, address_lines, "
        "postal_code, city, email, phone, tags, registration_id, vat_number, "
        "ibans) VALUES (?, ?, ?, ?, 'FR', 'fr', '[]', '', '', '', '', '[]', '', '', '[]')",
        (
            (n + 1, f"C{n:07d}", f"Customer {n}", "consumer" if n % 20 == 0 else "business")
            for n in range(customers)
        ),
    )

    def bills() -> Iterator[tuple[Any, ...]]:
        for n in range(invoices):
            due = AS_OF - timedelta(days=n % spread)
            yield (
                n + 1, f"F{n:08d}", n % customers + 1, (due - timedelta(days=30)).isoformat(),
                due.isoformat(), "EUR", amount_of(n), 2000,
            )  # fmt: skip

    db.executemany(
        "INSERT INTO invoices (id, number, customer_id, issue_date, due_date, currency, "
        "amount_minor, tax_minor, subject, pdf_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', '')",
        bills(),
    )
    paid = [(n, paid_of(n)) for n in range(invoices) if paid_of(n)]
    db.executemany(
        "INSERT INTO payments (id, key, customer_id, date, currency, amount_minor, method, "
        "reference, payer, payer_iban) VALUES (?, ?, ?, ?, 'EUR', ?, '', '', '', '')",
        (
            (
                n + 1,
                f"P{n:08d}",
                n % customers + 1,
                (AS_OF - timedelta(days=n % spread)).isoformat(),
                amount,
            )
            for n, amount in paid
        ),
    )
    db.executemany(
        "INSERT INTO allocations (kind, source, invoice_id, currency, amount_minor, date) "
        "VALUES ('payment', ?, ?, 'EUR', ?, ?)",
        (
            (f"P{n:08d}", n + 1, amount, (AS_OF - timedelta(days=n % spread)).isoformat())
            for n, amount in paid
        ),
    )
    db.commit()
    db.execute("ANALYZE")
    db.close()


# The steps of a run timed by --phases: (module, function name, phase label). A function
# the run imports by name is patched where the run looks it up (`relance.services.daily_run`).
_QUEUE = "relance.adapters.storage.repository_queue"
_OVERDUE = "relance.adapters.storage.repository_overdue"
_RUN = "relance.services.daily_run"
PHASES = (
    (_QUEUE, "engine_actions", "load: known actions"),
    (_OVERDUE, "allocated_by_invoice", "load: sums allocated"),
    (_OVERDUE, "overdue_by_customer", "load: overdue invoices"),
    (_OVERDUE, "customers_for_run", "load: customers"),
    (_OVERDUE, "unapplied_credit", "load: unapplied credit"),
    ("relance.services.limitation", "time_barred_invoices", "load: time-barred check"),
    ("relance.services.first_steps", "first_steps", "new customers: read, decide"),
    (_RUN, "decide", "decide (engine)"),
    ("relance.services.waiting_credits", "check", "waiting credits"),
    (_RUN, "queued_step", "queued steps"),
    (_QUEUE, "insert_proposals", "store: queue"),
    ("relance.adapters.storage.repository_history", "append_events", "store: events"),
    (_QUEUE, "add_new_flags", "store: flags"),
)


def time_phases() -> dict[str, float]:
    """Wrap each function of PHASES so that its wall time adds up under its label."""
    import importlib

    spent: dict[str, float] = {}

    def timed(function: Any, label: str) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            cpu = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - started
                spent[f"{label} (CPU)"] = spent.get(f"{label} (CPU)", 0.0) + (
                    time.process_time() - cpu
                )

        return wrapper

    for module_name, name, label in PHASES:
        module = importlib.import_module(module_name)
        # A stale name fails loudly: a phase silently missing would read as free.
        setattr(module, name, timed(getattr(module, name), label))
    return spent


def baseline(path: Path, as_of: date = AS_OF) -> None:
    """The bare baseline, in plain sqlite3 and json: each customer's open balance, count and
    oldest due date summed by SQL (GROUP BY), and its last step carried out (level, day); a
    level chosen from the days overdue, or the next level 14 days after the last step; then
    the invoices of every customer who gets a step fetched and one queue row and one event
    written per step (rolled back, as the run)."""
    cpu, started = time.process_time(), time.perf_counter()
    db = sqlite3.connect(path)
    day = as_of.isoformat()
    totals = db.execute(
        "SELECT i.customer_id, count(*), min(i.due_date), sum(i.amount_minor - "
        "coalesce(a.paid, 0)) FROM invoices i LEFT JOIN (SELECT invoice_id, sum(amount_minor)"
        " AS paid FROM allocations WHERE date <= ?1 GROUP BY invoice_id) a ON a.invoice_id ="
        " i.id WHERE i.due_date < ?1 AND i.issue_date <= ?1 GROUP BY i.customer_id",
        (day,),
    ).fetchall()
    last = {
        customer_id: (level, date.fromisoformat(done_on))
        for customer_id, level, done_on in db.execute(
            "SELECT c.id, max(a.level), max(a.done_on) FROM dunning_actions a JOIN customers c "
            "ON c.ref = a.customer_ref WHERE a.status = 'done' GROUP BY c.id"
        )
    }
    levels = {}
    for customer_id, _count, oldest, owed in totals:
        days = (as_of - date.fromisoformat(oldest)).days
        if owed <= 0:
            continue
        if customer_id not in last:
            levels[customer_id] = 0 if days < 30 else 1 if days < 60 else 2
        elif (as_of - last[customer_id][1]).days >= 14:
            levels[customer_id] = last[customer_id][0] + 1
    numbers: dict[int, list[str]] = {}
    if len(levels) > len(totals) // 2:
        rows = db.execute(
            "SELECT customer_id, number FROM invoices WHERE due_date < ? ORDER BY id", (day,)
        ).fetchall()
    else:  # few steps: their customers' invoices only
        wanted, rows = sorted(levels), []
        for at in range(0, len(wanted), 500):
            chunk = wanted[at : at + 500]
            rows += db.execute(
                f"SELECT customer_id, number FROM invoices WHERE due_date < ? AND customer_id "
                f"IN ({','.join('?' * len(chunk))}) ORDER BY id",
                (day, *chunk),
            ).fetchall()
    for customer_id, number in rows:
        if customer_id in levels:
            numbers.setdefault(customer_id, []).append(number)
    db.executemany(
        "INSERT INTO dunning_actions (key, customer_ref, policy, level, level_name, channels, "
        "invoice_numbers, proposed_on, status, outcome, details) VALUES (?, ?, 'default', ?, "
        "?, '[\"letter\"]', ?, ?, 'proposed', '', ?)",
        (
            (f"{c}|{day}|{level}", f"C{c - 1:07d}", level, f"level {level}",
             json.dumps(numbers[c]), day, json.dumps({"why": "overdue", "balances": []}))
            for c, level in levels.items()
        ),
    )  # fmt: skip
    db.executemany(
        "INSERT INTO events (at, dated, actor, kind, customer_ref, subject, reason, data) "
        "VALUES (?, ?, 'bench', 'action.proposed', ?, '', '', ?)",
        ((day, day, f"C{c - 1:07d}", json.dumps({"level": level})) for c, level in levels.items()),
    )
    db.rollback()
    print(
        f"bare baseline: {len(levels)} steps in {time.perf_counter() - started:.2f} s "
        f"(CPU {time.process_time() - cpu:.2f} s)"
    )


def prepare_later(path: Path, target: Path) -> None:
    """Copy the ledger at `path` to `target`, run it for real as of AS_OF (every customer
    gets a step), then mark every step carried out that day, each with a contact logged,
    as `relance done` does: the ledger of the days that follow a first run."""
    import shutil

    from relance.bootstrap import open_store
    from relance.services.daily_run import run_dunning

    shutil.copyfile(path, target)
    report = run_dunning(open_store(str(target)), AS_OF, actor="bench")
    db = sqlite3.connect(target)
    day = AS_OF.isoformat()
    db.execute("UPDATE dunning_actions SET status = 'done', done_on = ?", (day,))
    db.execute(
        'INSERT INTO dunning_contacts (customer_ref, "on", channel, direction, outcome, '
        "note, action_key, recorded_at) SELECT customer_ref, ?, 'email', 'outgoing', NULL, "
        "'', key, ? FROM dunning_actions",
        (day, f"{day} 18:00:00.000000"),
    )
    db.commit()
    db.execute("ANALYZE")
    db.close()
    print(f"prepared {target}: {len(report.proposed)} steps carried out on {day}")


_COPIED = (
    "creditor", "customers", "invoices", "payments", "allocations", "dunning_actions",
    "dunning_contacts",
)  # fmt: skip


def copy_to(path: Path, url: str) -> None:
    """Copy the SQLite ledger at `path` into the PostgreSQL database at `url` (its search
    path names an empty schema), through relance's migrations then COPY."""
    import psycopg

    from relance.bootstrap import open_store

    open_store(url, create=True).engine.dispose()
    source = sqlite3.connect(path)
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as target:
        for table in _COPIED:
            cursor = source.execute(f"SELECT * FROM {table}")
            names = ", ".join(f'"{column[0]}"' for column in cursor.description)
            with target.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in cursor:
                    copy.write_row(row)
        target.execute("ANALYZE")


def run(path: str, profile: bool, phases: bool = False, as_of: date = AS_OF) -> None:
    """One dry run as of `as_of`, timed; prints the figures."""
    from relance.bootstrap import open_store

    spent = time_phases() if phases else {}
    from relance.services.daily_run import run_dunning

    store = open_store(str(path), create=True)
    started = time.perf_counter()
    cpu = time.process_time()
    load = os.getloadavg()[0]
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    report = run_dunning(store, as_of, actor="bench", dry_run=True)
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # On a shared machine the wall time depends on the neighbours; the CPU time of the
    # process (one thread) much less, so both are printed with the load average.
    print(
        f"run as of {as_of}: {len(report.proposed)} actions proposed, "
        f"{len(report.flags)} flags in {elapsed:.2f} s (CPU {cpu:.2f} s); "
        f"peak memory {peak_mb:.0f} MB; load average {load:.2f} -> {os.getloadavg()[0]:.2f}"
    )
    for label, seconds in spent.items():
        if not label.endswith("(CPU)"):
            print(f"  {label:<28} {seconds:6.2f} s (CPU {spent[f'{label} (CPU)']:.2f} s)")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--db", default="/tmp/relance-bench-dunning.sqlite", help="A SQLite file or a URL."
    )
    parser.add_argument(
        "--copy-to", metavar="URL", help="Copy the --db ledger into this PostgreSQL database."
    )
    parser.add_argument("--build", action="store_true", help="(Re)build the ledger file.")
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--like-tryton", action="store_true", help="Build the Tryton peer's ledger shape."
    )
    parser.add_argument("--phases", action="store_true", help="Time each step of the run.")
    parser.add_argument(
        "--baseline", action="store_true", help="Time the bare baseline (plain sqlite3) too."
    )
    parser.add_argument(
        "--baseline-only", action="store_true", help="Time the bare baseline alone."
    )
    parser.add_argument(
        "--prepare-later",
        metavar="FILE",
        help="Copy the --db ledger to FILE with a first run carried out (see --later).",
    )
    parser.add_argument(
        "--later",
        type=int,
        default=0,
        metavar="DAYS",
        help="Run DAYS after the first run (on a ledger made by --prepare-later).",
    )
    args = parser.parse_args()
    if args.build:
        started = time.perf_counter()
        build(Path(args.db), args.invoices, args.customers, args.like_tryton)
        print(f"built {args.db} in {time.perf_counter() - started:.1f} s")
        return
    if args.copy_to:
        copy_to(Path(args.db), args.copy_to)
        return
    if args.prepare_later:
        prepare_later(Path(args.db), Path(args.prepare_later))
        return
    as_of = AS_OF + timedelta(days=args.later)
    if args.baseline or args.baseline_only:
        baseline(Path(args.db), as_of)
    if args.baseline_only:
        return
    run(args.db, args.profile, args.phases, as_of)


if __name__ == "__main__":
    main()
