"""`relance risk`: each customer's payment behaviour graded A to E with its reasons, and its
exposure against its credit limit; the over-limit warnings of imports and the daily run."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import typer

from relance.bootstrap import Store, open_store
from relance.interfaces.cli import output as ui
from relance.interfaces.cli.commands import add_commands
from relance.services import risk as service

COLUMNS = [
    "customer", "name", "grade", "average_days_late", "share_late", "usual_stage",
    "promises_broken", "disputes", "recent_days_late", "earlier_days_late", "exposure",
    "overdue", "currency", "credit_limit", "over_limit", "reasons",
]  # fmt: skip


SHOWN_OVER_LIMIT = 10


def register(app: typer.Typer) -> None:
    """Add `relance risk` and `relance advise` to the app."""
    add_commands(app, risk, advise)


def print_over_limit(store: Store, day: date) -> None:
    """Say which customers' exposure exceeds their credit limit on `day`, if any: the
    first ten, then how many more (a ledger of thousands lists them with `relance risk`)."""
    over = service.over_limit(store, day)
    if len(over) > SHOWN_OVER_LIMIT:
        ui.console.print(
            f"warning: {len(over)} customers are over their credit limit "
            f"(relance risk --as-of {day.isoformat()} --csv lists them); the first "
            f"{SHOWN_OVER_LIMIT}:",
            markup=False,
        )
    for exposure in over[:SHOWN_OVER_LIMIT]:
        limit = exposure.limit
        assert limit is not None  # over_limit implies a limit
        ui.console.print(
            f"warning: {exposure.customer_ref} is over its credit limit: exposure "
            f"{ui.money_text(exposure.total)} (overdue {ui.money_text(exposure.overdue)}) "
            f"against {ui.money_text(limit)}",
            markup=False,
        )


@ui.listing
def risk(
    customer: Annotated[str | None, typer.Argument(help="One customer (default: all).")] = None,
    db: ui.DbOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="The day (default: today).")] = None,
    *,
    shown: ui.Format,
) -> None:
    """Each customer's payment behaviour as of a day, read from the ledger: days paid
    beyond terms (weighted by amount), share paid late, the step at which it usually pays,
    promises broken, disputes, the last six months against before; the grade (A to E)
    with the reasons that gave it, and the exposure against the credit limit."""
    day = ui.parse_day(as_of, date.today())
    rows: list[list[Any]] = []
    for line in service.risk_report(open_store(db), day, customer):
        b = line.behaviour
        exposure = line.exposures[0] if line.exposures else None
        limit = line.customer.credit_limit
        rows.append([
            line.customer.ref, line.customer.name, b.grade, b.average_days_late, b.share_late,
            b.usual_stage, b.promises_broken, b.disputes, b.recent_days_late,
            b.earlier_days_late, exposure.total.amount if exposure else Decimal(0),
            exposure.overdue.amount if exposure else Decimal(0),
            exposure.total.currency if exposure else (limit.currency if limit else ""),
            limit.amount if limit else None,
            any(e.over_limit for e in line.exposures), "; ".join(b.reasons),
        ])  # fmt: skip
    display = [["" if v is None else str(v) for v in row] for row in rows]
    ui.emit(shown, COLUMNS, rows, title=f"Credit risk as of {day.isoformat()}", display=display)


@ui.listing
def advise(
    db: ui.DbOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="The day (default: today).")] = None,
    large_share: Annotated[
        str, typer.Option(help="Share of the credit limit above which an order asks a deposit.")
    ] = "0.5",
    discount: Annotated[
        str, typer.Option(help="Early-payment discount offered, in % (paid within --within days).")
    ] = "2",
    within: Annotated[int, typer.Option(help="Days to pay to earn the discount.")] = 10,
    financing_rate: Annotated[
        str, typer.Option(help="What financing receivables costs you, % a year.")
    ] = "8",
    *,
    shown: ui.Format,
) -> None:
    """What to do before the next order, with the reason each time: ask a deposit (a new
    customer, an order above a share of the limit, a job longer than 30 days, a customer
    who paid only after a third letter or an agency), offer an early-payment discount to a
    slow payer in good standing (its cost against the financing it saves), lower a limit."""
    from relance.core.advice import Terms
    from relance.services.advice import advice

    terms = Terms(
        Decimal(large_share), Decimal(discount) / 100, within, Decimal(financing_rate) / 100
    )
    rows = [
        [line.advice.customer_ref, line.name, line.grade, line.advice.kind.value,
         line.advice.invoice_number, line.advice.reason]
        for line in advice(open_store(db), ui.parse_day(as_of, date.today()), terms)
    ]  # fmt: skip
    ui.emit(shown, ["customer", "name", "grade", "advice", "invoice", "reason"], rows,
            title="Advice")  # fmt: skip
