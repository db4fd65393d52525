"""The agency mandate (CPCE art. R124-3) as an A4 PDF to sign, in French or English
(docs/after-notice.md, "The mandate"): the parties, the claim's basis and amount with its
parts, the agency's guarantee, its pay, how collected funds are paid over, signatures."""

from __future__ import annotations

from collections.abc import Mapping

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from relance.adapters.render.form_page import FormPage, Layout, a4_pdf, amount_line, claim_table
from relance.adapters.render.pdf_page import unicode_fonts
from relance.core.agencies import FeeBand
from relance.core.letter import format_day, format_money
from relance.core.mandate import PAY_OVER_DAYS, Mandate
from relance.core.model import Address
from relance.core.money import Money

WIDTH, HEIGHT = A4
LEFT, RIGHT, BOTTOM, TOP = 20 * mm, WIDTH - 20 * mm, 15 * mm, HEIGHT - 16 * mm
_X = (LEFT + 2 * mm, LEFT + 32 * mm, LEFT + 56 * mm, RIGHT - 74 * mm, RIGHT - 50 * mm,
      RIGHT - 26 * mm, RIGHT - 2 * mm)  # fmt: skip

WORDS: dict[str, dict[str, object]] = {
    "fr": {
        "title": "MANDAT DE RECOUVREMENT AMIABLE DE CRÉANCES",
        "law": "Article R124-3 du Code des procédures civiles d'exécution",
        "between": "Entre les soussignés :",
        "creditor": "Le créancier (le mandant)",
        "agency": "L'agence de recouvrement (le mandataire)",
        "represented": "représenté par",
        "siren": "SIREN",
        "object": "1. Objet",
        "object_text": "{creditor} confie à {agency}, qui l'accepte, le recouvrement amiable "
        "de la créance décrite ci-dessous sur {debtor}. L'agence agit au nom et pour le compte "
        "du créancier, sans recourir à aucune voie d'exécution.",
        "debtor": "Débiteur",
        "basis": "2. Fondement et montant de la créance",
        "basis_text": "Factures impayées à leur échéance, émises pour les ventes ou prestations "
        "faites au débiteur, qui les a reçues sans contestation.",
        "notice": "Mise en demeure reçue le {days}, restée sans effet.",
        "columns": ("Facture", "Date", "Échéance", "Principal", "Intérêts", "Indemnité", "Total"),
        "as_of": "Montants arrêtés au {day} ; les intérêts continuent de courir jusqu'au paiement.",
        "principal": "Principal (TTC)",
        "interest": "Intérêts de retard (C. com. art. L441-10)",
        "indemnity": "Indemnités forfaitaires pour frais de recouvrement (C. com. art. D441-5)",
        "total": "Montant total de la créance",
        "guarantee": "3. Garantie de l'agence (CPCE art. R124-2)",
        "insurance": "Assurance de responsabilité civile professionnelle : {insurer}, police "
        "n° {policy}, valable jusqu'au {until}.",
        "account": "Compte bancaire affecté exclusivement aux fonds encaissés pour le compte "
        "des créanciers : IBAN {iban}.",
        "fees": "4. Rémunération de l'agence",
        "band": "{rate} % des sommes encaissées",
        "up_to_days": "créances de {days} jours au plus après l'échéance",
        "up_to_amount": "créances de {amount} au plus",
        "other": "autres créances",
        "fixed": "Frais fixes par dossier : {amount}.",
        "minimum": "Rémunération minimale par dossier, due dès le premier encaissement : {amount} "
        "(jamais plus que les sommes encaissées).",
        "creditor_pays": "Cette rémunération est à la charge du créancier ; aucun frais de "
        "recouvrement amiable ne peut être mis à la charge du débiteur (CPCE art. L111-8).",
        "funds": "5. Reversement des fonds encaissés",
        "funds_text": "L'agence reverse au créancier les sommes encaissées dans un délai de "
        "{days} jours à compter de leur encaissement, par virement sur le compte {iban}, avec "
        "un relevé de chaque encaissement (date, facture, montant). Sa rémunération fait "
        "l'objet d'une facture distincte. Le créancier informe l'agence de tout paiement reçu "
        "directement.",
        "end": "6. Durée",
        "end_text": "Le mandat prend fin au recouvrement complet de la créance, à sa restitution "
        "par l'agence, ou à tout moment par lettre recommandée de l'une des parties ; les "
        "sommes encaissées jusque-là sont reversées dans les mêmes conditions.",
        "done_at": "Fait à {city}, le {day}, en deux exemplaires.",
        "for_creditor": "Pour le créancier",
        "for_agency": "Pour l'agence",
        "sign": "Signature précédée de «\u00a0Bon pour mandat\u00a0»",
        "signatory": "Nom et qualité du signataire :",
        "contact": "Contact",
        "page": "page",
        "initials": "paraphes\u00a0:",
        "reminder": "Mandat du {day} entre {creditor} et {agency} : créance sur {debtor} de "
        "{total} (page précédente).",
    },
    "en": {
        "title": "MANDATE FOR THE AMICABLE COLLECTION OF A DEBT",
        "law": "Article R124-3 of the French Code of civil enforcement procedures (CPCE)",
        "between": "Between the undersigned:",
        "creditor": "The creditor (the principal)",
        "agency": "The collection agency (the agent)",
        "represented": "represented by",
        "siren": "SIREN",
        "object": "1. Purpose",
        "object_text": "{creditor} instructs {agency}, which accepts, to collect amicably "
        "the debt described below from {debtor}. The agency acts in the creditor's name and on "
        "its behalf, and takes no enforcement measure.",
        "debtor": "Debtor",
        "basis": "2. Basis and amount of the debt",
        "basis_text": "Invoices unpaid at their due date, issued for goods or services supplied "
        "to the debtor, who received them without dispute.",
        "notice": "Formal notice received on {days}, without effect.",
        "columns": ("Invoice", "Date", "Due", "Principal", "Interest", "Indemnity", "Total"),
        "as_of": "Amounts as of {day}; interest runs until payment.",
        "principal": "Principal (VAT included)",
        "interest": "Late-payment interest (C. com. art. L441-10)",
        "indemnity": "Fixed recovery indemnities (C. com. art. D441-5)",
        "total": "Total amount of the debt",
        "guarantee": "3. The agency's guarantee (CPCE art. R124-2)",
        "insurance": "Professional liability insurance: {insurer}, policy no. {policy}, valid "
        "until {until}.",
        "account": "Bank account used only for the funds collected for creditors: IBAN {iban}.",
        "fees": "4. The agency's pay",
        "band": "{rate} % of the sums collected",
        "up_to_days": "debts at most {days} days past due",
        "up_to_amount": "debts of at most {amount}",
        "other": "other debts",
        "fixed": "Fixed fee per file: {amount}.",
        "minimum": "Minimum fee per file, due from the first sum collected: {amount} (never more "
        "than the sums collected).",
        "creditor_pays": "The creditor bears this pay; no cost of amicable collection may be "
        "charged to the debtor (CPCE art. L111-8).",
        "funds": "5. Paying over the funds collected",
        "funds_text": "The agency pays the sums it collects over to the creditor within {days} "
        "days of collecting them, by transfer to account {iban}, with a statement of each sum "
        "(date, invoice, amount). Its pay is invoiced separately. The creditor tells the "
        "agency of any payment it receives directly.",
        "end": "6. Term",
        "end_text": "The mandate ends when the debt is collected in full, when the agency "
        "returns it, or at any time by registered letter from either party; the sums collected "
        "until then are paid over on the same terms.",
        "done_at": "Made in {city} on {day}, in two copies.",
        "for_creditor": "For the creditor",
        "for_agency": "For the agency",
        "sign": "Signature preceded by “Agreed as mandate”",
        "signatory": "Name and position of the signatory:",
        "contact": "Contact",
        "page": "page",
        "initials": "initials:",
        "reminder": "Mandate of {day} between {creditor} and {agency}: debt of {debtor}, "
        "{total} (previous page).",
    },
}


_LAYOUT = Layout(LEFT, RIGHT, TOP, BOTTOM, size=9, leading=2.6, gap=1.8 * mm)


def _page(canvas: Canvas, footer: str, initials: str) -> FormPage:
    def draw(page: FormPage) -> None:
        page.canvas.setFont(page.fonts.regular, 7)
        page.canvas.drawCentredString(WIDTH / 2, 10 * mm, f"{footer} {page.number}")
        # each party initials each page, so that no page can be swapped
        page.canvas.drawRightString(RIGHT, 10 * mm, f"{initials} ______ / ______")

    return FormPage(canvas, unicode_fonts(), _LAYOUT, draw)


def render_mandate(mandate: Mandate) -> bytes:
    """The mandate as PDF bytes, in its language (French or English)."""
    words = WORDS["en" if mandate.language.startswith("en") else "fr"]
    title = str(words["title"]).capitalize()

    def draw(canvas: Canvas) -> None:
        page = _page(canvas, f"{title} – {words['page']}", str(words["initials"]))
        _parties(page, mandate, words)
        _claim(page, mandate, words)
        _guarantee_and_fees(page, mandate, words)
        _funds_and_term(page, mandate, words)
        _signatures(page, mandate, words)
        page.finish()

    return a4_pdf(f"{title} – {mandate.customer.name}", draw)


def _address(address: Address) -> str:
    city = f"{address.postal_code} {address.city}".strip()
    return ", ".join(part for part in (*address.lines, city) if part)


def _parties(page: FormPage, m: Mandate, w: Mapping[str, object]) -> None:
    page.text(str(w["title"]), 14, bold=True)
    page.text(str(w["law"]), 9)
    page.gap(5 * mm)
    page.text(str(w["between"]), 10, bold=True)
    page.gap(1 * mm)
    c = m.creditor
    identity = ", ".join(
        p for p in (c.legal_form, f"capital {c.capital}" if c.capital else "") if p
    )
    rcs = (
        f"RCS {c.registration_city} {c.registration_id}"
        if c.registration_city
        else (f"{w['siren']} {c.registration_id}" if c.registration_id else "")
    )
    page.text(f"{w['creditor']} : " if m.language == "fr" else f"{w['creditor']}: ", bold=True)
    page.text(
        ", ".join(p for p in (c.name, identity, rcs, _address(c.address)) if p), x=LEFT + 4 * mm
    )
    if c.signatory_name:
        page.text(
            f"{w['represented']} {c.signatory_name}"
            + (f", {c.signatory_title}" if c.signatory_title else ""),
            x=LEFT + 4 * mm,
        )
    page.gap(1 * mm)
    a = m.agency
    page.text(f"{w['agency']} : " if m.language == "fr" else f"{w['agency']}: ", bold=True)
    page.text(
        ", ".join(p for p in (a.name, f"{w['siren']} {a.siren}", _address(a.address)) if p),
        x=LEFT + 4 * mm,
    )
    contact = ", ".join(p for p in (a.contact, a.email, a.phone) if p)
    if contact:
        colon = " : " if m.language == "fr" else ": "
        page.text(f"{w['contact']}{colon}{contact}", x=LEFT + 4 * mm)
    page.gap()
    debtor = m.customer
    page.text(str(w["object"]), 10.5, bold=True)
    who = debtor.name + (
        f" ({w['siren']} {debtor.registration_id[:9]})" if debtor.registration_id else ""
    )
    page.text(str(w["object_text"]).format(creditor=c.name, agency=a.name, debtor=debtor.name))
    place = _address(debtor.address)
    if place:
        page.text(
            f"{w['debtor']} : {who}, {place}"
            if m.language == "fr"
            else f"{w['debtor']}: {who}, {place}"
        )
    page.gap()


def _claim(page: FormPage, m: Mandate, w: Mapping[str, object]) -> None:
    locale = m.language
    page.text(str(w["basis"]), 10.5, bold=True)
    page.text(str(w["basis_text"]))
    if m.notices:
        days = ", ".join(format_day(day, locale) for day in m.notices)
        page.text(str(w["notice"]).format(days=days))
    page.gap(2 * mm)
    columns = w["columns"]
    assert isinstance(columns, tuple)
    claim_table(page, columns, _X, m.lines, locale, 8.5)
    page.gap(2 * mm)
    for key, amount in (("principal", m.principal), ("interest", m.interest),
                        ("indemnity", m.indemnity)):  # fmt: skip
        amount_line(page, str(w[key]), amount, locale, bold=False)
    amount_line(page, str(w["total"]), m.total, locale, bold=True)
    page.text(str(w["as_of"]).format(day=format_day(m.made_on, locale)), 8.5)
    page.gap()


def _band(band: FeeBand, currency: str, w: Mapping[str, object], locale: str) -> str:
    limits = []
    if band.max_age_days is not None:
        limits.append(str(w["up_to_days"]).format(days=band.max_age_days))
    if band.max_amount is not None:
        amount = format_money(Money(band.max_amount, currency), locale)
        limits.append(str(w["up_to_amount"]).format(amount=amount))
    rate = f"{band.rate.normalize():f}".replace(".", "," if locale == "fr" else ".")
    return str(w["band"]).format(rate=rate) + " – " + (", ".join(limits) or str(w["other"]))


def _guarantee_and_fees(page: FormPage, m: Mandate, w: Mapping[str, object]) -> None:
    locale, agency = m.language, m.agency
    page.text(str(w["guarantee"]), 10.5, bold=True)
    insurance = agency.insurance
    if insurance is not None:
        page.text(str(w["insurance"]).format(
            insurer=insurance.insurer, policy=insurance.policy_number,
            until=_together(format_day(insurance.valid_until, locale))))  # fmt: skip
    page.text(str(w["account"]).format(iban=_iban(agency.funds_iban)))
    page.gap()
    page.text(str(w["fees"]), 10.5, bold=True)
    fees = agency.fees
    for band in fees.bands:
        page.text("– " + _band(band, fees.currency, w, locale), x=LEFT + 4 * mm)
    page.text(
        str(w["fixed"]).format(amount=format_money(Money(fees.fixed_fee, fees.currency), locale))
    )
    page.text(str(w["minimum"]).format(
        amount=format_money(Money(fees.minimum_fee, fees.currency), locale)))  # fmt: skip
    page.text(str(w["creditor_pays"]))
    page.gap()


def _iban(iban: str) -> str:
    """An IBAN in groups of four, as printed on paper."""
    return "\u00a0".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def _together(text: str) -> str:
    """`text` with no-break spaces: a date or a number is never cut across lines."""
    return text.replace(" ", "\u00a0")


def _funds_and_term(page: FormPage, m: Mandate, w: Mapping[str, object]) -> None:
    page.text(str(w["funds"]), 10.5, bold=True)
    account = _iban(m.creditor.iban) if m.creditor.iban else "—"
    page.text(str(w["funds_text"]).format(days=PAY_OVER_DAYS, iban=account))
    page.gap()
    page.text(str(w["end"]), 10.5, bold=True)
    page.text(str(w["end_text"]))
    page.gap()


def _signatures(page: FormPage, m: Mandate, w: Mapping[str, object]) -> None:
    before = page.number
    page.need(40 * mm)  # the place, the date and both blocks stay together
    if page.number != before:  # the signatures start a page: say what they sign
        page.text(str(w["reminder"]).format(
            day=format_day(m.made_on, m.language), creditor=m.creditor.name,
            agency=m.agency.name, debtor=m.customer.name,
            total=format_money(m.total, m.language)), 8.5)  # fmt: skip
        page.gap()
    city = m.creditor.address.city or "—"
    page.text(str(w["done_at"]).format(city=city, day=format_day(m.made_on, m.language)))
    page.gap(1.5 * mm)
    top = page.y
    middle = (LEFT + RIGHT) / 2
    c = m.creditor
    lowest = top
    columns = (
        (LEFT, middle - 6 * mm, w["for_creditor"], c.name,
         ", ".join(p for p in (c.signatory_name, c.signatory_title) if p)),
        (middle + 6 * mm, RIGHT, w["for_agency"], m.agency.name, m.agency.contact),
    )  # fmt: skip
    for x, right, heading, name, person in columns:
        page.y = top
        page.text(str(heading), 10, bold=True, x=x, right=right)
        page.text(name, x=x, right=right)
        page.text(person or str(w["signatory"]), 9, x=x, right=right)
        page.text(str(w["sign"]), 8, x=x, right=right)
        lowest = min(lowest, page.y)
    # the boxes side by side at the same height, under the longer column
    page.canvas.setStrokeGray(0.6)
    for x, right, *_ in columns:
        page.canvas.rect(x, lowest - 15 * mm, right - x, 17 * mm, 1, 0)
    page.y = lowest - 19 * mm
