"""Story: the bakery promised on the phone to pay, and did not. Its second letter names the
promise instead of claiming that the first letter went unanswered (both backends).

Ledger: Atelier Durand SARL; Boulangerie Martin owes invoice F-001 (1 200 EUR, due
1 January 2018) and Smith & Co invoice 12345 (100 USD). The informal call and e-mail go
on 5 February, the first letters on 19 February. On 26 February Mme Martin answers the
phone and promises to pay by 2 March; nothing comes. The second letter, on 12 March,
once said "Nous n'avons reçu ni votre règlement ni de réponse à notre courrier".
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pdfplumber
from tests.conftest import write

from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage.database import Store
from relance.core.contacts import CallOutcome, ContactChannel, Direction
from relance.core.money import Money
from relance.services import daily_run, dunning, letters, pauses, sending
from relance.services.demo import DEMO_CREDITOR
from relance.services.ledger_import import import_ledger_csv
from relance.services.setup import init_creditor

CUSTOMERS = """ref,name,kind,country,language,address,postal_code,city,civility,contact_name
SMITHCO,Smith & Co,business,US,en,100 Main Street,10001,New York,Mr,John Smith
BOULMART,Boulangerie Martin,business,FR,fr,4 place Bellecour,69002,Lyon,Mme,Sophie Martin
"""
INVOICES = """number,customer,issue_date,due_date,currency,amount,tax,subject
12345,SMITHCO,2017-12-01,2018-01-01,USD,100.00,0.00,Consulting
F-001,BOULMART,2017-12-01,2018-01-01,EUR,1200.00,200.00,Maintenance annuelle
"""


def carry_out(store: Store, day: date) -> None:
    daily_run.run_dunning(store, day)
    for action_id in dunning.approve(store, every=True):
        dunning.mark_done(store, action_id, day)


def second_letter_text(store: Store, tmp_path: Path, customer_ref: str) -> str:
    daily_run.run_dunning(store, date(2018, 3, 12))
    (item,) = [q for q in dunning.queue(store) if q.action.customer_ref == customer_ref]
    assert item.action.level == 2
    shown = letters.preview(store, item.id, tmp_path / "preview", date(2018, 3, 12))
    assert shown.problems == ()
    (pdf,) = [path for path in shown.files if path.suffix == ".pdf"]
    with pdfplumber.open(io.BytesIO(pdf.read_bytes())) as document:
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def test_the_second_letter_names_the_broken_promise_not_silence(store: Store, tmp_path: Path):
    init_creditor(store, DEMO_CREDITOR, actor="test")
    import_ledger_csv(store, CsvKind.CUSTOMERS, write(tmp_path / "c.csv", CUSTOMERS), actor="t")
    import_ledger_csv(store, CsvKind.INVOICES, write(tmp_path / "i.csv", INVOICES), actor="t")
    carry_out(store, date(2018, 2, 5))
    daily_run.run_dunning(store, date(2018, 2, 19))
    dunning.approve(store, every=True)
    sending.send_approved(store, date(2018, 2, 19), tmp_path / "out", None, to_files=True)
    pauses.log_contact(
        store, "BOULMART", ContactChannel.CALL, date(2018, 2, 26),
        direction=Direction.INCOMING, outcome=CallOutcome.PROMISED,
    )  # fmt: skip
    pauses.promise(store, "BOULMART", Money.of("1200", "EUR"), date(2018, 3, 2), date(2018, 2, 26))

    bakery = second_letter_text(store, tmp_path, "BOULMART")
    assert "Madame, Malgré votre promesse de paiement du 26 février 2018" in bakery
    assert "ni de réponse" not in bakery
    # Smith & Co said nothing: its letter still says so, to Mr Smith by name.
    smith = second_letter_text(store, tmp_path, "SMITHCO")
    assert "Dear Mr Smith," in smith and "nor a reply to our letter of" in smith
