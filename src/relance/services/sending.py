"""Use case: deliver the approved actions, and the e-mails waiting in the outbox.

`send_approved` takes every approved action that sends a document (an e-mail, a letter,
a registered letter) and every action whose e-mail waits in the outbox. For each one:

1. it claims the action, so that two `relance send` at once never deliver it twice
   (`relance.services.claims`); an action another live sender holds is left to it;
2. it checks the action against the ledger as of the send date (still owed, not paused,
   not with an agency or in court, still the current step: `relance.core.staleness`);
   a stale one is cancelled with its reason and nothing of it leaves;
3. it composes the letter from the ledger as of that date (claiming only what is still
   owed, stating what was paid on account) and renders each channel; a letter failing
   the compliance check, or a customer whose e-mail address cannot be used, blocks that
   action only, named in the report;
4. it delivers the e-mail in the chosen mode (`EmailMode`): through SMTP, written as a
   file for the user's mail client, or left waiting in the outbox, visibly, when there
   is no server. Each e-mail handed to the server is stored first (pending), so that a
   run interrupted before the server's acceptance resends it under the same Message-ID;
   one interrupted in the instant the server may have accepted it (handing over) is
   named in the report, for the user to settle, and never sent again by itself.

Letters go to a new numbered print batch (`relance.services.print_batches`); they are
recorded as sent, with their evidence, only once the batch is on disk. An action is done
when everything it sends is delivered (a letter printed, or its e-mail sent or written).
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

from relance.adapters.deliver.smtp import Mailer, describe_failure
from relance.adapters.deliver.smtp_conversation import HandoverUncertain
from relance.adapters.render.communication import RenderedCommunication
from relance.adapters.render.templates import TemplateProblem, TemplateStore
from relance.adapters.storage import repository_letters as rl
from relance.adapters.storage import repository_queue as queue_repo
from relance.adapters.storage import repository_sending as rs
from relance.adapters.storage.database import Connection, Store
from relance.core.engine import ActionStatus
from relance.core.outbox import OPEN_STATUSES, OutboxRecord, OutboxStatus
from relance.core.policy import Channel
from relance.core.queued import QueuedAction
from relance.core.staleness import DeliveryCheck
from relance.services import claims, print_batches
from relance.services.composing import (
    DOCUMENT_CHANNELS,
    LETTER_CHANNELS,
    Composed,
    compose_action,
    render_action,
)
from relance.services.delivery_check import check_action
from relance.services.email_delivery import EmailDelivery, deliver_email, unsettled_reason
from relance.services.outbox import cancel_action_messages
from relance.services.send_facts import SendFacts, read_facts
from relance.services.send_records import (
    Blocked,
    Cancelled,
    EmailMode,
    SendReport,
    SendRun,
    SentEmail,
    complete_printed,
    finish_action,
    record_delivery,
)

__all__ = ["Blocked", "EmailMode", "SendReport", "SentEmail", "send_approved"]

# What stops one action without stopping the others: a refused or malformed message, a
# file that cannot be written, a template that cannot be rendered.
_ONE_ACTION_FAILURES = (ValueError, LookupError, OSError, smtplib.SMTPException, TemplateProblem)
# The messages whose action a send looks at even once the action is done: those that may
# still leave, and those an interrupted send left for the user to settle.
_UNSETTLED = (*OPEN_STATUSES, OutboxStatus.HANDING_OVER)
# How many actions are claimed, checked and composed from one read of the ledger, their
# facts read together (one query per kind of fact) after their claim. The last of a
# chunk leaves at most this many deliveries (a few tens of ms each) after its check.
CHUNK = 20


def user_templates(folder: Path | None) -> TemplateStore:
    """What letters and e-mails are worded by: the user's templates in `folder` (saved by
    `relance template` or the Settings page) where they have one, else the shipped ones."""
    return TemplateStore(folder)


def send_approved(
    store: Store,
    as_of: date,
    out_dir: Path,
    mailer: Mailer | None = None,
    *,
    to_files: bool = False,
    sender: str = "",
    templates: TemplateStore | None = None,
    now: datetime | None = None,
    actor: str = "relance",
    progress: Callable[[int, int], None] | None = None,
    only: Collection[int] | None = None,
    on_action: Callable[[int, int], None] | None = None,
) -> SendReport:
    """Deliver every approved document action and every waiting e-mail, as of `as_of`.

    E-mails go through `mailer` from `sender` (default: the creditor's address); with
    `to_files` they are written as ``.eml`` files in ``out_dir/emails`` for the user's
    mail client instead (and count as delivered); with neither they wait in the outbox.
    Letters go to a new print batch in `out_dir`. `now` is the instant written in the
    e-mails' Date header (default: the clock). With `only`, just those actions (a slice
    of the queue, as a job on a worker takes it: `relance.services.jobs`). `progress` is
    told the letters written to the print batch, `on_action` the actions taken so far (both
    as done, total).
    """
    mode = EmailMode.FILES if to_files else EmailMode.SMTP if mailer else EmailMode.WAIT
    run = SendRun(
        store=store,
        as_of=as_of,
        out_dir=out_dir,
        mode=mode,
        mailer=None if to_files else mailer,
        sender=sender,
        templates=templates or TemplateStore(),
        now=now or datetime.now(UTC),
        actor=actor,
        owner=claims.new_owner(),
    )
    try:
        candidates = _candidates(store, only)
        taken = 0
        for chunk in _chunks(candidates):
            for _ in _take(run, chunk):
                taken += 1
                if on_action is not None:
                    on_action(taken, len(candidates))
        _print(run, progress)
    finally:  # the letters printed, or an interruption: every claim left given back at once
        claims.release_all(store, sorted(run.held), run.owner)
    return run.report()


def pending_ids(store: Store) -> list[int]:
    """The actions a send would deliver now (approved, or with an e-mail not yet settled),
    by id: what send jobs share out."""
    return [item.id for item in _candidates(store)]


def _candidates(store: Store, only: Collection[int] | None = None) -> list[QueuedAction]:
    """Approved actions that send a document, and the actions of waiting e-mails (of
    `only`, when given)."""
    with store.begin() as conn:
        approved = [
            item
            for item in queue_repo.load_queue(conn, (ActionStatus.APPROVED,), ids=only)
            if any(c in DOCUMENT_CHANNELS for c in item.action.channels)
        ]
        known = {item.id for item in approved}
        unsettled = rl.outbox_entries(conn, _UNSETTLED, None if only is None else list(only))
        waiting = sorted({e.action_id for e in unsettled} - known)
        return approved + queue_repo.load_queue(conn, ids=waiting)


def _chunks(candidates: list[QueuedAction]) -> Iterator[list[QueuedAction]]:
    """The candidates in order, in runs of at most `CHUNK` with a customer at most once
    in each: an action's facts are read once what an earlier action of its customer
    changed (its e-mail sent, its evidence kept) is committed."""
    chunk: list[QueuedAction] = []
    refs: set[str] = set()
    for item in candidates:
        if len(chunk) == CHUNK or item.action.customer_ref in refs:
            yield chunk
            chunk, refs = [], set()
        chunk.append(item)
        refs.add(item.action.customer_ref)
    if chunk:
        yield chunk


def _take(run: SendRun, chunk: list[QueuedAction]) -> Iterator[QueuedAction]:
    """Claim a chunk of actions, check and compose those claimed from one read of the
    ledger, then deliver what each sends or say why not; yields each action taken."""
    holders = claims.claim_all(run.store, [item.id for item in chunk], run.owner)
    mine = []
    for item in chunk:
        if holders[item.id] is not None:
            run.left_to_others.append(item.id)
        else:
            run.held.add(item.id)
            mine.append(item)
    try:
        for item, prepared in _prepare(run, mine):
            if prepared is not None:
                _attempt(run, item, partial(_deliver_action, run, prepared))
            yield item
    finally:
        done = [item.id for item in mine if item.id not in run.printing]
        claims.release_all(run.store, done, run.owner)
        run.held.difference_update(done)


def _attempt(run: SendRun, item: QueuedAction, step: Callable[[], None]) -> None:
    """Run one action's `step`; a failure of that action alone blocks it, named."""
    try:
        step()
    except _ONE_ACTION_FAILURES as exc:
        reason = f"action {item.id} ({item.action.customer_ref}): {type(exc).__name__}: {exc}"
        run.blocked.append(Blocked(item.id, item.action.customer_ref, (reason,)))


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A claimed action as the ledger stands after its claim: checked, and composed
    unless stale."""

    fresh: QueuedAction
    gone: bool  # its e-mail already left
    printed: bool  # its letter already printed
    check: DeliveryCheck
    composed: Composed | None


def _prepare(
    run: SendRun, chunk: list[QueuedAction]
) -> list[tuple[QueuedAction, _Prepared | None]]:
    """Each claimed action of `chunk` checked and composed in one transaction, the facts
    of all read in one query per kind of fact; None for an action with nothing to do."""
    ids = [item.id for item in chunk]
    prepared: dict[int, _Prepared] = {}
    with run.store.begin() as conn:
        found = {fresh.id: fresh for fresh in queue_repo.load_queue(conn, ids=ids)}
        records: dict[int, list[OutboxRecord]] = {}
        for entry in rl.outbox_entries(conn, None, ids) if ids else ():
            records.setdefault(entry.action_id, []).append(entry.record)
        printed = rl.printed_actions(conn, ids) if ids else set()
        facts = read_facts(conn, list(found.values()), run.as_of)
        for item in chunk:
            known = (found.get(item.id), records.get(item.id, []), item.id in printed, facts)
            _attempt(run, item, partial(_check, run, conn, prepared, *known))
    return [(item, prepared.get(item.id)) for item in chunk]


def _check(
    run: SendRun,
    conn: Connection,
    prepared: dict[int, _Prepared],
    fresh: QueuedAction | None,
    records: list[OutboxRecord],
    printed: bool,
    facts: SendFacts,
) -> None:
    """One claimed action checked against the ledger and composed, into `prepared`; left
    out when another sender delivered or cancelled it meanwhile, or when its e-mail may
    have left."""
    waiting = [r for r in records if r.status in _UNSETTLED]
    if fresh is None or (fresh.action.status is not ActionStatus.APPROVED and not waiting):
        return  # delivered or cancelled by another sender meanwhile
    gone = any(r.status in rl.FINAL_STATUSES for r in records)
    unsettled = [r for r in records if r.status is OutboxStatus.HANDING_OVER]
    if unsettled:  # it may have left: nothing more until the user says
        reasons = tuple(f"action {fresh.id}: {unsettled_reason(r)}" for r in unsettled)
        run.blocked.append(Blocked(fresh.id, fresh.action.customer_ref, reasons))
        return
    # every customer and invoice of the chunk's actions was read with them
    check = check_action(conn, fresh, run.as_of, facts)
    composed = None if check.stale else compose_action(conn, fresh, run.as_of, check.chased, facts)
    prepared[fresh.id] = _Prepared(fresh, gone, printed, check, composed)


def _deliver_action(run: SendRun, prepared: _Prepared) -> None:
    """Render and deliver one checked action, or cancel it when stale."""
    fresh, check, composed = prepared.fresh, prepared.check, prepared.composed
    if check.stale is not None:
        _cancel_stale(run, fresh, check.stale.reason.value, check.stale.detail)
        return
    assert composed is not None
    rendered, problems = render_action(composed, run.templates)
    if problems:
        run.blocked.append(Blocked(fresh.id, fresh.action.customer_ref, problems))
        return
    email = rendered.get(Channel.EMAIL)
    delivered, delivery = (
        _email(run, composed, email) if email and not prepared.gone else (True, None)
    )
    if not delivered:
        return  # refused: nothing of the action goes, the next run tries again
    approved = fresh.action.status is ActionStatus.APPROVED
    if approved and not prepared.printed and any(c in LETTER_CHANNELS for c in rendered):
        run.to_print.append((composed, rendered, delivery))
        run.printing.add(fresh.id)
    elif approved:
        finish_action(run, composed, rendered, delivery)


def _email(
    run: SendRun, composed: Composed, email: RenderedCommunication
) -> tuple[bool, EmailDelivery | None]:
    """Deliver the action's e-mail in the run's mode: (False, None) when it was refused
    (the action is reported blocked), else (True, what became of it)."""
    item = composed.item
    if not composed.recipients:  # a letter goes (else rendering blocked the action)
        run.notes.append(f"action {item.id}: no e-mail address, the letter goes by post only")
        return True, None
    try:
        delivery = deliver_email(run, composed, email)
    except (smtplib.SMTPException, OSError) as exc:
        what = (
            str(exc)  # it may have left: the user settles it
            if isinstance(exc, HandoverUncertain)
            else f"e-mail to {', '.join(composed.recipients)} not sent: {describe_failure(exc)}"
        )
        ref = item.action.customer_ref
        run.blocked.append(Blocked(item.id, ref, (f"action {item.id} ({ref}): {what}",)))
        return False, None
    if delivery.waits:
        run.waiting.append(item.id)
    else:
        run.emails.append(delivery.sent)
        run.notes.extend(delivery.notes)
    return True, delivery


def _cancel_stale(run: SendRun, item: QueuedAction, code: str, detail: str) -> None:
    """Cancel a stale action's messages (and the action, if approved), saying why."""
    with rs.exclusive(run.store.engine) as conn:
        cancel_action_messages(conn, item, f"stale_{code}", detail, run.actor, run.as_of)
    run.cancelled.append(Cancelled(item.id, item.action.customer_ref, detail))


def _print(run: SendRun, progress: Callable[[int, int], None] | None) -> None:
    """Write this run's letters to a new print batch; once it is on disk, record the
    batch and every letter in it, and mark their actions done, in one transaction."""
    if not run.to_print:
        return
    letters = [
        r for _, rendered, _ in run.to_print for c, r in rendered.items() if c in LETTER_CHANNELS
    ]
    pdfs = {n: p for composed, _, _ in run.to_print for n, p in composed.invoice_pdfs.items()}

    def record(conn: Connection, number: int) -> None:
        for composed, rendered, delivery in run.to_print:
            record_delivery(conn, run, composed, rendered, delivery, number)
        # done with their batch: both recorded, or neither
        complete_printed(run, [composed.item for composed, _, _ in run.to_print], conn)

    run.batch = print_batches.write_batch(
        run.store, run.as_of, run.out_dir, letters, pdfs, record, progress
    )
