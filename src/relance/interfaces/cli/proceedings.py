"""`relance proceedings`: customers in legal action or insolvency proceedings, the
declaration of their claim; `relance import bodacc`: the court notices that open them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from relance.bootstrap import open_store
from relance.core.insolvency import InsolvencyCase, Procedure
from relance.core.proceedings import ProceedingKind
from relance.interfaces.cli import output as ui
from relance.interfaces.cli.ledger import imports
from relance.services import insolvency
from relance.services import proceedings as service

app = typer.Typer(
    help="Customers in legal action or insolvency proceedings: the daily run leaves them out."
)

DateOption = Annotated[str | None, typer.Option("--date", help="The day (default: today).")]
CustomerArgument = Annotated[str, typer.Argument(help="Customer reference.")]
KIND_HELP = (
    "legal_action, insolvency or over_indebtedness; or the procedure itself: sauvegarde, "
    "redressement, liquidation (insolvency), surendettement (over_indebtedness)."
)


def register(root: typer.Typer) -> None:
    """Add `relance proceedings` to the app, and `bodacc` to `relance import`."""
    root.add_typer(app, name="proceedings")
    imports.command("bodacc")(import_bodacc)


def _kind(text: str) -> tuple[ProceedingKind, Procedure | None]:
    """The proceeding's kind and, for an insolvency named by its procedure, the procedure."""
    word = text.strip().lower()
    if word == Procedure.SURENDETTEMENT.value:
        return ProceedingKind.OVER_INDEBTEDNESS, None
    if word in (p.value for p in Procedure):
        return ProceedingKind.INSOLVENCY, Procedure(word)
    try:
        return ProceedingKind(word), None
    except ValueError:
        raise typer.BadParameter(f"{text!r}: {KIND_HELP}", param_hint="--kind") from None


@app.command("add")
def add(
    customer: CustomerArgument,
    kind: Annotated[str, typer.Option(help=KIND_HELP)],
    db: ui.DbOption = None,
    on: DateOption = None,
    note: Annotated[str, typer.Option(help="The court, the judgment, the file number…")] = "",
    published: Annotated[
        str | None,
        typer.Option(
            help="Day the opening judgment was published in the BODACC: the "
            "declaration's deadline runs from it."
        ),
    ] = None,
    court: Annotated[str, typer.Option(help="The court that opened the proceedings.")] = "",
    representative: Annotated[
        str, typer.Option(help="The mandataire judiciaire or liquidateur, with its address.")
    ] = "",
) -> None:
    """Record that a customer is sued or in proceedings from a date (the judgment's): the
    daily run proposes nothing more to it, and its pending actions are cancelled. With a
    procedure (sauvegarde, redressement, liquidation) its case is recorded too, and the
    declaration of the claim becomes a task."""
    proceeding_kind, procedure = _kind(kind)
    day = ui.parse_day(on, date.today())
    store = open_store(db)
    try:
        if procedure is None:
            recorded = service.open_proceeding(store, customer, proceeding_kind, day, note=note)
            described = recorded.describe()
        else:
            case = InsolvencyCase(
                customer, procedure, day, ui.parse_day(published, day) if published else None,
                court, representative,
            )  # fmt: skip
            insolvency.open_case_by_hand(store, case, note=note or procedure.value)
            described = f"in {procedure.value} since {day.isoformat()}"
    except LookupError as exc:
        raise ui.fail(str(exc), ui.ExitCode.NOT_FOUND) from exc
    ui.console.print(f"{customer} is {described}: the daily run leaves it out.", markup=False)


@app.command("end")
def end(
    customer: CustomerArgument,
    db: ui.DbOption = None,
    on: DateOption = None,
    note: Annotated[str, typer.Option(help="Why, for the log.")] = "",
) -> None:
    """End a customer's proceedings: the daily run takes it up again."""
    try:
        service.end_proceeding(open_store(db), customer, ui.parse_day(on, date.today()), note=note)
    except LookupError as exc:
        raise ui.fail(str(exc), ui.ExitCode.NOT_FOUND) from exc
    ui.console.print(f"{customer}: proceedings ended.", markup=False)


COLUMNS = ["customer", "kind", "since", "until", "note", "procedure", "published", "state",
           "deadline", "days_left", "relief_until", "task"]  # fmt: skip


@app.command("list")
@ui.listing
def listing(
    db: ui.DbOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="The day (default: today).")] = None,
    *,
    shown: ui.Format,
) -> None:
    """Every recorded proceeding; for an insolvency case, its state and the declaration of
    the claim: the deadline and the days left, or, once it has passed, the six months to
    ask relief from foreclosure; a closing for lack of assets proposes the write-off."""
    day = ui.parse_day(as_of, date.today())
    store = open_store(db)
    lines = {line.customer_ref: line for line in insolvency.cases(store, day)}
    writeoffs: dict[str, list[str]] = {}
    for decision in insolvency.write_off_proposals(store, day):
        writeoffs.setdefault(decision.customer_ref, []).append(
            f"write off {decision.invoice_number}: {ui.money_text(decision.amount)} "
            f"(VAT recovered {ui.money_text(decision.vat)})"
        )
    rows = []
    for p in service.proceedings(store):
        line = lines.get(p.customer_ref)
        case, task = (line.case, line.task) if line is not None else (None, None)
        todo = "; ".join(writeoffs.get(p.customer_ref, [])) or (task.describe() if task else "")
        rows.append([
            p.customer_ref, p.kind.value, p.since.isoformat(),
            p.until.isoformat() if p.until else "", p.note,
            case.procedure.value if case else "", _day(case.published if case else None),
            case.state.value if case else "", _day(task.deadline if task else None),
            task.days_left if task and task.deadline else None,
            _day(task.relief_until if task else None), todo,
        ])  # fmt: skip
    ui.emit(shown, COLUMNS, rows, title="Proceedings")


def _day(day: date | None) -> str:
    return day.isoformat() if day else ""


@app.command("declare")
def declare(
    customer: CustomerArgument,
    out: Annotated[Path, typer.Option("--out", help="The PDF to write.")],
    db: ui.DbOption = None,
    on: DateOption = None,
    document: Annotated[
        list[str] | None,
        typer.Option("--document", help="Another supporting document to list (repeatable)."),
    ] = None,
) -> None:
    """Render the declaration of the customer's claim to the mandataire judiciaire (PDF),
    to send by registered mail; then record its posting with `relance proceedings
    registered`."""
    from relance.services.claim_declarations import declare as render

    made = render(
        open_store(db), customer, ui.parse_day(on, date.today()), out,
        extra_documents=tuple(document or ()),
    )  # fmt: skip
    d = made.declaration
    ui.console.print(
        f"{out}: declaration of {ui.money_text(d.total)} ("
        f"due {ui.money_text(d.due_principal)}, "
        f"to fall due {ui.money_text(d.to_fall_due_principal)}"
        f", interest {ui.money_text(d.interest)}, indemnities {ui.money_text(d.indemnities)})"
        + (f"; to post by {d.deadline.isoformat()}" if d.deadline else ""),
        markup=False,
    )
    for note in d.notes:
        ui.console.print(f"  note: {note}", markup=False)


@app.command("registered")
def registered(
    customer: CustomerArgument,
    db: ui.DbOption = None,
    tracking: Annotated[
        str | None, typer.Option("--tracking", help="The registered letter's number.")
    ] = None,
    posted: Annotated[str | None, typer.Option("--posted", help="Day it was posted.")] = None,
    received: Annotated[
        str | None, typer.Option("--received", help="Day on the acknowledgement of receipt.")
    ] = None,
) -> None:
    """Record the posting (--tracking, --posted) or receipt (--received) of the customer's
    declaration of claim. Keep the posting slip: its date proves the declaration in time."""
    from relance.services.claim_declarations import record_declaration_mail

    if (tracking is None or posted is None) and received is None:
        raise ui.fail("give --tracking and --posted, or --received", ui.ExitCode.USAGE)
    record = record_declaration_mail(
        open_store(db), customer, tracking=tracking,
        posted=ui.parse_day(posted, date.today()) if posted else None,
        received=ui.parse_day(received, date.today()) if received else None,
    )  # fmt: skip
    ui.console.print(
        f"{customer}: declaration posted {_day(record.posted_on)}, tracking "
        f"{record.tracking_number}" + (f", received {_day(record.received_on)}" if
                                        record.received_on else ""),
        markup=False,
    )  # fmt: skip


def import_bodacc(
    file: Annotated[Path, typer.Argument(help="A BODACC export (CSV with ';', or JSON).")],
    db: ui.DbOption = None,
    as_json: ui.JsonFlag = False,
) -> None:
    """Read the BODACC's commercial notices (open-data export) and apply those naming a
    customer's SIREN: an opening judgment puts it in proceedings from the judgment's day
    and the declaration of the claim becomes a task; a plan or a closing updates it."""
    report = insolvency.import_bodacc(open_store(db), file)
    if as_json:
        ui.print_json({
            "file": str(report.path), "notices": report.notices,
            "matched": [
                {"notice": m.notice_id, "customer": m.customer_ref,
                 "published": m.published.isoformat(), "nature": m.nature, "outcome": m.outcome}
                for m in report.matched
            ],
        })  # fmt: skip
        return
    ui.console.print(
        f"{file}: {report.notices} judgment notices, {len(report.matched)} about your customers.",
        markup=False,
    )
    for m in report.matched:
        ui.console.print(f"  {m.customer_ref}: {m.nature} ({m.outcome})", markup=False)
