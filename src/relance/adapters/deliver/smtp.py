"""Sending reminder e-mails through SMTP (plain, STARTTLS or SSL), exactly once per action.

Settings come from the environment (``RELANCE_SMTP_HOST``, ``_PORT``, ``_SECURITY``,
``_USERNAME``, ``_PASSWORD``, ``_FROM``) or from a TOML file's ``[smtp]`` table; the
password is never logged nor shown by ``repr``. The message is built once, stored in the
outbox with its Message-ID and bytes, then sent; see `relance.adapters.deliver.outbox`.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from relance.adapters.deliver.outbox import Outbox, OutboxRecord, OutboxStatus
from relance.adapters.render.email_body import EmailBody

log = logging.getLogger(__name__)


class Security(StrEnum):
    """How the connection to the SMTP server is protected."""

    PLAIN = "plain"
    STARTTLS = "starttls"
    SSL = "ssl"


_DEFAULT_PORTS = {Security.PLAIN: 25, Security.STARTTLS: 587, Security.SSL: 465}


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where and how to send. `password` is hidden from `repr` so it never reaches a log."""

    host: str
    from_address: str
    port: int = 0
    security: Security = Security.STARTTLS
    username: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 30.0
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)

    @property
    def effective_port(self) -> int:
        """The port, or the usual one for the security mode."""
        return self.port or _DEFAULT_PORTS[self.security]


def settings_from_env(env: Mapping[str, str]) -> SmtpSettings:
    """SMTP settings from ``RELANCE_SMTP_*`` variables (KeyError names a missing one)."""
    return SmtpSettings(
        host=env["RELANCE_SMTP_HOST"],
        from_address=env["RELANCE_SMTP_FROM"],
        port=int(env.get("RELANCE_SMTP_PORT", "0")),
        security=Security(env.get("RELANCE_SMTP_SECURITY", "starttls").lower()),
        username=env.get("RELANCE_SMTP_USERNAME", ""),
        password=env.get("RELANCE_SMTP_PASSWORD", ""),
    )


def settings_from_file(path: Path, env: Mapping[str, str] | None = None) -> SmtpSettings:
    """SMTP settings from the ``[smtp]`` table of a TOML file.

    The password may be left out of the file and given in ``RELANCE_SMTP_PASSWORD``.
    ValueError names the file when it has no ``[smtp]`` table.
    """
    table = tomllib.loads(path.read_text(encoding="utf-8")).get("smtp")
    if not isinstance(table, dict):
        raise ValueError(f"{path}: no [smtp] table (host, from, port, security, username)")
    password = str(table.get("password", "")) or (env or {}).get("RELANCE_SMTP_PASSWORD", "")
    return SmtpSettings(
        host=str(table["host"]),
        from_address=str(table["from"]),
        port=int(table.get("port", 0)),
        security=Security(str(table.get("security", "starttls")).lower()),
        username=str(table.get("username", "")),
        password=password,
    )


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file attached to an e-mail (the letter's PDF)."""

    filename: str
    content: bytes
    maintype: str = "application"
    subtype: str = "pdf"


def build_message(
    body: EmailBody,
    *,
    sender: str,
    sender_name: str,
    recipients: Sequence[str],
    sent_at: datetime,
    attachments: Sequence[Attachment] = (),
    message_id: str | None = None,
    reply_to: str = "",
) -> EmailMessage:
    """A MIME message: plain text with an HTML alternative, then the attachments."""
    message = EmailMessage(policy=SMTP)
    message["From"] = f"{sender_name} <{sender}>" if sender_name else sender
    message["To"] = ", ".join(recipients)
    message["Subject"] = body.subject
    message["Date"] = format_datetime(sent_at)
    domain = sender.rpartition("@")[2] or None
    message["Message-ID"] = message_id or make_msgid(domain=domain)
    if reply_to:
        message["Reply-To"] = reply_to
    message.set_content(body.text)
    message.add_alternative(body.html, subtype="html")
    for attachment in attachments:
        message.add_attachment(
            attachment.content,
            maintype=attachment.maintype,
            subtype=attachment.subtype,
            filename=attachment.filename,
        )
    return message


class Mailer(Protocol):
    """Something that hands raw message bytes to a mail server."""

    def send(self, sender: str, recipients: Sequence[str], message: bytes) -> str:
        """Send, returning the server's reply; raise on failure."""
        ...


class SmtpMailer:
    """A `Mailer` speaking SMTP with the given settings; one connection per call."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = s.ssl_context or ssl.create_default_context()
        if s.security is Security.SSL:
            return smtplib.SMTP_SSL(s.host, s.effective_port, timeout=s.timeout, context=context)
        client = smtplib.SMTP(s.host, s.effective_port, timeout=s.timeout)
        if s.security is Security.STARTTLS:
            client.starttls(context=context)
        return client

    def send(self, sender: str, recipients: Sequence[str], message: bytes) -> str:
        """Send `message` as is (bytes), return the server's reply to the data."""
        s = self.settings
        # The host and user may be logged; the password never is.
        log.info("SMTP %s:%s (%s) as %r", s.host, s.effective_port, s.security, s.username)
        with self._connect() as client:
            if s.username:
                client.login(s.username, s.password)
            client.ehlo_or_helo_if_needed()
            refused = client.sendmail(sender, list(recipients), message)
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)
            code, reply = client.noop()
            return f"{code} {reply.decode(errors='replace')}"


@dataclass(frozen=True, slots=True)
class EmailDelivery:
    """What happened to one action's e-mail: sent now, or found already sent."""

    action_id: str
    message_id: str
    already_sent: bool
    record: OutboxRecord


def deliver_email(
    *,
    action_id: str,
    body: EmailBody,
    sender: str,
    sender_name: str,
    recipients: Sequence[str],
    now: datetime,
    outbox: Outbox,
    mailer: Mailer,
    attachments: Sequence[Attachment] = (),
    reply_to: str = "",
) -> EmailDelivery:
    """Send the e-mail of `action_id` once: skip it if sent, resend the stored bytes if pending.

    `now` is the sending time written in the Date header (the interface reads the clock).
    """
    record = outbox.get(action_id)
    if record is not None and record.status is OutboxStatus.SENT:
        return EmailDelivery(action_id, record.message_id, True, record)
    if record is None:
        message = build_message(
            body,
            sender=sender,
            sender_name=sender_name,
            recipients=recipients,
            sent_at=now,
            attachments=attachments,
            reply_to=reply_to,
        )
        record = OutboxRecord(
            action_id=action_id,
            channel="email",
            message_id=str(message["Message-ID"]),
            recipients=tuple(recipients),
            message=message.as_bytes(),
        )
        outbox.put_pending(record)
    reply = mailer.send(sender, record.recipients, record.message)
    outbox.mark_sent(action_id, now, reply)
    sent = outbox.get(action_id)
    assert sent is not None  # just stored
    return EmailDelivery(action_id, record.message_id, False, sent)
