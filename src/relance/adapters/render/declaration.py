"""The declaration of claim (déclaration de créance) as an A4 PDF, in French, to send by
registered mail to the mandataire judiciaire or liquidateur (docs/prevention.md).

It says who declares and against whom, the proceedings and their dates, the claim due on
the judgment's day and the claim to fall due apart (C. com. L622-25), interest counted
to the judgment (L622-28), the total, and the list of the documents sent with it
(R622-23); it is dated and signed. Drawn with the TTF fonts the letters use, so every
accent and the euro sign print.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from relance.adapters.render.form_page import FormPage, Layout, a4_pdf, amount_line, claim_table
from relance.adapters.render.pdf_page import unicode_fonts, wrap
from relance.core.claim_declaration import ClaimLine, Declaration
from relance.core.insolvency import Procedure
from relance.core.letter import format_day
from relance.core.money import total

WIDTH, HEIGHT = A4
LEFT, RIGHT, BOTTOM = 20 * mm, WIDTH - 20 * mm, 22 * mm
LOCALE = "fr"
_PROCEDURES = {
    Procedure.SAUVEGARDE: "procédure de sauvegarde",
    Procedure.REDRESSEMENT: "redressement judiciaire",
    Procedure.LIQUIDATION: "liquidation judiciaire",
    Procedure.SURENDETTEMENT: "procédure de surendettement",
}
_COLUMNS = ("Facture", "Date", "Échéance", "Principal", "Intérêts", "Indemnité", "Total")
_X = (LEFT + 2 * mm, LEFT + 28 * mm, LEFT + 50 * mm, RIGHT - 74 * mm, RIGHT - 50 * mm,
      RIGHT - 26 * mm, RIGHT - 2 * mm)  # fmt: skip


_LAYOUT = Layout(LEFT, RIGHT, HEIGHT - 20 * mm, BOTTOM, size=9.5, leading=3, gap=3 * mm)


def _page(canvas: Canvas, footer: str) -> FormPage:
    def draw(page: FormPage) -> None:
        page.canvas.setFont(page.fonts.regular, 7)
        page.canvas.drawCentredString(WIDTH / 2, 10 * mm, f"{footer} – page {page.number}")

    return FormPage(canvas, unicode_fonts(), _LAYOUT, draw)


def render_declaration(declaration: Declaration) -> bytes:
    """The declaration as PDF bytes (one page, more for a long list of invoices)."""

    def draw(canvas: Canvas) -> None:
        page = _page(canvas, _footer(declaration))
        _heading(page, declaration)
        _parties(page, declaration)
        _claims(page, declaration)
        _closing(page, declaration)
        page.finish()

    return a4_pdf(f"Déclaration de créance – {declaration.customer.name}", draw)


def _footer(d: Declaration) -> str:
    creditor = d.creditor
    parts = [creditor.name, creditor.legal_form]
    if creditor.registration_id:
        city = f"RCS {creditor.registration_city} " if creditor.registration_city else "SIREN "
        parts.append(city + creditor.registration_id)
    return " – ".join(p for p in parts if p)


def _heading(page: FormPage, d: Declaration) -> None:
    creditor = d.creditor
    page.text(creditor.name, 13, bold=True)
    address = creditor.address
    for line in (*address.lines, f"{address.postal_code} {address.city}".strip()):
        if line:
            page.text(line, 9)
    for line in (creditor.phone, creditor.email):
        if line:
            page.text(line, 9)
    page.y = HEIGHT - 45 * mm
    recipient = d.case.representative or "Mandataire judiciaire"
    for line in wrap(recipient, page.fonts.regular, 10, 80 * mm):
        page.text(line, 10, x=110 * mm)
    if d.case.court:
        page.text(d.case.court, 10, x=110 * mm)
    page.y = HEIGHT - 70 * mm
    page.text("Lettre recommandée avec demande d'avis de réception", 9, x=LEFT)
    page.text(f"Le {format_day(d.made_on, LOCALE)}", 9)
    page.gap()
    page.text("DÉCLARATION DE CRÉANCE", 14, bold=True)
    page.text("Articles L622-24 à L622-26 et R622-23 du Code de commerce", 9)
    page.gap()


def _parties(page: FormPage, d: Declaration) -> None:
    customer, case = d.customer, d.case
    debtor = customer.name
    if customer.registration_id:
        debtor += f", SIREN {customer.registration_id[:9]}"
    lines = (*customer.address.lines, customer.address.postal_code, customer.address.city)
    place = " ".join(part for part in lines if part)
    page.text(f"Débiteur : {debtor}" + (f", {place}" if place else ""), bold=True)
    opened = format_day(case.opened, LOCALE)
    words = f"Procédure : {_PROCEDURES[case.procedure]} ouverte par jugement du {opened}"
    if case.court:
        words += f" ({case.court})"
    if case.published is not None:
        words += f", publié au BODACC le {format_day(case.published, LOCALE)}"
        if case.notice_id:
            words += f" (annonce {case.notice_id})"
    page.text(words + ".")
    if d.deadline is not None:
        page.text(f"Délai de déclaration : jusqu'au {format_day(d.deadline, LOCALE)} inclus.")
    page.gap()
    page.text(
        f"{d.creditor.name} déclare au passif de {customer.name} la créance ci-dessous, "
        "à titre chirographaire, arrêtée au jour du jugement d'ouverture : les intérêts "
        "cessent de courir à cette date (article L622-28 du Code de commerce)."
    )
    page.gap()


def _claims(page: FormPage, d: Declaration) -> None:
    _table(page, "Créances échues au jour du jugement", d.due, d.currency)
    if d.to_fall_due:
        _table(page, "Créances à échoir (avec leur date d'échéance)", d.to_fall_due, d.currency)
    page.gap(2 * mm)
    for label, amount in (
        ("Principal échu", d.due_principal),
        ("Principal à échoir", d.to_fall_due_principal),
        ("Intérêts de retard arrêtés au jour du jugement", d.interest),
        ("Indemnités forfaitaires pour frais de recouvrement", d.indemnities),
    ):
        amount_line(page, label, amount, LOCALE, bold=False)
    amount_line(page, "Montant total déclaré", d.total, LOCALE, bold=True)
    for note in d.notes:
        page.text(f"Note : {note}", 8)
    page.gap()


def _table(page: FormPage, title: str, lines: Sequence[ClaimLine], currency: str) -> None:
    page.text(title, 10.5, bold=True)
    claim_table(page, _COLUMNS, _X, lines, LOCALE, 9)
    if not lines:
        page.text("néant", 9, x=LEFT + 2 * mm)
        return
    subtotal = total((ln.principal + ln.interest + ln.indemnity for ln in lines), currency)
    page.canvas.line(LEFT, page.y + 8, RIGHT, page.y + 8)
    page.y -= 3
    amount_line(page, "Sous-total", subtotal, LOCALE, bold=True)
    page.gap(2 * mm)


def _closing(page: FormPage, d: Declaration) -> None:
    page.text("Pièces justificatives jointes (bordereau) :", 10, bold=True)
    for index, document in enumerate(d.documents, start=1):
        page.text(f"{index}. {document}", 9, x=LEFT + 4 * mm)
    page.gap()
    page.text(
        "Je certifie la présente déclaration sincère et véritable. Elle interrompt la "
        "prescription jusqu'à la clôture de la procédure (article L622-25-1 du Code de "
        "commerce).",
        9,
    )
    page.gap()
    page.need(20 * mm)  # the date and the signature stay together
    city = d.creditor.address.city
    page.text(f"Fait à {city}, le {format_day(d.made_on, LOCALE)}" if city else
              f"Fait le {format_day(d.made_on, LOCALE)}")  # fmt: skip
    page.gap(8 * mm)
    signatory = d.creditor.signatory_name or d.creditor.name
    page.text(signatory, bold=True)
    if d.creditor.signatory_title:
        page.text(d.creditor.signatory_title, 9)
