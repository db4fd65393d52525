"""The letter templates as the workbench edits them: each key's text (the user's own, or
the shipped one), a draft tried on the specimen letter without being kept (its wording and
every problem `relance template check` would report), and a draft kept in the user's
templates folder once it passes (the folder `relance send --templates` reads).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from relance.adapters.render.communication import (
    check_template,
    template_channel,
    template_specimen,
)
from relance.adapters.render.templates import (
    DEFAULT_KEYS,
    TemplateProblem,
    TemplateStore,
    Wording,
    letter_key,
)
from relance.adapters.storage import repository as repo
from relance.adapters.storage.database import Store

LANGUAGES = ("fr", "en")
MAX_TEMPLATE = 20_000  # characters: a letter's wording, never a file's worth


def template_keys() -> tuple[str, ...]:
    """Every shipped key (a letter's e-mail copy is worded by its letter's template)."""
    return DEFAULT_KEYS


def _checked_key(key: str, language: str) -> None:
    if key not in template_keys():
        raise LookupError(f"no template {key!r}")
    if language not in LANGUAGES:
        raise LookupError(f"no template language {language!r}")


def template_text(key: str, language: str, folder: Path | None) -> tuple[str, bool]:
    """The text of template `key` in `language`, and whether it is the user's own."""
    _checked_key(key, language)
    path = TemplateStore(folder).source_path(key, language)
    if path is None:
        return "", False
    own = folder is not None and path.is_relative_to(folder)
    return path.read_text(encoding="utf-8"), own


@dataclass(frozen=True, slots=True)
class Trial:
    """A template's text tried on the specimen letter: what it words, and what is wrong."""

    key: str
    language: str
    text: str
    wording: Wording | None
    problems: tuple[str, ...]


def try_template(key: str, language: str, text: str) -> Trial:
    """Fill `text` as template `key` for the specimen letter, nothing kept."""
    _checked_key(key, language)
    if len(text) > MAX_TEMPLATE:
        raise ValueError(f"a template of {len(text)} characters: {MAX_TEMPLATE} at most")
    with tempfile.TemporaryDirectory(prefix="relance-template-") as scratch:
        path = Path(scratch) / language / f"{letter_key(key)}.txt"
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
        store = TemplateStore(Path(scratch))
        composed = template_specimen(key, language)
        if composed.letter is None:
            return Trial(key, language, text, None, composed.problems)
        try:
            wording = store.word(composed.letter, key, template_channel(key))
        except TemplateProblem as problem:
            return Trial(key, language, text, None, (str(problem),))
        problems = check_template(key, language, store)
    return Trial(key, language, text, wording, problems)


def save_template(
    store: Store, key: str, language: str, text: str, folder: Path, *, actor: str = "user"
) -> Trial:
    """Keep `text` as the user's template `key` in `folder` once it passes; a draft with
    problems raises ValueError listing them, and nothing is written."""
    trial = try_template(key, language, text)
    if trial.problems:
        raise ValueError("; ".join(trial.problems))
    path = folder / language / f"{letter_key(key)}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    with store.begin() as conn:
        repo.append_event(
            conn, "template.saved", actor=actor, subject=f"{language}/{key}",
            data={"file": str(path)},
        )  # fmt: skip
    return trial
