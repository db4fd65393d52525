"""Use cases of what the debtor receives: send the approved actions, preview one, check the
templates, record a registered letter's posting and receipt.

`send_approved` takes every approved action of the dunning queue that sends a document
(an e-mail, a letter, a registered letter), composes its letter from the ledger as of the
day (creditor, customer, open invoices and balances, previous letters from the evidence,
the charges the level names), renders each channel and runs the compliance check. A
blocked action sends nothing and is reported with what is missing or forbidden. The
others are delivered: e-mails through SMTP via the outbox on the database (each sent at
most once, even across an interrupted run; see `relance.adapters.deliver.db_outbox`), or
written as ``.eml`` files when no SMTP server is configured, left pending in the outbox so
that the next run with SMTP sends them; letters written one file each plus one print
file. An e-mail the server refuses blocks its own action only, the others go on. Every
letter is kept as evidence (PDF and SHA-256; for an e-mail, the very PDF attached to the
message in the outbox), a level-4 formal notice is recorded for the law, and the action
is marked done, unless a call is still to be made by hand.
"""

from __future__ import annotations

import hashlib
import os
import smtplib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from email.parser import BytesParser
from email.policy import default
from email.utils import parsedate_to_datetime
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import Connection

from relance.adapters.deliver.db_outbox import DbOutbox, action_of, outbox_key
from relance.adapters.deliver.outbox import OutboxRecord, OutboxStatus
from relance.adapters.deliver.print_batch import BatchSummary, write_print_batch
from relance.adapters.deliver.registered import (
    ManualRegisteredMail,
    RegisteredRecord,
    record_posting,
    record_receipt,
)
from relance.adapters.deliver.smtp import (
    Attachment,
    Mailer,
    SmtpMailer,
    attached_pdf,
    describe_failure,
    prepare_email,
    send_prepared,
    settings_from_env,
    settings_from_file,
)
from relance.adapters.render.communication import (
    RenderedCommunication,
    check_template,
    render_communication,
    write_preview,
)
from relance.adapters.render.templates import DEFAULT_KEYS, TemplateProblem, TemplateStore
from relance.adapters.storage import dunning_repository as drepo
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_letters as rl
from relance.adapters.storage.dunning_repository import QueuedAction
from relance.bootstrap import Store
from relance.core.engine import ActionStatus
from relance.core.letter import ChargeLine, ComposeResult, PreviousLetter, Tone, compose_letter
from relance.core.model import Creditor
from relance.core.policy import Channel
from relance.services import contracts, dunning, letter_charges
from relance.services.exchanges import exchanges_for_letter

# The channels that send a document; the others (a call, an agency handoff, a write-off
# review) are tasks for the user.
DOCUMENT_CHANNELS = (Channel.EMAIL, Channel.LETTER, Channel.REGISTERED_LETTER)
LETTER_CHANNELS = (Channel.LETTER, Channel.REGISTERED_LETTER)


# -- settings -------------------------------------------------------------------------------


def smtp_mailer(
    env: Mapping[str, str] | None = None, config: Path | None = None
) -> tuple[SmtpMailer | None, str]:
    """The SMTP mailer configured by `config` (a TOML file with an ``[smtp]`` table) or by
    ``RELANCE_SMTP_*`` variables, with its sender address; (None, "") when neither is set."""
    env = os.environ if env is None else env
    if config is not None:
        settings = settings_from_file(config, env)
    elif env.get("RELANCE_SMTP_HOST"):
        if not env.get("RELANCE_SMTP_FROM"):
            raise ValueError("RELANCE_SMTP_HOST is set but RELANCE_SMTP_FROM is not")
        settings = settings_from_env(env)
    else:
        return None, ""
    return SmtpMailer(settings), settings.from_address


# -- composing an action's letter ---------------------------------------------------------


def _template_keys(item: QueuedAction, kind: str) -> dict[Channel, str]:
    keys: dict[Channel, str] = {}
    for channel_name, key in dict(item.details.get("templates") or {}).items():
        channel = Channel(channel_name)
        if channel in DOCUMENT_CHANNELS and channel in item.action.channels:
            # The informal e-mail is named without the kind of debtor in the policies.
            keys[channel] = str(key) if "/" in str(key) else f"{kind}/{key}"
    return keys


def action_reference(item: QueuedAction) -> str:
    """The reference printed on an action's letter: year proposed and action id, stable
    across runs, from which the RF creditor reference is made."""
    return f"{item.action.proposed_on.year}-{item.id:06d}"


def _previous_letters(conn: Connection, item: QueuedAction) -> list[PreviousLetter]:
    """Earlier letters to the customer: those kept as evidence, and the document actions
    carried out by hand (not in the evidence) with the day they were done."""
    seen: dict[int, PreviousLetter] = {}
    for level, dated in rl.letters_sent_to(conn, item.action.customer_ref, item.action.level):
        seen.setdefault(level, PreviousLetter(level, dated))
    done = drepo.load_queue(conn, (ActionStatus.DONE,), item.action.customer_ref)
    for other in done:
        action = other.action
        sends = [c for c in action.channels if c in DOCUMENT_CHANNELS]
        if 1 <= action.level < item.action.level and sends and action.done_on is not None:
            channel = next((c for c in sends if c in LETTER_CHANNELS), sends[0])
            seen.setdefault(action.level, PreviousLetter(action.level, action.done_on, channel))
    return sorted(seen.values(), key=lambda p: (p.sent_on, p.level))


@dataclass(frozen=True, slots=True)
class Composed:
    """An action's letter with what delivering it needs from the ledger."""

    item: QueuedAction
    result: ComposeResult
    creditor: Creditor | None
    keys: Mapping[Channel, str]
    recipients: tuple[str, ...]
    invoice_pdfs: Mapping[str, Path]


def compose_action(conn: Connection, item: QueuedAction, as_of: date) -> Composed:
    """Compose the letter of one queued action from the ledger as of `as_of`."""
    creditor = repo.load_creditor(conn)
    customers = repo.load_customers(conn, [item.action.customer_ref])
    if creditor is None or not customers:
        missing = "the creditor (run relance init)" if creditor is None else "the customer"
        return Composed(item, ComposeResult(None, (f"unknown {missing}",)), creditor, {}, (), {})
    customer = customers[0]
    numbers = list(item.action.invoice_numbers)
    owed = repo.open_invoice_balances(conn, as_of, customer.ref)
    balances = {invoice.number: balance for invoice, balance in owed if invoice.number in numbers}
    invoices = [invoice for invoice, _ in owed if invoice.number in balances]
    charges: tuple[ChargeLine, ...] = ()
    if item.details.get("charges") and balances:
        claim = letter_charges.letter_claim(conn, customer.ref, list(balances), as_of)
        if claim.blocking:  # never send partial charges: the action is reported blocked
            return Composed(item, ComposeResult(None, claim.blocking), creditor, {}, (), {})
        charges = tuple(ChargeLine(row.label, row.amount, row.explanation) for row in claim.rows)
    keys = _template_keys(item, customer.kind.value)
    letter_key = next((keys[c] for c in LETTER_CHANNELS if c in keys), None)
    key = letter_key or keys.get(Channel.EMAIL, "")
    result = compose_letter(
        creditor=creditor,
        customer=customer,
        invoices=invoices,
        balances=balances,
        as_of=as_of,
        level=item.action.level,
        tone=Tone(str(item.details.get("tone", "courteous"))),
        template_key=key.removesuffix("_email") if letter_key is None and "letter" in key else key,
        reference=action_reference(item),
        previous=_previous_letters(conn, item),
        charges=charges,
        registered=Channel.REGISTERED_LETTER in keys,
        exchanges=exchanges_for_letter(conn, customer.ref, invoices, as_of),
    )
    if not keys and result.letter is not None:
        result = ComposeResult(None, ("the action has no template for a document",))
    recipients = tuple(
        part.strip() for part in customer.email.replace(";", ",").split(",") if part.strip()
    )
    pdfs = {invoice.number: Path(invoice.pdf_path) for invoice in invoices if invoice.pdf_path}
    return Composed(item, result, creditor, keys, recipients, pdfs)


def render_action(
    composed: Composed, templates: TemplateStore
) -> tuple[dict[Channel, RenderedCommunication], tuple[str, ...]]:
    """Render and check each document channel of a composed action; returns the rendered
    communications and the problems (empty when everything may be sent)."""
    letter = composed.result.letter
    if letter is None:
        return {}, composed.result.problems
    rendered: dict[Channel, RenderedCommunication] = {}
    problems: list[str] = []
    for channel, key in composed.keys.items():
        try:
            done = render_communication(letter, channel.value, templates, template_key=key)
        except TemplateProblem as exc:
            problems.append(str(exc))
            continue
        rendered[channel] = done
        problems += [f"{channel.value}: {p.message}" for p in done.problems]
    if Channel.EMAIL in rendered and not composed.recipients and not _has_letter(composed):
        problems.append(f"customer {letter.debtor.ref} has no e-mail address")
    return rendered, tuple(problems)


def _has_letter(composed: Composed) -> bool:
    return any(channel in composed.keys for channel in LETTER_CHANNELS)


# -- sending ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Blocked:
    """An approved action that was not sent, and why."""

    action_id: int
    customer_ref: str
    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SentEmail:
    """One e-mail delivered (or found delivered by an earlier run)."""

    action_id: int
    customer_ref: str
    message_id: str
    recipients: tuple[str, ...]
    already_sent: bool
    file: Path | None = None


@dataclass(frozen=True, slots=True)
class SendReport:
    """What `send_approved` did."""

    as_of: date
    out_dir: Path
    smtp: bool
    emails: tuple[SentEmail, ...]
    batch: BatchSummary | None
    blocked: tuple[Blocked, ...]
    done: tuple[int, ...]
    calls_to_make: tuple[int, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def letters(self) -> int:
        """Letters written to the print batch."""
        return self.batch.letters if self.batch else 0


def _eml_name(reference: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in reference) + ".eml"


def send_approved(
    store: Store,
    as_of: date,
    out_dir: Path,
    mailer: Mailer | None = None,
    *,
    sender: str = "",
    templates: TemplateStore | None = None,
    now: datetime | None = None,
    actor: str = "relance",
    progress: Callable[[int, int], None] | None = None,
) -> SendReport:
    """Render and deliver every approved action that sends a document, as of `as_of`.

    E-mails go through `mailer` from `sender` (default: the creditor's address); with no
    mailer they are written as ``.eml`` files in ``out_dir/emails`` and nothing is sent.
    Letters are written to `out_dir`, one file each, and to one print file. `now` is the
    instant written in the e-mails' Date header (default: the clock).
    """
    templates = templates or TemplateStore()
    now = now or datetime.now(UTC)
    smtp = mailer is not None
    email_folder = out_dir / "emails"
    outbox = DbOutbox(store)
    with store.begin() as conn:
        approved = [
            item
            for item in drepo.load_queue(conn, (ActionStatus.APPROVED,))
            if any(c in DOCUMENT_CHANNELS for c in item.action.channels)
        ]
        composed = [compose_action(conn, item, as_of) for item in approved]
        printed = rl.printed_actions(conn)
        creditor = repo.load_creditor(conn)

    emails: list[SentEmail] = []
    blocked: list[Blocked] = []
    notes: list[str] = []
    to_print: list[tuple[Composed, RenderedCommunication]] = []
    delivered: list[Delivered] = []
    for each in composed:
        rendered, problems = render_action(each, templates)
        item = each.item
        if problems:
            blocked.append(Blocked(item.id, item.action.customer_ref, problems))
            continue
        record = None
        email = rendered.get(Channel.EMAIL)
        if email is not None and email.email is not None:
            if not each.recipients:
                notes.append(f"action {item.id}: no e-mail address, the letter goes by post only")
            else:
                try:
                    sent, record = _deliver(each, email, outbox, mailer, sender, now, email_folder)
                except _Failed as failed:
                    # A refused or failed e-mail blocks its own action only: nothing of it is
                    # printed nor marked done, and the next run tries again (with the
                    # corrected address, if it was corrected meanwhile).
                    ref = item.action.customer_ref
                    blocked.append(_not_sent(item.id, ref, failed.record, failed.cause))
                    continue
                emails.append(sent)
                notes += _refusals(sent, record)
        delivered.append((each, rendered, record))
        for channel in LETTER_CHANNELS:
            letter = rendered.get(channel)
            if letter is not None and item.id not in printed:
                to_print.append((each, letter))

    if mailer is not None:
        # E-mails written as .eml files by runs without SMTP (their actions are done) and
        # any left pending by an interrupted run go now.
        skip = {item.id for item in approved}
        from_address = sender or (creditor.email if creditor else "")
        for sent_or_blocked in _send_waiting(store, outbox, mailer, from_address, now, skip):
            if isinstance(sent_or_blocked, Blocked):
                blocked.append(sent_or_blocked)
            else:
                emails.append(sent_or_blocked)

    batch = None
    if to_print:
        batch = write_print_batch(
            [letter for _, letter in to_print],
            out_dir,
            invoice_pdfs={
                number: path for each, _ in to_print for number, path in each.invoice_pdfs.items()
            },
            batch_name=f"print-batch-{as_of.isoformat()}.pdf",
            progress=progress,
        )
    done, calls = _record(store, delivered, as_of, actor, smtp)
    return SendReport(
        as_of, out_dir, smtp, tuple(emails), batch, tuple(blocked), done, calls, tuple(notes)
    )


# An action delivered this run: its letter, what was rendered, its e-mail's outbox record.
Delivered = tuple[Composed, dict[Channel, RenderedCommunication], OutboxRecord | None]


class _Failed(Exception):
    """The server (or the network) refused an action's e-mail, prepared as `record`."""

    def __init__(self, record: OutboxRecord, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.record = record
        self.cause = cause


def _not_sent(
    action_id: int, customer_ref: str, record: OutboxRecord | None, exc: BaseException
) -> Blocked:
    to = ", ".join(record.recipients) if record is not None else "the customer"
    return Blocked(
        action_id,
        customer_ref,
        (f"action {action_id} ({customer_ref}): e-mail to {to} not sent: {describe_failure(exc)}",),
    )


def _refusals(sent: SentEmail, record: OutboxRecord | None) -> list[str]:
    """A note when the server accepted the e-mail for some recipients only."""
    if record is None or sent.already_sent or "; refused: " not in record.server_reply:
        return []
    refused = record.server_reply.split("; refused: ", 1)[1]
    return [
        f"action {sent.action_id} ({sent.customer_ref}): e-mail sent, but the server "
        f"refused {refused}"
    ]


def _deliver(
    each: Composed,
    rendered: RenderedCommunication,
    outbox: DbOutbox,
    mailer: Mailer | None,
    sender: str,
    now: datetime,
    folder: Path,
) -> tuple[SentEmail, OutboxRecord]:
    creditor = each.creditor
    assert creditor is not None and rendered.email is not None  # composed means both exist
    attachments = (
        [Attachment(rendered.pdf_name, rendered.pdf.pdf)] if rendered.pdf is not None else []
    )
    from_address = sender or creditor.email
    record = prepare_email(
        action_id=outbox_key(each.item.id, Channel.EMAIL.value),
        body=rendered.email,
        sender=from_address,
        sender_name=creditor.name,
        recipients=each.recipients,
        now=now,
        outbox=outbox,
        attachments=attachments,
        reply_to=creditor.email if creditor.email and creditor.email != from_address else "",
    )
    ref = each.item.action.customer_ref
    if mailer is None:
        # No server: the stored message is written for the user and stays pending in the
        # outbox, so that the next run with SMTP sends it; a re-run writes the same bytes.
        folder.mkdir(parents=True, exist_ok=True)
        file = folder / _eml_name(rendered.letter.reference)
        file.write_bytes(record.message)
        already = record.status is OutboxStatus.SENT
        sent = SentEmail(each.item.id, ref, record.message_id, record.recipients, already, file)
        return sent, record
    try:
        delivery = send_prepared(record, sender=from_address, outbox=outbox, mailer=mailer, now=now)
    except (smtplib.SMTPException, OSError) as exc:
        raise _Failed(record, exc) from exc
    sent = SentEmail(
        each.item.id,
        ref,
        delivery.message_id,
        delivery.record.recipients,
        delivery.already_sent,
    )
    return sent, delivery.record


def _send_waiting(
    store: Store, outbox: DbOutbox, mailer: Mailer, sender: str, now: datetime, skip: set[int]
) -> list[SentEmail | Blocked]:
    """Send the pending e-mails of done actions, outside `skip` (this run's actions)."""
    waiting = [r for r in outbox.pending() if action_of(r.action_id) not in skip]
    if not waiting:
        return []
    with store.begin() as conn:
        ids = [action_of(r.action_id) for r in waiting]
        done = {q.id: q for q in drepo.load_queue(conn, (ActionStatus.DONE,), ids=ids)}
    results: list[SentEmail | Blocked] = []
    for record in waiting:
        item = done.get(action_of(record.action_id))
        if item is None:
            continue  # cancelled or skipped since it was written: not sent
        ref = item.action.customer_ref
        try:
            delivery = send_prepared(record, sender=sender, outbox=outbox, mailer=mailer, now=now)
        except (smtplib.SMTPException, OSError) as exc:
            results.append(_not_sent(item.id, ref, record, exc))
            continue
        results.append(
            SentEmail(item.id, ref, delivery.message_id, delivery.record.recipients, False)
        )
    return results


def _record(
    store: Store,
    delivered: Sequence[Delivered],
    as_of: date,
    actor: str,
    smtp: bool,
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Keep the evidence, log the events, record formal notices, mark actions done."""
    finished: list[int] = []
    calls: list[int] = []
    for each, rendered, record in delivered:
        item = each.item
        letter = each.result.letter
        assert letter is not None
        kept = {
            channel: _evidence(item, channel, communication, record)
            for channel, communication in rendered.items()
            if communication.pdf is not None
        }
        with store.begin() as conn:
            for channel, evidence in kept.items():
                rl.record_evidence(conn, evidence)
                if (
                    channel is Channel.REGISTERED_LETTER
                    and rl.load_registered(conn, item.id) is None
                ):
                    rl.save_registered(
                        conn, item.id, ManualRegisteredMail().submit(str(item.id), evidence.pdf)
                    )
            first_time = not rl.sent_event_exists(conn, item.id)
            if item.details.get("formal_notice") and first_time:
                for row in letter.rows:  # one notice per invoice the letter demands
                    contracts.record_formal_notice(
                        conn,
                        item.action.customer_ref,
                        as_of,
                        invoice_number=row.number,
                        note=f"formal notice, letter {letter.reference}",
                        actor=actor,
                    )
            if first_time:
                repo.append_event(
                    conn,
                    rl.SENT_EVENT,
                    actor=actor,
                    customer_ref=item.action.customer_ref,
                    subject=f"action {item.id}",
                    data={
                        "id": item.id,
                        "reference": letter.reference,
                        "rf": letter.rf_reference,
                        "channels": sorted(c.value for c in rendered),
                        "sha256": {c.value: e.sha256 for c, e in kept.items()},
                        "smtp": smtp,
                        "invoices": [row.number for row in letter.rows],
                        "total_due": str(letter.total_due.amount),
                        "currency": letter.currency,
                    },
                    reason=f"level {item.action.level} ({item.action.level_name})",
                )
        if Channel.CALL in item.action.channels:
            # The call is the user's to make: the action is done once it is made.
            calls.append(item.id)
            continue
        dunning.mark_done(store, item.id, as_of, note="sent by relance", actor=actor)
        finished.append(item.id)
    return tuple(finished), tuple(calls)


def _evidence(
    item: QueuedAction,
    channel: Channel,
    communication: RenderedCommunication,
    record: OutboxRecord | None,
) -> rl.Evidence:
    """The evidence of one channel's letter. For an e-mail, the PDF attached to the message
    stored in the outbox: what the debtor received, even when this run rendered the
    letter again on a later day after an interruption."""
    letter, pdf = communication.letter, communication.pdf
    assert pdf is not None
    name, data, pages, dated = communication.pdf_name, pdf.pdf, pdf.pages, letter.dated
    attached = attached_pdf(record.message) if record is not None else None
    if channel is Channel.EMAIL and attached is not None and attached[1] != pdf.pdf:
        name, data = attached
        pages = len(PdfReader(BytesIO(data)).pages)
        # The letter's date is the day the message was prepared (its Date header).
        stored = BytesParser(policy=default).parsebytes(record.message if record else b"")
        dated = parsedate_to_datetime(str(stored["Date"])).date()
    return rl.Evidence(
        item.id,
        channel.value,
        item.action.customer_ref,
        item.action.level,
        communication.template_key,
        letter.reference,
        letter.rf_reference,
        dated,
        name,
        pages,
        data,
        hashlib.sha256(data).hexdigest(),
    )


# -- one action, the templates, registered mail ----------------------------------------------


@dataclass(frozen=True, slots=True)
class Preview:
    """The files a preview wrote and the problems that would block sending."""

    action_id: int
    files: tuple[Path, ...]
    problems: tuple[str, ...]


def preview(
    store: Store,
    action_id: int,
    out_dir: Path,
    as_of: date,
    *,
    templates: TemplateStore | None = None,
) -> Preview:
    """Render one queued action as of `as_of` into `out_dir` without sending anything."""
    with store.begin() as conn:
        found = drepo.load_queue(conn, ids=[action_id])
        if not found:
            raise LookupError(f"no action {action_id} in the queue")
        composed = compose_action(conn, found[0], as_of)
    rendered, problems = render_action(composed, templates or TemplateStore())
    files: list[Path] = []
    for communication in rendered.values():
        for path in write_preview(communication, out_dir):
            if path not in files:
                files.append(path)
    return Preview(action_id, tuple(files), problems)


def template_check(
    keys: Sequence[str] = (),
    *,
    folder: Path | None = None,
    languages: Sequence[str] = ("fr", "en"),
) -> list[tuple[str, str, tuple[str, ...]]]:
    """(key, language, problems) for each template `key` (default: every shipped key and
    its e-mail copy), rendered for the specimen letter with `folder` overriding."""
    chosen = list(keys) or [
        k for base in DEFAULT_KEYS for k in (base, f"{base}_email") if "informal" not in k
    ] + [k for k in DEFAULT_KEYS if "informal" in k]
    store = TemplateStore(folder)
    results: list[tuple[str, str, tuple[str, ...]]] = []
    for key in chosen:
        for language in languages:
            if store.source_path(key, language) is None:
                results.append((key, language, (f"no template {language}/{key}",)))
                continue
            results.append((key, language, check_template(key, language, store)))
    return results


def registered(
    store: Store,
    action_id: int,
    *,
    tracking: str | None = None,
    posted: date | None = None,
    received: date | None = None,
    actor: str = "user",
) -> RegisteredRecord:
    """Record the posting (tracking number and date) or the acknowledgement of receipt of
    the registered letter of `action_id`; returns the record. ValueError when the events
    come out of order, LookupError when the action sent no registered letter."""
    if (tracking is None) != (posted is None):
        raise ValueError("give both --tracking and --posted")
    if posted is None and received is None:
        raise ValueError("give --tracking with --posted, or --received")
    with store.begin() as conn:
        record = rl.load_registered(conn, action_id)
        if record is None:
            raise LookupError(f"action {action_id} sent no registered letter")
        if tracking is not None and posted is not None:
            record = record_posting(record, tracking, posted)
        if received is not None:
            record = record_receipt(record, received)
        rl.save_registered(conn, action_id, record)
        found = drepo.load_queue(conn, ids=[action_id])
        repo.append_event(
            conn,
            "registered.received" if received is not None else "registered.posted",
            actor=actor,
            customer_ref=found[0].action.customer_ref if found else None,
            subject=f"action {action_id}",
            data={
                "id": action_id,
                "tracking": record.tracking_number,
                "posted_on": record.posted_on.isoformat() if record.posted_on else None,
                "received_on": record.received_on.isoformat() if record.received_on else None,
                "pdf_sha256": record.pdf_sha256,
            },
        )
    return record


def outbox_status(store: Store, action_id: int) -> list[tuple[str, OutboxStatus, str]]:
    """(channel, status, Message-ID) of each message of an action, for the user."""
    with store.begin() as conn:
        return [(r.channel, r.status, r.message_id) for r in rl.outbox_of_action(conn, action_id)]


def demo_instant(as_of: date) -> datetime:
    """The instant a demo run stamps its e-mails with: 9:00 UTC on `as_of`, so that the
    same date gives the same files."""
    return datetime.combine(as_of, time(9, 0), tzinfo=UTC)
