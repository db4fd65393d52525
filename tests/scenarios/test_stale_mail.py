"""Nothing stale is sent: every message is checked against the ledger of the day it leaves.

The ledger of `tests/services/test_letters.py`: Smith & Co owes invoice 12345 (100 USD) and
Boulangerie Martin invoice F-001 (1 200 EUR), both due on 1 January 2018. On Monday
19 February 2018 the first letters are approved. What the customers do between that
approval and the day the messages leave decides what leaves; the SMTP server is a real
one on loopback (aiosmtpd), and the commands are typed as a user types them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest
from tests.conftest import write
from tests.services.test_letters import (
    NOW,
    SENDER,
    Inbox,
    carry_out,
    first_letters,
    ledger,
    pdf_text,
    serve,
)

from relance.adapters.deliver.smtp import SmtpMailer
from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage.database import Store
from relance.core.engine import ActionStatus
from relance.core.proceedings import ProceedingKind
from relance.core.writeoff import HandoffStatus
from relance.interfaces.cli.main import run
from relance.services import (
    customer_history,
    daily_run,
    dunning,
    law,
    outbox,
    pauses,
    proceedings,
    sending,
)
from relance.services.ledger_import import import_ledger_csv

MONDAY, WEDNESDAY, FRIDAY = date(2018, 2, 19), date(2018, 2, 21), date(2018, 2, 23)


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, SmtpMailer]]:
    with serve(Inbox()) as served:
        yield served


@pytest.fixture(autouse=True)
def no_smtp(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RELANCE_SMTP_HOST", "RELANCE_SMTP_FROM"):
        monkeypatch.delenv(name, raising=False)


def db_of(store: Store) -> str:
    return str(store.engine.url.render_as_string(hide_password=False))


def with_smtp(monkeypatch: pytest.MonkeyPatch, mailer: SmtpMailer) -> None:
    """The user configures the SMTP server in the environment."""
    monkeypatch.setenv("RELANCE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("RELANCE_SMTP_PORT", str(mailer.settings.port))
    monkeypatch.setenv("RELANCE_SMTP_SECURITY", "plain")
    monkeypatch.setenv("RELANCE_SMTP_FROM", SENDER)


def pays(store: Store, tmp_path: Path, ref: str, on: date, amount: str, invoice: str = "") -> None:
    """A payment from `ref` arrives; `invoice` empty: paid on account, no invoice named."""
    currency = "USD" if ref == "SMITHCO" else "EUR"
    path = write(
        tmp_path / f"pay-{ref}-{on}-{amount}.csv",
        "date,customer,amount,currency,invoice\n"
        f"{on.isoformat()},{ref},{amount},{currency},{invoice}\n",
    )
    import_ledger_csv(store, CsvKind.PAYMENTS, path, actor="test")


def outbox_csv(store: Store, capsys: pytest.CaptureFixture[str]) -> list[dict[str, str]]:
    capsys.readouterr()
    assert run(["outbox", "--db", db_of(store), "--csv"]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def recipients(server: Inbox) -> list[str]:
    return sorted(str(m["To"]) for m in server.messages())


def test_written_on_monday_without_smtp_paid_on_wednesday_nothing_leaves_on_friday(
    store: Store,
    tmp_path: Path,
    inbox: tuple[Inbox, SmtpMailer],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server, mailer = inbox
    first_letters(store, tmp_path)
    db, out = db_of(store), str(tmp_path / "out")

    # Monday, no SMTP server yet: the letters are printed, the e-mails wait, visibly.
    assert run(["send", "--db", db, "--out", out, "--date", MONDAY.isoformat()]) == 0
    assert {row["status"] for row in outbox_csv(store, capsys)} == {"waiting"}

    # Wednesday: Boulangerie Martin pays its invoice.
    pays(store, tmp_path, "BOULMART", WEDNESDAY, "1200.00", invoice="F-001")

    # Friday, SMTP configured: only Smith & Co's e-mail leaves.
    with_smtp(monkeypatch, mailer)
    capsys.readouterr()
    assert run(["send", "--db", db, "--out", out, "--date", FRIDAY.isoformat()]) == 0
    said = " ".join(capsys.readouterr().out.split())

    assert recipients(server) == ["billing@smithco.example"]
    assert "Cancelled, not sent: action" in said and "(BOULMART): every invoice" in said
    rows = {row["customer"]: row for row in outbox_csv(store, capsys)}
    assert rows["SMITHCO"]["status"] == "sent"
    assert rows["BOULMART"]["status"] == "cancelled"
    assert "paid" in rows["BOULMART"]["reason"]
    # The cancellation is in the customer's history, with its reason.
    (event,) = [
        e for e in customer_history.history(store, "BOULMART") if e.kind == "outbox.cancelled"
    ]
    assert "paid" in event.reason and event.data["code"] == "stale_paid"
    # And a later send never brings it back.
    assert run(["send", "--db", db, "--out", out, "--date", "2018-02-26"]) == 0
    assert recipients(server) == ["billing@smithco.example"]


def test_paid_on_account_after_approval_the_customer_gets_nothing_and_the_action_is_cancelled(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer]
) -> None:
    server, mailer = inbox
    first_letters(store, tmp_path)
    # The same day, after approval: 1 200 EUR from Boulangerie Martin, no invoice named.
    pays(store, tmp_path, "BOULMART", MONDAY, "1200.00")

    report = sending.send_approved(store, MONDAY, tmp_path / "out", mailer, now=NOW)

    assert recipients(server) == ["billing@smithco.example"]
    assert report.batch is not None and report.batch.letters == 1  # Smith's letter only
    (cancelled,) = report.cancelled
    assert cancelled.customer_ref == "BOULMART"
    assert "covered by 1200.00 EUR received on account" in cancelled.reason
    statuses = {
        q.action.customer_ref: q.action.status for q in dunning.queue(store, everything=True)
    }
    assert statuses["BOULMART"] is ActionStatus.CANCELLED


def test_half_paid_on_account_the_letter_states_the_credit_and_claims_only_the_rest(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer]
) -> None:
    server, mailer = inbox
    first_letters(store, tmp_path)
    pays(store, tmp_path, "BOULMART", MONDAY, "600.00")  # on account, half of F-001

    report = sending.send_approved(store, MONDAY, tmp_path / "out", mailer, now=NOW)

    assert report.cancelled == () and report.blocked == ()
    martin: EmailMessage = next(
        m for m in server.messages() if m["To"] == "compta@boulangerie-martin.fr"
    )
    text = " ".join(pdf_text(next(martin.iter_attachments()).get_content()).split())
    assert "Paiements reçus, non encore affectés -600,00 €" in text
    assert "Total dû 600,00 €" in text
    assert "Total dû 1 200,00 €" not in text


def test_a_dispute_and_an_agency_handoff_after_approval_stop_the_messages(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer]
) -> None:
    server, mailer = inbox
    first_letters(store, tmp_path)
    sending.send_approved(store, MONDAY, tmp_path / "out", None, now=NOW)  # the e-mails wait
    pauses.dispute(store, "F-001", "boulangerie says the oven was never serviced", WEDNESDAY)
    law.record_handoff(store, "12345", "Recouvre SA", HandoffStatus.WITH_AGENCY, WEDNESDAY)

    report = sending.send_approved(store, FRIDAY, tmp_path / "out", mailer, now=NOW)

    assert server.received == []
    reasons = {c.customer_ref: c.reason for c in report.cancelled}
    assert "F-001 disputed since 2018-02-21" in reasons["BOULMART"]
    assert "12345 is with a collection agency" in reasons["SMITHCO"]
    assert {line.status.value for line in outbox.outbox(store)} == {"cancelled"}


def test_a_waiting_email_overtaken_by_the_next_step_is_cancelled_as_superseded(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer]
) -> None:
    server, mailer = inbox
    ledger(store, tmp_path)
    carry_out(store, date(2018, 2, 5))
    daily_run.run_dunning(store, MONDAY)
    dunning.approve(store, every=True)
    sending.send_approved(store, MONDAY, tmp_path / "out", None, now=NOW)  # letters 1 wait
    daily_run.run_dunning(store, date(2018, 3, 5))  # letter 2 is due
    second = dunning.approve(store, every=True)
    assert len(second) == 2

    report = sending.send_approved(store, date(2018, 3, 5), tmp_path / "out", mailer, now=NOW)

    # The second letters go; the first letters' e-mail copies never do.
    assert sorted(e.action_id for e in report.emails) == sorted(second)
    assert len(server.received) == 2
    assert len(report.cancelled) == 2
    assert all("superseded by the later step" in c.reason for c in report.cancelled)


def test_the_user_cancels_one_waiting_email_then_purges_the_outbox(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger(store, tmp_path)
    daily_run.run_dunning(store, date(2018, 2, 5))  # the informal e-mail (and a call)
    ids = dunning.approve(store, every=True)
    sending.send_approved(store, date(2018, 2, 5), tmp_path / "out", None, now=NOW)
    waiting = [line for line in outbox.outbox(store) if line.status.value == "waiting"]
    assert sorted(line.action_id for line in waiting) == sorted(ids)
    db = db_of(store)

    assert run(["outbox", "cancel", str(ids[0]), "--db", db, "--reason", "phoned instead"]) == 0
    assert f"nothing of action {ids[0]} will leave" in capsys.readouterr().out
    assert run(["outbox", "cancel", str(ids[0]), "--db", db]) == 4  # nothing waits any more
    assert run(["outbox", "purge", "--db", db]) == 0
    assert "1 waiting e-mail(s) cancelled." in capsys.readouterr().out

    rows = outbox_csv(store, capsys)
    assert [row["status"] for row in rows] == ["cancelled", "cancelled"]
    assert {row["reason"] for row in rows} == {"phoned instead", "outbox purged by hand"}
    # The e-mail-only actions that waited are cancelled with them: nothing is pending.
    assert {q.action.status for q in dunning.queue(store, everything=True)} == {
        ActionStatus.CANCELLED
    }


def test_a_customer_in_insolvency_proceedings_gets_no_waiting_email(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer]
) -> None:
    server, mailer = inbox
    first_letters(store, tmp_path)
    sending.send_approved(store, MONDAY, tmp_path / "out", None, now=NOW)  # the e-mails wait
    proceedings.open_proceeding(store, "BOULMART", ProceedingKind.INSOLVENCY, WEDNESDAY)

    report = sending.send_approved(store, FRIDAY, tmp_path / "out", mailer, now=NOW)

    assert recipients(server) == ["billing@smithco.example"]
    (cancelled,) = report.cancelled
    assert cancelled.customer_ref == "BOULMART"
    assert cancelled.reason == "customer in insolvency proceedings since 2018-02-21"
