"""Sending reminder e-mails through SMTP (plain, STARTTLS or SSL), at most once per action.

Settings come from the environment (``RELANCE_SMTP_HOST``, ``_PORT``, ``_SECURITY``,
``_USERNAME``, ``_PASSWORD``, ``_FROM``) or from a TOML file's ``[smtp]`` table; the
password is never logged nor shown by ``repr``. The message is built once, stored in the
outbox with its Message-ID and bytes (`prepare_email`), then sent (`send_prepared`); see
`relance.adapters.deliver.outbox` for what is guaranteed."""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
import tomllib
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from relance.adapters.deliver.mime import (
    Attachment,
    BuiltMessage,
    address_headers,
    message_bytes,
    new_message_id,
)
from relance.adapters.deliver.outbox import Outbox
from relance.adapters.deliver.smtp_conversation import (
    ServerDown,
    converse,
    unreachable,
    with_retries,
)
from relance.adapters.render.email_body import EmailBody
from relance.core.outbox import OutboxRecord, OutboxStatus

log = logging.getLogger(__name__)


class Security(StrEnum):
    """How the connection to the SMTP server is protected."""

    PLAIN = "plain"
    STARTTLS = "starttls"
    SSL = "ssl"


_DEFAULT_PORTS = {Security.PLAIN: 25, Security.STARTTLS: 587, Security.SSL: 465}


class UnencryptedPasswordWarning(UserWarning):
    """The SMTP password would cross the network in clear (security `plain` with a password)."""


def parse_security(text: str, source: str) -> Security:
    """The security mode named by `text`; ValueError names `source` and the valid values."""
    try:
        return Security(text.strip().lower())
    except ValueError:
        valid = ", ".join(mode.value for mode in Security)
        raise ValueError(f"{source}: {text!r} is not a security mode (use {valid})") from None


def _warned(settings: SmtpSettings, source: str) -> SmtpSettings:
    # A plain connection is fine for a relay on the same machine, but a password sent over
    # it can be read by anyone on the way: said once, every time the settings are read.
    if settings.security is Security.PLAIN and settings.password:
        warnings.warn(
            UnencryptedPasswordWarning(
                f"{source}: security is plain, so the SMTP password travels unencrypted to "
                f"{settings.host}; use starttls or ssl"
            ),
            stacklevel=3,
        )
    return settings


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
    # A server that does not answer, or answers "not now" (4xx), is tried again this many
    # times, after `retry_delay` seconds, then twice as long each time.
    retries: int = 3
    retry_delay: float = 2.0
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)

    @property
    def effective_port(self) -> int:
        """The port, or the usual one for the security mode."""
        return self.port or _DEFAULT_PORTS[self.security]


def settings_from_env(env: Mapping[str, str]) -> SmtpSettings:
    """SMTP settings from ``RELANCE_SMTP_*`` variables (KeyError names a missing one)."""
    settings = SmtpSettings(
        host=env["RELANCE_SMTP_HOST"],
        from_address=env["RELANCE_SMTP_FROM"],
        port=int(env.get("RELANCE_SMTP_PORT", "0")),
        security=parse_security(
            env.get("RELANCE_SMTP_SECURITY", "starttls"), "RELANCE_SMTP_SECURITY"
        ),
        username=env.get("RELANCE_SMTP_USERNAME", ""),
        password=env.get("RELANCE_SMTP_PASSWORD", ""),
        retries=int(env.get("RELANCE_SMTP_RETRIES", "3")),
        retry_delay=float(env.get("RELANCE_SMTP_RETRY_DELAY", "2")),
    )
    return _warned(settings, "RELANCE_SMTP_SECURITY")


def settings_from_file(path: Path, env: Mapping[str, str] | None = None) -> SmtpSettings:
    """SMTP settings from the ``[smtp]`` table of a TOML file.

    The password may be left out of the file and given in ``RELANCE_SMTP_PASSWORD``.
    ValueError names the file when it has no ``[smtp]`` table.
    """
    table = tomllib.loads(path.read_text(encoding="utf-8")).get("smtp")
    if not isinstance(table, dict):
        raise ValueError(f"{path}: no [smtp] table (host, from, port, security, username)")
    password = str(table.get("password", "")) or (env or {}).get("RELANCE_SMTP_PASSWORD", "")
    settings = SmtpSettings(
        host=str(table["host"]),
        from_address=str(table["from"]),
        port=int(table.get("port", 0)),
        security=parse_security(str(table.get("security", "starttls")), f"{path}: security"),
        username=str(table.get("username", "")),
        password=password,
        retries=int(table.get("retries", 3)),
        retry_delay=float(table.get("retry_delay", 2)),
    )
    return _warned(settings, f"{path}: security")


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
) -> BuiltMessage:
    """A MIME message: plain text with an HTML alternative, then the attachments; under
    `message_id`, or a new one in the sender's domain."""
    message_id = message_id or new_message_id(sender)
    headers = address_headers(
        sender=sender, sender_name=sender_name, recipients=recipients, sent_at=sent_at,
        message_id=message_id, reply_to=reply_to,
    )  # fmt: skip
    data = message_bytes(
        body.subject, body.text, body.html, headers=headers, attachments=attachments
    )
    return BuiltMessage(message_id, data)


class Mailer(Protocol):
    """Something that hands raw message bytes to a mail server."""

    def send(self, sender: str, recipients: Sequence[str], message: bytes) -> str:
        """Send, returning the server's reply; raise on failure."""
        ...


class SmtpMailer:
    """A `Mailer` speaking SMTP with the given settings; one connection per call.

    A server that cannot be reached after the retries is not tried again by this mailer:
    the later messages of the run fail at once with `ServerDown` (they wait for the next
    run) instead of each waiting through the retries."""

    def __init__(self, settings: SmtpSettings, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self._sleep = sleep
        self._down = ""
        self._context: ssl.SSLContext | None = settings.ssl_context

    def _tls(self) -> ssl.SSLContext:
        # Loading the system's certificates takes a fifth of a second: once per mailer,
        # and never for a plain connection.
        if self._context is None:
            self._context = ssl.create_default_context()
        return self._context

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.security is Security.SSL:
            return smtplib.SMTP_SSL(
                s.host, s.effective_port, timeout=s.timeout, context=self._tls()
            )
        client = smtplib.SMTP(s.host, s.effective_port, timeout=s.timeout)
        if s.security is Security.STARTTLS:
            client.starttls(context=self._tls())
        return client

    def send(self, sender: str, recipients: Sequence[str], message: bytes) -> str:
        """Send `message` as is (bytes); see `hand_over`."""
        return self.hand_over(sender, recipients, message)

    def hand_over(
        self,
        sender: str,
        recipients: Sequence[str],
        message: bytes,
        on_handover: Callable[[], None] | None = None,
    ) -> str:
        """Send `message` as is (bytes) and return the server's reply to the data, followed
        by the recipients it refused when it accepted the others. `on_handover` is called
        just before the dot that ends the data, the instant the server may accept it.

        Raises `smtplib.SMTPException` (or `OSError`) when nothing was accepted, after the
        retries the settings allow; `HandoverUncertain` when the line was lost after the
        hand-over. Nothing raised after the server accepted the data: its acceptance is
        what counts.
        """
        if self._down:
            raise ServerDown(self._down)
        s = self.settings
        try:
            return with_retries(
                lambda: self._once(sender, recipients, message, on_handover),
                s.retries,
                s.retry_delay,
                self._sleep,
            )
        except (smtplib.SMTPException, OSError) as exc:
            if unreachable(exc):
                self._down = (
                    f"{s.host}:{s.effective_port} did not answer after {s.retries + 1} "
                    f"tries ({describe_failure(exc)}); not tried again in this run"
                )
                raise ServerDown(self._down) from exc
            raise

    def _once(
        self,
        sender: str,
        recipients: Sequence[str],
        message: bytes,
        on_handover: Callable[[], None] | None,
    ) -> str:
        s = self.settings
        # The host and user may be logged; the password never is.
        log.info("SMTP %s:%s (%s) as %r", s.host, s.effective_port, s.security, s.username)
        client = self._connect()
        try:
            if s.username:
                client.login(s.username, s.password)
            client.ehlo_or_helo_if_needed()
            code, text, refused = converse(client, sender, recipients, message, on_handover)
        finally:
            _hang_up(client)
        reply = f"{code} {text.decode(errors='replace')}"
        if refused:
            reply += "; refused: " + ", ".join(
                f"{address} ({c} {t.decode(errors='replace')})"
                for address, (c, t) in refused.items()
            )
        return reply


def _hang_up(client: smtplib.SMTP) -> None:
    """QUIT politely; a server that drops the line at this point has already answered."""
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def describe_failure(exc: BaseException) -> str:
    """The server's reply (or the network error) behind a failed send, for the user."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused: dict[str, tuple[int, bytes]] = exc.recipients
        return "refused " + ", ".join(
            f"{address} ({code} {text.decode(errors='replace')})"
            for address, (code, text) in refused.items()
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error
        shown = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        return f"{exc.smtp_code} {shown}"
    return f"{type(exc).__name__}: {exc}"


@dataclass(frozen=True, slots=True)
class EmailDelivery:
    """What happened to one action's e-mail: sent now, or found already sent."""

    action_id: str
    message_id: str
    already_sent: bool
    record: OutboxRecord


def prepare_email(
    *,
    action_id: str,
    body: EmailBody,
    sender: str,
    sender_name: str,
    recipients: Sequence[str],
    now: datetime,
    outbox: Outbox,
    attachments: Sequence[Attachment] = (),
    reply_to: str = "",
) -> OutboxRecord:
    """The outbox record of `action_id`'s e-mail, stored as pending before anything is sent.

    A record already stored is kept as it is (the same bytes are sent, or were), unless it
    is still pending and the recipients changed since (an address was corrected): then the
    message is built again for the new recipients, with the same Message-ID.
    """
    record = outbox.get(action_id)
    if record is not None and (
        record.status is not OutboxStatus.PENDING or record.recipients == tuple(recipients)
    ):
        return record
    message = build_message(
        body,
        sender=sender,
        sender_name=sender_name,
        recipients=recipients,
        sent_at=now,
        attachments=attachments,
        reply_to=reply_to,
        message_id=record.message_id if record is not None else None,
    )
    record = OutboxRecord(
        action_id=action_id,
        channel="email",
        message_id=message.message_id,
        recipients=tuple(recipients),
        message=message.data,
    )
    outbox.put_pending(record)
    return record


def send_prepared(
    record: OutboxRecord, *, sender: str, outbox: Outbox, mailer: Mailer, now: datetime
) -> EmailDelivery:
    """Send a prepared record unless it was sent already; mark it sent once the server
    accepted it for at least one recipient. Whatever `mailer` raises is raised."""
    if record.status is OutboxStatus.SENT:
        return EmailDelivery(record.action_id, record.message_id, True, record)
    reply = mailer.send(sender, record.recipients, record.message)
    outbox.mark_sent(record.action_id, now, reply)
    sent = outbox.get(record.action_id)
    assert sent is not None  # just stored
    return EmailDelivery(record.action_id, record.message_id, False, sent)
