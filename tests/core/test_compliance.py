"""The compliance check: letters that pass, letters that must be blocked, in both languages."""

from __future__ import annotations

from dataclasses import replace

import pytest

from relance.adapters.render.pdf import render_letter_pdf
from relance.adapters.render.specimen import specimen_letter
from relance.adapters.render.templates import TemplateStore
from relance.adapters.render.word_lists import load_word_lists
from relance.core.addressing import creditor_phone
from relance.core.compliance import (
    ComplianceRules,
    ProblemKind,
    check_communication,
    find_links,
    parse_word_lists,
)
from relance.core.letter import Letter, Tone
from relance.core.model import CustomerKind

STORE = TemplateStore()
TONES = {0: Tone.COURTEOUS, 1: Tone.COURTEOUS, 2: Tone.COURTEOUS, 3: Tone.FIRM, 4: Tone.FORMAL}


def letter_at(level: int, language: str, kind: CustomerKind = CustomerKind.BUSINESS) -> Letter:
    result = specimen_letter(
        level=level, tone=TONES[level], kind=kind, language=language, currency="EUR"
    )
    assert result.letter is not None
    return result.letter


def shown_text(letter: Letter) -> str:
    return render_letter_pdf(letter, STORE.word(letter)).text


def with_sentence(letter: Letter, sentence: str) -> str:
    """The rendered letter with one sentence slipped into it, as a careless edit would."""
    return shown_text(letter) + "\n" + sentence


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("kind", [CustomerKind.BUSINESS, CustomerKind.CONSUMER])
@pytest.mark.parametrize("level", [0, 1, 2, 3, 4])
def test_every_shipped_template_passes(language: str, kind: CustomerKind, level: int) -> None:
    letter = letter_at(level, language, kind)
    assert check_communication(letter, shown_text(letter), load_word_lists(language)) == ()


@pytest.mark.parametrize(
    ("language", "sentence", "found"),
    [
        ("fr", "Vous êtes un escroc et un menteur.", "escroc"),
        ("fr", "Vous allez le regretter.", "vous allez le regretter"),
        ("fr", "Ce retard est inadmissible.", "inadmissible"),
        ("en", "You are a crook.", "crook"),
        ("en", "Pay now or else.", "or else"),
        ("en", "Your behaviour is disgraceful.", "disgraceful"),
    ],
)
def test_insults_threats_and_harsh_words_block_the_letter(
    language: str, sentence: str, found: str
) -> None:
    letter = letter_at(1, language)
    problems = check_communication(
        letter, with_sentence(letter, sentence), load_word_lists(language)
    )
    assert {p.kind for p in problems} == {ProblemKind.FORBIDDEN_WORD}
    assert found in problems[0].message


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("fr", "Sans règlement, le dossier partira chez notre avocat."),
        ("fr", "Nous engagerons une procédure judiciaire."),
        ("en", "We will hand this to a collection agency."),
        ("en", "We will take legal action."),
    ],
)
def test_an_agency_or_court_threat_is_blocked_before_level_3_and_allowed_from_it(
    language: str, sentence: str
) -> None:
    words = load_word_lists(language)
    early = letter_at(2, language)
    problems = check_communication(early, with_sentence(early, sentence), words)
    assert [p.kind for p in problems] == [ProblemKind.EARLY_LEGAL_THREAT]
    assert "level 2" in problems[0].message
    firm = letter_at(3, language)
    assert check_communication(firm, with_sentence(firm, sentence), words) == ()


def test_a_mise_en_demeure_is_a_level_4_letter_not_a_first_reminder() -> None:
    letter = letter_at(1, "fr")
    problems = check_communication(
        letter, with_sentence(letter, "Ceci vaut mise en demeure."), load_word_lists("fr")
    )
    assert any("mise en demeure" in p.message for p in problems)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_links_are_blocked_unless_allowed_but_the_e_mail_address_is_not_a_link(
    language: str,
) -> None:
    letter = letter_at(1, language)
    text = with_sentence(letter, "Pay at https://pay.example.com/x or www.durand.fr today.")
    words = load_word_lists(language)
    problems = check_communication(letter, text, words)
    assert sorted(p.message for p in problems) == [
        "link or URL not allowed: https://pay.example.com/x",
        "link or URL not allowed: www.durand.fr",
    ]
    assert check_communication(letter, text, words, ComplianceRules(allow_links=True)) == ()


def test_find_links_sees_bare_domains_but_not_e_mail_addresses() -> None:
    assert find_links("écrivez à compta@durand.fr ou voyez durand.fr/factures") == (
        "durand.fr/factures",
    )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_letter_missing_required_items_names_each_of_them(language: str) -> None:
    letter = letter_at(1, language)
    # Lines joined first: a wrapped paragraph may break the phone number in two.
    text = " ".join(shown_text(letter).split())
    phone = " ".join(creditor_phone(letter).split())
    text = text.replace("12345", "").replace(letter.creditor.phone, "").replace(phone, "")
    text = text.replace(letter.creditor.email, "")
    unsigned = replace(letter, signatory_name="")
    problems = check_communication(unsigned, text, load_word_lists(language))
    messages = {p.message for p in problems}
    assert "missing: invoice number 12345" in messages
    assert "missing: creditor phone or e-mail" in messages
    assert "missing: signatory (not set)" in messages
    assert all(p.kind is ProblemKind.MISSING for p in problems)


def test_word_lists_are_data_with_sections_comments_and_stems() -> None:
    words = parse_word_lists(
        "# a comment\n[insult]\nrogue*  # any ending\n\n[legal_action]\ncourt\n"
    )
    assert words.entries("insult") == ("rogue*",)
    assert words.entries("threat") == ()
    letter = letter_at(1, "en")
    problems = check_communication(letter, with_sentence(letter, "Such roguery."), words)
    assert [p.message for p in problems] == ["forbidden insult: «roguery»"]
    # Whole words only: "courteous" is not "court".
    assert check_communication(letter, with_sentence(letter, "A courteous note."), words) == ()
