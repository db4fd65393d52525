"""One SMTP conversation, cut at the instant a message is handed over, and the bounded
retries around it.

The server accepts a message when it reads the dot that ends the DATA section. So the
conversation sends the envelope and the whole message but that dot, tells the caller
(`on_handover`, which records the message as *handing over*), and only then sends the dot
and reads the reply. A process killed before the dot never delivered the message, and
says so by the status it left (*pending*); one killed after it may have: only that
instant, between the dot and the recording of the reply, is unknown (docs/sending.md).

Failures that say "not now" (no connection, the line dropped before the hand-over, a 4xx
reply) are tried again after a delay that doubles each time, a bounded number of times;
a refusal (5xx) is not. A line lost after the hand-over is never retried here: it raises
`HandoverUncertain`, for the user to settle.
"""

from __future__ import annotations

import logging
import re
import smtplib
from collections.abc import Callable, Sequence

log = logging.getLogger(__name__)

CRLF = b"\r\n"


class HandoverUncertain(smtplib.SMTPException):
    """The line was lost after the message was handed over, before the server's reply:
    whether the server accepted it is not known."""


class ServerDown(smtplib.SMTPException):
    """The server could not be reached after every retry; not tried again in this run."""


def converse(
    client: smtplib.SMTP,
    sender: str,
    recipients: Sequence[str],
    message: bytes,
    on_handover: Callable[[], None] | None = None,
) -> tuple[int, bytes, dict[str, tuple[int, bytes]]]:
    """MAIL, RCPT, DATA on an open connection: the reply to the data and the recipients
    the server refused while accepting others. Raises as `smtplib.SMTP.sendmail` would,
    or `HandoverUncertain` when the line drops after `on_handover` was called."""
    code, text = client.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, text, sender)
    refused: dict[str, tuple[int, bytes]] = {}
    for recipient in recipients:
        code, text = client.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = (code, text)
    if len(refused) == len(recipients):
        raise smtplib.SMTPRecipientsRefused(refused)
    code, text = client.docmd("DATA")
    if code != 354:
        raise smtplib.SMTPDataError(code, text)
    body = re.sub(rb"(?m)^\.", b"..", message)  # dot-stuffing, as smtplib does
    client.send(body if body.endswith(CRLF) else body + CRLF)
    if on_handover is not None:
        on_handover()
    try:
        client.send(b"." + CRLF)
        code, text = client.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        lost = f"the line was lost after the message was handed over: {exc}"
        raise HandoverUncertain(lost) from exc
    if code != 250:
        raise smtplib.SMTPDataError(code, text)
    return code, text, refused


def transient(exc: BaseException) -> bool:
    """True for a failure worth trying again later: no connection, a line lost before the
    hand-over, a temporary (4xx) reply."""
    if isinstance(exc, HandoverUncertain | ServerDown):
        return False
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused: dict[str, tuple[int, bytes]] = exc.recipients
        return all(400 <= code < 500 for code, _ in refused.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, smtplib.SMTPServerDisconnected) or _network(exc)


def _network(exc: BaseException) -> bool:
    # smtplib's own errors are OSErrors too: only the others are the network's
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def unreachable(exc: BaseException) -> bool:
    """True when the server itself could not be talked to (rather than refusing one
    message): later messages of the run would fail the same way."""
    if isinstance(exc, HandoverUncertain | ServerDown):
        return False
    return isinstance(exc, smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected) or _network(
        exc
    )


def with_retries(
    attempt: Callable[[], str], retries: int, delay: float, sleep: Callable[[float], None]
) -> str:
    """`attempt()`, tried again up to `retries` times on a transient failure, waiting
    `delay` seconds, then twice as long each time; the last failure is raised."""
    for tried in range(retries + 1):
        try:
            return attempt()
        except (smtplib.SMTPException, OSError) as exc:
            if tried == retries or not transient(exc):
                raise
            wait = delay * 2**tried
            log.warning("SMTP failed (%s), trying again in %.1f s", exc, wait)
            sleep(wait)
    raise AssertionError("unreachable: the loop returns or raises")
