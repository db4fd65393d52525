"""`relance agency` (add, list, show, claim) and `relance handoff`: the collection
agencies the creditor works with, and the user's decision after the formal notice for a
customer's whole claim (docs/after-notice.md)."""

from __future__ import annotations

import functools
import getpass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from relance.bootstrap import open_store
from relance.core.agencies import (
    Agency,
    AgencyProblem,
    FeeSchedule,
    Insurance,
    band_text,
    parse_fee_band,
)
from relance.core.handoff import Route
from relance.core.model import Address
from relance.core.writeoff import HandoffStatus, WriteOffReason
from relance.interfaces.cli import output as ui
from relance.interfaces.cli.commands import add_commands
from relance.interfaces.cli.ledger import imports
from relance.services import agencies as service
from relance.services import handoffs, law
from relance.services.agencies import AgencyRefused
from relance.services.handoffs import NothingToHandOver, RouteClosed

app = typer.Typer(help="The collection agencies: add, list, show; a claim's state at one.")
DateOption = Annotated[str | None, typer.Option("--date", help="The day (default: today).")]
Text = Annotated[str, typer.Option()]


def register(root: typer.Typer) -> None:
    """Add `relance agency` and `relance handoff` to the app."""
    root.add_typer(app, name="agency")
    app.command("add", short_help="Record an agency, or those of a TOML file.")(add)
    app.command("list", short_help="The agencies, and whether each can take a claim.")(list_)
    app.command("show", short_help="One agency, and why it cannot take a claim.")(show)
    app.command("claim", short_help="Record an invoice's state at an agency.")(claim)
    app.command("report", short_help="Per agency: recovery rate, days, gross, fees, net.")(report)
    app.command("mandate", short_help="The mandate to sign (CPCE R124-3), as PDF.")(mandate)
    imports.command("agency-recoveries")(import_recoveries)
    add_commands(root, handoff, routes)


def _fail(message: str, code: ui.ExitCode) -> typer.Exit:
    """Say why on stderr in one line (a path or a reason is never folded), the exit."""
    ui.errors.print(f"error: {message}", soft_wrap=True, markup=False, highlight=False)
    return typer.Exit(int(code))


def _refused(exc: Exception) -> typer.Exit:
    return _fail(str(exc), ui.ExitCode.ERROR)


def add(
    name: Annotated[str | None, typer.Argument(help="The agency's name.")] = None,
    db: ui.DbOption = None,
    from_file: Annotated[
        Path | None, typer.Option("--from", help="A TOML file of agencies (docs/after-notice.md).")
    ] = None,
    siren: Text = "",
    address: Annotated[list[str] | None, typer.Option(help="A street line (repeat).")] = None,
    postal_code: Text = "",
    city: Text = "",
    country: Text = "FR",
    contact: Annotated[str, typer.Option(help="The person to deal with.")] = "",
    email: Text = "",
    phone: Text = "",
    insurer: Annotated[str | None, typer.Option(help="Its liability insurer.")] = None,
    policy: Annotated[str | None, typer.Option(help="The insurance policy number.")] = None,
    insured_until: Annotated[
        str | None, typer.Option(help="The last day the insurance runs.")
    ] = None,
    iban: Annotated[str, typer.Option(help="Its account for collected funds.")] = "",
    fee: Annotated[
        list[str] | None,
        typer.Option(help="A success fee band RATE[:MAX_DAYS[:MAX_AMOUNT]] (repeat; first fits)."),
    ] = None,
    fixed_fee: Annotated[str, typer.Option(help="Fixed fee per file.")] = "0",
    minimum_fee: Annotated[str, typer.Option(help="Minimum success fee per file.")] = "0",
    currency: Text = "EUR",
) -> None:
    """Record a collection agency (or update the one with its name), or every agency of a
    TOML file with --from. A wrong SIREN or IBAN is refused; an agency without its
    insurance or funds account is recorded, but no claim can go to it until they are."""
    store = open_store(db)
    if from_file is not None:
        for agency, new in service.import_agencies(store, from_file, getpass.getuser()):
            ui.console.print(f"{'Added' if new else 'Updated'} agency {agency.name}.", markup=False)
        return
    if name is None:
        raise typer.BadParameter("give the agency's name, or --from FILE")
    try:
        insurance = None
        if policy is not None or insurer is not None or insured_until is not None:
            if not (policy and insurer and insured_until):
                raise typer.BadParameter("give --insurer, --policy and --insured-until together")
            insurance = Insurance(insurer, policy, ui.parse_day(insured_until, date.today()))
        schedule = FeeSchedule(
            currency, tuple(parse_fee_band(band) for band in fee or ()),
            _fee(fixed_fee, currency, "--fixed-fee"), _fee(minimum_fee, currency, "--minimum-fee"),
        )  # fmt: skip
        record = Agency(
            name, siren, Address(tuple(address or ()), postal_code, city, country), contact,
            schedule, insurance, iban, email, phone,
        )  # fmt: skip
        agency, new = service.save_agency(store, record, getpass.getuser())
    except AgencyProblem as exc:
        raise _fail(str(exc), ui.ExitCode.USAGE) from exc
    ui.console.print(f"{'Added' if new else 'Updated'} agency {agency.name}.", markup=False)
    _say_refusal(store, agency.name)


def _fee(text: str, currency: str, option: str) -> Decimal:
    """A fee from the command line; "0" is no fee."""
    return (
        Decimal(0) if text.strip() in ("0", "") else ui.parse_amount(text, currency, option).amount
    )


def _say_refusal(store: Any, name: str) -> None:
    _, refusal = service.show_agency(store, name, date.today())
    if refusal is not None:
        ui.console.print(f"note: {refusal}", markup=False)


COLUMNS = [
    "name", "siren", "city", "contact", "insurer", "policy", "insured_until", "funds_iban",
    "fees", "fixed_fee", "minimum_fee", "currency", "can_take_claims",
]  # fmt: skip


def _row(agency: Agency, on: date) -> list[Any]:
    from relance.core.agencies import guarantee_refusal

    insurance = agency.insurance
    return [
        agency.name, agency.siren, agency.address.city, agency.contact,
        insurance.insurer if insurance else "", insurance.policy_number if insurance else "",
        insurance.valid_until if insurance else None, agency.funds_iban,
        "; ".join(band_text(b) for b in agency.fees.bands), agency.fees.fixed_fee,
        agency.fees.minimum_fee, agency.fees.currency, guarantee_refusal(agency, on) is None,
    ]  # fmt: skip


@ui.listing
def list_(
    db: ui.DbOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="The day (default: today).")] = None,
    *,
    shown: ui.Format,
) -> None:
    """The agencies on record: identity, guarantees, fees, and whether each can take a
    claim on the day (insurance running, funds account known)."""
    day = ui.parse_day(as_of, date.today())
    rows = [_row(agency, day) for agency in service.list_agencies(open_store(db))]
    if shown is ui.Format.TABLE and not rows:
        ui.console.print("No agency yet: add one with relance agency add.")
        return
    display = [["" if value is None else str(value) for value in row] for row in rows]
    ui.emit(shown, COLUMNS, rows, title="Collection agencies", display=display)


def show(
    name: Annotated[str, typer.Argument(help="The agency's name.")],
    db: ui.DbOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="The day (default: today).")] = None,
    as_json: ui.JsonFlag = False,
) -> None:
    """One agency's record, and whether it can take a claim on the day (and if not, why)."""
    day = ui.parse_day(as_of, date.today())
    agency, refusal = service.show_agency(open_store(db), name, day)
    values = dict(zip(COLUMNS, _row(agency, day), strict=True))
    values["address"] = ", ".join(
        [*agency.address.lines, f"{agency.address.postal_code} {agency.address.city}".strip()]
    )
    values["email"], values["phone"] = agency.email, agency.phone
    values["refusal"] = refusal
    if as_json:
        ui.print_json({k: str(v) if v is not None and not isinstance(v, bool) else v
                       for k, v in values.items()})  # fmt: skip
        return
    for key, value in values.items():
        ui.console.print(f"{key}: {'—' if value in (None, '') else value}", markup=False)


def claim(
    invoice: Annotated[str, typer.Argument(help="The invoice number.")],
    name: Annotated[str, typer.Option("--agency", help="The agency holding the claim.")],
    db: ui.DbOption = None,
    state: Annotated[HandoffStatus, typer.Option(help="The claim's state at the agency.")] = (
        HandoffStatus.WITH_AGENCY
    ),
    on: DateOption = None,
    note: Annotated[str, typer.Option(help="Details for the log.")] = "",
) -> None:
    """Record one invoice's state at an agency: with_agency (sent), in_progress,
    partly_recovered, recovered_by_agency, returned_by_agency (chased in house again).
    Sending it checks the agency's guarantees; a whole customer goes with relance handoff."""
    day = ui.parse_day(on, date.today())
    try:
        done = law.record_handoff(
            open_store(db), invoice, name, state, day, note, getpass.getuser(), checked=True
        )
    except AgencyRefused as exc:
        raise _refused(exc) from exc
    ui.console.print(f"Invoice {done.invoice_number}: {done.status.value} ({done.agency}).")


def handoff(
    customer: Annotated[str, typer.Argument(help="The customer reference.")],
    to: Annotated[
        str, typer.Option("--to", help="agency NAME, payment-order, small-claims or write-off.")
    ],
    agency_name: Annotated[
        str | None, typer.Argument(help="With --to agency: the agency's name.", show_default=False)
    ] = None,
    db: ui.DbOption = None,
    agency_option: Annotated[
        str | None, typer.Option("--agency", help="The agency's name (as after --to agency).")
    ] = None,
    on: DateOption = None,
    note: Annotated[str, typer.Option(help="Details for the log.")] = "",
    reason: Annotated[WriteOffReason, typer.Option(help="With write-off: why.")] = (
        WriteOffReason.UNECONOMIC
    ),
    vat: Annotated[
        bool, typer.Option("--vat/--no-vat", help="With write-off: recover the VAT.")
    ] = True,
    mandate_pdf: Annotated[
        Path | None, typer.Option("--mandate", help="With an agency: write its mandate (PDF).")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="The mandate's language: fr or en.")] = "fr",
) -> None:
    """Decide the route of a customer's claim after the formal notice (compare them first
    with relance routes): every open invoice past due that went through the formal notice
    goes to the agency, the payment order, the small-claims procedure, or is written off.
    The daily run's steps for them end; the decision is in the customer's history."""
    route = _route(to)
    agency_name = agency_name or agency_option
    day = ui.parse_day(on, date.today())
    if mandate_pdf is not None and route is not Route.AGENCY:
        raise typer.BadParameter("a mandate is for an agency", param_hint="--mandate")
    _language(lang)
    try:
        done = handoffs.hand_off(
            open_store(db), customer, route, day, agency_name=agency_name, note=note,
            write_off_reason=reason, vat_recoverable=vat, actor=getpass.getuser(),
        )  # fmt: skip
    except (AgencyRefused, NothingToHandOver, RouteClosed) as exc:
        raise _refused(exc) from exc
    where = f"agency {done.agency.name}" if done.agency else route.value.replace("_", " ")
    amounts = ", ".join(str(m) for m in done.totals.values())
    ui.console.print(
        f"{customer}: {len(done.items)} invoices ({amounts}) handed to {where} on "
        f"{day.isoformat()}: " + ", ".join(i.invoice.number for i in done.items) + ".",
        markup=False,
    )
    if mandate_pdf is not None and done.agency is not None:
        _write_mandate(db, customer, done.agency.name, day, mandate_pdf, lang)


def _language(lang: str) -> str:
    if lang not in ("fr", "en"):
        raise typer.BadParameter(f"{lang!r}: give fr or en", param_hint="--lang")
    return lang


def _write_mandate(db: str | None, customer: str, agency: str, day: date, out: Path,
                   lang: str) -> None:  # fmt: skip
    from relance.services import agency_mandate

    written = agency_mandate.write_mandate(
        open_store(db), customer, agency, day, out, language=lang, actor=getpass.getuser()
    )
    m = written.mandate
    ui.console.print(
        f"Mandate of {m.total} ({len(m.lines)} invoices) to {agency} written to {out} "
        f"(SHA-256 {written.sha256[:16]}…): print it for both parties to sign.",
        markup=False,
    )


def mandate(
    customer: Annotated[str, typer.Argument(help="The customer reference.")],
    name: Annotated[str, typer.Option("--agency", help="The agency.")],
    out: Annotated[Path, typer.Option("--out", help="The PDF to write.")],
    db: ui.DbOption = None,
    on: DateOption = None,
    lang: Annotated[str, typer.Option("--lang", help="fr or en.")] = "fr",
) -> None:
    """Write the mandate the agency needs to collect the customer's claim (CPCE R124-3):
    the parties, the claim's basis and amount with its parts, the agency's guarantee, its
    fees, how collected funds are paid over, and signature blocks."""
    day = ui.parse_day(on, date.today())
    try:
        _write_mandate(db, customer, name, day, out, _language(lang))
    except NothingToHandOver as exc:
        raise _refused(exc) from exc


def _route(text: str) -> Route:
    try:
        return Route(text.replace("-", "_"))
    except ValueError as exc:
        raise typer.BadParameter(
            f"{text!r}: give agency NAME, payment-order, small-claims or write-off",
            param_hint="--to",
        ) from exc


@ui.listing
def routes(
    customer: Annotated[str, typer.Argument(help="The customer reference.")],
    db: ui.DbOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="The day (default: today).")] = None,
    *,
    shown: ui.Format,
) -> None:
    """Compare the routes of the customer's claim after the formal notice: each agency
    able to take it, the small-claims procedure, a payment order, a write-off; for each the
    expected recovery, its cost, the net, and the basis of every figure. Nothing is
    changed: decide with relance handoff."""
    from relance.services import routes as route_service

    day = ui.parse_day(as_of, date.today())
    try:
        comparisons = route_service.compare(open_store(db), customer, day)
    except NothingToHandOver as exc:
        raise _refused(exc) from exc
    columns = ["currency", "route", "name", "recovery", "cost", "net", "open", "share",
               "share_basis", "basis"]  # fmt: skip
    rows = [
        [c.claim.currency, f.route.value, f.name, f.recovery.amount, f.cost.amount,
         f.net.amount, f.unavailable or "yes", c.share, c.share_basis, " | ".join(f.basis)]
        for c in (found.comparison for found in comparisons) for f in c.figures
    ]  # fmt: skip
    if shown is not ui.Format.TABLE:
        ui.emit(shown, columns, rows)
        return
    for found in comparisons:
        _show_routes(customer, day, found)
    ui.console.print("relance hands nothing over by itself: decide with relance handoff.")


def _show_routes(customer: str, day: date, found: Any) -> None:
    c = found.comparison
    claim = c.claim
    say = functools.partial(ui.console.print, markup=False)
    say(f"{customer} on {day.isoformat()}: invoices {', '.join(found.invoices)}")
    say(f"  A = {claim.total}: principal {claim.principal} + interest {claim.interest} + "
        f"indemnities {claim.indemnity}; {claim.age_days} days past due")  # fmt: skip
    say(f"  p = {c.share} %: {c.share_basis}")
    display = [
        [f.name, "—", "—", "—", f"no: {f.unavailable}"] if f.unavailable
        else [f.name, str(f.recovery), str(f.cost), str(f.net), "yes"]
        for f in c.figures
    ]  # fmt: skip
    ui.emit(ui.Format.TABLE, ["route", "recovery", "cost", "net", "open"], display,
            title="Routes compared", right=["recovery", "cost", "net"])  # fmt: skip
    for f in c.figures:
        if not f.unavailable:
            say(f"  {f.name}: " + "; ".join(f.basis))
    for note in found.notes:
        say(f"note: {note}")


def import_recoveries(
    file: Annotated[Path, typer.Argument(help="The agency's CSV of recoveries (docs/csv.md).")],
    name: Annotated[str, typer.Option("--agency", help="The agency that sent it.")],
    db: ui.DbOption = None,
    as_json: ui.JsonFlag = False,
) -> None:
    """Apply what an agency recovered: each line a payment to its invoice, the agency's
    fee computed from its schedule and kept apart (the creditor's cost, never added to the
    debt), the claim's state moved on. A bad line is named with its line and field (exit
    3, as every import's bad file) and nothing is written; references already imported are
    skipped; `relance imports undo` takes the file back out."""
    from relance.services import agency_recoveries

    # a bad file is a FormatError: the CLI says it and exits 3 like every other import
    done = agency_recoveries.import_recoveries(open_store(db), file, name, getpass.getuser())
    if as_json:
        ui.print_json({
            "file": str(file), "skipped": list(done.skipped),
            "applied": [
                {"line": a.line, "invoice": a.invoice_number, "amount": str(a.amount.amount),
                 "fee": str(a.fee.amount), "currency": a.amount.currency, "state": a.state.value}
                for a in done.applied
            ],
        })  # fmt: skip
        return
    say = functools.partial(ui.console.print, markup=False)
    say(f"{file}: {len(done.applied)} recoveries applied, {len(done.skipped)} already imported.")
    for a in done.applied:
        say(f"  line {a.line}: {a.invoice_number} {a.amount} recovered, fee {a.fee} "
            f"(kept apart), now {a.state.value}")  # fmt: skip


@ui.listing
def report(
    db: ui.DbOption = None,
    start: Annotated[str | None, typer.Option("--from", help="First handoff day.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day (default: today).")] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="One agency.")] = None,
    *,
    shown: ui.Format,
) -> None:
    """Per agency, the claims handed over from --from to --to and what came of them by
    --to: recovery rate, mean days to recover a claim in full, gross recovered, fees
    (fixed and success), net."""
    from relance.services import agency_recoveries

    last = ui.parse_day(end, date.today())
    first = ui.parse_day(start, date(1900, 1, 1))
    lines = agency_recoveries.report(open_store(db), first, last, agency)
    columns = ["agency", "currency", "claims", "claimed", "cleared", "recovery_rate",
               "mean_days_to_recover", "recovered", "fees", "net"]  # fmt: skip
    rows = [
        [x.agency, x.currency, x.claims, x.claimed.amount, x.cleared, x.rate, x.mean_days,
         x.recovered.amount, x.fees.amount, x.net.amount]
        for x in lines
    ]  # fmt: skip
    if shown is ui.Format.TABLE and not rows:
        ui.console.print("No claim was handed to an agency in that period.")
        return
    display = [["" if v is None else str(v) for v in row] for row in rows]
    ui.emit(shown, columns, rows, display=display, title="Agencies",
            right=columns[2:])  # fmt: skip
