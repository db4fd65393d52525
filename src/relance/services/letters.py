"""Use cases of what the debtor receives, besides sending it (`relance.services.sending`):
the SMTP settings, a preview of one action, the templates' check, a registered letter's
posting and receipt, an action's outbox messages.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from relance.adapters.deliver.smtp import SmtpMailer, settings_from_env, settings_from_file
from relance.adapters.render.communication import check_template, write_preview
from relance.adapters.render.templates import DEFAULT_KEYS, TemplateStore
from relance.adapters.storage import repository as repo
from relance.adapters.storage import repository_letters as rl
from relance.adapters.storage import repository_queue as queue_repo
from relance.adapters.storage import repository_registered as registered_repo
from relance.adapters.storage.database import Store
from relance.core.outbox import OutboxStatus
from relance.core.registered_mail import RegisteredRecord, record_posting, record_receipt
from relance.services import contracts
from relance.services.previews import render_queued

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
    rendered, problems = render_queued(store, action_id, as_of, templates or TemplateStore())
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
            dated = [kept.dated for kept in rl.load_evidence(conn, action_id=action_id)]
            if dated and posted < min(dated):  # a letter cannot be posted before it is written
                raise ValueError(
                    f"action {action_id}: posted on {posted.isoformat()}, before the letter's "
                    f"date ({min(dated).isoformat()})"
                )
            record = record_posting(record, tracking, posted)
        if received is not None:
            record = record_receipt(record, received)
        rl.save_registered(conn, action_id, record)
        found = queue_repo.load_queue(conn, ids=[action_id])
        if received is not None and found:  # a consumer's interest runs from this day
            contracts.formal_notice_received(conn, found[0].action, found[0].step, received,
                                             actor)  # fmt: skip
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
            dated=received or posted,
        )
    return record


def awaiting_receipt(store: Store, limit: int = 200) -> list[tuple[RegisteredRecord, str, str]]:
    """The registered letters sent and not yet received, oldest first, each with its
    customer and its level: those whose posting or receipt is still to record."""
    with store.begin() as conn:
        return registered_repo.awaiting_receipt(conn, limit)


def outbox_status(store: Store, action_id: int) -> list[tuple[str, OutboxStatus, str]]:
    """(channel, status, Message-ID) of each message of an action, for the user."""
    with store.begin() as conn:
        return [(r.channel, r.status, r.message_id) for r in rl.outbox_of_action(conn, action_id)]


def demo_instant(as_of: date) -> datetime:
    """The instant a demo run stamps its e-mails with: 9:00 UTC on `as_of`, so that the
    same date gives the same files."""
    return datetime.combine(as_of, time(9, 0), tzinfo=UTC)
