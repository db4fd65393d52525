"""Templates a user may edit without running code; e-mail bodies; `relance template check`."""

from __future__ import annotations

from pathlib import Path

import pytest

from relance.adapters.render.communication import check_template, render_communication
from relance.adapters.render.specimen import specimen_letter
from relance.adapters.render.templates import DEFAULT_KEYS, TemplateProblem, TemplateStore
from relance.core.letter import Letter, Tone
from relance.core.model import CustomerKind


def seed_letter(language: str = "fr", level: int = 1, **kwargs: object) -> Letter:
    result = specimen_letter(level=level, language=language, currency="EUR", **kwargs)  # type: ignore[arg-type]
    assert result.letter is not None
    return result.letter


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("key", DEFAULT_KEYS)
def test_every_shipped_template_and_its_email_copy_checks_clean(language: str, key: str) -> None:
    store = TemplateStore()
    assert check_template(key, language, store) == ()
    if not key.endswith("informal_email"):
        assert check_template(f"{key}_email", language, store) == ()


def test_a_users_folder_overrides_one_template_and_keeps_the_others(tmp_path: Path) -> None:
    (tmp_path / "fr" / "business").mkdir(parents=True)
    (tmp_path / "fr" / "business" / "letter1.txt").write_text(
        "{% block subject %}Notre rappel amical{% endblock %}"
        "{% block opening %}Bonjour {{ debtor }},{% endblock %}"
        "{% block closing %}Merci d'avance.{% endblock %}",
        encoding="utf-8",
    )
    store = TemplateStore(tmp_path)
    letter = seed_letter()
    assert store.word(letter).subject == "Notre rappel amical"
    assert store.word(letter).opening == ("Bonjour Boulangerie Martin SAS,",)
    level2 = seed_letter(level=2)
    assert store.word(level2).subject.startswith("Deuxième rappel")


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ debtor.__class__.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    ],
)
def test_a_template_cannot_run_code(tmp_path: Path, body: str) -> None:
    (tmp_path / "en" / "business").mkdir(parents=True)
    (tmp_path / "en" / "business" / "letter1.txt").write_text(
        "{% block subject %}x{% endblock %}{% block opening %}"
        + body
        + "{% endblock %}{% block closing %}y{% endblock %}",
        encoding="utf-8",
    )
    with pytest.raises(TemplateProblem):
        TemplateStore(tmp_path).word(seed_letter("en"))


def test_template_check_names_a_misspelt_value_a_missing_block_and_a_harsh_word(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "en" / "business"
    folder.mkdir(parents=True)
    (folder / "letter1.txt").write_text(
        "{% block subject %}x{% endblock %}{% block opening %}{{ totl }}{% endblock %}"
        "{% block closing %}y{% endblock %}",
        encoding="utf-8",
    )
    (folder / "letter2.txt").write_text("{% block subject %}x{% endblock %}", encoding="utf-8")
    (folder / "letter3.txt").write_text(
        "{% block subject %}x{% endblock %}{% block opening %}This is disgraceful.{% endblock %}"
        "{% block closing %}y{% endblock %}",
        encoding="utf-8",
    )
    store = TemplateStore(tmp_path)
    assert "'totl' is undefined" in check_template("business/letter1", "en", store)[0]
    assert "has no block opening, closing" in check_template("business/letter2", "en", store)[0]
    assert check_template("business/letter3", "en", store) == (
        "forbidden harsh word: «disgraceful»",
    )


def test_the_email_copy_attaches_the_letter_and_carries_the_same_content() -> None:
    letter = seed_letter("en", level=2, kind=CustomerKind.CONSUMER)
    rendered = render_communication(
        letter, "email", TemplateStore(), template_key="consumer/letter2_email"
    )
    assert not rendered.blocked
    assert rendered.pdf is not None and rendered.pdf.pdf.startswith(b"%PDF")
    assert rendered.email is not None
    text, html = rendered.email.text, rendered.email.html
    assert text.startswith("Please find attached, as a PDF, our letter of February 19, 2018")
    assert "12345 | Dec 1, 2017 | Website maintenance, December 2017 | €100.00" in text
    assert "Total due: €100.00" in text
    assert "<td>12345</td>" in html and "Jane Smith" in html
    assert "<a " not in html  # no links, not even the e-mail address


def test_the_informal_email_has_no_pdf_and_a_courteous_subject() -> None:
    letter = seed_letter("fr", level=0, tone=Tone.COURTEOUS)
    rendered = render_communication(letter, "email", TemplateStore())
    assert rendered.pdf is None
    assert rendered.email is not None
    assert rendered.email.subject == "Facture 12345 – petit rappel"
    assert "Bonjour," in rendered.email.text
    assert not rendered.blocked


def test_html_from_a_debtor_name_is_escaped() -> None:
    from dataclasses import replace

    letter = seed_letter("en", level=1, kind=CustomerKind.CONSUMER)
    letter = replace(letter, debtor=replace(letter.debtor, name="<script>x</script> Ltd"))
    rendered = render_communication(
        letter, "email", TemplateStore(), template_key="consumer/letter1_email"
    )
    assert rendered.email is not None
    assert "<script>" not in rendered.email.html
    assert "&lt;script&gt;" in rendered.email.html


def test_a_preview_writes_the_pdf_and_the_email_without_sending(tmp_path: Path) -> None:
    from relance.adapters.render.communication import write_preview

    letter = seed_letter("en", level=1)
    rendered = render_communication(
        letter, "email", TemplateStore(), template_key="business/letter1_email"
    )
    written = write_preview(rendered, tmp_path)
    assert sorted(p.name for p in written) == [
        "A2018-0001.email.html",
        "A2018-0001.email.txt",
        "A2018-0001.pdf",
    ]
    assert (
        (tmp_path / "A2018-0001.email.txt")
        .read_text()
        .startswith("Subject: Reminder – invoice 12345 unpaid")
    )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_email_signature_follows_its_closing_line_with_how_to_pay_before_it(
    language: str,
) -> None:
    letter = seed_letter(language, level=1)
    rendered = render_communication(
        letter, "email", TemplateStore(), template_key="business/letter1_email"
    )
    assert rendered.email is not None
    closing = "salutations distinguées." if language == "fr" else "Yours faithfully,"
    how_to_pay = "Comment régler" if language == "fr" else "How to pay"
    for body in (rendered.email.text, rendered.email.html):
        # Payment methods and references come before the closing line, the signatory
        # ("Claire Durand") right after it.
        assert body.index(how_to_pay) < body.index(closing) < body.index("Claire Durand")
        assert "A2018-0001" not in body[body.index(closing) :]
    text = rendered.email.text
    after = text[text.index(closing) + len(closing) :].lstrip("\n")
    assert after.startswith("Claire Durand")


def test_the_cheque_line_names_the_payee_without_a_wrong_elision() -> None:
    letter = seed_letter("fr", level=1)
    rendered = render_communication(
        letter, "email", TemplateStore(), template_key="business/letter1_email"
    )
    assert rendered.email is not None
    # "à l'ordre de Atelier…" would need "d'Atelier": the colon avoids the elision.
    assert "Chèque à l'ordre de : Atelier Durand SARL" in rendered.email.text
    assert "l'ordre de Atelier" not in rendered.email.text


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("kind", ["business", "consumer"])
def test_the_formal_notice_states_one_deadline_that_allows_for_the_post(
    language: str, kind: str
) -> None:
    letter = seed_letter(language, level=4, kind=CustomerKind(kind))
    # Dated 19 February 2018, registered: 8 days from receipt plus a postal delay, one
    # date stated: 19 February + 15 days = 6 March 2018.
    assert letter.registered and letter.deadline.isoformat() == "2018-03-06"
    rendered = render_communication(
        letter, "letter", TemplateStore(), template_key=f"{kind}/letter4"
    )
    assert not rendered.blocked
    words = " ".join(" ".join(rendered.wording.closing).split())
    assert ("6 mars 2018" if language == "fr" else "March 6, 2018") in words
    for second_deadline in ("huit jours", "eight days", "réception de cette", "receiving this"):
        assert second_deadline not in words
