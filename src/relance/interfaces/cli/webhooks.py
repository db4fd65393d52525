"""`relance webhook`: endpoints that relance tells of what happened, and their deliveries
(`docs/api.md`, "Webhooks")."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from relance.bootstrap import open_store
from relance.core.webhooks import Delivery, DeliveryStatus, WebhookError, checked_url, parse_events
from relance.interfaces.cli import output as ui
from relance.services import webhook_delivery, webhooks

webhook_app = typer.Typer(help="Webhook endpoints and their deliveries.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    webhook_app.command("add")(add)
    webhook_app.command("list")(list_endpoints)
    webhook_app.command("remove")(remove)
    webhook_app.command("deliveries")(ui.listing(deliveries))
    webhook_app.command("show")(show)
    webhook_app.command("deliver")(deliver)
    webhook_app.command("retry")(retry)
    app.add_typer(webhook_app, name="webhook")


def add(
    url: Annotated[str, typer.Argument(help="Where to post: https, or http on this machine.")],
    events: Annotated[
        str,
        typer.Option(
            help="Comma-separated: action.proposed, letter.sent, payment.matched, invoice.paid."
        ),
    ],
    description: Annotated[str, typer.Option(help="What the endpoint is (a CRM, a BI).")] = "",
    db: ui.DbOption = None,
) -> None:
    """Add an endpoint and print its signing secret: this once only."""
    try:
        wanted = parse_events(events)
        url = checked_url(url)
    except WebhookError as exc:
        raise typer.BadParameter(str(exc)) from None
    made = webhooks.add_endpoint(open_store(db), url, wanted, description)
    print(made.secret)  # alone on standard output, for a script to capture
    ui.errors.print(
        f"Webhook endpoint {made.endpoint.id} for {', '.join(made.endpoint.events)}: keep its "
        "signing secret now, it will not be shown again.",
        soft_wrap=True,
    )


def list_endpoints(db: ui.DbOption = None, fmt: ui.FormatOption = ui.Format.TABLE) -> None:
    """The webhook endpoints (never their secrets)."""
    found = webhooks.list_endpoints(open_store(db))
    columns = ["id", "url", "events", "description", "created", "secret"]
    rows = [
        [e.id, e.url, ",".join(e.events), e.description, e.created_at.isoformat(), e.secret_hint]
        for e in found
    ]
    display = [
        [str(e.id), e.url, ", ".join(e.events), e.description, ui.instant_text(e.created_at),
         e.secret_hint]
        for e in found
    ]  # fmt: skip
    ui.emit(fmt, columns, rows, title="Webhook endpoints", display=display)


def remove(
    endpoint_id: Annotated[int, typer.Argument(help="The endpoint's id (relance webhook list).")],
    db: ui.DbOption = None,
) -> None:
    """Remove an endpoint: it gets no new event, and its pending deliveries fail."""
    removed = webhooks.remove_endpoint(open_store(db), endpoint_id)
    ui.console.print(f"Webhook endpoint {removed.id} ({removed.url}) removed.")


def _when(at: datetime | None) -> str:
    return "" if at is None else ui.instant_text(at)


def deliveries(
    status: Annotated[
        DeliveryStatus | None, typer.Option(help="Only pending, delivered or failed ones.")
    ] = None,
    endpoint: Annotated[int | None, typer.Option(help="Only this endpoint's.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many, newest first.")] = 50,
    db: ui.DbOption = None,
    *,
    shown: ui.Format,
) -> None:
    """The deliveries, newest first: event, endpoint, status, attempts, last answer."""
    found = webhooks.deliveries(open_store(db), status=status, endpoint_id=endpoint, limit=limit)
    columns = ["id", "event_id", "event", "endpoint", "status", "attempts", "next_attempt",
               "last_status", "last_error", "created"]  # fmt: skip
    rows = [_row(d) for d in found]
    display = [
        [str(d.id), d.event_id, d.event_type.value, str(d.endpoint_id), d.status.value,
         str(d.attempts), _when(d.next_attempt_at),
         "" if d.last_status_code is None else str(d.last_status_code), d.last_error,
         ui.instant_text(d.created_at)]
        for d in found
    ]  # fmt: skip
    ui.emit(shown, columns, rows, title="Webhook deliveries", display=display)


def _row(d: Delivery) -> list[object]:
    return [
        d.id, d.event_id, d.event_type.value, d.endpoint_id, d.status.value, d.attempts,
        d.next_attempt_at.isoformat() if d.next_attempt_at else "", d.last_status_code,
        d.last_error, d.created_at.isoformat(),
    ]  # fmt: skip


def show(
    delivery_id: Annotated[int, typer.Argument(help="The delivery's id.")],
    db: ui.DbOption = None,
) -> None:
    """One delivery: its payload and every attempt (when, status code, time, error)."""
    found, attempts = webhooks.delivery(open_store(db), delivery_id)
    ui.console.print(
        f"Delivery {found.id}: {found.event_type.value} {found.event_id} to {found.url}, "
        f"{found.status.value} after {found.attempts} attempt(s)"
        + (f", next at {_when(found.next_attempt_at)}" if found.next_attempt_at else ""),
        soft_wrap=True,
    )
    ui.console.print(found.payload.decode(), markup=False, soft_wrap=True)
    columns = ["attempted", "status_code", "ms", "error"]
    rows = [
        [_when(a.attempted_at), "" if a.status_code is None else str(a.status_code),
         str(a.duration_ms), a.error]
        for a in attempts
    ]  # fmt: skip
    ui.emit(ui.Format.TABLE, columns, rows, title="Attempts")


def deliver(db: ui.DbOption = None) -> None:
    """Post the deliveries that are due, once (for cron): signed, each attempt logged."""
    report = webhook_delivery.deliver_due(open_store(db))
    ui.console.print(
        f"{report.attempted} posted: {report.delivered} delivered, {report.retrying} to try "
        f"again later, {report.failed} failed."
    )


def retry(
    delivery_id: Annotated[int, typer.Argument(help="The failed delivery's id.")],
    db: ui.DbOption = None,
) -> None:
    """Send a failed delivery again: due at once, with a fresh set of attempts."""
    again = webhooks.retry(open_store(db), delivery_id)
    ui.console.print(
        f"Delivery {again.id} ({again.event_type.value}) is due again: "
        "`relance webhook deliver` posts it."
    )
