"""`relance deposit`: deposit invoices (factures d'acompte) and their final invoice."""

from __future__ import annotations

from typing import Annotated

import typer

from relance.bootstrap import open_store
from relance.interfaces.cli import output as ui
from relance.services import deposits as service

app = typer.Typer(help="Deposit invoices (acomptes): chased as deposits, deducted when final.")


def register(root: typer.Typer) -> None:
    """Add `relance deposit` to the app."""
    root.add_typer(app, name="deposit")


@app.command("add")
def add(
    invoice: Annotated[str, typer.Argument(help="The deposit invoice's number.")],
    final: Annotated[
        str, typer.Option("--for", help="The final invoice's number (it may come later).")
    ],
    db: ui.DbOption = None,
) -> None:
    """Mark an invoice as a deposit on a final invoice: its reminders say it is a deposit;
    once the final invoice is in the ledger, what was paid on the deposit is deducted from
    it and the rest of the deposit is owed on it."""
    link, made = service.mark_deposit(open_store(db), invoice, final)
    state = (
        f"deducted from {final} on {link.settled_on.isoformat()} ({made} allocations)"
        if link.settled_on
        else f"to be deducted from {final} when it is imported"
    )
    ui.console.print(f"{invoice}: deposit on {final}, {state}.", markup=False)


@app.command("list")
def listing(db: ui.DbOption = None) -> None:
    """Every deposit invoice, its final invoice and the day it was deducted."""
    links = service.deposit_links(open_store(db))
    if not links:
        ui.console.print("No deposit invoice.")
    for link in links:
        when = link.settled_on.isoformat() if link.settled_on else "not yet"
        ui.console.print(
            f"{link.deposit_number} on {link.final_number}: deducted {when}", markup=False
        )
