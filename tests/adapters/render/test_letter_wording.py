"""What the letters say, read back from the rendered PDFs: the French grammar, the English
conventions, the law recalled from the first letter, and the customer's own words.

The ledger of these stories: Atelier Durand SARL, a Lyon plumbing company, chases a bakery
in Lyon (two invoices), a consulting firm in Bristol (GBP) and private customers in both
countries.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, timedelta

import pdfplumber

from relance.adapters.render.pdf import render_letter_pdf
from relance.adapters.render.specimen import SPECIMEN_CREDITOR, specimen_invoices
from relance.adapters.render.templates import TemplateStore
from relance.core.exchanges import Exchange, ExchangeKind
from relance.core.letter import ChargeLine, Letter, PreviousLetter, Tone, compose_letter
from relance.core.model import Address, Civility, Customer, CustomerKind, Invoice, WindowSide
from relance.core.money import Money

STORE = TemplateStore()
LETTER_DAY = date(2026, 11, 23)


def bakery(**changes: object) -> Customer:
    customer = Customer(
        ref="BOUL",
        name="Boulangerie Martin SAS",
        address=Address(("4 place Bellecour",), "69002", "Lyon", "FR"),
    )
    return replace(customer, **changes)  # type: ignore[arg-type]


def bristol(**changes: object) -> Customer:
    customer = Customer(
        ref="BLACK",
        name="Blackwood & Sons",
        country="GB",
        language="en",
        address=Address(("30 High Street",), "BS1 4DJ", "Bristol", "GB"),
    )
    return replace(customer, **changes)  # type: ignore[arg-type]


def invoices_of(customer: Customer, count: int, currency: str) -> list[Invoice]:
    return [
        replace(
            invoice,
            customer_ref=customer.ref,
            issue_date=date(2026, 2, 1) + timedelta(days=20 * n),
            due_date=date(2026, 3, 3) + timedelta(days=20 * n),
        )
        for n, invoice in enumerate(specimen_invoices(count, currency))
    ]


def letter_to(
    customer: Customer,
    level: int,
    *,
    count: int = 2,
    currency: str = "EUR",
    charges: tuple[ChargeLine, ...] = (),
    exchanges: tuple[Exchange, ...] = (),
) -> Letter:
    invoices = invoices_of(customer, count, currency)
    kind = customer.kind.value
    result = compose_letter(
        creditor=SPECIMEN_CREDITOR,
        customer=customer,
        invoices=invoices,
        balances={i.number: i.amount for i in invoices},
        as_of=LETTER_DAY,
        level=level,
        tone=Tone.FORMAL if level == 4 else Tone.FIRM if level == 3 else Tone.COURTEOUS,
        template_key=f"{kind}/letter{level}",
        reference="2026-000042",
        previous=[PreviousLetter(n, date(2026, 8 + n, 1)) for n in range(1, level)],
        charges=charges,
        registered=level == 4,
        exchanges=exchanges,
    )
    assert result.letter is not None, result.problems
    return result.letter


def rendered_text(letter: Letter) -> str:
    pdf = render_letter_pdf(letter, STORE.word(letter)).pdf
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def test_a_french_letter_about_two_invoices_speaks_in_the_plural_and_to_madame() -> None:
    # The bakery's accountant, Mme Claire Roux, is on file: the letter opens "Madame,"
    # and closes with the same word; two invoices are "les factures concernées".
    customer = bakery(contact_name="Claire Roux", civility=Civility.MS)
    text = rendered_text(letter_to(customer, 1, count=2))
    assert "Madame, Sauf erreur" in text
    assert "Madame, Monsieur" not in text
    assert "vous prions d'agréer, Madame, nos salutations" in text
    assert "récapitulatif des factures concernées" in text
    assert "À l'attention de Mme Claire Roux" in text
    single = rendered_text(letter_to(bakery(civility=Civility.MR), 1, count=1))
    assert "Monsieur, Sauf erreur" in single and "de la facture concernée" in single


def test_the_first_business_letter_recalls_the_penalties_due_without_reminder() -> None:
    # C. com. L441-10: penalties and the 40 EUR indemnity are due without any reminder.
    # Letter 1 recalls them in one courteous sentence; from letter 2 on the figures are in
    # the statement, and the sentence says so.
    first = rendered_text(letter_to(bakery(), 1))
    assert "sans que cela appelle de rappel de notre part" in first
    assert "40 euros par facture (article L441-10 du Code de commerce)" in first
    indemnity = ChargeLine("Indemnité forfaitaire, facture 12345", Money.of("40", "EUR"))
    second = rendered_text(letter_to(bakery(), 2, charges=(indemnity,)))
    assert "les montants réclamés figurent dans le décompte ci-dessus" in second
    english = rendered_text(letter_to(bristol(), 1, currency="GBP"))
    assert "fixed recovery indemnity of 40 euros per invoice" in english


def test_consumer_letters_say_when_legal_interest_runs() -> None:
    # C. civ. 1231-6: a consumer owes interest at the legal rate from the formal notice,
    # and no collection costs before (CPCE L111-8).
    person = bakery(name="Jeanne Lefèvre", kind=CustomerKind.CONSUMER, civility=Civility.MS)
    first = rendered_text(letter_to(person, 1))
    assert "aucun frais ne vous est demandé" in first
    assert "qu'à compter d'une demande de paiement formelle (article 1231-6" in first
    notice = rendered_text(letter_to(person, 4))
    assert "La présente mise en demeure fait courir, à compter de sa réception" in notice
    assert "Mme Jeanne Lefèvre" in notice


def test_an_english_letter_abroad_reads_as_british_english_throughout() -> None:
    # One locale per letter: the table and the charges both read "3 Mar 2026", never
    # "Mar 3, 2026"; the phone is international, the creditor's country is printed, the
    # postcode follows the town, Ms Smith is greeted by name and the title is English.
    customer = bristol(contact_name="Jane Smith", civility=Civility.MS)
    interest = ChargeLine(
        "Late-payment interest, invoice 12345, 3 Mar 2026 to 23 Nov 2026", Money.of("9", "GBP")
    )
    letter = letter_to(customer, 2, currency="GBP", charges=(interest,))
    text = rendered_text(letter)
    assert "3 Mar 2026" in text and "Mar 3, 2026" not in text
    assert "+33 4 78 00 00 00" in text
    assert "FRANCE" in text
    assert "BRISTOL BS1 4DJ UNITED KINGDOM" in text  # town, then postcode, then country
    assert "Dear Ms Smith," in text and "Yours sincerely," in text
    assert "For the attention of Ms Jane Smith" in text
    assert "Manager" in text and "Gérante" not in text
    assert letter.locale == "en_GB"


def recipient_x(letter: Letter) -> float:
    pdf = render_letter_pdf(letter, STORE.word(letter)).pdf
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        words = document.pages[0].extract_words()
    return min(w["x0"] for w in words if w["text"] in ("Boulangerie", "Blackwood"))


def test_every_letter_of_a_print_batch_puts_the_address_in_the_same_window() -> None:
    # The French and the English letter go in the same envelopes: the address is on the
    # side of the creditor's envelope window, whatever the letter's language.
    french, english = letter_to(bakery(), 1), letter_to(bristol(), 1, currency="GBP")
    assert abs(recipient_x(french) - recipient_x(english)) < 1
    assert recipient_x(french) > 250  # the usual French DL envelope: window on the right
    left = replace(SPECIMEN_CREDITOR, envelope_window=WindowSide.LEFT)
    moved = [replace(letter, creditor=left) for letter in (french, english)]
    assert all(recipient_x(letter) < 100 for letter in moved)


def test_a_letter_never_claims_silence_when_the_customer_answered() -> None:
    # The bakery promised on 12 September to pay; the second letter names the promise
    # instead of "ni de réponse", in both languages and at every level that spoke of it.
    promise = (Exchange(ExchangeKind.PROMISE, date(2026, 9, 12)),)
    for level in (2, 3, 4):
        silent = rendered_text(letter_to(bakery(), level))
        assert "réponse" in silent or "sans effet" in silent
        text = rendered_text(letter_to(bakery(), level, exchanges=promise))
        assert "votre promesse de paiement du 12 septembre 2026" in text
        assert "ni de réponse" not in text and "ni réponse" not in text
        assert "sans effet" not in text and "sans réponse" not in text
    for level in (2, 3, 4):
        english = rendered_text(letter_to(bristol(), level, currency="GBP", exchanges=promise))
        assert "your promise of 12 September 2026 to pay" in english
        assert "unanswered" not in english and "nor a reply" not in english
        assert "any reply" not in english
    person = bakery(name="Jeanne Lefèvre", kind=CustomerKind.CONSUMER)
    for level in (2, 3, 4):
        text = rendered_text(letter_to(person, level, exchanges=promise))
        assert "votre promesse de paiement du 12 septembre 2026" in text
        assert "sans réponse" not in text and "ni réponse" not in text


def page_texts(letter: Letter) -> list[str]:
    pdf = render_letter_pdf(letter, STORE.word(letter)).pdf
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        pages = [page.extract_text() or "" for page in document.pages]
    return [" ".join(p.replace("\u202f", " ").replace("\xa0", " ").split()) for p in pages]


def test_a_long_description_is_wrapped_in_its_column_never_cut() -> None:
    subject = "Entretien annuel de la chaudière et du circuit de chauffage, pièces comprises"
    letter = letter_to(bakery(), 1, count=1)
    row = replace(letter.rows[0], subject=subject)
    text = " ".join(page_texts(replace(letter, rows=(row,))))
    for word in subject.split():
        assert word in text
    assert "…" not in text


def test_no_page_holds_only_the_closing_line_and_the_signature() -> None:
    # However many invoices push the end of the letter over a page, the last page also
    # carries the contact line: the sign-off is never left alone with the signature.
    for count in range(1, 16):
        for level in (1, 4):
            pages = page_texts(letter_to(bakery(), level, count=count))
            if len(pages) > 1:
                assert "Une question, une erreur, une contestation" in pages[-1], (count, level)


def test_the_first_letter_goes_with_a_copy_of_each_invoice(tmp_path) -> None:
    # Invoice 12345 was imported from a Factur-X PDF: that PDF follows the letter in the
    # print file. Invoice 12346 has no PDF: a duplicate drawn from the ledger, marked
    # "DUPLICATA", is part of the letter itself (printed, attached to the e-mail, kept).
    from relance.adapters.render.communication import render_communication

    own = tmp_path / "F12345.pdf"
    own.write_bytes(
        render_letter_pdf(letter_to(bakery(), 2), STORE.word(letter_to(bakery(), 2))).pdf
    )
    letter = letter_to(bakery(), 1, count=2)
    first, second = letter.rows
    letter = replace(letter, rows=(replace(first, document=str(own)), second))
    rendered = render_communication(letter, "letter", STORE)
    assert rendered.pdf is not None and not rendered.blocked
    with pdfplumber.open(io.BytesIO(rendered.pdf.pdf)) as document:
        pages = [page.extract_text() or "" for page in document.pages]
    assert len(pages) == rendered.pdf.pages == 2
    assert "Pièces jointes : copies des factures 12345, 12346" in " ".join(pages[0].split())
    duplicate = " ".join(pages[1].replace("\u202f", " ").replace("\xa0", " ").split())
    assert "DUPLICATA" in duplicate and "Facture n° 12346" in duplicate
    assert "Montant TTC" in duplicate and "101,50 €" in duplicate
    assert "RCS Lyon 732829320" in duplicate  # the creditor's legal mentions
    later = render_communication(letter_to(bakery(), 2, count=2), "letter", STORE)
    assert later.pdf is not None and "DUPLICATA" not in later.pdf.text
    english = render_communication(
        letter_to(bristol(), 1, count=1, currency="GBP"), "letter", STORE
    )
    assert english.pdf is not None
    with pdfplumber.open(io.BytesIO(english.pdf.pdf)) as document:
        copy = document.pages[-1].extract_text() or ""
    assert "DUPLICATE" in copy and "Invoice no. 12345" in copy and "£100.00" in copy


def test_the_fixed_words_agree_with_the_number_of_invoices_and_letters() -> None:
    # One invoice and one earlier letter: "Montant de la facture", "Notre précédent
    # courrier", never "Total des factures" or "Nos précédents courriers".
    indemnity = ChargeLine("Indemnité forfaitaire, facture 12345", Money.of("40", "EUR"))
    one = rendered_text(letter_to(bakery(), 2, count=1, charges=(indemnity,)))
    assert "Montant de la facture" in one and "Total des factures" not in one
    assert "Notre précédent courrier : 1er septembre 2026" in one
    two = rendered_text(letter_to(bakery(), 3, count=2, charges=(indemnity,)))
    assert "Total des factures" in two and "Nos précédents courriers" in two
