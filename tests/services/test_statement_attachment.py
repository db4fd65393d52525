"""A level with `attach_statement = true`: its e-mail carries the statement of account as a
second PDF, its printed letter has it as extra pages, and the evidence keeps both.

The ledger of the letter tests: Boulangerie Martin owes F-001 (1 200 EUR, due on 1 January
2018); on 19 February 2018 its first letter goes by post and by e-mail, through a real SMTP
server on loopback.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from tests.conftest import write
from tests.services.test_letters import NOW, SENDER, Inbox, first_letters, inbox, pdf_text

from relance.adapters.deliver.smtp import SmtpMailer
from relance.adapters.policy_toml import policy_from_toml
from relance.adapters.storage import repository_letters as rl
from relance.adapters.storage.database import Store
from relance.services import policies, sending

__all__ = ["inbox"]  # the loopback SMTP server, a fixture of the letter tests
SHIPPED = Path(__file__).parents[2] / "src" / "relance" / "policies" / "business.toml"


def attach_to_letter1(store: Store, tmp_path: Path) -> None:
    text = SHIPPED.read_text(encoding="utf-8").replace(
        'templates = { letter = "business/letter1"',
        'attach_statement = true\ntemplates = { letter = "business/letter1"',
    )
    assert "attach_statement" in text
    policies.import_policy(store, write(tmp_path / "business.toml", text))


def test_the_email_and_the_letter_carry_the_statement(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer]
) -> None:
    server, mailer = inbox
    ids = first_letters(store, tmp_path)
    attach_to_letter1(store, tmp_path)
    report = sending.send_approved(
        store, date(2018, 2, 19), tmp_path / "out", mailer, sender=SENDER, now=NOW
    )
    assert report.blocked == () and sorted(report.done) == sorted(ids)

    martin = next(m for m in server.messages() if m["To"] == "compta@boulangerie-martin.fr")
    attached = list(martin.iter_attachments())
    assert [part.get_filename() for part in attached][1:] == ["releve-BOULMART-2018-02-19.pdf"]
    letter, statement = (pdf_text(part.get_content()) for part in attached)
    assert "RELEVÉ DE COMPTE" not in letter
    assert "RELEVÉ DE COMPTE" in statement and "Boulangerie Martin" in statement
    assert "F-001" in statement and "49" in statement  # 49 days late on 19 February
    smith = next(m for m in server.messages() if m["To"] == "billing@smithco.example")
    assert [p.get_filename() for p in smith.iter_attachments()][1:] == [
        "statement-SMITHCO-2018-02-19.pdf"
    ]

    # the printed letter is the letter then the statement, and so is its evidence
    action = next(e.action_id for e in report.emails if e.customer_ref == "BOULMART")
    with store.begin() as conn:
        evidence = rl.load_evidence(conn, action_id=action)
        record = rl.outbox_get(conn, f"{action}:email")
    printed = next(e for e in evidence if e.channel == "letter")
    text = pdf_text(printed.pdf)
    assert text.index("F-001") < text.index("RELEVÉ DE COMPTE")
    assert (tmp_path / "out" / printed.file_name).read_bytes() == printed.pdf
    assert record is not None and b"releve-BOULMART-2018-02-19.pdf" in record.message


def test_without_the_option_nothing_more_is_attached(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer]
) -> None:
    server, mailer = inbox
    first_letters(store, tmp_path)
    sending.send_approved(store, date(2018, 2, 19), tmp_path / "out", mailer, now=NOW)
    assert [len(list(m.iter_attachments())) for m in server.messages()] == [1, 1]


@pytest.mark.parametrize(
    ("line", "field", "words"),
    [
        ("attach_statement = 'yes'", "attach_statement", "expected true or false"),
        ("attach_statement = true\nchannels = ['call']", "attach_statement",
         "goes with a letter or an e-mail"),
    ],
)  # fmt: skip
def test_the_option_is_checked(line: str, field: str, words: str) -> None:
    text = (
        "name = 'p'\n[[levels]]\nname = 'first'\nafter_due_days = 5\n"
        + ("" if "channels" in line else "channels = ['letter']\n")
        + "templates = { letter = 'business/letter1' }\n"
        + line
        + "\n"
    )
    _, problems = policy_from_toml(text, "p.toml")
    assert any(p.field == field and words in p.message for p in problems), problems
