"""The daily process: run the day, the queue (approve, cancel, done), an action's documents,
sending the approved ones."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from relance.core.contacts import CallOutcome
from relance.core.engine import ActionStatus
from relance.interfaces.api import schemas as s
from relance.interfaces.api.auth import Manager, Viewer, store_of
from relance.interfaces.api.pagination import Cursor, Limit, page
from relance.interfaces.api.problems import RESPONSES, ApiProblem
from relance.services import daily_run, dunning, ledger_pages, letters, previews, sending

router = APIRouter(responses=RESPONSES)
ActionId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The action's id.")]


class ActionOut(BaseModel):
    """An action of the queue: one step for one customer."""

    id: int
    customer: str
    status: str
    policy: str
    level: int
    level_name: str
    channels: list[str]
    invoices: list[str]
    proposed_on: date
    done_on: date | None
    balances: list[s.MoneyOut]
    days_overdue: int
    why: str
    outcome: str
    cancel_reason: str | None


def action_out(item: dunning.QueuedAction) -> ActionOut:
    """A queued action as the API writes it."""
    action = item.action
    return ActionOut(
        id=item.id, customer=action.customer_ref, status=action.status.value,
        policy=action.policy, level=action.level, level_name=action.level_name,
        channels=[c.value for c in action.channels], invoices=list(action.invoice_numbers),
        proposed_on=action.proposed_on, done_on=action.done_on,
        balances=[s.money(b) for b in item.step.balances], days_overdue=item.step.days_overdue,
        why=item.step.why, outcome=item.outcome, cancel_reason=item.cancel_reason,
    )  # fmt: skip


@router.get("/queue", tags=["queue"])
def list_queue(
    request: Request,
    user: Viewer,
    all: Annotated[bool, Query(description="Every action, done and cancelled too.")] = False,
    status: Annotated[ActionStatus | None, Query(description="Only this status.")] = None,
    customer: Annotated[str | None, Query(description="Only this customer's.")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> s.Page[ActionOut]:
    """The actions waiting to be approved or carried out (every action with `all`), by id."""
    found = dunning.queue(store_of(request), everything=all or status is not None)
    found = [
        item for item in sorted(found, key=lambda i: i.id)
        if (status is None or item.action.status is status)
        and (customer is None or item.action.customer_ref == customer)
    ]  # fmt: skip
    chosen, following = page(found, lambda i: [i.id], cursor, limit)
    return s.Page(items=[action_out(i) for i in chosen], next_cursor=following)


def _action(request: Request, action_id: int) -> dunning.QueuedAction:
    found = ledger_pages.queued_action(store_of(request), action_id)
    if found is None:
        raise ApiProblem(404, f"no action {action_id} in the queue", "action_id")
    return found


@router.get("/actions/{action_id}", tags=["queue"])
def get_action(request: Request, user: Viewer, action_id: ActionId) -> ActionOut:
    """One action."""
    return action_out(_action(request, action_id))


class Approval(s.Strict):
    """The proposed actions to approve: by id, or every one."""

    ids: Annotated[list[s.Id], Field(max_length=10000, default_factory=list)]
    every: bool = False


class Approved(BaseModel):
    """The actions approved."""

    approved: list[int]


@router.post("/queue/approve", tags=["queue"])
def approve(request: Request, user: Manager, body: Approval) -> Approved:
    """Approve proposed actions (all of them, or none when one cannot be)."""
    if not body.ids and not body.every:
        raise ApiProblem(422, "name the actions to approve, or set every", "ids")
    done = dunning.approve(store_of(request), body.ids, every=body.every, actor=user.email)
    return Approved(approved=done)


@router.post("/actions/{action_id}/approve", tags=["queue"])
def approve_one(request: Request, user: Manager, action_id: ActionId) -> ActionOut:
    """Approve one proposed action."""
    dunning.approve(store_of(request), [action_id], actor=user.email)
    return action_out(_action(request, action_id))


class Cancelling(s.Strict):
    """Why an action is cancelled."""

    reason: s.Text = ""


@router.post("/actions/{action_id}/cancel", tags=["queue"])
def cancel(request: Request, user: Manager, action_id: ActionId, body: Cancelling) -> ActionOut:
    """Cancel a pending action."""
    dunning.cancel(store_of(request), action_id, reason=body.reason, actor=user.email)
    return action_out(_action(request, action_id))


class Done(s.Strict):
    """An approved action carried out by hand: when, and what came of a call."""

    on: date | None = None
    outcome: CallOutcome | None = None
    note: s.Text = ""


@router.post("/actions/{action_id}/done", tags=["queue"])
def done(request: Request, user: Manager, action_id: ActionId, body: Done) -> ActionOut:
    """Record an approved action as carried out by hand (a call made, a letter posted)."""
    on = body.on or request.app.state.today()
    item = dunning.mark_done(
        store_of(request), action_id, on, outcome=body.outcome, note=body.note, actor=user.email
    )
    return action_out(item)


PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "The letter's PDF."}
}


@router.get("/actions/{action_id}/letter.pdf", tags=["queue"], responses=PDF)
def letter_pdf(
    request: Request, user: Viewer, action_id: ActionId, as_of: date | None = None
) -> Response:
    """The action's letter (or its e-mail's PDF copy) as it would be sent on a day."""
    preview = previews.render_preview(
        store_of(request), action_id, as_of or request.app.state.today(),
        request.app.state.templates_dir,
    )  # fmt: skip
    if preview.pdf is None:
        raise ApiProblem(404, f"action {action_id} sends no PDF", "action_id")
    disposition = f'inline; filename="{preview.pdf_name or f"action-{action_id}.pdf"}"'
    return Response(
        preview.pdf, media_type="application/pdf", headers={"content-disposition": disposition}
    )


class EmailOut(BaseModel):
    """The e-mail an action would send, and what would stop it."""

    action_id: int
    subject: str
    text: str
    html: str
    problems: list[str]


@router.get("/actions/{action_id}/email", tags=["queue"])
def email(
    request: Request, user: Viewer, action_id: ActionId, as_of: date | None = None
) -> EmailOut:
    """The action's e-mail as it would be sent on a day (empty when it sends none)."""
    preview = previews.render_preview(
        store_of(request), action_id, as_of or request.app.state.today(),
        request.app.state.templates_dir,
    )  # fmt: skip
    return EmailOut(
        action_id=action_id, subject=preview.email_subject, text=preview.email_text,
        html=preview.email_html, problems=list(preview.problems),
    )  # fmt: skip


class RunIn(s.Strict):
    """The day to decide for (the server's today), and whether to write nothing."""

    as_of: date | None = None
    dry_run: bool = False


class RunOut(BaseModel):
    """What a run did."""

    as_of: date
    dry_run: bool
    proposed: list[ActionOut]
    cancelled: list[int]
    flags: list[dict[str, Any]]


@router.post("/runs", tags=["queue"])
def run(request: Request, user: Manager, body: RunIn) -> RunOut:
    """Run the day: decide each customer's next step and queue it."""
    as_of = body.as_of or request.app.state.today()
    report = daily_run.run_dunning(store_of(request), as_of, actor=user.email, dry_run=body.dry_run)
    flags = [
        dict(
            kind=f.kind.value, customer=f.customer_ref, message=f.message, invoice=f.invoice_number
        )
        for f in report.flags
    ]
    return RunOut(
        as_of=report.as_of, dry_run=report.dry_run,
        proposed=[action_out(i) for i in report.proposed],
        cancelled=[action_id for action_id, _ in report.cancelled], flags=flags,
    )  # fmt: skip


class SendIn(s.Strict):
    """The day of sending (the server's today); e-mails as files rather than through SMTP."""

    as_of: date | None = None
    to_files: bool = False


class SendOut(BaseModel):
    """What a send did: e-mails delivered or waiting, letters printed, actions blocked."""

    as_of: date
    mode: str
    emails: list[int]
    waiting: list[int]
    letters: int
    blocked: list[dict[str, Any]]
    cancelled: list[dict[str, Any]]
    done: list[int]


@router.post("/sends", tags=["queue"])
def send(request: Request, user: Manager, body: SendIn) -> SendOut:
    """Deliver every approved action, checked again against the ledger of the day: e-mails
    through the server's SMTP settings (or as files), letters to a new print batch in the
    server's letters folder."""
    config = request.app.state.smtp_config
    mailer, sender = (None, "") if body.to_files else letters.smtp_mailer(config=config)
    as_of = body.as_of or request.app.state.today()
    templates = sending.user_templates(request.app.state.templates_dir)
    report = sending.send_approved(
        store_of(request), as_of, request.app.state.letters, mailer, to_files=body.to_files,
        sender=sender, actor=user.email, templates=templates,
    )  # fmt: skip
    return SendOut(
        as_of=report.as_of, mode=report.mode.value, emails=[e.action_id for e in report.emails],
        waiting=list(report.waiting), letters=report.letters,
        blocked=[dict(action=b.action_id, customer=b.customer_ref, problems=list(b.problems))
                 for b in report.blocked],
        cancelled=[dict(action=c.action_id, customer=c.customer_ref, reason=c.reason)
                   for c in report.cancelled],
        done=list(report.done),
    )  # fmt: skip
