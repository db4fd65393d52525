"""The check every communication passes before it leaves: what it must say, what it must not.

Must say (docs/law.md, "What a collection letter says"): the creditor's identity
and a way to reach it, each invoice's number, amount and due date, the total due, the
date, and a signatory. Must not say: links or URLs (configurable), insults, threats or
harsh words (word lists kept as data in ``relance/rules/compliance/{fr,en}.txt``), nor a
threat of an agency or of legal action before level 3.

The check reads the text of the communication as rendered (what the PDF or the e-mail
shows), so a template edited by a user is checked too. It returns the problems as
values; an empty tuple means the communication may go.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from relance.core.addressing import creditor_phone
from relance.core.letter import Letter, format_day, format_money, format_short_day
from relance.core.model import Creditor

# Sections of a word list that are always forbidden, with how a problem names them.
ALWAYS_FORBIDDEN = {"insult": "insult", "threat": "threat", "harsh": "harsh word"}
LEGAL_ACTION = "legal_action"


class ProblemKind(StrEnum):
    """Why a communication is blocked."""

    MISSING = "missing"
    FORBIDDEN_WORD = "forbidden_word"
    LINK = "link"
    EARLY_LEGAL_THREAT = "early_legal_threat"


@dataclass(frozen=True, slots=True)
class ComplianceProblem:
    """One reason to block a communication, in words a user can act on."""

    kind: ProblemKind
    message: str


@dataclass(frozen=True, slots=True)
class WordLists:
    """Forbidden words and phrases of one language, by section (insult, threat, ...)."""

    sections: Mapping[str, tuple[str, ...]]

    def entries(self, section: str) -> tuple[str, ...]:
        """The entries of `section` (empty when the list has none)."""
        return self.sections.get(section, ())


@dataclass(frozen=True, slots=True)
class ComplianceRules:
    """Settings of the check: links may be allowed; legal threats from which level on."""

    allow_links: bool = False
    legal_action_from_level: int = 3


def parse_word_lists(text: str) -> WordLists:
    """Read a word list: ``[section]`` headers, one entry a line, ``#`` comments."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1].strip(), [])
        elif current is not None:
            current.append(line)
    return WordLists({name: tuple(entries) for name, entries in sections.items()})


def normalize(text: str) -> str:
    """Case-folded, NFC, every kind of space made one ordinary space."""
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'")
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split()).casefold()


def _entry_source(entry: str) -> str:
    stem = entry.endswith("*")
    words = normalize(entry.rstrip("*")).split(" ")
    body = r"\s+".join(re.escape(w) for w in words)
    return body + (r"\w*" if stem else "")


@lru_cache(maxsize=64)
def _section_pattern(entries: tuple[str, ...]) -> re.Pattern[str]:
    # One alternation per section, compiled once: a letter is scanned once per section.
    # Whole words only: "court" must not match "courteous", "saisie" not "saisir".
    alternatives = "|".join(_entry_source(e) for e in sorted(entries, key=len, reverse=True))
    return re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)")


_LINK = re.compile(
    r"(?:\b(?:https?|ftp)://\S+)"
    r"|(?:\bwww\.\S+)"
    # A bare domain with a common top-level domain, but not the domain of an e-mail
    # address (the creditor's e-mail is required, and is not a link).
    r"|(?:(?<![@\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\."
    r"(?:com|fr|net|org|io|eu|info|biz|be|ch|de|uk|us|co|ly|me|app)\b(?:/\S*)?)",
    re.IGNORECASE,
)


def find_links(text: str) -> tuple[str, ...]:
    """Links and URLs in `text` (e-mail addresses are not links)."""
    return tuple(match.group(0).rstrip(".,;:)") for match in _LINK.finditer(text))


def find_words(text: str, entries: Iterable[str]) -> tuple[str, ...]:
    """The entries of a word list that occur in `text`, as the text writes them."""
    wanted = tuple(entries)
    if not wanted:
        return ()
    found = dict.fromkeys(m.group(0) for m in _section_pattern(wanted).finditer(normalize(text)))
    return tuple(found)


# Legal forms of a sole trader: no share capital, and registered with the trades register
# rather than the RCS when a craftsman; the form itself ("EI") must still be stated.
_SOLE_TRADER_FORMS = frozenset(
    {"ei", "eirl", "entrepreneur individuel", "micro-entrepreneur", "auto-entrepreneur"}
)


def legal_identity_items(creditor: Creditor) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """What a French company's letters must show of its identity (C. com. R123-237 and
    R123-238): its legal form, its share capital and the city of its RCS registration with
    its SIREN; a sole trader, its form and SIREN. Nothing is asked of a foreign creditor."""
    if creditor.country.upper() != "FR":
        return ()

    def given(value: str) -> tuple[str, ...]:
        return (value,) if value.strip() else ()

    items = [("creditor legal form (C. com. R123-238)", given(creditor.legal_form))]
    if " ".join(creditor.legal_form.casefold().split()) not in _SOLE_TRADER_FORMS:
        items.append(("creditor share capital (C. com. R123-238)", given(creditor.capital)))
        items.append(("creditor RCS city (C. com. R123-237)", given(creditor.registration_city)))
    items.append(("creditor SIREN (C. com. R123-237)", given(creditor.registration_id)))
    return tuple(items)


def required_items(letter: Letter) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """What must appear, each as (name of the item, the ways it may be written)."""
    locale = letter.locale
    creditor = letter.creditor
    items: list[tuple[str, tuple[str, ...]]] = [
        ("creditor name", (creditor.name,)),
        (
            "creditor address",
            tuple(x for x in (*creditor.address.lines, creditor.address.city) if x),
        ),
        (
            "creditor phone or e-mail",
            tuple(x for x in (creditor.phone, creditor_phone(letter), creditor.email) if x),
        ),
        ("date of the letter", (format_day(letter.dated, locale),)),
        ("total due", (format_money(letter.total_due, locale),)),
        ("signatory", (letter.signatory_name,) if letter.signatory_name else ()),
        *legal_identity_items(creditor),
    ]
    for row in letter.rows:
        items.append((f"invoice number {row.number}", (row.number,)))
        items.append(
            (
                f"amount of invoice {row.number}",
                (
                    format_money(row.open_balance, locale),
                    format_money(row.amount, locale),
                ),
            )
        )
        items.append(
            (
                f"due date of invoice {row.number}",
                (
                    format_short_day(row.due_date, locale),
                    format_day(row.due_date, locale),
                ),
            )
        )
    return tuple(items)


def check_communication(
    letter: Letter,
    text: str,
    words: WordLists,
    rules: ComplianceRules | None = None,
) -> tuple[ComplianceProblem, ...]:
    """Problems that block `text`, the rendered communication of `letter`; () when it may go.

    `words` is the forbidden-word list of the letter's language
    (see `parse_word_lists`).
    """
    rules = rules or ComplianceRules()
    problems: list[ComplianceProblem] = []
    shown = normalize(text)
    for name, spellings in required_items(letter):
        if not spellings:
            problems.append(ComplianceProblem(ProblemKind.MISSING, f"missing: {name} (not set)"))
        elif not any(normalize(s) in shown for s in spellings if s):
            problems.append(ComplianceProblem(ProblemKind.MISSING, f"missing: {name}"))
    if not rules.allow_links:
        for link in find_links(text):
            problems.append(ComplianceProblem(ProblemKind.LINK, f"link or URL not allowed: {link}"))
    for section, what in ALWAYS_FORBIDDEN.items():
        for found in find_words(text, words.entries(section)):
            problems.append(
                ComplianceProblem(ProblemKind.FORBIDDEN_WORD, f"forbidden {what}: «{found}»")
            )
    if letter.level < rules.legal_action_from_level:
        for found in find_words(text, words.entries(LEGAL_ACTION)):
            problems.append(
                ComplianceProblem(
                    ProblemKind.EARLY_LEGAL_THREAT,
                    f"threat of agency or legal action before level "
                    f"{rules.legal_action_from_level} (this is level {letter.level}): «{found}»",
                )
            )
    return tuple(problems)
