"""`relance demo`: a demo ledger, its aged balance, and what relance would do about it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from relance.bootstrap import Store, open_store
from relance.interfaces.cli.dunning import print_actions
from relance.interfaces.cli.letters import print_report
from relance.interfaces.cli.output import Format, console, parse_day
from relance.interfaces.cli.reports import print_aging
from relance.services import reports
from relance.services.demo import DEMO_RUNS, build_demo, run_demo_dunning
from relance.services.demo_accounts import DEMO_PASSWORD, create_demo_accounts
from relance.services.demo_letters import send_demo_letters


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("demo")(demo)


def demo(
    as_of: Annotated[str | None, typer.Option(help="The demo's today (default: today).")] = None,
    folder: Annotated[Path, typer.Option("--dir", help="Where to build it.")] = Path(
        "relance-demo"
    ),
) -> None:
    """Build a demo ledger in a fresh SQLite file: its aged balance, its queue, its letters."""
    day = parse_day(as_of, date.today())
    built = build_demo(folder, day, lambda db: open_store(str(db), create=True))
    customers = len(reports.customers(built.store))
    lines = reports.invoice_lines(built.store, day)
    console.print(
        f"Demo ledger as of {day.isoformat()}: {customers} customers, {len(lines)} invoices, "
        f"in {built.folder / 'relance.sqlite'} (CSV sources beside it)."
    )
    print_aging(reports.aging_report(built.store, day), Format.TABLE, "fr")
    pending = run_demo_dunning(built.store, day)
    console.print(
        f"Dunning: relance ran every two weeks before ({DEMO_RUNS} runs); each step was "
        "approved and carried out, no one answered. Due now (relance approve --all, then "
        "relance done ID):"
    )
    print_actions(pending, Format.TABLE, f"Queue as of {day.isoformat()}", "fr", with_status=False)
    # The day's actions approved and sent with no SMTP server: e-mails as .eml files.
    console.print(f"Sending the day's letters into {built.folder / 'letters'}:")
    print_report(send_demo_letters(built.store, day, built.folder / "letters"))
    console.print(
        f"Try: relance --help, or relance invoices --db {built.folder / 'relance.sqlite'} --open"
    )
    print_workbench(built.store, built.folder / "relance.sqlite")


def print_workbench(store: Store, db: Path) -> None:
    """How to open the demo ledger in a browser, with the demo's accounts."""
    accounts = create_demo_accounts(store)
    console.print(
        f"In a browser: relance serve --db {db}, then open http://127.0.0.1:8000/ and sign in "
        f"as one of (password {DEMO_PASSWORD}):",
        soft_wrap=True,  # the command whole on one line, to copy
    )
    for email, role in accounts:
        console.print(f"  {email}  ({role.value})")
