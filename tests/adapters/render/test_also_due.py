"""A consumer's registered formal notice with an invoice five days late: the notice demands
the invoices that went through every reminder, and lists the young one apart, as also due,
with its own total (read back from the PDF and the e-mail).

Before, the young invoice sat in the notice's table under "our reminders have gone
unanswered" and counted in the sum demanded.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tests.adapters.render.test_letter_pdf import pdf_text, plain, render

from relance.adapters.render.email_body import build_email_body
from relance.adapters.render.specimen import (
    SPECIMEN_CREDITOR,
    specimen_customer,
    specimen_invoices,
)
from relance.adapters.render.templates import TemplateStore
from relance.core.letter import Letter, Tone, compose_letter, format_money
from relance.core.model import CustomerKind
from relance.core.money import Money


def notice() -> Letter:
    old, other, young = specimen_invoices(3, "EUR")
    young = replace(young, number="R-140", due_date=date(2018, 2, 14))  # 5 days late
    invoices = (old, other, young)
    result = compose_letter(
        creditor=SPECIMEN_CREDITOR,
        customer=specimen_customer(CustomerKind.CONSUMER, "fr"),
        invoices=invoices,
        balances={i.number: i.amount for i in invoices},
        as_of=date(2018, 2, 19),
        level=4,
        tone=Tone.FORMAL,
        template_key="consumer/letter4",
        reference="A2018-0004",
        registered=True,
        language="fr",
        stages={old.number: "final", other.number: "final", "R-140": "informal"},
        also_due={"R-140"},
    )
    assert result.letter is not None, result.problems
    return result.letter


def test_the_notice_demands_only_what_went_through_every_reminder() -> None:
    letter = notice()
    assert [row.stage for row in letter.rows] == ["final", "final"]
    assert [(row.number, row.stage, row.days_late) for row in letter.also_due] == [
        ("R-140", "informal", 5)
    ]
    assert letter.total_due == sum((row.open_balance for row in letter.rows), Money.zero("EUR"))
    assert letter.also_due_total == letter.also_due[0].open_balance


def test_the_pdf_and_the_email_list_the_young_invoice_after_the_total_apart() -> None:
    letter = notice()
    total = plain(format_money(letter.total_due, letter.locale))
    apart = plain(format_money(letter.also_due_total, letter.locale))
    text = pdf_text(render(letter).pdf)
    before, after = text.split("Autres factures échues, non visées par ce courrier")
    assert "R-140" not in before and total in before
    assert "R-140" in after and f"Total de ces autres factures {apart}" in after
    email = build_email_body(letter, TemplateStore().word(letter), copy_of_letter=False)
    body_before, body_after = plain(email.text).split("Autres factures échues")
    assert "R-140" not in body_before and "R-140" in body_after
    assert "R-140" in email.html.split("Autres factures échues")[1]
