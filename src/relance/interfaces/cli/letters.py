"""`relance send`, `preview`, `template check`, `registered`: what leaves for the debtor
(`relance outbox` and `relance print` are in `relance.interfaces.cli.outbox`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import Progress

from relance.adapters.render.templates import TemplateStore
from relance.bootstrap import open_store
from relance.interfaces.cli import outbox
from relance.interfaces.cli.commands import add_commands
from relance.interfaces.cli.output import DbOption, ExitCode, console, fail, parse_day
from relance.services import letters, rates, sending

template_app = typer.Typer(help="Letter and e-mail templates.")

DateOption = Annotated[
    str | None, typer.Option("--date", help="The letters' date (default: today).")
]
TemplatesOption = Annotated[
    Path | None,
    typer.Option("--templates", help="Your templates folder (<lang>/<kind>/<key>.txt)."),
]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    add_commands(app, send, preview, registered)
    template_app.command("check")(template_check)
    app.add_typer(template_app, name="template")
    outbox.register(app)


def send(
    db: DbOption = None,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the print batches (and .eml files).")
    ] = Path("letters"),
    day: DateOption = None,
    smtp_config: Annotated[
        Path | None, typer.Option("--smtp-config", help="TOML file with an [smtp] table.")
    ] = None,
    to_files: Annotated[
        bool,
        typer.Option(
            "--to-files",
            help="Write e-mails as .eml files in OUT/emails for your mail client, instead of "
            "sending them; they count as delivered and never wait in the outbox.",
        ),
    ] = False,
    templates: TemplatesOption = None,
) -> None:
    """Deliver every approved action, checked again against the ledger of the day: e-mails
    sent (or written with --to-files, or left waiting in the outbox without SMTP), letters
    to a new numbered print batch."""
    as_of = parse_day(day, date.today())
    mailer, sender = (None, "") if to_files else letters.smtp_mailer(config=smtp_config)
    store = open_store(db)
    with Progress(console=console.rich(), transient=True) as bar:
        task = bar.add_task("letters", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = sending.send_approved(
            store,
            as_of,
            out,
            mailer,
            to_files=to_files,
            sender=sender,
            templates=TemplateStore(templates) if templates else None,
            progress=progress,
        )
    print_report(report)
    # The warnings say what the letters and e-mails just written leave out: a send that
    # wrote none has nothing to warn of (the day's run says it already).
    if report.letters or report.emails or report.waiting:
        for warning in rates.warnings_for(store, as_of):
            console.print(f"[yellow]warning:[/] {escape(warning)}")
    if report.blocked:
        raise typer.Exit(int(ExitCode.BLOCKED))


def _email_line(report: sending.SendReport) -> str:
    count = len(report.emails)
    if report.mode is sending.EmailMode.SMTP:
        return f"{count} e-mails sent through SMTP."
    if report.mode is sending.EmailMode.FILES:
        return (
            f"{count} e-mails written as .eml files in {report.out_dir / 'emails'} for your "
            "mail client (relance sent nothing; they count as delivered)."
        )
    return (
        f"No SMTP server configured: nothing was sent; {len(report.waiting)} e-mails wait in "
        "the outbox (`relance outbox` lists them; `relance send` with SMTP sends them after "
        "checking them again against the ledger, `--to-files` writes them for your mail "
        "client)."
    )


def print_report(report: sending.SendReport) -> None:
    """The summary of a send run, with no timestamp so that a run can be compared."""
    console.print(escape(_email_line(report)))
    if report.batch is not None:
        console.print(escape(f"Letters: {report.batch.describe()}."))
    else:
        console.print("Letters: none to print.")
    for cancelled in report.cancelled:
        console.print(
            escape(
                f"Cancelled, not sent: action {cancelled.action_id} "
                f"({cancelled.customer_ref}): {cancelled.reason}."
            )
        )
    if report.left_to_others:
        ids = ", ".join(str(i) for i in report.left_to_others)
        console.print(
            escape(
                f"{len(report.left_to_others)} action(s) left to another `relance send` "
                f"delivering them at the same time ({ids})."
            )
        )
    for note in report.notes:
        console.print(escape(note))
    if report.calls_to_make:
        ids = ", ".join(str(i) for i in report.calls_to_make)
        console.print(
            f"Calls to make, then `relance done ID`: {len(report.calls_to_make)} "
            f"action(s) ({escape(ids)})."
        )
    for item in report.blocked:
        console.print(
            f"[bold red]Blocked[/] action {item.action_id} ({escape(item.customer_ref)}): "
            + escape("; ".join(item.problems))
        )


def preview(
    action: Annotated[int, typer.Argument(help="The action's id in the queue.")],
    db: DbOption = None,
    out: Annotated[Path, typer.Option("--out", help="Folder to write to.")] = Path("preview"),
    day: DateOption = None,
    templates: TemplatesOption = None,
) -> None:
    """Render one action to files (PDF, e-mail text and HTML) without sending anything."""
    store, as_of = open_store(db), parse_day(day, date.today())
    result = letters.preview(
        store,
        action,
        out,
        as_of,
        templates=TemplateStore(templates) if templates else None,
    )
    for warning in rates.warnings_for(store, as_of):
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    for path in result.files:
        console.print(escape(str(path)))
    if result.problems:
        for problem in result.problems:
            console.print(f"[bold red]Would be blocked:[/] {escape(problem)}")
        raise typer.Exit(int(ExitCode.BLOCKED))


def template_check(
    key: Annotated[
        str | None, typer.Argument(help="A template key, e.g. business/letter1 (default: all).")
    ] = None,
    templates: TemplatesOption = None,
    language: Annotated[
        str | None, typer.Option("--language", help="fr or en (default: both).")
    ] = None,
) -> None:
    """Render templates for a specimen letter and run the compliance check on them."""
    results = letters.template_check(
        [key] if key else [],
        folder=templates,
        languages=[language] if language else ("fr", "en"),
    )
    failed = 0
    for name, lang, problems in results:
        if problems:
            failed += 1
            console.print(f"[bold red]✗[/] {lang}/{escape(name)}: " + escape("; ".join(problems)))
        else:
            console.print(f"✓ {lang}/{escape(name)}")
    console.print(f"{len(results) - failed} of {len(results)} templates pass.")
    if failed:
        raise typer.Exit(int(ExitCode.BLOCKED))


def registered(
    action: Annotated[int, typer.Argument(help="The action whose registered letter it is.")],
    db: DbOption = None,
    tracking: Annotated[
        str | None, typer.Option("--tracking", help="The registered letter's number.")
    ] = None,
    posted: Annotated[str | None, typer.Option("--posted", help="Day it was posted.")] = None,
    received: Annotated[
        str | None, typer.Option("--received", help="Day on the acknowledgement of receipt.")
    ] = None,
) -> None:
    """Record a registered letter's posting (--tracking, --posted) or receipt (--received)."""
    if tracking is None and posted is None and received is None:
        raise fail("give --tracking and --posted, or --received", ExitCode.USAGE)
    record = letters.registered(
        open_store(db),
        action,
        tracking=tracking,
        posted=parse_day(posted, date.today()) if posted else None,
        received=parse_day(received, date.today()) if received else None,
    )
    console.print(
        escape(
            f"Action {action}: {record.state}"
            + (f", tracking {record.tracking_number}" if record.tracking_number else "")
            + (f", posted {record.posted_on.isoformat()}" if record.posted_on else "")
            + (f", received {record.received_on.isoformat()}" if record.received_on else "")
            + f"; letter SHA-256 {record.pdf_sha256}"
        )
    )
