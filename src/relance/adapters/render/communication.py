"""One approved action's communication, rendered and checked: the entry point for services.

`render_communication` turns a composed `Letter` into what leaves: a PDF for a letter
(and the e-mail copy of a letter, which attaches it), or an e-mail body; then runs the
compliance check on the text shown. A blocked communication carries its problems and
must not be sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from relance.adapters.render.email_body import EmailBody, build_email_body
from relance.adapters.render.pdf import render_letter_pdf
from relance.adapters.render.pdf_page import PageLayout, RenderedLetter
from relance.adapters.render.specimen import specimen_letter
from relance.adapters.render.templates import (
    TemplateProblem,
    TemplateStore,
    Wording,
    is_email_copy,
    letter_key,
)
from relance.adapters.render.word_lists import load_word_lists
from relance.core.compliance import (
    ComplianceProblem,
    ComplianceRules,
    WordLists,
    check_communication,
)
from relance.core.letter import ComposeResult, Letter, Tone
from relance.core.model import CustomerKind

LETTER_CHANNELS = ("letter", "registered_letter")
EMAIL_CHANNELS = ("email",)


@dataclass(frozen=True, slots=True)
class RenderedCommunication:
    """What one action sends: the PDF (letters, e-mail copies), the e-mail body, the checks."""

    letter: Letter
    channel: str
    template_key: str
    wording: Wording
    pdf: RenderedLetter | None
    email: EmailBody | None
    problems: tuple[ComplianceProblem, ...]

    @property
    def blocked(self) -> bool:
        """True when the compliance check found a problem: nothing may be sent."""
        return bool(self.problems)

    @property
    def pdf_name(self) -> str:
        """File name of the letter's PDF: reference and debtor, safe for any file system."""
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in self.letter.reference)
        return f"{safe}.pdf"


def render_communication(
    letter: Letter,
    channel: str,
    store: TemplateStore,
    *,
    template_key: str | None = None,
    layout: PageLayout | None = None,
    words: WordLists | None = None,
    rules: ComplianceRules | None = None,
    word_folder: Path | None = None,
    drawn: RenderedLetter | None = None,
    drawn_problems: tuple[ComplianceProblem, ...] | None = None,
) -> RenderedCommunication:
    """Render `letter` for `channel` (``letter``, ``registered_letter`` or ``email``) and check it.

    `template_key` defaults to the letter's; for an e-mail, a key ending in ``_email`` is
    the e-mail copy of a letter and attaches the letter's PDF, while ``*/informal_email``
    is a plain e-mail. `drawn`: the letter's PDF already drawn, and `drawn_problems` what
    the check found in its text when it was checked already (not checked again). Raises
    `TemplateProblem` when the template is broken.
    """
    key = template_key or letter.template_key
    wording = store.word(letter, key, channel="email" if channel in EMAIL_CHANNELS else "letter")
    words = words or load_word_lists(letter.language, word_folder)
    pdf: RenderedLetter | None = None
    email: EmailBody | None = None
    if drawn is not None and (channel in LETTER_CHANNELS or is_email_copy(key)):
        pdf = drawn
    elif channel in LETTER_CHANNELS or is_email_copy(key):
        letter_wording = store.word(letter, key, channel="letter")
        # The first letter goes with a copy of each invoice (`duplicate.draw_duplicates`).
        pdf = render_letter_pdf(letter, letter_wording, layout, copies=True)
    if channel in EMAIL_CHANNELS:
        email = build_email_body(letter, wording, copy_of_letter=is_email_copy(key))
    problems: list[ComplianceProblem] = []
    if pdf is not None and pdf is drawn and drawn_problems is not None:
        problems += drawn_problems
    elif pdf is not None:
        problems += check_communication(letter, pdf.text, words, rules)
    if email is not None:
        seen = {p.message for p in problems}
        for problem in check_communication(letter, email.text, words, rules):
            if problem.message not in seen:
                problems.append(problem)
    return RenderedCommunication(
        letter=letter,
        channel=channel,
        template_key=key,
        wording=wording,
        pdf=pdf,
        email=email,
        problems=tuple(problems),
    )


def template_specimen(key: str, language: str, *, level: int | None = None) -> ComposeResult:
    """The specimen letter template `key` is tried on: its level (the key's last digit
    unless given), tone and kind of debtor read from the key."""
    base = letter_key(key)
    if level is None:
        digits = [c for c in base if c.isdigit()]
        level = int(digits[-1]) if digits else 0
    kind = CustomerKind.CONSUMER if base.startswith("consumer/") else CustomerKind.BUSINESS
    tone = Tone.FORMAL if level >= 4 else Tone.FIRM if level == 3 else Tone.COURTEOUS
    return specimen_letter(
        level=level, tone=tone, kind=kind, language=language, currency="EUR", template_key=key
    )


def template_channel(key: str) -> str:
    """The channel template `key` words: an e-mail (its copy, or an e-mail step), else a
    letter."""
    return "email" if key.endswith("_email") or "email" in letter_key(key) else "letter"


def check_template(
    key: str, language: str, store: TemplateStore, *, level: int | None = None
) -> tuple[str, ...]:
    """Problems of template `key` in `language`, rendered for the specimen letter; () if fine.

    Used by ``relance template check``: a template that does not parse, uses an unknown
    value, lacks a block or fails the compliance check is reported with the reason.
    """
    composed = template_specimen(key, language, level=level)
    if composed.letter is None:
        return composed.problems
    try:
        rendered = render_communication(composed.letter, template_channel(key), store)
    except TemplateProblem as exc:
        return (str(exc),)
    return tuple(p.message for p in rendered.problems)


def write_preview(rendered: RenderedCommunication, out_dir: Path) -> tuple[Path, ...]:
    """Write what `rendered` would send to `out_dir`, without sending: PDF, e-mail text, HTML.

    For ``relance preview ACTION``. The problems of a blocked communication are written
    next to it (``<reference>.problems.txt``) so the user sees why it would not go.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = rendered.pdf_name.removesuffix(".pdf")
    written: list[Path] = []
    if rendered.pdf is not None:
        path = out_dir / rendered.pdf_name
        path.write_bytes(rendered.pdf.pdf)
        written.append(path)
    if rendered.email is not None:
        text = out_dir / f"{stem}.email.txt"
        text.write_text(f"Subject: {rendered.email.subject}\n\n{rendered.email.text}", "utf-8")
        html = out_dir / f"{stem}.email.html"
        html.write_text(rendered.email.html, encoding="utf-8")
        written += [text, html]
    if rendered.problems:
        problems = out_dir / f"{stem}.problems.txt"
        problems.write_text("\n".join(p.message for p in rendered.problems) + "\n", "utf-8")
        written.append(problems)
    return tuple(written)
