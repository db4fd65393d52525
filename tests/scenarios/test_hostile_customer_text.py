"""Regression: text that came from outside never becomes code, a header or a path.

A customer file written by someone else holds a name that is a Jinja expression, a name and
a reference with line breaks that would add a `Bcc:` header, and a reference made of `../`.
relance renders the letters and e-mails, sends them to a real SMTP server on loopback
(aiosmtpd) and writes them as files: the name is printed as written, the server receives no
extra header and no extra recipient, and every file stays in the folder the user named. A
template key made of `../` finds nothing outside the template folders.
"""

from __future__ import annotations

import email
import io
from datetime import date
from email.policy import default
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from sqlalchemy import update
from tests.conftest import write
from tests.services.test_letters import CUSTOMERS, INVOICES, NOW, SENDER, Inbox, carry_out, serve

from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.render.specimen import specimen_letter
from relance.adapters.render.templates import TemplateProblem, TemplateStore
from relance.adapters.storage import tables as t
from relance.adapters.storage.database import Store
from relance.interfaces.cli.main import run
from relance.services import daily_run, dunning, sending
from relance.services.demo import DEMO_CREDITOR
from relance.services.ledger_import import import_ledger_csv
from relance.services.setup import init_creditor

JINJA_NAME = "{{ 7*7 }}{{ cycler.__init__.__globals__.os.popen('id').read() }} SARL"
HEADER_NAME = "Smith & Co\r\nBcc: thief@evil.example"
THIEF = "thief@evil.example"


class Envelopes(Inbox):
    """An aiosmtpd handler keeping each message with the recipients of its envelope."""

    def __init__(self) -> None:
        super().__init__()
        self.envelopes: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append((list(envelope.rcpt_tos), envelope.content))
        return await super().handle_DATA(server, session, envelope)


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def hostile_ledger(store: Store, tmp_path: Path) -> None:
    """The letters' usual two customers, their names and a reference turned hostile."""
    init_creditor(store, DEMO_CREDITOR, actor="test")
    import_ledger_csv(store, CsvKind.CUSTOMERS, write(tmp_path / "c.csv", CUSTOMERS), actor="t")
    import_ledger_csv(store, CsvKind.INVOICES, write(tmp_path / "i.csv", INVOICES), actor="t")
    # Written straight into the ledger, as another tool or an older import could have: the
    # checks at import are not what this test is about.
    with store.begin() as conn:
        conn.execute(
            update(t.customers).where(t.customers.c.ref == "BOULMART").values(name=JINJA_NAME)
        )
        conn.execute(
            update(t.customers).where(t.customers.c.ref == "SMITHCO").values(name=HEADER_NAME)
        )
        conn.execute(update(t.invoices).where(t.invoices.c.number == "F-001")
                     .values(number="../../F-001\r\nBcc: thief@evil.example"))  # fmt: skip


def test_hostile_names_are_printed_as_written_and_add_no_header_nor_recipient(
    store: Store, tmp_path: Path
) -> None:
    hostile_ledger(store, tmp_path)
    carry_out(store, date(2018, 2, 5))
    daily_run.run_dunning(store, date(2018, 2, 19))
    assert len(dunning.approve(store, every=True)) == 2
    out = tmp_path / "run" / "out"

    with serve(Envelopes()) as (server, mailer):
        report = sending.send_approved(
            store, date(2018, 2, 19), out, mailer, sender=SENDER, now=NOW
        )

    assert isinstance(server, Envelopes)
    delivered = server.envelopes
    assert delivered, f"nothing was delivered: {report}"
    for recipients, raw in delivered:
        assert THIEF not in " ".join(recipients)
        message = email.message_from_bytes(raw, policy=default)
        assert message["Bcc"] is None and THIEF not in str(message["To"])
        assert not [k for k in message if k.lower() == "bcc"]
    # The name is shown where a letter shows it (address block, e-mail headers), as written.
    shown = []
    for _, raw in delivered:
        message = email.message_from_bytes(raw, policy=default)
        shown.append(str(message["To"]))
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                shown.append(part.get_content())
            elif part.get_content_type() == "application/pdf":
                shown.append(pdf_text(part.get_content()))
    shown += [pdf_text(batch.read_bytes()) for batch in out.glob("*.pdf")]
    everything = "\n".join(shown)
    assert "{{ 7*7 }}" in everything or "{{ 7*7 }}" in " ".join(everything.split())
    assert "49" + "{{" not in everything and "uid=" not in everything  # nothing was evaluated
    # every file stays in the folder the user named
    assert all(out in path.parents for path in (tmp_path / "run").rglob("*") if path.is_file())
    beside = {p.name for p in tmp_path.iterdir()} - {"c.csv", "i.csv", "run"}
    assert {name for name in beside if not name.startswith("ledger.sqlite")} == set()


def test_files_for_a_mail_client_stay_in_their_folder(store: Store, tmp_path: Path) -> None:
    hostile_ledger(store, tmp_path)
    carry_out(store, date(2018, 2, 5))
    daily_run.run_dunning(store, date(2018, 2, 19))
    dunning.approve(store, every=True)
    out = tmp_path / "run" / "out"
    sending.send_approved(store, date(2018, 2, 19), out, to_files=True, sender=SENDER, now=NOW)
    written = [p for p in (tmp_path / "run").rglob("*") if p.is_file()]
    assert any(p.suffix == ".eml" for p in written)
    assert all(out in p.parents for p in written)
    for eml in out.rglob("*.eml"):
        message = email.message_from_bytes(eml.read_bytes(), policy=default)
        assert message["Bcc"] is None and THIEF not in str(message["To"])


@pytest.mark.parametrize("key", ["../../../../etc/passwd", "business/../../../secret",
                                 "/etc/passwd"])  # fmt: skip
def test_a_template_key_cannot_leave_the_template_folders(tmp_path: Path, key: str) -> None:
    secret = write(tmp_path / "secret.txt", "{% block subject %}stolen{% endblock %}")
    user = tmp_path / "templates" / "fr" / "business"
    user.mkdir(parents=True)
    store = TemplateStore(tmp_path / "templates")
    letter = specimen_letter(language="fr", currency="EUR").letter
    assert letter is not None
    with pytest.raises(TemplateProblem):
        store.word(letter, key)
    assert secret.read_text(encoding="utf-8").startswith("{% block")  # untouched


def test_template_check_of_a_key_outside_the_folders_finds_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "secret.txt", "{% block subject %}stolen{% endblock %}")
    (tmp_path / "templates" / "fr").mkdir(parents=True)
    code = run(["template", "check", "../../secret", "--templates", str(tmp_path / "templates")])
    out = capsys.readouterr()
    assert code != 0 and "stolen" not in out.out + out.err
