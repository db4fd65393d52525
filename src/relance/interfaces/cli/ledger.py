"""`relance init`, `relance import …`, `relance customers`, `relance invoices`."""

from __future__ import annotations

import tomllib
from datetime import date
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from relance.adapters.formats.ledger_columns import quoted
from relance.adapters.formats.ledger_csv import CsvKind
from relance.bootstrap import ledger_exists, ledger_url, open_store
from relance.core.model import Creditor, InvoiceStatus, WindowSide
from relance.interfaces.cli import output as ui
from relance.interfaces.cli.commands import add_commands
from relance.services import pauses, reports
from relance.services.ledger_import import count_lines, import_ledger_csv
from relance.services.setup import (
    SetupError,
    SetupRefused,
    changed_creditor,
    checked,
    creditor_from_toml,
    init_creditor,
    letters_need,
    update_creditor,
)

imports = typer.Typer(help="Import customers, invoices, credit notes or payments from CSV.")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    add_commands(app, init, customers, invoices)
    app.add_typer(imports, name="import")


def _init_from_options(db: str | None, given: dict[str, Any]) -> Creditor:
    """Create or change the creditor from `init`'s options (those given): a wrong value is
    wrong usage (exit 2) and creates no ledger."""
    changes = {key: value for key, value in given.items() if value is not None}
    if not changes:
        raise ui.fail(
            "give --name, --address, --postal-code, --city, --iban, --email and --signatory "
            "(or --from FILE)",
            ui.ExitCode.USAGE,
        )
    try:
        if not ledger_exists(db):
            changed_creditor(None, changes)  # checked before the file exists
        return update_creditor(open_store(db, create=True), changes)
    except SetupRefused:
        raise
    except SetupError as exc:
        raise ui.fail(escape(str(exc)), ui.ExitCode.USAGE) from None


def _init_from_file(db: str | None, path: Path) -> Creditor:
    """Create the creditor from a TOML file: a wrong file creates no ledger, and a file that
    is not TOML is bad input (exit 3) named with the line where it goes wrong."""
    try:
        creditor = checked(creditor_from_toml(path))
    except SetupError as exc:
        if isinstance(exc.__cause__, tomllib.TOMLDecodeError):
            raise ui.fail(escape(str(exc)), ui.ExitCode.BAD_INPUT) from None
        raise
    return init_creditor(open_store(db, create=True), creditor)


def _say_ready(db: str | None, saved: Creditor) -> None:
    """Where the ledger is, and what the letters still need from `init`."""
    ui.console.print(
        f"Ledger ready at {escape(ledger_url(db))} for [bold]{escape(saved.name)}[/] "
        f"({saved.currency})."
    )
    missing = [_NEEDED_OPTIONS.get(name, name) for name in letters_need(saved)]
    if missing:
        ui.console.print(f"Letters will need: {', '.join(missing)} (run init again with them).")


def _option(help_text: str, *names: str) -> Any:
    return typer.Option(*names, help=help_text)


_Text = str | None
NameOption = Annotated[_Text, _option("Legal name of your company.")]
CountryOption = Annotated[_Text, _option("ISO 3166 country code [FR].")]
CurrencyOption = Annotated[_Text, _option("ISO 4217 currency code [EUR].")]
LanguageOption = Annotated[_Text, _option("fr or en [fr].")]
IbanOption = Annotated[_Text, _option("IBAN printed on letters for transfers.")]
BicOption = Annotated[_Text, _option("BIC of the bank.")]
EmailOption = Annotated[_Text, _option("Address debtors can write to.")]
PhoneOption = Annotated[_Text, _option("Number debtors can call.")]
AddressOption = Annotated[_Text, _option("Street lines, separated by '/'.")]
PostalCodeOption = Annotated[_Text, _option("Postal code.")]
CityOption = Annotated[_Text, _option("City.")]
SirenOption = Annotated[_Text, _option("SIREN/SIRET or company number.", "--siren")]
VatOption = Annotated[_Text, _option("VAT number.", "--vat")]
SignatoryOption = Annotated[_Text, _option("Who signs the letters.")]
TitleOption = Annotated[_Text, _option("The signatory's title.")]
TranslatedTitleOption = Annotated[
    _Text, _option("The title in your other letters' language (English for Gérante).")
]
LegalFormOption = Annotated[
    _Text, _option("Legal form: SARL, SAS, EURL, EI... (C. com. R123-238).")
]
CapitalOption = Annotated[_Text, _option("Share capital as printed, e.g. '20 000 €'.")]
RcsCityOption = Annotated[_Text, _option("City of the RCS registration (C. com. R123-237).")]
WindowOption = Annotated[
    WindowSide | None,
    _option("Side of your DL envelopes' window [right in France, else left]."),
]
FromFileOption = Annotated[Path | None, _option("A TOML file describing the creditor.", "--from")]


def init(
    db: ui.DbOption = None,
    name: NameOption = None,
    country: CountryOption = None,
    currency: CurrencyOption = None,
    language: LanguageOption = None,
    iban: IbanOption = None,
    bic: BicOption = None,
    email: EmailOption = None,
    phone: PhoneOption = None,
    address: AddressOption = None,
    postal_code: PostalCodeOption = None,
    city: CityOption = None,
    registration_id: SirenOption = None,
    vat_number: VatOption = None,
    signatory: SignatoryOption = None,
    signatory_title: TitleOption = None,
    signatory_title_translated: TranslatedTitleOption = None,
    legal_form: LegalFormOption = None,
    capital: CapitalOption = None,
    rcs_city: RcsCityOption = None,
    envelope_window: WindowOption = None,
    from_file: FromFileOption = None,
) -> None:
    """Create the ledger and record your company, the creditor; run again to change a detail.

    Letters need the address, the signatory and a way to be paid (IBAN): give them here.
    """
    if from_file is not None:
        saved = _init_from_file(db, from_file)
    else:
        saved = _init_from_options(db, {
            "name": name, "country": country, "currency": currency, "language": language,
            "iban": iban, "bic": bic, "email": email, "phone": phone,
            "postal_code": postal_code, "city": city, "registration_id": registration_id,
            "vat_number": vat_number, "signatory_name": signatory,
            "signatory_title": signatory_title,
            "signatory_title_translated": signatory_title_translated,
            "legal_form": legal_form, "capital": capital, "registration_city": rcs_city,
            "envelope_window": envelope_window,
            "address_lines": None if address is None else
            tuple(p.strip() for p in address.split("/") if p.strip()),
        })  # fmt: skip
    _say_ready(db, saved)


# The options that give what the letters still need (`setup.letters_need`).
_NEEDED_OPTIONS = {
    "address": "--address/--postal-code/--city",
    "signatory_name": "--signatory",
    "iban": "--iban",
    "email": "--email or --phone",
    "legal_form": "--legal-form",
    "capital": "--capital",
    "registration_city": "--rcs-city",
    "registration_id": "--siren",
}


def _import(
    kind: CsvKind,
    files: list[Path],
    db: str | None,
    dry_run: bool,
    as_json: bool,
    ignore_unknown: bool = False,
    allow_changes: bool = False,
) -> None:
    store = open_store(db, create=True)
    results = []
    for path in files:
        if not path.is_file():
            raise ui.fail(f"{path}: no such file", ui.ExitCode.NOT_FOUND)
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=ui.console.rich(), transient=True, disable=as_json,
        ) as bar:  # fmt: skip
            task = bar.add_task(path.name, total=count_lines(path))
            report = import_ledger_csv(
                store,
                kind,
                path,
                dry_run=dry_run,
                progress=partial(bar.advance, task),
                ignore_unknown_columns=ignore_unknown,
                allow_changes=allow_changes,
            )
        results.append(report.as_dict())
        if not as_json:
            verb = "would change" if dry_run else "imported"
            ui.console.print(
                f"{path.name}: {report.rows} rows {verb}: {report.created} new, "
                f"{report.updated} updated, {report.unchanged} unchanged"
                + (f", {report.allocations} allocations" if report.allocations else "")
                + (f" (import #{report.import_id})" if report.import_id else "")
            )
            if report.unknown_columns:
                ui.console.print(f"  unknown columns ignored: {quoted(report.unknown_columns)}")
            for warning in report.warnings[:20]:
                ui.console.print(f"  warning: {warning}")
    if not (as_json or dry_run) and kind in (CsvKind.CUSTOMERS, CsvKind.INVOICES):
        from relance.interfaces.cli.risk import print_over_limit

        print_over_limit(store, date.today())
    if as_json:
        ui.emit(ui.Format.JSON, ["result"], [[r] for r in results])


def _import_command(kind: CsvKind) -> None:
    def command(
        files: Annotated[list[Path], typer.Argument(help="CSV file(s).")],
        db: ui.DbOption = None,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Report, write nothing.")] = False,
        as_json: ui.JsonFlag = False,
        ignore_unknown: Annotated[
            bool,
            typer.Option(
                "--ignore-unknown-columns",
                help="Import the file without the columns relance does not know.",
            ),
        ] = False,
        allow_changes: Annotated[
            bool,
            typer.Option(
                "--allow-changes",
                help="Change invoices already dunned, paid in part or sent to an agency.",
            ),
        ] = False,
    ) -> None:
        _import(kind, files, db, dry_run, as_json, ignore_unknown, allow_changes)

    command.__doc__ = f"Import {kind.value} from CSV (see docs/csv.md for the columns)."
    imports.command(kind.value)(command)


for _kind in CsvKind:
    _import_command(_kind)


@ui.listing
def customers(
    db: ui.DbOption = None,
    shown: ui.Format = ui.Format.TABLE,
) -> None:
    """List the customers, with the credit they hold (payments not yet applied)."""
    store = open_store(db)
    credits: dict[str, list[str]] = {}
    for (ref, _currency), credit in reports.unapplied_credits(store, date.today()).items():
        credits.setdefault(ref, []).append(str(credit))
    held = pauses.holds_in_force(store, date.today())
    rows = [
        [c.ref, c.name, c.kind, c.country, c.language, c.email, c.phone,
         held.get(c.ref, ""), ",".join(c.tags), ", ".join(credits.get(c.ref, []))]
        for c in reports.customers(store)
    ]  # fmt: skip
    columns = ["ref", "name", "kind", "country", "language", "email", "phone", "hold", "tags",
               "unapplied_credit"]  # fmt: skip
    ui.emit(shown, columns, rows, title="Customers")


@ui.listing
def invoices(
    db: ui.DbOption = None,
    customer: Annotated[str | None, typer.Option(help="Only this customer's invoices.")] = None,
    only_open: Annotated[bool, typer.Option("--open", help="Only invoices still owed.")] = False,
    as_of: Annotated[str | None, typer.Option(help="Balances as of this date.")] = None,
    shown: ui.Format = ui.Format.TABLE,
) -> None:
    """List invoices with their open balance, status and days overdue."""
    day = ui.parse_day(as_of, date.today())  # wrong usage is said before the ledger is opened
    store = open_store(db)
    language = reports.ledger_language(store)
    if customer is not None and customer not in {c.ref for c in reports.customers(store)}:
        raise LookupError(f"no customer {customer!r}")
    lines = reports.invoice_lines(store, day, customer, only_open)
    columns = ["number", "customer", "issue_date", "due_date", "amount", "open", "currency",
               "status", "days_overdue"]  # fmt: skip
    rows, display = [], []
    for line in lines:
        inv = line.invoice
        # negative before the due date, blank once paid: the same in the table and in CSV
        days = None if line.status is InvoiceStatus.PAID else line.days_overdue
        rows.append([inv.number, inv.customer_ref, inv.issue_date, inv.due_date, inv.amount,
                     line.open_balance, inv.currency, line.status, days])  # fmt: skip
        display.append([inv.number, inv.customer_ref, ui.date_text(inv.issue_date, language),
                        ui.date_text(inv.due_date, language), ui.money_text(inv.amount, language),
                        ui.money_text(line.open_balance, language), inv.currency, line.status.value,
                        ui.days_text(days)])  # fmt: skip
    ui.emit(shown, columns, rows,
            title=f"Invoices as of {ui.date_text(day, language)}",
            display=display, right=("amount", "open", "days_overdue"))  # fmt: skip
