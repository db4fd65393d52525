"""Approved actions become what the debtor receives, on SQLite and PostgreSQL.

The story follows the seed: invoice 12345 of 100 USD, due on 1 January 2018, to Smith & Co
(who reads English); beside it a French business customer, Boulangerie Martin, owes
invoice F-001 of 1 200 EUR due the same day. Relance runs on 5 February 2018 (the informal
e-mail, the user makes the call), then on 19 February 2018: the first letter, 49 days after
the due date. E-mails go to a real SMTP server on loopback (aiosmtpd) and are read back as
received; letters are read back from their PDFs.
"""

from __future__ import annotations

import io
import smtplib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update
from tests.conftest import create_ledger, write
from tests.ports import free_port
from tests.services.two_customers_ledger import CUSTOMERS, INVOICES

from relance.adapters.deliver.smtp import Security, SmtpMailer, SmtpSettings
from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.render.templates import SHIPPED, TemplateStore
from relance.adapters.storage import repository_letters as rl
from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_law, tables_letters
from relance.adapters.storage.database import Store
from relance.core.engine import ActionStatus
from relance.core.outbox import OutboxStatus
from relance.core.registered_mail import RegisteredMailProblem
from relance.services import daily_run, dunning, letters, outbox, sending
from relance.services.demo import DEMO_CREDITOR, build_demo, run_demo_dunning
from relance.services.demo_letters import send_demo_letters
from relance.services.ledger_import import import_ledger_csv
from relance.services.setup import init_creditor

NOW = datetime(2018, 2, 19, 9, 0, tzinfo=UTC)
SENDER = "relances@atelier-durand.fr"


class Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(envelope.content)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        parser = BytesParser(_class=EmailMessage, policy=default)
        return [parser.parsebytes(raw) for raw in self.received]


class Refusing(Inbox):
    """An inbox whose server refuses some addresses with 550 and accepts the others."""

    def __init__(self, refused: set[str]) -> None:
        super().__init__()
        self.refused = refused
        self.envelopes: list[list[str]] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(list(envelope.rcpt_tos))
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, SmtpMailer]]:
    with serve(Inbox()) as served:
        yield served


@contextmanager
def serve(handler: Inbox) -> Iterator[tuple[Inbox, SmtpMailer]]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = SmtpSettings(
            host="127.0.0.1", from_address=SENDER, port=port, security=Security.PLAIN
        )
        yield handler, SmtpMailer(settings)
    finally:
        controller.stop()


class CrashingMailer:
    """Passes `survive` messages to the real mailer, then fails as a dropped line would."""

    def __init__(self, mailer: SmtpMailer, survive: int) -> None:
        self.mailer = mailer
        self.survive = survive

    def send(self, sender: str, recipients: Sequence[str], message: bytes) -> str:
        if self.survive == 0:
            raise smtplib.SMTPServerDisconnected("connection lost")
        self.survive -= 1
        reply: str = self.mailer.send(sender, recipients, message)
        return reply


def ledger(store: Store, tmp_path: Path) -> None:
    init_creditor(store, DEMO_CREDITOR, actor="test")
    import_ledger_csv(store, CsvKind.CUSTOMERS, write(tmp_path / "c.csv", CUSTOMERS), actor="t")
    import_ledger_csv(store, CsvKind.INVOICES, write(tmp_path / "i.csv", INVOICES), actor="t")


def carry_out(store: Store, day: date) -> list[int]:
    """Run relance on `day`, approve everything and carry it out by hand."""
    daily_run.run_dunning(store, day)
    ids: list[int] = dunning.approve(store, every=True)
    for action_id in ids:
        dunning.mark_done(store, action_id, day)
    return ids


def first_letters(store: Store, tmp_path: Path) -> list[int]:
    """The story up to the approval of the first letters on 19 February 2018."""
    ledger(store, tmp_path)
    carry_out(store, date(2018, 2, 5))  # informal call and e-mail, done by hand
    daily_run.run_dunning(store, date(2018, 2, 19))
    ids: list[int] = dunning.approve(store, every=True)
    return ids


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_approved_letters_are_emailed_once_and_printed_with_their_evidence(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer]
) -> None:
    server, mailer = inbox
    ids = first_letters(store, tmp_path)
    assert len(ids) == 2  # letter 1 to each customer

    report = sending.send_approved(
        store, date(2018, 2, 19), tmp_path / "out", mailer, sender=SENDER, now=NOW
    )

    assert report.blocked == ()
    assert sorted(report.done) == sorted(ids)
    # Two e-mails on the server, each the letter's copy with its PDF attached.
    messages = {m["To"]: m for m in server.messages()}
    assert set(messages) == {"billing@smithco.example", "compta@boulangerie-martin.fr"}
    smith = messages["billing@smithco.example"]
    assert smith["From"] == f"Atelier Durand SARL <{SENDER}>"
    assert smith["Reply-To"] == "compta@atelier-durand.fr"
    plain = smith.get_body(("plain",))
    html = smith.get_body(("html",))
    assert plain is not None and html is not None
    assert "12345" in plain.get_content() and "12345" in html.get_content()
    attached = [part for part in smith.iter_attachments()]
    assert [part.get_content_type() for part in attached] == ["application/pdf"]

    # The letter read back from its PDF: the seed's example, 49 days late.
    smith_action = next(e.action_id for e in report.emails if e.customer_ref == "SMITHCO")
    text = pdf_text(attached[0].get_content())
    assert "12345" in text and "$100.00" in text
    # Days late: 19 February - 1 January = 31 + 18 = 49.
    assert "12345 Dec 1, 2017 Consulting $100.00 Jan 1, 2018 49 $100.00" in text
    assert "February 19, 2018" in text
    reference = f"2018-{smith_action:06d}"
    assert reference in text

    # What the server received is what the outbox kept, Message-ID and bytes.
    with store.begin() as conn:
        record = rl.outbox_get(conn, f"{smith_action}:email")
        evidence = rl.load_evidence(conn, action_id=smith_action)
    assert record is not None and record.status is OutboxStatus.SENT
    assert record.message in server.received
    assert record.message_id == smith["Message-ID"]
    # The printed letter is the evidence, byte for byte, with its hash.
    printed = next(e for e in evidence if e.channel == "letter")
    assert (tmp_path / "out" / printed.file_name).read_bytes() == printed.pdf
    assert printed.rf_reference.startswith("RF") and printed.rf_reference in text.replace(" ", "")
    assert report.batch is not None and report.batch.letters == 2
    assert report.batch.print_file == tmp_path / "out" / "print-batch-2018-02-19-001.pdf"

    # A second run sends nothing again and prints nothing again: the actions are done.
    again = sending.send_approved(store, date(2018, 2, 19), tmp_path / "out", mailer, now=NOW)
    assert again.emails == () and again.batch is None
    assert len(server.received) == 2


def test_a_lost_connection_blocks_one_email_and_a_rerun_sends_each_email_once(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer]
) -> None:
    server, mailer = inbox
    first_letters(store, tmp_path)
    first = sending.send_approved(
        store, date(2018, 2, 19), tmp_path / "out", CrashingMailer(mailer, 1), now=NOW
    )
    assert len(server.received) == 1  # the first went, the second was stored as pending
    # The failed one is reported blocked (action, customer, why); the other is done.
    (failed,) = first.blocked
    assert f"action {failed.action_id} ({failed.customer_ref})" in failed.problems[0]
    assert "connection lost" in failed.problems[0]
    assert len(first.done) == 1 and failed.action_id not in first.done
    with store.begin() as conn:
        pending = conn.execute(
            select(tables_letters.letter_outbox.c.status, tables_letters.letter_outbox.c.message)
        ).all()
    # The refused one waits in the outbox, saying why.
    assert sorted(status for status, _ in pending) == ["sent", "waiting"]
    (waiting,) = [line for line in outbox.outbox(store) if line.status is OutboxStatus.WAITING]
    assert "connection lost" in waiting.reason and waiting.action_id == failed.action_id

    report = sending.send_approved(
        store, date(2018, 2, 19), tmp_path / "out", mailer, now=NOW + timedelta(hours=1)
    )

    assert len(server.received) == 2  # each e-mail exactly once
    assert len({m["Message-ID"] for m in server.messages()}) == 2
    # Built again as of the rerun, under the Message-ID it was given before the failure.
    assert server.messages()[1]["Message-ID"] == waiting.message_id
    assert [e.already_sent for e in report.emails] == [False]  # the other one is done
    assert report.done == (failed.action_id,)


@pytest.mark.parametrize(
    ("language", "ref", "added", "named"),
    [
        ("en", "SMITHCO", "Pay at https://pay.example/now.", "link"),
        ("fr", "BOULMART", "Vous êtes des escrocs.", "escroc"),
    ],
)
def test_a_letter_failing_the_compliance_check_is_blocked_and_not_sent(
    store: Store,
    tmp_path: Path,
    inbox: tuple[Inbox, SmtpMailer],
    language: str,
    ref: str,
    added: str,
    named: str,
) -> None:
    server, mailer = inbox
    first_letters(store, tmp_path)
    # The user's own letter 1, in one language, with a forbidden addition.
    mine = tmp_path / "templates"
    shipped = (SHIPPED / language / "business" / "letter1.txt").read_text("utf-8")
    edited = shipped.replace("{% block opening %}", "{% block opening %}\n" + added + "\n", 1)
    assert edited != shipped
    (mine / language / "business").mkdir(parents=True)
    write(mine / language / "business" / "letter1.txt", edited)

    report = sending.send_approved(
        store, date(2018, 2, 19), tmp_path / "out", mailer, now=NOW, templates=TemplateStore(mine)
    )

    assert [b.customer_ref for b in report.blocked] == [ref]
    assert any(named in problem.lower() for problem in report.blocked[0].problems)
    # The other customer's letter went; the blocked one did not, and stays approved.
    assert len(server.received) == 1 and ref not in server.received[0].decode(errors="replace")
    assert report.batch is not None and report.batch.letters == 1
    queue = {q.action.customer_ref: q.action.status for q in dunning.queue(store)}
    assert queue == {ref: ActionStatus.APPROVED}


def test_a_registered_letter_records_tracking_posting_and_receipt(
    store: Store, tmp_path: Path
) -> None:
    ledger(store, tmp_path)
    for day in ("2018-02-05", "2018-02-19", "2018-03-05", "2018-03-19"):
        carry_out(store, date.fromisoformat(day))  # informal, letters 1 to 3 by hand
    daily_run.run_dunning(store, date(2018, 4, 2))
    final = dunning.approve(store, every=True)
    assert len(final) == 2

    report = sending.send_approved(
        store, date(2018, 4, 2), tmp_path / "out", to_files=True, now=NOW
    )

    assert report.batch is not None and report.batch.registered == 2
    assert len(report.emails) == 2 and all(e.file and e.file.is_file() for e in report.emails)
    french = next(e.action_id for e in report.emails if e.customer_ref == "BOULMART")
    with store.begin() as conn:
        kept = next(e for e in rl.load_evidence(conn, action_id=french) if e.channel != "email")
        notices = conn.execute(select(tables_law.law_formal_notices)).all()
    # A registered formal notice counts from its receipt (C. civ. 1231-6, 1344-1; docs/law.md):
    # nothing is recorded on the day it is printed.
    assert notices == []
    text = pdf_text(kept.pdf)
    # The mise en demeure recalls letters 1 to 3 and states interest and the indemnity.
    assert "Mise en demeure" in text
    assert "19 février 2018" in text and "5 mars 2018" in text and "19 mars 2018" in text
    assert "Indemnité forfaitaire" in text and "40,00" in text
    assert "Pénalités de retard" in text and "× 91 / 365 jours" in text  # 2 Jan to 2 Apr
    # Registered: one deadline, 8 days from receipt plus the post: 2 April + 15 = 17 April.
    assert "au plus tard le 17 avril 2018" in " ".join(text.split())
    assert "huit jours" not in text

    with pytest.raises(ValueError, match="posting first"):
        letters.registered(store, french, received=date(2018, 4, 5))
    posted = letters.registered(
        store, french, tracking="1a 234 567 8901 2", posted=date(2018, 4, 3)
    )
    assert (posted.state, posted.tracking_number) == ("posted", "1A 234 567 8901 2")
    with pytest.raises(RegisteredMailProblem, match="before it was posted"):
        letters.registered(store, french, received=date(2018, 4, 1))
    received = letters.registered(store, french, received=date(2018, 4, 5))
    assert received.state == "received" and received.pdf_sha256 == kept.sha256
    with store.begin() as conn:
        kinds = [row.kind for row in conn.execute(select(t.events.c.kind))]
        notices = conn.execute(select(tables_law.law_formal_notices.c.date)).all()
    # The receipt is the formal notice's date, for each invoice the letter demanded.
    assert notices and {row.date for row in notices} == {date(2018, 4, 5)}
    assert kinds.count("registered.posted") == 1 and kinds.count("registered.received") == 1


def test_the_demo_french_business_formal_notice_states_interest_and_the_40_eur_indemnity(
    tmp_path: Path,
) -> None:
    day = date(2026, 6, 15)
    demo = build_demo(tmp_path / "demo", day, create_ledger)
    run_demo_dunning(demo.store, day)

    report = send_demo_letters(demo.store, day, tmp_path / "demo" / "letters")

    assert report.blocked == () and not report.smtp
    assert report.batch is not None and report.batch.registered > 0
    with demo.store.begin() as conn:
        french_business = {
            row.ref
            for row in conn.execute(select(t.customers))
            if row.kind == "business" and row.country == "FR"
        }
        kept = [
            e
            for e in rl.load_evidence(conn)
            if e.channel == "registered_letter" and e.customer_ref in french_business
        ]
    assert kept
    text = pdf_text(kept[0].pdf)
    assert "Mise en demeure" in text
    assert "Indemnité forfaitaire pour frais de recouvrement" in text and "40,00 €" in text
    # Interest line by line with its arithmetic: base × rate × days / 365.
    assert "Pénalités de retard" in text and "12,15 %" in text and "/ 365 jours" in text
    assert (tmp_path / "demo" / "letters" / kept[0].file_name).read_bytes() == kept[0].pdf


def test_smtp_comes_from_the_environment_or_a_file_and_is_optional(tmp_path: Path) -> None:
    assert letters.smtp_mailer({}) == (None, "")
    env = {"RELANCE_SMTP_HOST": "smtp.example", "RELANCE_SMTP_FROM": SENDER}
    mailer, sender = letters.smtp_mailer(env)
    assert mailer is not None and mailer.settings.host == "smtp.example" and sender == SENDER
    with pytest.raises(ValueError, match="RELANCE_SMTP_FROM"):
        letters.smtp_mailer({"RELANCE_SMTP_HOST": "smtp.example"})
    config = write(tmp_path / "smtp.toml", '[smtp]\nhost = "mx.example"\nfrom = "a@b.example"\n')
    mailer, sender = letters.smtp_mailer({"RELANCE_SMTP_PASSWORD": "s3cret"}, config)
    assert mailer is not None and sender == "a@b.example"
    assert "s3cret" not in repr(mailer.settings) and mailer.settings.password == "s3cret"


def set_email(store: Store, ref: str, email: str) -> None:
    """The user corrects (or sets) a customer's e-mail address."""
    with store.begin() as conn:
        conn.execute(update(t.customers).where(t.customers.c.ref == ref).values(email=email))


def test_a_refused_address_blocks_its_action_only_and_a_corrected_one_gets_the_email(
    store: Store, tmp_path: Path
) -> None:
    with serve(Refusing({"gone@boulangerie-martin.fr", "old@smithco.example"})) as served:
        server, mailer = served
        assert isinstance(server, Refusing)
        ids = first_letters(store, tmp_path)
        # Boulangerie Martin's only address is refused; Smith & Co has a stale one beside
        # the right one.
        set_email(store, "BOULMART", "gone@boulangerie-martin.fr")
        set_email(store, "SMITHCO", "billing@smithco.example; old@smithco.example")

        first = sending.send_approved(store, date(2018, 2, 19), tmp_path / "out", mailer, now=NOW)

        # Smith & Co's e-mail went to the address accepted, and the action is done.
        assert server.envelopes == [["billing@smithco.example"]]
        smith = next(e.action_id for e in first.emails if e.customer_ref == "SMITHCO")
        assert first.done == (smith,)
        assert any("old@smithco.example (550" in note for note in first.notes)
        with store.begin() as conn:
            record = rl.outbox_get(conn, f"{smith}:email")
        assert record is not None and record.status is OutboxStatus.SENT
        assert record.server_reply.startswith("250")
        assert "refused: old@smithco.example (550" in record.server_reply
        # Boulangerie Martin's is blocked with the server's reply; its letter waits too.
        (martin,) = first.blocked
        assert martin.customer_ref == "BOULMART" and martin.action_id in ids
        assert "gone@boulangerie-martin.fr (550 5.1.1 No such user here)" in martin.problems[0]
        assert first.batch is not None and first.batch.letters == 1

        # The address is corrected; the next run sends to it, and nothing again to Smith.
        set_email(store, "BOULMART", "compta@boulangerie-martin.fr")
        second = sending.send_approved(store, date(2018, 2, 19), tmp_path / "out", mailer, now=NOW)

    assert second.blocked == () and second.done == (martin.action_id,)
    assert server.envelopes == [["billing@smithco.example"], ["compta@boulangerie-martin.fr"]]
    assert server.messages()[1]["To"] == "compta@boulangerie-martin.fr"
    assert second.batch is not None and second.batch.letters == 1


def test_emails_without_smtp_wait_in_the_outbox_and_go_out_with_the_next_run_that_has_smtp(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer]
) -> None:
    server, mailer = inbox
    first_letters(store, tmp_path)

    written = sending.send_approved(store, date(2018, 2, 19), tmp_path / "out", None, now=NOW)

    # No server: nothing is sent, nothing is written as if it were; the e-mails wait,
    # visibly, and the letters (on paper) are printed and their actions done.
    assert not written.smtp and written.emails == () and len(written.waiting) == 2
    assert server.received == [] and not (tmp_path / "out" / "emails").exists()
    assert {line.status for line in outbox.outbox(store)} == {OutboxStatus.WAITING}
    assert all("no SMTP server" in line.reason for line in outbox.outbox(store))
    assert {q.action.status for q in dunning.queue(store, everything=True)} == {ActionStatus.DONE}

    # SMTP is configured later: the waiting e-mails are checked again and go, once.
    sent = sending.send_approved(store, date(2018, 2, 26), tmp_path / "out", mailer, now=NOW)

    assert sorted(e.action_id for e in sent.emails) == sorted(written.waiting)
    assert len(server.received) == 2 and sent.batch is None  # the letters are not reprinted
    for action_id in written.waiting:
        assert letters.outbox_status(store, action_id)[0][1] is OutboxStatus.SENT
    again = sending.send_approved(store, date(2018, 3, 5), tmp_path / "out", mailer, now=NOW)
    assert again.emails == () and len(server.received) == 2


class KilledMailer:
    """The process is killed before it hands the `kill_on`-th message to the server."""

    def __init__(self, mailer: SmtpMailer, kill_on: int) -> None:
        self.mailer, self.kill_on, self.calls = mailer, kill_on, 0

    def send(self, sender: str, recipients: Sequence[str], message: bytes) -> str:
        self.calls += 1
        if self.calls == self.kill_on:
            raise KeyboardInterrupt("killed")
        reply: str = self.mailer.send(sender, recipients, message)
        return reply


def test_an_interrupted_run_resumed_a_week_later_keeps_as_evidence_the_pdf_emailed(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer]
) -> None:
    server, mailer = inbox
    ids = first_letters(store, tmp_path)
    with pytest.raises(KeyboardInterrupt):
        sending.send_approved(
            store, date(2018, 2, 19), tmp_path / "out", KilledMailer(mailer, 2), now=NOW
        )
    assert len(server.received) == 1  # one e-mail went, the other is pending; no evidence

    # Resumed on 26 February: what was not sent is composed again, dated that day.
    report = sending.send_approved(
        store, date(2018, 2, 26), tmp_path / "out", mailer, now=NOW + timedelta(days=7)
    )

    assert sorted(report.done) == sorted(ids) and len(server.received) == 2
    attached = {
        m["Message-ID"]: next(m.iter_attachments()).get_content() for m in server.messages()
    }
    days = []
    with store.begin() as conn:
        for action_id in ids:
            record = rl.outbox_get(conn, f"{action_id}:email")
            (kept,) = [
                e for e in rl.load_evidence(conn, action_id=action_id) if e.channel == "email"
            ]
            assert record is not None
            # The evidence is the very PDF the debtor received, kept when it was sent.
            assert kept.pdf == attached[record.message_id]
            days.append(kept.dated)
    # The first went on 19 February before the kill; the other on the 26th.
    assert sorted(days) == [date(2018, 2, 19), date(2018, 2, 26)]
