"""`relance interest`, `limitation`, `acknowledge`, `notice`, `contract`, `writeoff`,
`terms check`: what the law entitles the creditor to, and the decisions it records."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import InvalidOperation
from pathlib import Path
from typing import Annotated, Any

import typer

from relance.adapters.render.charge_wording import Wording
from relance.bootstrap import open_store
from relance.core.charges import Charges
from relance.core.jurisdiction import Contract
from relance.core.limitation import InterruptionKind
from relance.core.money import Money
from relance.core.terms import parse_discount_terms
from relance.core.writeoff import WriteOffReason
from relance.interfaces.cli import output as ui
from relance.interfaces.cli.commands import add_commands
from relance.services import contracts, interest_reports, law, reports
from relance.services import limitation as limitation_service

AsOfOption = Annotated[str | None, typer.Option(help="The day to compute for (default: today).")]
terms_app = typer.Typer(help="Payment terms against the legal caps.")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    add_commands(app, interest, limitation, acknowledge, notice, contract, writeoff)
    terms_app.command("check")(terms_check)
    app.add_typer(terms_app, name="terms")


def interest(
    target: Annotated[str, typer.Argument(help="An invoice number or a customer reference.")],
    db: ui.DbOption = None,
    as_of: AsOfOption = None,
    as_json: ui.JsonFlag = False,
) -> None:
    """Late interest, fixed indemnity and fees claimable, line by line (periods, rate, days,
    base, amount), apart from the principal."""
    store = open_store(db)
    report = interest_reports.interest_report(store, target, ui.parse_day(as_of, date.today()))
    if as_json:
        ui.print_json(_interest_json(report))
        return
    language = reports.ledger_language(open_store(db))
    customer = report.customer
    ui.console.print(
        f"{customer.name} ({customer.ref}) — {report.rule_set.title} — "
        f"as of {ui.date_text(report.as_of, language)}"
    )
    if not report.claims:
        ui.console.print("No late invoice: nothing to claim beyond the principal.")
    for claim in report.claims:
        _print_claim(claim, language)
    for problem in report.problems:
        ui.console.print(f"[yellow]note:[/] {problem}")
    incomplete = any(claim.blocking for claim in report.claims)
    for amount in report.totals().values():
        text = f"Total claimable beyond the principal: {ui.money_text(amount, language)}"
        ui.console.print(text + (" and interest not yet known (a rate is missing)"
                                 if incomplete else ""))  # fmt: skip
    if incomplete and not report.totals():
        ui.console.print("Interest is not yet known: a rate is missing (relance rates add).")


# The claim table's columns in the ledger's language, as its amounts and dates are.
_CLAIM_HEADERS = {
    "en": ("charge", "from", "to", "days", "base", "rate", "amount"),
    "fr": ("frais", "du", "au", "jours", "base", "taux", "montant"),
}


def _print_claim(claim: Charges, language: str) -> None:
    """One invoice's charges as a table, its long legal bases as numbered notes below."""
    # the legal basis is long: numbered notes under the table keep the columns readable
    display, notes = [], []
    interest_lines = claim.interest.lines if claim.interest is not None else ()
    wording = Wording(language)  # the footnotes in the ledger's language, like the letters
    for line in interest_lines:
        basis = wording.basis(line)
        if basis not in notes:
            notes.append(basis)
        display.append([f"interest [{notes.index(basis) + 1}]",
                        ui.date_text(line.start, language), ui.date_text(line.end, language),
                        str(line.days), ui.money_text(line.base, language),
                        ui.rate_text(line.rate, language),
                        ui.money_text(line.amount, language)])  # fmt: skip
    for item in claim.items:
        if item.interest is None:
            notes.append(item.basis)
            display.append([f"{item.kind.value} [{len(notes)}]", "", "", "", "", "",
                            ui.money_text(item.amount, language)])  # fmt: skip
    if claim.blocking:  # never a bare total as if nothing more were owed
        display.append(["interest after the gap", "", "", "", "", "", "unknown"])
    sums = claim.totals() or ({} if claim.blocking else {"": claim.total})
    for currency, amount in sums.items():
        label = "total known so far" if claim.blocking else "total"
        display.append([f"{label} {currency}".strip(), "", "", "", "", "",
                        ui.money_text(amount, language)])  # fmt: skip
    headers = _CLAIM_HEADERS.get(language, _CLAIM_HEADERS["en"])
    ui.emit(
        ui.Format.TABLE,
        headers,
        [],
        display=display,
        title=f"Invoice {claim.invoice_number}",
        right=headers[3:],  # the figures: days, base, rate, amount
    )
    for number, note in enumerate(notes, start=1):
        ui.console.print(f"  [{number}] {note}")
    for problem in claim.problems:
        ui.console.print(f"[yellow]note:[/] {problem}")


def _interest_json(report: interest_reports.InterestReport) -> dict[str, Any]:
    return {
        "target": report.target,
        "customer": report.customer.ref,
        "rule_set": report.rule_set.code,
        "as_of": report.as_of.isoformat(),
        "invoices": [
            {
                "invoice": claim.invoice_number,
                "currency": claim.currency,
                "interest": [
                    {
                        "from": line.start.isoformat(),
                        "to": line.end.isoformat(),
                        "days": line.days,
                        "year_days": line.year_days,
                        "base": str(line.base.amount),
                        "rate": str(line.rate),
                        "amount": str(line.amount.amount),
                        "basis": line.basis,
                    }
                    for line in (claim.interest.lines if claim.interest else ())
                ],
                "charges": [
                    {
                        "kind": item.kind.value,
                        "amount": str(item.amount.amount),
                        "currency": item.amount.currency,
                        "basis": item.basis,
                    }
                    for item in claim.items
                ],
                # null while a rate is missing: never 0.00 as if nothing more were owed
                "total": None if claim.blocking else str(claim.total.amount),
                "complete": not claim.blocking,
                "problems": list(claim.problems),
            }
            for claim in report.claims
        ],
        "totals": {currency: str(m.amount) for currency, m in report.totals().items()},
        "problems": list(report.problems),
    }


_SPAN = re.compile(r"^\s*(\d+)\s*([dwmy]?)\s*$", re.IGNORECASE)
_SPAN_DAYS = {"": 1, "d": 1, "w": 7, "m": 30, "y": 365}


def parse_span(text: str) -> timedelta:
    """A duration such as 90d, 12w, 3m (30-day months) or a plain number of days."""
    match = _SPAN.match(text)
    if match is None:
        raise typer.BadParameter(f"not a duration (expected like 90d, 12w, 3m): {text!r}")
    return timedelta(days=int(match.group(1)) * _SPAN_DAYS[match.group(2).lower()])


def limitation(
    db: ui.DbOption = None,
    within: Annotated[str, typer.Option(help="Horizon: 90d, 12w, 6m…")] = "90d",
    as_of: AsOfOption = None,
    as_json: ui.JsonFlag = False,
) -> None:
    """Open debts whose limitation period ends within the horizon, and those already
    time-barred (no step is proposed on them)."""
    store = open_store(db)
    day = ui.parse_day(as_of, date.today())
    lines = limitation_service.limitation_report(store, day, parse_span(within))
    columns = ["invoice", "customer", "due", "runs_from", "last_day", "days_left", "open",
               "status"]  # fmt: skip
    rows: list[list[Any]] = [
        [x.invoice.number, x.invoice.customer_ref, x.invoice.due_date, x.status.runs_from,
         x.status.last_day, x.days_left, x.open_balance,
         "time-barred" if x.time_barred else "expiring"]
        for x in lines
    ]  # fmt: skip
    fmt = ui.chosen(ui.Format.TABLE, as_json)
    if fmt is ui.Format.TABLE and not rows:
        ui.console.print(f"No debt expires within {within} of {day.isoformat()}.")
        return
    language = reports.ledger_language(open_store(db))
    display = [
        [x.invoice.number, x.invoice.customer_ref, ui.date_text(x.invoice.due_date, language),
         ui.date_text(x.status.runs_from, language), ui.date_text(x.status.last_day, language),
         str(x.days_left), ui.money_text(x.open_balance, language),
         "time-barred" if x.time_barred else "expiring"]
        for x in lines
    ]  # fmt: skip
    ui.emit(fmt, columns, rows, display=display, right=("days_left", "open"),
            title=f"Limitation as of {ui.date_text(day, language)}, within {within}")  # fmt: skip


def acknowledge(
    target: Annotated[str, typer.Argument(help="An invoice number or a customer reference.")],
    db: ui.DbOption = None,
    on: Annotated[str | None, typer.Option("--date", help="Day of the event.")] = None,
    note: Annotated[str, typer.Option(help="What it was: a signed letter, a filing…")] = "",
    kind: Annotated[
        InterruptionKind, typer.Option(help="acknowledgement, legal_action, payment_plan…")
    ] = InterruptionKind.ACKNOWLEDGEMENT,
) -> None:
    """Record an event that restarts the limitation period (C. civ. 2240-2241): for one
    invoice, or every open invoice of a customer."""
    recorded = limitation_service.record_interruption(
        open_store(db), target, kind, ui.parse_day(on, date.today()), note
    )
    numbers = ", ".join(r.invoice_number for r in recorded) or "no open invoice"
    ui.console.print(f"Recorded {kind.value} for {numbers}.")


def notice(
    target: Annotated[str, typer.Argument(help="A customer reference or an invoice number.")],
    db: ui.DbOption = None,
    on: Annotated[str | None, typer.Option("--date", help="Day it was received.")] = None,
    note: Annotated[str, typer.Option(help="e.g. the registered letter's number.")] = "",
) -> None:
    """Record a formal notice (mise en demeure) received by a customer: consumer interest
    runs from the day after it."""
    day = ui.parse_day(on, date.today())
    ref, number = contracts.formal_notice_for(open_store(db), target, day, note)
    ui.console.print(f"Formal notice recorded for {number or ref} on {day.isoformat()}.")


def _money(text: str, currency: str) -> Money:
    parts = text.split()
    try:
        if len(parts) == 2:
            return Money.of(parts[0], parts[1].upper())
        return Money.of(text.strip(), currency)
    except (InvalidOperation, ValueError) as exc:
        raise typer.BadParameter(f"not an amount: {text!r} ({exc})") from exc


def contract(
    customer: Annotated[str, typer.Argument(help="The customer's reference.")],
    db: ui.DbOption = None,
    rules: Annotated[
        str | None, typer.Option("--rules", help="Force a rule set: fr_b2b, uk_b2b, contractual…")
    ] = None,
    rate: Annotated[str | None, typer.Option(help="Contractual late rate, percent a year.")] = None,
    discount: Annotated[
        str | None, typer.Option(help="Early-payment terms: '2/10 net 30'.")
    ] = None,
    fee_per_invoice: Annotated[str | None, typer.Option(help="e.g. 40 or '40 EUR'.")] = None,
    fee_per_letter: Annotated[str | None, typer.Option(help="e.g. 15 or '15 EUR'.")] = None,
    limitation_years: Annotated[int | None, typer.Option(help="Years before expiry.")] = None,
    waive_interest: Annotated[bool | None, typer.Option(help="Waive late interest.")] = None,
    waive_indemnity: Annotated[bool | None, typer.Option(help="Waive the indemnity.")] = None,
    reason: Annotated[str, typer.Option(help="Why, for the log.")] = "",
    as_json: ui.JsonFlag = False,
) -> None:
    """Show or change a customer's contract terms (only the options given change)."""
    store = open_store(db)
    creditor = reports.creditor(store)
    changes = _contract_changes(
        creditor.currency if creditor else "EUR",
        {"rule_set": rules, "rate": rate, "discount": discount,
         "fee_per_invoice": fee_per_invoice, "fee_per_letter": fee_per_letter,
         "limitation_years": limitation_years, "waive_interest": waive_interest,
         "waive_indemnity": waive_indemnity},
    )  # fmt: skip
    if changes:
        terms = contracts.set_contract(store, customer, changes, reason=reason)
    else:
        terms = contracts.contract_of(store, customer)
    _print_contract(customer, terms, as_json, db)


def _contract_changes(currency: str, given: dict[str, Any]) -> dict[str, Any]:
    """The contract terms given on the command line, parsed (an empty --discount removes
    the discount); those not given are left out."""
    parsers: dict[str, Callable[[Any], Any]] = {
        "rate": ui.parse_rate,
        "discount": lambda text: parse_discount_terms(text) if text else None,
        "fee_per_invoice": lambda text: _money(text, currency),
        "fee_per_letter": lambda text: _money(text, currency),
    }
    return {
        key: parsers[key](value) if key in parsers else value
        for key, value in given.items()
        if value is not None
    }


def _print_contract(customer: str, terms: Contract, as_json: bool, db: str | None) -> None:
    shown = {
        "customer": customer,
        "rule_set": terms.rule_set,
        "rate": str(terms.rate) if terms.rate is not None else None,
        "discount": str(terms.discount) if terms.discount else None,
        "fee_per_invoice": str(terms.fee_per_invoice) if terms.fee_per_invoice else None,
        "fee_per_letter": str(terms.fee_per_letter) if terms.fee_per_letter else None,
        "limitation_years": terms.limitation_years,
        "waive_interest": terms.waive_interest,
        "waive_indemnity": terms.waive_indemnity,
    }
    if as_json:
        ui.print_json(shown)
        return
    if terms.rate is not None:  # for people, with the locale's decimal mark
        shown["rate"] = ui.rate_text(terms.rate, reports.ledger_language(open_store(db)))
    for key, value in shown.items():
        ui.console.print(f"{key}: {'—' if value is None else value}")


def writeoff(
    target: Annotated[str, typer.Argument(help="An invoice number, or 'export'.")],
    file: Annotated[Path | None, typer.Argument(help="With 'export': the FEC file.")] = None,
    db: ui.DbOption = None,
    reason: Annotated[WriteOffReason, typer.Option(help="Why the debt is lost.")] = (
        WriteOffReason.OTHER
    ),
    on: Annotated[str | None, typer.Option("--date", help="Day of the decision.")] = None,
    note: Annotated[str, typer.Option(help="Details for the log.")] = "",
    vat: Annotated[
        bool, typer.Option("--vat/--no-vat", help="Recover the VAT (not on receipts basis).")
    ] = True,
) -> None:
    """Write off an invoice as a bad debt (`relance writeoff INVOICE --reason …`), or
    export every write-off's entry as FEC lines (`relance writeoff export FILE`)."""
    store = open_store(db)
    if target == "export":
        if file is None:
            raise typer.BadParameter("give the FEC file to write: relance writeoff export FILE")
        done = law.export_write_offs(store, file)
        ui.console.print(f"Wrote {len(done.entries)} write-off entries to {file}.")
        for problem in done.problems:
            ui.console.print(f"[yellow]note:[/] {problem}")
        return
    decision = law.write_off(
        store, target, reason, ui.parse_day(on, date.today()), note, vat_recoverable=vat
    )
    ui.console.print(
        f"Invoice {decision.invoice_number} written off on {decision.date.isoformat()}: "
        f"{decision.amount} ({decision.loss} loss, {decision.vat} VAT recovered)."
        + (
            ""
            if not vat
            else " VAT is recovered as for goods or VAT on debits; for services "
            "taxed on receipts, run it with --no-vat."
        )
    )


def terms_check(db: ui.DbOption = None, as_json: ui.JsonFlag = False) -> None:
    """Invoices whose payment term exceeds the legal cap (France B2B: 60 days from the
    invoice date, or 45 days end of month with a clause; C. com. L441-10 I)."""
    warnings = law.payment_term_warnings(open_store(db))
    columns = ["invoice", "customer", "issued", "due", "term_days", "limit", "verdict"]
    rows = [
        [w.invoice.number, w.invoice.customer_ref, w.invoice.issue_date, w.invoice.due_date,
         w.check.term_days, w.check.limit_days, w.check.verdict]
        for w in warnings
    ]  # fmt: skip
    fmt = ui.chosen(ui.Format.TABLE, as_json)
    if fmt is ui.Format.TABLE and not rows:
        ui.console.print("Every invoice's term is within the legal caps.")
        return
    ui.emit(fmt, columns, rows, title="Payment terms beyond the legal caps")
