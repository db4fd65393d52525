"""`relance send`, `preview`, `template check`, `registered`: what leaves for the debtor."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import Progress

from relance.adapters.render.templates import TemplateStore
from relance.bootstrap import open_store
from relance.interfaces.cli.output import DbOption, ExitCode, console, fail, parse_day
from relance.services import letters

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
    app.command("send")(send)
    app.command("preview")(preview)
    app.command("registered")(registered)
    template_app.command("check")(template_check)
    app.add_typer(template_app, name="template")


def send(
    db: DbOption = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for letters and .eml files.")] = Path(
        "letters"
    ),
    day: DateOption = None,
    smtp_config: Annotated[
        Path | None, typer.Option("--smtp-config", help="TOML file with an \\[smtp] table.")
    ] = None,
    templates: TemplatesOption = None,
) -> None:
    """Render and deliver every approved action: e-mails sent, letters to the print batch."""
    as_of = parse_day(day, date.today())
    mailer, sender = letters.smtp_mailer(config=smtp_config)
    store = open_store(db)
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("letters", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = letters.send_approved(
            store,
            as_of,
            out,
            mailer,
            sender=sender,
            templates=TemplateStore(templates) if templates else None,
            progress=progress,
        )
    print_report(report)
    if report.blocked:
        raise typer.Exit(int(ExitCode.BLOCKED))


def print_report(report: letters.SendReport) -> None:
    """The summary of a send run, with no timestamp so that a run can be compared."""
    fresh = [e for e in report.emails if not e.already_sent]
    again = len(report.emails) - len(fresh)
    if report.smtp:
        line = f"{len(fresh)} e-mails sent through SMTP"
    else:
        line = (
            f"{len(fresh)} e-mails written as .eml files in {report.out_dir / 'emails'} "
            "(no SMTP server configured: nothing was sent)"
        )
    console.print(escape(line + (f"; {again} already sent before" if again else "") + "."))
    if report.batch is not None:
        console.print(escape(f"Letters: {report.batch.describe()}."))
    else:
        console.print("Letters: none to print.")
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
    result = letters.preview(
        open_store(db),
        action,
        out,
        parse_day(day, date.today()),
        templates=TemplateStore(templates) if templates else None,
    )
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
