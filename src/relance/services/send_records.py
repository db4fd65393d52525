"""What a send run knows as it goes and reports at the end, and what it records once an
action is delivered: the evidence of each letter, the formal notice, the sent event, the
action done."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from relance.adapters.deliver.print_batch import BatchSummary
from relance.adapters.deliver.registered import ManualRegisteredMail
from relance.adapters.deliver.smtp import Mailer
from relance.adapters.render.communication import RenderedCommunication
from relance.adapters.render.templates import TemplateStore
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_letters as rl
from relance.adapters.storage import repository_sending as rs
from relance.adapters.storage.database import Connection, Store
from relance.core.outbox import OutboxStatus
from relance.core.policy import Channel
from relance.core.queued import QueuedAction
from relance.core.webhooks import money
from relance.services import contracts, dunning, stage_fees, webhook_events
from relance.services.composing import LETTER_CHANNELS, Composed

if TYPE_CHECKING:
    from relance.services.email_delivery import EmailDelivery


class EmailMode(StrEnum):
    """How a send run delivers e-mails."""

    SMTP = "smtp"  # through the configured server
    FILES = "files"  # written as .eml files for the user's mail client
    WAIT = "wait"  # no server: they wait in the outbox, listed by `relance outbox`


@dataclass(frozen=True, slots=True)
class Blocked:
    """An approved action that was not sent, and why."""

    action_id: int
    customer_ref: str
    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Cancelled:
    """An action found stale at delivery: nothing of it left, and why."""

    action_id: int
    customer_ref: str
    reason: str


@dataclass(frozen=True, slots=True)
class SentEmail:
    """One e-mail delivered: sent through SMTP, or written as a file (`file`)."""

    action_id: int
    customer_ref: str
    message_id: str
    recipients: tuple[str, ...]
    already_sent: bool = False
    file: Path | None = None


@dataclass(frozen=True, slots=True)
class SendReport:
    """What `send_approved` did."""

    as_of: date
    out_dir: Path
    mode: EmailMode
    emails: tuple[SentEmail, ...]
    waiting: tuple[int, ...]
    batch: BatchSummary | None
    blocked: tuple[Blocked, ...]
    cancelled: tuple[Cancelled, ...]
    left_to_others: tuple[int, ...]
    done: tuple[int, ...]
    calls_to_make: tuple[int, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def smtp(self) -> bool:
        """True when e-mails went through an SMTP server."""
        return self.mode is EmailMode.SMTP

    @property
    def letters(self) -> int:
        """Letters written to the print batch."""
        return self.batch.letters if self.batch else 0


# An action whose letters wait for the print batch: its letter, what was rendered, and
# its e-mail's delivery (None when it sent none this run).
ToPrint = tuple[Composed, dict[Channel, RenderedCommunication], "EmailDelivery | None"]


@dataclass
class SendRun:
    """One send run: its settings, and what happened so far."""

    store: Store
    as_of: date
    out_dir: Path
    mode: EmailMode
    mailer: Mailer | None
    sender: str
    templates: TemplateStore
    now: datetime
    actor: str
    owner: str
    emails: list[SentEmail] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)
    blocked: list[Blocked] = field(default_factory=list)
    cancelled: list[Cancelled] = field(default_factory=list)
    left_to_others: list[int] = field(default_factory=list)
    done: list[int] = field(default_factory=list)
    calls: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    to_print: list[ToPrint] = field(default_factory=list)
    printing: set[int] = field(default_factory=set)
    held: set[int] = field(default_factory=set)
    batch: BatchSummary | None = None

    def report(self) -> SendReport:
        """The run's report."""
        return SendReport(
            self.as_of,
            self.out_dir,
            self.mode,
            tuple(self.emails),
            tuple(self.waiting),
            self.batch,
            tuple(self.blocked),
            tuple(self.cancelled),
            tuple(self.left_to_others),
            tuple(self.done),
            tuple(self.calls),
            tuple(self.notes),
        )


class ExclusiveStore(Store):
    """The store whose every transaction takes the write lock at once on SQLite, for the
    writes of a send that runs beside another one."""

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A write transaction (``BEGIN IMMEDIATE`` on SQLite)."""
        with rs.exclusive(self.engine) as conn:
            yield conn


def evidence_of(
    item: QueuedAction,
    channel: Channel,
    communication: RenderedCommunication,
    print_batch: int | None = None,
) -> rl.Evidence:
    """The evidence of one channel's letter: the very PDF printed or attached."""
    letter, pdf = communication.letter, communication.pdf
    assert pdf is not None
    return rl.Evidence(
        item.id,
        channel.value,
        item.action.customer_ref,
        item.action.level,
        communication.template_key,
        letter.reference,
        letter.rf_reference,
        letter.dated,
        communication.pdf_name,
        pdf.pages,
        pdf.pdf,
        hashlib.sha256(pdf.pdf).hexdigest(),
        print_batch,
    )


def record_delivery(
    conn: Connection,
    run: SendRun,
    composed: Composed,
    rendered: dict[Channel, RenderedCommunication],
    delivery: EmailDelivery | None,
    print_batch: int | None,
) -> bool:
    """Record in `conn` what of an action reached the debtor: its printed letters'
    evidence (in `print_batch`), the registered letter, the formal notice and the sent
    event once. False when nothing did yet (its e-mail only waits in the outbox)."""
    item = composed.item
    printed = {c: r for c, r in rendered.items() if c in LETTER_CHANNELS and print_batch}
    for channel, communication in printed.items():
        evidence = evidence_of(item, channel, communication, print_batch)
        rl.record_evidence(conn, evidence)
        if channel is Channel.REGISTERED_LETTER and rl.load_registered(conn, item.id) is None:
            rl.save_registered(
                conn, item.id, ManualRegisteredMail().submit(str(item.id), evidence.pdf)
            )
    if not printed and (delivery is None or delivery.waits) and not _reached(conn, item.id):
        return False
    if not rl.sent_event_exists(conn, item.id):
        _first_delivery(conn, run, composed, rendered)
    return True


def complete_action(run: SendRun, item: QueuedAction) -> None:
    """Mark a delivered action done, unless a call is still to be made by hand (a printed
    letter's action: `complete_printed`)."""
    if Channel.CALL in item.action.channels:
        run.calls.append(item.id)  # the call is the user's to make: done once made
        return
    dunning.mark_done(ExclusiveStore(run.store.engine), item.id, run.as_of,
                      note="sent by relance", actor=run.actor)  # fmt: skip
    run.done.append(item.id)


def complete_printed(run: SendRun, items: list[QueuedAction], conn: Connection) -> None:
    """`complete_action` of the actions of a print batch, in the transaction that records
    it, in a few statements; an action cancelled by hand meanwhile is printed all the
    same, and said not marked done."""
    calls = [item.id for item in items if Channel.CALL in item.action.channels]
    run.calls.extend(calls)  # the call is the user's to make: done once made
    marked = [item.id for item in items if item.id not in calls]
    refused = dunning.mark_all_done_in(conn, marked, run.as_of, note="sent by relance",
                                       actor=run.actor)  # fmt: skip
    run.notes.extend(f"action {n}: printed, not marked done: {why}" for n, why in refused.items())
    run.done.extend(n for n in marked if n not in refused)


def finish_action(
    run: SendRun,
    composed: Composed,
    rendered: dict[Channel, RenderedCommunication],
    delivery: EmailDelivery | None,
) -> None:
    """Record an action that prints nothing this run, and complete it if it reached the
    debtor."""
    with rs.exclusive(run.store.engine) as conn:
        reached = record_delivery(conn, run, composed, rendered, delivery, None)
    if reached:
        complete_action(run, composed.item)


def _reached(conn: Connection, action_id: int) -> bool:
    """True when something of the action reached the debtor in an earlier, interrupted
    run: a letter printed, an e-mail sent or written to a file."""
    left = (OutboxStatus.SENT, OutboxStatus.EXPORTED)
    return bool(rl.printed_actions(conn, [action_id])) or any(
        record.status in left for record in rl.outbox_of_action(conn, action_id)
    )


def _first_delivery(
    conn: Connection,
    run: SendRun,
    composed: Composed,
    rendered: dict[Channel, RenderedCommunication],
) -> None:
    item = composed.item
    letter = composed.result.letter
    assert letter is not None
    contracts.formal_notice_sent(
        conn, item.action, item.step, [row.number for row in letter.rows],
        f"letter {letter.reference}", run.as_of,
        registered=Channel.REGISTERED_LETTER in rendered, actor=run.actor,
    )  # fmt: skip
    stage_fees.charge_sent_letter(
        conn, item.action, item.step,
        {row.number: row.open_balance for row in letter.rows}, run.as_of,
    )  # fmt: skip
    repo.append_event(
        conn,
        rl.SENT_EVENT,
        actor=run.actor,
        customer_ref=item.action.customer_ref,
        subject=f"action {item.id}",
        data={
            "id": item.id,
            "reference": letter.reference,
            "rf": letter.rf_reference,
            "channels": sorted(c.value for c in rendered),
            "mode": run.mode.value,
            "invoices": [row.number for row in letter.rows],
            "total_due": str(letter.total_due.amount),
            "credit_on_account": (
                str(letter.credit_on_account.amount) if letter.credit_on_account else None
            ),
            "currency": letter.currency,
        },
        reason=f"level {item.action.level} ({item.action.level_name})",
        dated=run.as_of,
    )
    webhook_events.letter_sent(
        conn,
        {
            "action_id": item.id,
            "customer_ref": item.action.customer_ref,
            "reference": letter.reference,
            "channels": sorted(c.value for c in rendered),
            "invoices": [row.number for row in letter.rows],
            "total_due": money(letter.total_due.amount, letter.currency),
            "sent_on": run.as_of.isoformat(),
        },
    )
