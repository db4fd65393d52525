"""`relance log call|email|letter`, `dispute`, `resolve`, `promise`, `plan`, `hold`,
`release`: what the customer said and did, and what pauses the process."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated

import typer

from relance.bootstrap import open_store
from relance.core.contacts import CallOutcome, ContactChannel, Direction
from relance.interfaces.cli.commands import add_commands
from relance.interfaces.cli.output import DbOption, console, errors, parse_amount, parse_day
from relance.services import pauses

log_app = typer.Typer(help="Log a call, e-mail or letter, sent or received.")

DateOption = Annotated[
    str | None, typer.Option("--date", help="The day it happened (default: today).")
]
NoteOption = Annotated[str, typer.Option(help="A note for the log.")]
ReceivedFlag = Annotated[
    bool, typer.Option("--received", help="Received from the customer (a response).")
]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.add_typer(log_app, name="log")
    add_commands(app, dispute, resolve, promise, plan, hold, release)


def _log(
    db: str | None,
    customer: str,
    channel: ContactChannel,
    on: str | None,
    received: bool,
    note: str,
    outcome: CallOutcome | None = None,
    at_time: time | None = None,
) -> None:
    warnings = pauses.log_contact(
        open_store(db),
        customer,
        channel,
        parse_day(on, date.today()),
        direction=Direction.INCOMING if received else Direction.OUTGOING,
        outcome=outcome,
        at_time=at_time,
        note=note,
    )
    for warning in warnings:
        errors.print(f"[bold yellow]warning:[/] {warning}")
    console.print(f"logged {channel.value} {'from' if received else 'to'} {customer}")


@log_app.command("call")
def log_call(
    customer: Annotated[str, typer.Argument(help="Customer reference.")],
    db: DbOption = None,
    outcome: Annotated[CallOutcome, typer.Option(help="What came of the call.")] = (
        CallOutcome.NO_ANSWER
    ),
    on: DateOption = None,
    at: Annotated[
        str | None, typer.Option("--time", help="HH:MM, the customer's local time.")
    ] = None,
    received: ReceivedFlag = False,
    note: NoteOption = "",
) -> None:
    """Log a call; a call outside 08:00-21:00 (the policy's window) is logged with a warning."""
    try:
        at_time = time.fromisoformat(at) if at else None
    except ValueError as exc:
        raise typer.BadParameter(f"not a time like 14:30: {at!r}") from exc
    _log(db, customer, ContactChannel.CALL, on, received, note, outcome, at_time)


@log_app.command("email")
def log_email(
    customer: Annotated[str, typer.Argument(help="Customer reference.")],
    db: DbOption = None,
    on: DateOption = None,
    received: ReceivedFlag = False,
    note: NoteOption = "",
) -> None:
    """Log an e-mail sent to, or received from, the customer."""
    _log(db, customer, ContactChannel.EMAIL, on, received, note)


@log_app.command("letter")
def log_letter(
    customer: Annotated[str, typer.Argument(help="Customer reference.")],
    db: DbOption = None,
    on: DateOption = None,
    registered: Annotated[bool, typer.Option(help="Sent by registered mail.")] = False,
    received: ReceivedFlag = False,
    note: NoteOption = "",
) -> None:
    """Log a letter sent to, or received from, the customer."""
    channel = ContactChannel.REGISTERED_LETTER if registered else ContactChannel.LETTER
    _log(db, customer, channel, on, received, note)


def dispute(
    invoice: Annotated[str, typer.Argument(help="Invoice number.")],
    reason: Annotated[str, typer.Option(help="What the customer contests.")],
    db: DbOption = None,
    on: DateOption = None,
) -> None:
    """Take an invoice out of dunning while the customer contests it."""
    pauses.dispute(open_store(db), invoice, reason, parse_day(on, date.today()))
    console.print(f"invoice {invoice} disputed: out of dunning until resolved")


def resolve(
    invoice: Annotated[str, typer.Argument(help="Invoice number.")],
    db: DbOption = None,
    on: DateOption = None,
    resolution: Annotated[str, typer.Option(help="How it was settled.")] = "",
) -> None:
    """End the dispute on an invoice; it is chased again if still owed."""
    pauses.resolve(open_store(db), invoice, parse_day(on, date.today()), resolution=resolution)
    console.print(f"invoice {invoice}: dispute resolved")


def promise(
    customer: Annotated[str, typer.Argument(help="Customer reference.")],
    amount: Annotated[str, typer.Option(help="The amount promised, e.g. 250.00.")],
    due: Annotated[str, typer.Option("--by", "--due", help="The day promised.")],
    db: DbOption = None,
    currency: Annotated[
        str | None, typer.Option(help="Default: the customer's invoices' currency.")
    ] = None,
    on: DateOption = None,
    note: NoteOption = "",
) -> None:
    """Record a promise to pay: the customer is paused until the date plus a grace period."""
    store = open_store(db)
    made_on = parse_day(on, date.today())
    code = currency or pauses.customer_currency(store, customer)
    made = pauses.promise(
        store,
        customer,
        parse_amount(amount, code),
        parse_day(due, made_on),
        made_on,
        note=note,
    )
    console.print(f"{customer} promised {made.amount} by {made.due.isoformat()}")


def plan(
    customer: Annotated[str, typer.Argument(help="Customer reference.")],
    invoices: Annotated[str, typer.Option(help="Invoice numbers, comma-separated.")],
    instalments: Annotated[int, typer.Option(help="How many payments.")],
    first: Annotated[str, typer.Option(help="Due date of the first payment.")],
    every: Annotated[str, typer.Option(help="1m (monthly), 2w, 14d …")] = "1m",
    db: DbOption = None,
    on: DateOption = None,
) -> None:
    """Agree a payment plan: it replaces the process for its invoices until a payment is
    missed."""
    agreed_on = parse_day(on, date.today())
    numbers = [n.strip() for n in invoices.split(",") if n.strip()]
    made = pauses.plan(
        open_store(db),
        customer,
        numbers,
        instalments,
        parse_day(first, agreed_on),
        every,
        agreed_on,
    )
    console.print(f"plan for {customer}, {made.total} over {len(made.instalments)} payments:")
    for part in made.instalments:
        console.print(f"  {part.due.isoformat()}  {part.amount}")


def hold(
    customer: Annotated[str, typer.Argument(help="Customer reference.")],
    reason: Annotated[str, typer.Option(help="Why collection stops.")],
    db: DbOption = None,
    on: DateOption = None,
) -> None:
    """Stop every collection step for a customer until `relance release`."""
    pauses.hold(open_store(db), customer, reason, parse_day(on, date.today()))
    console.print(f"{customer} on hold: {reason}")


def release(
    customer: Annotated[str, typer.Argument(help="Customer reference.")],
    db: DbOption = None,
    on: DateOption = None,
    reason: Annotated[str, typer.Option(help="Why, for the log.")] = "",
) -> None:
    """End a hold: the process resumes for the customer."""
    pauses.release(open_store(db), customer, parse_day(on, date.today()), reason=reason)
    console.print(f"{customer} released")
