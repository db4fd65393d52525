"""`relance run`, `queue`, `approve`, `cancel`, `done`, `history` and `policy …`."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from relance.bootstrap import open_store
from relance.core.contacts import CallOutcome
from relance.interfaces.cli.output import (
    CsvFlag,
    DbOption,
    ExitCode,
    Format,
    FormatOption,
    JsonFlag,
    chosen,
    console,
    date_text,
    emit,
    escape,
    fail,
    instant_text,
    money_text,
    parse_day,
)

# The daily run, rates, policies and history services are imported by the commands that use
# them: `relance queue` and `approve` start without them.
from relance.services import dunning, reports

if TYPE_CHECKING:
    from relance.services.daily_run import RunReport

policy_app = typer.Typer(help="Dunning policies: show, export and import them as TOML.")

DateOption = Annotated[
    str | None, typer.Option("--date", help="The day it happens (default: today).")
]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("run")(run)
    app.command("queue")(queue)
    app.command("approve")(approve)
    app.command("cancel")(cancel)
    app.command("done")(done)
    app.command("history")(history)
    app.add_typer(policy_app, name="policy")


_COLUMNS = ["id", "status", "proposed", "customer", "level", "channels", "invoices", "balance"]


def _balance(item: dunning.QueuedAction, language: str = "en") -> str:
    return " + ".join(money_text(balance, language) for balance in item.step.balances)


def _row(item: dunning.QueuedAction) -> list[Any]:
    action = item.action
    return [
        item.id,
        action.status.value,
        action.proposed_on,
        action.customer_ref,
        action.level_name,
        [c.value for c in action.channels],
        list(action.invoice_numbers),
        [f"{balance.amount} {balance.currency}" for balance in item.step.balances],
    ]


_SHORT = {
    "registered_letter": "registered",
    "agency_handoff": "agency",
    "write_off_review": "write-off",
}


def print_actions(
    items: Sequence[dunning.QueuedAction],
    fmt: Format,
    title: str,
    language: str = "en",
    *,
    dated: bool = False,
    with_status: bool = True,
) -> None:
    """Queued actions as a table, CSV or JSON (JSON adds why the step is due)."""
    if fmt is Format.JSON:
        rows = [[*_row(i), i.step.why] for i in items]
        emit(fmt, [*_COLUMNS, "why"], rows)
        return
    if fmt is Format.CSV:
        emit(fmt, _COLUMNS, [[*r[:5], " ".join(r[5]), " ".join(r[6]), " + ".join(r[7])]
                             for r in map(_row, items)])  # fmt: skip
        return
    columns = ["id", *(["status"] if with_status else []), *(["date"] if dated else []),
               "customer", "level", "channels", "invoices", "balance"]  # fmt: skip
    display = [
        [
            str(i.id),
            *([i.action.status.value] if with_status else []),
            *([date_text(i.action.proposed_on, language)] if dated else []),
            i.action.customer_ref,
            i.action.level_name,
            "+".join(_SHORT.get(c.value, c.value) for c in i.action.channels),
            _invoices_text(i.action.invoice_numbers),
            _balance(i, language),
        ]
        for i in items
    ]
    emit(Format.TABLE, columns, [], title=title, display=display, right=("id", "balance"))


def _invoices_text(numbers: Sequence[str]) -> str:
    # A customer with dozens of invoices keeps one readable line in the table.
    if len(numbers) <= 1:
        return " ".join(numbers)
    return f"{numbers[0]} +{len(numbers) - 1}"


def run(
    db: DbOption = None,
    on: DateOption = None,
    dry_run: Annotated[bool, typer.Option(help="Decide and show, change nothing.")] = False,
    hold_on_credit: Annotated[
        bool,
        typer.Option(
            "--hold-on-credit",
            help="Do not queue a step an unmatched bank credit could pay (default: queue it "
            "for approval, with a warning).",
        ),
    ] = False,
    replay: Annotated[
        bool,
        typer.Option(help="Show the decisions of a past day as its run made them; write nothing."),
    ] = False,
    fmt: FormatOption = Format.TABLE,
    as_json: JsonFlag = False,
    as_csv: CsvFlag = False,
) -> None:
    """Decide, as of a date, the next collection step of every customer and queue it.

    The run only moves forward: a date before the last run's is refused (exit 2) unless
    --replay. While another run is under way, it waits for it, up to RELANCE_RUN_WAIT
    seconds (30 by default; exit 5 past that)."""
    from relance.services import rates

    wait = os.environ.get("RELANCE_RUN_WAIT", "30")
    if not wait.isdigit():
        raise fail(f"RELANCE_RUN_WAIT={wait!r}: a number of seconds is expected", ExitCode.USAGE)
    from relance.services import daily_run

    store = open_store(db)
    day = parse_day(on, date.today())
    try:
        report = daily_run.run_dunning(
            store,
            day,
            dry_run=dry_run,
            replay=replay,
            wait_seconds=int(wait),
            hold_on_credit=hold_on_credit,
        )
    except daily_run.RunGoesBack as exc:
        raise fail(str(exc), ExitCode.USAGE) from exc
    except daily_run.RunUnderWay as exc:
        raise fail(str(exc), ExitCode.BLOCKED) from exc
    shown = chosen(fmt, as_json, as_csv)
    if shown is not Format.TABLE:
        print_actions(report.proposed, shown, "")
        return
    _print_run(report, reports.ledger_language(store, "en"))
    for rate_warning in rates.warnings_for(store, day):
        console.print(f"[yellow]warning:[/] {escape(rate_warning)}")
    from relance.interfaces.cli.risk import print_over_limit

    print_over_limit(store, day)


def _print_run(report: RunReport, language: str) -> None:
    """A run's report for people: the steps proposed, then what was cancelled, the notes,
    and the steps an unmatched credit could pay."""
    day, replay = report.as_of, report.replay
    what = "Replay" if replay else "Run"
    verb = "proposed" if replay else "would propose" if report.dry_run else "proposed"
    if report.proposed:
        title = f"{what} of {day.isoformat()}: {verb}"
        if replay:
            title += " (nothing written)"
        print_actions(report.proposed, Format.TABLE, title, language)
    else:
        console.print(f"{what} of {day.isoformat()}: nothing new to propose.")
    cancelled = "would cancel" if report.dry_run else "cancelled"
    for action_id, cancellation in report.cancelled:
        console.print(f"{cancelled} action {action_id}: {cancellation.detail}")
    for flag in report.flags:
        console.print(f"note: {flag.customer_ref}: {flag.message}")
    print_credit_warnings(report.proposed)
    for held in report.held:
        for warning in held.credits:
            console.print(f"held: {held.customer_ref} {held.level_name}: {escape(warning.text)}")


def queue(
    db: DbOption = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Every action, done and cancelled too.")
    ] = False,
    fmt: FormatOption = Format.TABLE,
    as_json: JsonFlag = False,
    as_csv: CsvFlag = False,
) -> None:
    """The actions waiting for approval or to be carried out."""
    store = open_store(db)
    items = dunning.queue(store, everything=everything)
    shown = chosen(fmt, as_json, as_csv)
    if shown is Format.TABLE and not items:
        console.print("The queue is empty.")
        return
    title = "Actions" if everything else "Queue"
    print_actions(items, shown, title, reports.ledger_language(store, "en"), dated=everything)
    if shown is Format.TABLE:
        print_credit_warnings(items)


def print_credit_warnings(items: Sequence[dunning.QueuedAction]) -> None:
    """Below the table: each step an unmatched bank credit could pay, and that credit."""
    for item in items:
        for credit in item.step.unmatched_credits:
            console.print(
                f"warning: action {item.id} ({item.action.customer_ref}): {escape(credit.text)}"
                f" — match it first: relance match {credit.transaction_key} INVOICE..."
            )


def approve(
    ids: Annotated[list[int] | None, typer.Argument(help="Action ids.")] = None,
    db: DbOption = None,
    every: Annotated[bool, typer.Option("--all", help="Every proposed action.")] = False,
) -> None:
    """Approve proposed actions, so they can be carried out."""
    if not ids and not every:
        raise fail("name action ids or use --all", ExitCode.USAGE)
    approved = dunning.approve(open_store(db), ids or [], every=every)
    console.print(f"approved {len(approved)} action(s): {' '.join(map(str, approved))}".rstrip())


def cancel(
    action_id: Annotated[int, typer.Argument(help="Action id.")],
    db: DbOption = None,
    reason: Annotated[str, typer.Option(help="Why, for the log.")] = "",
) -> None:
    """Cancel a pending action."""
    dunning.cancel(open_store(db), action_id, reason=reason)
    console.print(f"cancelled action {action_id}")


def done(
    action_id: Annotated[int, typer.Argument(help="Action id.")],
    db: DbOption = None,
    on: DateOption = None,
    outcome: Annotated[
        CallOutcome | None, typer.Option(help="What came of the call, if the action had one.")
    ] = None,
    note: Annotated[str, typer.Option(help="A note for the contact log.")] = "",
) -> None:
    """Mark an approved action as carried out by hand (a call made, a letter posted)."""
    store = open_store(db)
    item = dunning.mark_done(
        store, action_id, parse_day(on, date.today()), outcome=outcome, note=note
    )
    console.print(
        f"action {action_id} done: {item.action.level_name} for {item.action.customer_ref}"
    )


def history(
    customer: Annotated[str, typer.Argument(help="Customer reference.")],
    db: DbOption = None,
    fmt: FormatOption = Format.TABLE,
    as_json: JsonFlag = False,
) -> None:
    """A customer's timeline: every event on the day it happened (the --date it was given),
    with the moment it was typed beside it."""
    from relance.services import customer_history

    store = open_store(db)
    events = customer_history.history(store, customer)
    shown = chosen(fmt, as_json)
    columns = ["date", "typed", "actor", "event", "subject", "why"]
    rows = [[e.dated, instant_text(e.at), e.actor, e.kind, e.subject, e.reason] for e in events]
    if shown is Format.JSON:
        emit(shown, [*columns, "data"],
             [[*r, dict(e.data)] for r, e in zip(rows, events, strict=True)])  # fmt: skip
        return
    language = reports.ledger_language(store, "en")
    display = [
        [date_text(e.dated, language), instant_text(e.at), e.actor, e.kind, e.subject, e.reason]
        for e in events
    ]
    emit(shown, columns, rows, title=f"History of {customer}", display=display)


# -- policy -------------------------------------------------------------------------------


@policy_app.command("show")
def policy_show(
    name: Annotated[str | None, typer.Argument(help="A policy (default: all).")] = None,
    db: DbOption = None,
) -> None:
    """The levels of the policies in force."""
    from relance.services import policies

    found = [p for p in policies.policies(open_store(db)) if name is None or p.name == name]
    if not found:
        raise fail(f"no policy {name!r}", ExitCode.NOT_FOUND)
    for policy in found:
        rows = [
            [str(position), level.name, _trigger(level.after_due_days, level.after_previous_days),
             "+".join(_SHORT.get(c.value, c.value) for c in level.channels), level.tone.value,
             "+".join(level.charges)]
            for position, level in enumerate(policy.levels)
        ]  # fmt: skip
        title = f"Policy {policy.name}: at least {policy.min_gap_days} days between steps"
        emit(Format.TABLE, ["#", "level", "when", "channels", "tone", "charges"], [],
             title=title, display=rows)  # fmt: skip
    console.print("due+N: N days after the due date; step+N: N days after the previous step")
    console.print("with no reply from the customer.")


def _trigger(after_due: int | None, after_previous: int | None) -> str:
    parts = []
    if after_due is not None:
        parts.append(f"due+{after_due}d")
    if after_previous is not None:
        parts.append(f"step+{after_previous}d")
    return "; ".join(parts)


@policy_app.command("export")
def policy_export(
    name: Annotated[str, typer.Argument(help="The policy to export.")],
    db: DbOption = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="File to write.")] = None,
) -> None:
    """Write a policy as TOML (to stdout, or to --out)."""
    from relance.services import policies

    text = policies.export_policy(open_store(db), name)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(f"wrote {out}")


@policy_app.command("import")
def policy_import(
    path: Annotated[Path, typer.Argument(help="A policy TOML file.")],
    db: DbOption = None,
) -> None:
    """Store a policy from a TOML file, replacing the one of the same name."""
    from relance.services import policies

    policy = policies.import_policy(open_store(db), path)
    console.print(f"imported policy {policy.name} ({len(policy.levels)} levels)")


@policy_app.command("assign")
def policy_assign(
    customer: Annotated[str, typer.Argument(help="Customer reference.")],
    name: Annotated[str | None, typer.Argument(help="Policy name; omit to go by rule.")] = None,
    db: DbOption = None,
) -> None:
    """Give a customer a policy by name (or back to the assignment rules)."""
    from relance.services import policies

    policies.assign_policy(open_store(db), customer, name)
    console.print(f"{customer}: policy {name or '(by rule)'}")
