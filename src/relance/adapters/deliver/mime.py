"""A reminder e-mail's bytes, written straight from a fixed MIME structure.

Every reminder has the same shape: a ``multipart/mixed`` holding a
``multipart/alternative`` (the plain text, then the HTML) and, for the e-mail copy of a
letter, the letter's PDF. Building it through `email.message.EmailMessage` and its
generator parsed and refolded every header and encoded the PDF line by line, a tenth of a
send's time; here each part is encoded once with the C codecs (`binascii`), and the
headers are written as they are when plain ASCII, encoded (RFC 2047) when not. The bytes
are a standard message with CRLF line ends, read back by any mail client or by
`email.message_from_bytes`.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.utils import encode_rfc2231, format_datetime, formataddr, make_msgid
from functools import lru_cache

CRLF = b"\r\n"
_MAX_LINE = 78  # a header line longer than this is folded (RFC 5322 section 2.1.1)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file attached to an e-mail (the letter's PDF)."""

    filename: str
    content: bytes
    maintype: str = "application"
    subtype: str = "pdf"


@dataclass(frozen=True, slots=True)
class BuiltMessage:
    """A message ready to store and send: its Message-ID and its bytes."""

    message_id: str
    data: bytes


def message_bytes(
    subject: str,
    text: str,
    html: str,
    *,
    headers: Sequence[tuple[str, str]],
    attachments: Sequence[Attachment] = (),
) -> bytes:
    """The message of `headers` (name, value; From, To, ...), `subject`, a plain `text`
    with its `html` alternative, then `attachments`."""
    mixed, alternative = _boundary(), _boundary()
    lines = [_header(name, value) for name, value in (*headers, ("Subject", subject))]
    lines += [
        b"MIME-Version: 1.0",
        b'Content-Type: multipart/mixed; boundary="' + mixed + b'"',
        b"",
        b"--" + mixed,
        b"Content-Type: multipart/alternative;",
        b' boundary="' + alternative + b'"',
        b"",
        b"--" + alternative,
        *_text_part("plain", text),
        b"--" + alternative,
        *_text_part("html", html),
        b"--" + alternative + b"--",
        b"",
    ]
    for attachment in attachments:
        lines += [b"--" + mixed, *_attachment_part(attachment)]
    lines += [b"--" + mixed + b"--", b""]
    return CRLF.join(lines)


def new_message_id(sender: str) -> str:
    """A fresh Message-ID in the sender's domain."""
    return make_msgid(domain=sender.rpartition("@")[2] or None)


def address_headers(
    *, sender: str, sender_name: str, recipients: Sequence[str], sent_at: datetime,
    message_id: str, reply_to: str = "",
) -> list[tuple[str, str]]:  # fmt: skip
    """The From, To, Date, Message-ID (and Reply-To) headers of a reminder."""
    headers = [
        ("From", formataddr((sender_name, sender), "utf-8") if sender_name else sender),
        ("To", ", ".join(recipients)),
        ("Date", format_datetime(sent_at)),
        ("Message-ID", message_id),
    ]
    return headers + ([("Reply-To", reply_to)] if reply_to else [])


def _boundary() -> bytes:
    # The shape the standard library gives its boundaries; the parts are quoted-printable
    # or base64, which never hold a run of fifteen "=".
    return b"===============%019d==" % secrets.randbits(63)


# The From and Subject headers repeat from one reminder to the next: encoded once each.
@lru_cache(maxsize=512)
def _header(name: str, value: str) -> bytes:
    """One header, as is when ASCII and short; else encoded and folded. A line break in
    a value would start a header of its own: refused (ValueError)."""
    if "\r" in value or "\n" in value:
        raise ValueError(f"the {name} header holds a line break: {value!r}")
    line = f"{name}: {value}"
    if line.isascii() and len(line) <= _MAX_LINE:
        return line.encode("ascii")
    if value.isascii() and name in ("To", "Reply-To"):  # address lists fold after commas
        return f"{name}: {value.replace(', ', ',' + chr(13) + chr(10) + ' ')}".encode("ascii")
    charset = "us-ascii" if value.isascii() else "utf-8"
    encoded = Header(value, charset, header_name=name).encode(linesep="\r\n")
    return f"{name}: {encoded}".encode("ascii")


def _text_part(subtype: str, text: str) -> list[bytes]:
    """A UTF-8 text part, quoted-printable (7-bit safe, lines of 76 at most)."""
    data = text.replace("\r\n", "\n")
    if not data.endswith("\n"):
        data += "\n"
    body = binascii.b2a_qp(data.encode("utf-8"), istext=True).replace(b"\n", CRLF)
    return [
        b'Content-Type: text/%s; charset="utf-8"' % subtype.encode("ascii"),
        b"Content-Transfer-Encoding: quoted-printable",
        b"",
        body,
    ]


def _attachment_part(attachment: Attachment) -> list[bytes]:
    """A file in base64, lines of 76."""
    name = attachment.filename
    disposition = (
        f'attachment; filename="{name}"'
        if name.isascii() and '"' not in name and "\\" not in name
        else f"attachment; filename*={encode_rfc2231(name, 'utf-8')}"
    )
    body = base64.encodebytes(attachment.content).replace(b"\n", CRLF)
    return [
        f"Content-Type: {attachment.maintype}/{attachment.subtype}".encode("ascii"),
        b"Content-Transfer-Encoding: base64",
        f"Content-Disposition: {disposition}".encode("ascii"),
        b"",
        body,
    ]
