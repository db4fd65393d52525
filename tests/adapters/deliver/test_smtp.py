"""Reminder e-mails sent to a real SMTP server on loopback (aiosmtpd), read back as received."""

from __future__ import annotations

import datetime as dt
import email
import ipaddress
import smtplib
import ssl
from collections.abc import Iterator
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from tests.ports import free_port

from relance.adapters.deliver.mime import Attachment
from relance.adapters.deliver.outbox import InMemoryOutbox
from relance.adapters.deliver.smtp import (
    EmailDelivery,
    Security,
    SmtpMailer,
    SmtpSettings,
    UnencryptedPasswordWarning,
    describe_failure,
    prepare_email,
    send_prepared,
    settings_from_env,
    settings_from_file,
)
from relance.adapters.render.communication import render_communication
from relance.adapters.render.specimen import specimen_letter
from relance.adapters.render.templates import TemplateStore
from relance.core.outbox import OutboxStatus

NOW = dt.datetime(2018, 2, 19, 9, 30, tzinfo=dt.UTC)
SENDER = "compta@atelier-durand.example"


def deliver_email(*, mailer: Any, **email: Any) -> EmailDelivery:
    """Store the e-mail as pending, then send it: what a send run does with each e-mail."""
    record = prepare_email(**email)
    return send_prepared(
        record, sender=email["sender"], outbox=email["outbox"], mailer=mailer, now=email["now"]
    )


class Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        return [
            BytesParser(_class=EmailMessage, policy=default).parsebytes(raw)
            for _, _, raw in self.received
        ]


def accept_test_user(
    server: Any, session: Any, envelope: Any, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"relance", b"s3cret")
    return AuthResult(success=ok)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made for these tests."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=365 * 30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def client_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate[0]))


def serve(inbox: Inbox, **kwargs: Any) -> Iterator[tuple[Controller, int]]:
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield controller, port
    finally:
        controller.stop()


@pytest.fixture
def plain_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    for _, port in serve(inbox):
        yield inbox, port


def seed_email(key: str = "business/letter1_email", level: int = 1) -> Any:
    composed = specimen_letter(level=level, language="fr", currency="EUR", template_key=key)
    assert composed.letter is not None
    rendered = render_communication(composed.letter, "email", TemplateStore())
    assert not rendered.blocked, rendered.problems
    return rendered


def attachments_of(rendered: Any) -> list[Attachment]:
    return [Attachment(rendered.pdf_name, rendered.pdf.pdf)] if rendered.pdf else []


def test_an_email_copy_arrives_with_text_html_and_the_letter_pdf(
    plain_server: tuple[Inbox, int],
) -> None:
    inbox, port = plain_server
    rendered = seed_email()
    outbox = InMemoryOutbox()
    mailer = SmtpMailer(SmtpSettings("127.0.0.1", SENDER, port, Security.PLAIN))
    delivery = deliver_email(
        action_id="A2018-0001",
        body=rendered.email,
        sender=SENDER,
        sender_name="Atelier Durand SARL",
        recipients=["compta@boulangerie-martin.example"],
        now=NOW,
        outbox=outbox,
        mailer=mailer,
        attachments=attachments_of(rendered),
    )
    assert not delivery.already_sent
    ((mail_from, rcpt, raw),) = inbox.received
    assert (mail_from, rcpt) == (SENDER, ["compta@boulangerie-martin.example"])
    (message,) = inbox.messages()
    assert message["Subject"] == "Rappel – facture 12345 non réglée"
    assert message["Message-ID"] == delivery.message_id
    assert message["Date"] == "Mon, 19 Feb 2018 09:30:00 +0000"
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and "Madame, Monsieur," in plain.get_content()
    assert html is not None and "<td>12345</td>" in html.get_content()
    (pdf,) = [part for part in message.iter_attachments()]
    assert pdf.get_filename() == "A2018-0001.pdf"
    assert pdf.get_content().startswith(b"%PDF")
    # The outbox keeps the exact bytes sent and their hash.
    record = outbox.get("A2018-0001")
    assert record is not None and record.status is OutboxStatus.SENT
    assert record.server_reply.startswith("250")
    assert email.message_from_bytes(record.message)["Message-ID"] == delivery.message_id
    # What the server received is byte for byte what the outbox kept.
    assert raw.rstrip(b"\r\n") == record.message.rstrip(b"\r\n")


class CrashBeforeSending:
    """A mailer whose process dies before it reaches the server (for the given actions)."""

    def __init__(self, real: SmtpMailer, crash_on: int) -> None:
        self.real, self.crash_on, self.calls = real, crash_on, 0

    def send(self, sender: str, recipients: Any, message: bytes) -> str:
        self.calls += 1
        if self.calls == self.crash_on:
            raise KeyboardInterrupt("killed between rendering and sending")
        reply: str = self.real.send(sender, recipients, message)
        return reply


def test_a_crash_between_rendering_and_sending_then_a_rerun_sends_each_email_once(
    plain_server: tuple[Inbox, int],
) -> None:
    inbox, port = plain_server
    outbox = InMemoryOutbox()
    real = SmtpMailer(SmtpSettings("127.0.0.1", SENDER, port, Security.PLAIN))
    actions = ["A1", "A2", "A3"]
    rendered = seed_email()

    def run(mailer: Any) -> list[bool]:
        return [
            deliver_email(
                action_id=action,
                body=rendered.email,
                sender=SENDER,
                sender_name="",
                recipients=[f"{action.lower()}@debtor.example"],
                now=NOW,
                outbox=outbox,
                mailer=mailer,
            ).already_sent
            for action in actions
        ]

    with pytest.raises(KeyboardInterrupt):
        run(CrashBeforeSending(real, crash_on=2))  # A1 sent, A2 rendered then killed
    assert [r[1] for r in inbox.received] == [["a1@debtor.example"]]
    pending = outbox.get("A2")
    assert pending is not None and pending.status is OutboxStatus.PENDING

    assert run(real) == [True, False, False]  # A1 skipped, A2 and A3 sent
    assert run(real) == [True, True, True]  # a third run sends nothing
    recipients = sorted(r[1][0] for r in inbox.received)
    assert recipients == ["a1@debtor.example", "a2@debtor.example", "a3@debtor.example"]
    # A2 went out with the Message-ID stored before the crash.
    ids = [m["Message-ID"] for m in inbox.messages()]
    assert pending.message_id in ids
    assert len(set(ids)) == 3


def test_starttls_with_login(certificate: tuple[Path, Path]) -> None:
    inbox = Inbox()
    for _, port in serve(
        inbox,
        tls_context=server_context(certificate),
        require_starttls=True,
        authenticator=accept_test_user,
        auth_required=True,
    ):
        settings = SmtpSettings(
            "127.0.0.1",
            SENDER,
            port,
            Security.STARTTLS,
            username="relance",
            password="s3cret",
            ssl_context=client_context(certificate),
        )
        rendered = seed_email("business/informal_email", level=0)
        deliver_email(
            action_id="A9",
            body=rendered.email,
            sender=SENDER,
            sender_name="",
            recipients=["x@debtor.example"],
            now=NOW,
            outbox=InMemoryOutbox(),
            mailer=SmtpMailer(settings),
        )
    (message,) = inbox.messages()
    assert message["Subject"] == "Facture 12345 – petit rappel"


def test_ssl_from_the_first_byte(certificate: tuple[Path, Path]) -> None:
    inbox = Inbox()
    for _, port in serve(inbox, ssl_context=server_context(certificate)):
        settings = SmtpSettings(
            "127.0.0.1", SENDER, port, Security.SSL, ssl_context=client_context(certificate)
        )
        reply = SmtpMailer(settings).send(
            SENDER, ["x@debtor.example"], b"Subject: t\r\n\r\nhello\r\n"
        )
    assert reply.startswith("250")
    assert inbox.received[0][2].endswith(b"hello\r\n") or b"hello" in inbox.received[0][2]


def test_the_password_never_shows_in_settings_or_logs(
    plain_server: tuple[Inbox, int], caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    env = {
        "RELANCE_SMTP_HOST": "127.0.0.1",
        "RELANCE_SMTP_FROM": SENDER,
        "RELANCE_SMTP_PORT": str(plain_server[1]),
        "RELANCE_SMTP_SECURITY": "plain",
        "RELANCE_SMTP_PASSWORD": "hunter2-secret",
    }
    with pytest.warns(UnencryptedPasswordWarning) as warned:  # plain: said, never shown
        settings = settings_from_env(env)
    assert "hunter2" not in str(warned[0].message)
    assert settings.password == "hunter2-secret"
    assert "hunter2" not in repr(settings)
    with caplog.at_level("DEBUG"):
        SmtpMailer(settings).send(SENDER, ["x@debtor.example"], b"Subject: t\r\n\r\nhi\r\n")
    assert "hunter2" not in caplog.text
    config = tmp_path / "relance.toml"
    config.write_text('[smtp]\nhost = "mail.example"\nfrom = "a@b.example"\nsecurity = "ssl"\n')
    from_file = settings_from_file(config, {"RELANCE_SMTP_PASSWORD": "pw"})
    assert (from_file.effective_port, from_file.password) == (465, "pw")


class Picky(Inbox):
    """A server that refuses some recipients with 550 and answers QUIT with an error."""

    def __init__(self, refused: set[str]) -> None:
        super().__init__()
        self.refused = refused

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        return "421 closing badly"  # after the data was accepted: must not count as failure


def test_a_partly_refused_email_is_sent_once_and_a_refused_one_waits_for_a_new_address() -> None:
    inbox = Picky({"gone@debtor.example"})
    rendered = seed_email()
    outbox = InMemoryOutbox()

    def deliver(action: str, recipients: list[str], mailer: SmtpMailer) -> Any:
        return deliver_email(
            action_id=action,
            body=rendered.email,
            sender=SENDER,
            sender_name="",
            recipients=recipients,
            now=NOW,
            outbox=outbox,
            mailer=mailer,
        )

    for _, port in serve(inbox):
        mailer = SmtpMailer(SmtpSettings("127.0.0.1", SENDER, port, Security.PLAIN))
        # One of two recipients refused: the message is sent and marked so, with the refusal.
        both = deliver("A1", ["ok@debtor.example", "gone@debtor.example"], mailer)
        assert not both.already_sent and both.record.status is OutboxStatus.SENT
        assert "refused: gone@debtor.example (550 5.1.1 Mailbox unavailable)" in (
            both.record.server_reply
        )
        assert deliver("A1", ["ok@debtor.example", "gone@debtor.example"], mailer).already_sent
        # The only recipient refused: an error naming the reply, the record stays pending.
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            deliver("A2", ["gone@debtor.example"], mailer)
        assert "550 5.1.1 Mailbox unavailable" in describe_failure(refused.value)
        pending = outbox.get("A2")
        assert pending is not None and pending.status is OutboxStatus.PENDING
        # The address corrected: the message is built again for it, same Message-ID.
        fixed = deliver("A2", ["new@debtor.example"], mailer)
    assert fixed.record.recipients == ("new@debtor.example",)
    assert pending is not None and fixed.message_id == pending.message_id
    assert [rcpt for _, rcpt, _ in inbox.received] == [
        ["ok@debtor.example"],
        ["new@debtor.example"],
    ]
    assert inbox.messages()[1]["To"] == "new@debtor.example"
