"""Templates of letters and e-mails: where they are found, and how they are filled in safely.

Templates are Jinja2 text files run in a `SandboxedEnvironment`: a user can edit the
wording, but a template cannot call code, reach Python internals or read files. A
user's folder overrides the shipped templates file by file (same layout:
``<folder>/<language>/<key>.txt``).

A template has three blocks: ``subject``, ``opening`` (before the table of invoices)
and ``closing`` (after it); blank lines separate paragraphs. The key of a letter's
e-mail copy is the letter's key followed by ``_email``: it uses the letter's file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.lists import format_list
from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from relance.adapters.render.phrases import wording_values
from relance.core.addressing import creditor_phone, signatory_title
from relance.core.letter import Letter, format_day, format_money, locale_of

SHIPPED = Path(__file__).resolve().parents[2] / "templates"
BLOCKS = ("subject", "opening", "closing")
EMAIL_COPY_SUFFIX = "_email"

# Every key of the default policies, per kind of debtor.
DEFAULT_KEYS = tuple(
    f"{kind}/{step}"
    for kind in ("business", "consumer")
    for step in ("informal_email", "letter1", "letter2", "letter3", "letter4")
)


class TemplateProblem(ValueError):
    """A template is missing, does not parse, lacks a block or uses an unknown value."""


@dataclass(frozen=True, slots=True)
class Wording:
    """A template filled in for one letter: subject line and paragraphs around the table."""

    subject: str
    opening: tuple[str, ...]
    closing: tuple[str, ...]

    def text(self) -> str:
        """Subject and paragraphs as plain text, for checks and previews."""
        return "\n\n".join((self.subject, *self.opening, *self.closing))


def letter_key(key: str) -> str:
    """The template file's key for `key`: an e-mail copy uses its letter's file."""
    return key[: -len(EMAIL_COPY_SUFFIX)] if is_email_copy(key) else key


def is_email_copy(key: str) -> bool:
    """True for the key of a letter's e-mail copy (``business/letter1_email``)."""
    return key.endswith(EMAIL_COPY_SUFFIX) and not key.endswith("informal_email")


def _paragraphs(text: str) -> tuple[str, ...]:
    # Lines inside a paragraph are joined: the layout decides where lines break.
    blocks = [" ".join(line.strip() for line in chunk.splitlines()) for chunk in text.split("\n\n")]
    return tuple(block.strip() for block in blocks if block.strip())


def _numbers_phrase(numbers: list[str], language: str) -> str:
    # A subject line stays short: past four invoices, the table lists the rest.
    if len(numbers) <= 4:
        return ", ".join(numbers)
    rest = len(numbers) - 3
    more = f"et {rest} autres" if language == "fr" else f"and {rest} more"
    return f"{', '.join(numbers[:3])} {more}"


def _dates_phrase(dates: list[str], language: str) -> str:
    # "du 15 janvier 2018 et du 1er février 2018" / "January 15, 2018 and February 1, 2018"
    if not dates:
        return ""
    items = [f"du {d}" for d in dates] if language == "fr" else dates
    return str(format_list(items, locale=locale_of(language)))


# How to reach the creditor, after "contact us" / "contactez-nous": the phone and the
# e-mail it has, or the post when it has neither (its address heads every letter).
_CONTACT = {
    "fr": ("au {phone} ou à {email}", "au {phone}", "à {email}", "par courrier"),
    "en": ("on {phone} or at {email}", "on {phone}", "at {email}", "by post"),
}


def contact_phrase(phone: str, email: str, language: str) -> str:
    """The ways to reach the creditor ("au 04 78 … ou à compta@…", "on … or at …"), never
    a blank where a phone number or an e-mail address is missing."""
    both, phone_only, email_only, neither = _CONTACT.get(language, _CONTACT["en"])
    if phone and email:
        return both.format(phone=phone, email=email)
    if phone:
        return phone_only.format(phone=phone)
    return email_only.format(email=email) if email else neither


def template_values(letter: Letter, channel: str) -> dict[str, Any]:
    """The values a template can use, already formatted in the letter's language."""
    lang = letter.language
    previous_days = [format_day(p.sent_on, letter.locale) for p in letter.previous]
    previous = [
        {"level": p.level, "date": day}
        for p, day in zip(letter.previous, previous_days, strict=True)
    ]
    creditor = letter.creditor
    signatory = ", ".join(x for x in (letter.signatory_name, signatory_title(letter)) if x)
    return {
        **wording_values(letter),
        "debtor": letter.debtor.name,
        "creditor": creditor.name,
        "total": format_money(letter.total_due, letter.locale),
        "principal": format_money(letter.principal_due, letter.locale),
        "credit_on_account": (
            format_money(letter.credit_on_account, letter.locale)
            if letter.credit_on_account
            else ""
        ),
        "deadline": format_day(letter.deadline, letter.locale),
        "letter_date": format_day(letter.dated, letter.locale),
        "oldest_due": format_day(letter.oldest_due_date, letter.locale),
        "days_late": max(row.days_late for row in letter.rows),
        "invoice_count": len(letter.rows),
        "invoice_numbers": _numbers_phrase([row.number for row in letter.rows], lang),
        # The invoices listed apart (not covered by this step), printed in their own table.
        "also_due_count": len(letter.also_due),
        "also_due_numbers": _numbers_phrase([row.number for row in letter.also_due], lang),
        "previous": previous,
        "previous_dates": _dates_phrase(previous_days, lang),
        "last_letter_date": previous_days[-1] if previous_days else "",
        "phone": creditor_phone(letter),
        "email": creditor.email,
        "contact": contact_phrase(creditor_phone(letter), creditor.email or "", lang),
        "signatory": signatory,
        "rf": letter.rf_reference,
        "registered": letter.registered,
        "charges": [
            {
                "label": c.label,
                "amount": "" if c.amount is None else format_money(c.amount, letter.locale),
                "explanation": c.explanation,
            }
            for c in letter.charges
        ],
        "channel": channel,
        "level": letter.level,
    }


class TemplateStore:
    """Finds templates in the user's folder first, then among the shipped ones."""

    def __init__(self, user_folder: Path | None = None) -> None:
        self._environments: dict[str, SandboxedEnvironment] = {}
        self._user_folder = user_folder

    def _environment(self, language: str) -> SandboxedEnvironment:
        env = self._environments.get(language)
        if env is None:
            folders = [SHIPPED / language]
            if self._user_folder is not None:
                folders.insert(0, self._user_folder / language)
            env = SandboxedEnvironment(
                loader=ChoiceLoader([FileSystemLoader(str(f)) for f in folders]),
                undefined=StrictUndefined,  # a misspelt value is an error, not a blank
                autoescape=False,  # plain text; the HTML e-mail escapes what it shows
                keep_trailing_newline=False,
            )
            self._environments[language] = env
        return env

    def source_path(self, key: str, language: str) -> Path | None:
        """The file that `key` resolves to in `language`, user folder first."""
        name = f"{letter_key(key)}.txt"
        folders = [SHIPPED / language]
        if self._user_folder is not None:
            folders.insert(0, self._user_folder / language)
        for folder in folders:
            if (folder / name).is_file():
                return folder / name
        return None

    def word(self, letter: Letter, key: str | None = None, channel: str = "letter") -> Wording:
        """Fill the template `key` (default: the letter's) for `letter`.

        Raises `TemplateProblem` naming the key and what is wrong.
        """
        name = f"{letter_key(key or letter.template_key)}.txt"
        try:
            template = self._environment(letter.language).get_template(name)
            missing = [block for block in BLOCKS if block not in template.blocks]
            if missing:
                raise TemplateProblem(
                    f"template {letter.language}/{name} has no block {', '.join(missing)}"
                )
            context = template.new_context(template_values(letter, channel))
            parts = {block: "".join(template.blocks[block](context)).strip() for block in BLOCKS}
        except TemplateProblem:
            raise
        except TemplateError as exc:
            raise TemplateProblem(f"template {letter.language}/{name}: {exc}") from exc
        return Wording(
            subject=" ".join(parts["subject"].split()),
            opening=_paragraphs(parts["opening"]),
            closing=_paragraphs(parts["closing"]),
        )
