"""The sender's side of a letter: the block under the creditor's name, the legal mentions
of the footer, and the closing lines on how to reach the creditor and which letters were
already sent, as letters and e-mails print them.

On a letter abroad the sender block ends with the creditor's country and gives the phone
in international form, so that the reader can write back and call.
"""

from __future__ import annotations

from relance.adapters.render.labels import counted, label
from relance.core.addressing import country_name, creditor_phone, is_abroad
from relance.core.letter import Letter, format_day


def creditor_lines(letter: Letter) -> list[str]:
    """Sender block under the name: address (with the country abroad), phone, e-mail."""
    creditor = letter.creditor
    lang = letter.language
    lines = list(creditor.address.lines)
    city = " ".join(x for x in (creditor.address.postal_code, creditor.address.city) if x)
    if city:
        lines.append(city)
    if is_abroad(letter):
        lines.append(country_name(creditor.country, lang))
    phone = creditor_phone(letter)
    if phone:
        lines.append(label(lang, "phone", phone=phone))
    if creditor.email:
        lines.append(label(lang, "email", email=creditor.email))
    return lines


def legal_mentions(letter: Letter) -> str:
    """Legal form, capital, registration and VAT numbers, on one line."""
    creditor = letter.creditor
    lang = letter.language
    parts = [creditor.name]
    if creditor.legal_form:
        form = creditor.legal_form
        if creditor.capital:
            form += " " + label(lang, "capital", capital=creditor.capital)
        parts.append(form)
    if creditor.registration_id:
        key = "rcs" if creditor.registration_city else "siren"
        parts.append(
            label(lang, key, siren=creditor.registration_id, city=creditor.registration_city)
        )
    if creditor.vat_number:
        parts.append(label(lang, "vat", vat=creditor.vat_number))
    return " – ".join(parts)


def contact_paragraph(letter: Letter) -> str:
    """How to reach the creditor: whichever of the phone and e-mail it has, or the post."""
    lang = letter.language
    contacts = " – ".join(
        x
        for x in (
            label(lang, "phone", phone=creditor_phone(letter)) if letter.creditor.phone else "",
            label(lang, "email", email=letter.creditor.email) if letter.creditor.email else "",
        )
        if x
    )
    return label(lang, "contact", contacts=contacts)


def previous_letters_paragraph(letter: Letter) -> str:
    """The letters already sent about the debt, with their days ("" when there are none)."""
    if not letter.previous:
        return ""
    lang = letter.language
    items = ", ".join(
        label(lang, "previous_item", date=format_day(p.sent_on, letter.locale), level=p.level)
        for p in letter.previous
    )
    return counted(lang, "previous", len(letter.previous), items=items)
