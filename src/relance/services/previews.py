"""One queued action rendered in memory, as the workbench shows it before approval: the
letter's PDF, the e-mail's subject and bodies, and what would block sending.

The same composition and checks as `relance preview` (`relance.services.letters.preview`),
which writes files instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from relance.adapters.render.communication import RenderedCommunication
from relance.adapters.render.templates import TemplateStore
from relance.adapters.storage import repository_queue as queue_repo
from relance.adapters.storage.database import Store
from relance.core.policy import Channel
from relance.services.composing import compose_action, render_action
from relance.services.delivery_check import check_action


@dataclass(frozen=True, slots=True)
class RenderedPreview:
    """What the action would send as of a day, and why it would not leave (if so)."""

    action_id: int
    pdf: bytes | None  # the letter (or the e-mail's PDF copy)
    pdf_name: str
    email_subject: str
    email_text: str
    email_html: str
    problems: tuple[str, ...]


def render_queued(
    store: Store, action_id: int, as_of: date, templates: TemplateStore
) -> tuple[dict[Channel, RenderedCommunication], tuple[str, ...]]:
    """The queued action `action_id` composed, checked and rendered as of `as_of`: its
    communications and what would block sending them; LookupError when there is none."""
    with store.begin() as conn:
        found = queue_repo.load_queue(conn, ids=[action_id])
        if not found:
            raise LookupError(f"no action {action_id} in the queue")
        check = check_action(conn, found[0], as_of)
        composed = compose_action(conn, found[0], as_of, check.chased or None)
    rendered, problems = render_action(composed, templates)
    if check.stale is not None:
        problems = (f"would not leave: {check.stale.detail}", *problems)
    return rendered, problems


def render_preview(
    store: Store, action_id: int, as_of: date, templates_dir: Path | None = None
) -> RenderedPreview:
    """Render the queued action `action_id` as of `as_of`, worded by the user's templates
    in `templates_dir` where they have one (as it will be sent); LookupError when there is
    none."""
    rendered, problems = render_queued(store, action_id, as_of, TemplateStore(templates_dir))
    pdf, name, subject, text, html = None, "", "", "", ""
    for communication in rendered.values():
        if pdf is None and communication.pdf is not None:
            pdf, name = communication.pdf.pdf, communication.pdf_name
        if not subject and communication.email is not None:
            subject = communication.email.subject
            text, html = communication.email.text, communication.email.html
    return RenderedPreview(action_id, pdf, name, subject, text, html, problems)
