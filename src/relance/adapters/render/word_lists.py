"""Loading the forbidden-word lists of the compliance check from ``relance/rules/compliance``.

A user's own list (same format) can replace the shipped one for a language.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from relance.core.compliance import WordLists, parse_word_lists

SHIPPED = Path(__file__).resolve().parents[2] / "rules" / "compliance"


@cache
def _shipped(language: str) -> WordLists:
    path = SHIPPED / f"{language}.txt"
    if not path.is_file():
        path = SHIPPED / "fr.txt"
    return parse_word_lists(path.read_text(encoding="utf-8"))


def load_word_lists(language: str, user_folder: Path | None = None) -> WordLists:
    """The word lists of `language`: the user's ``<folder>/<language>.txt`` if present."""
    if user_folder is not None:
        own = user_folder / f"{language}.txt"
        if own.is_file():
            return parse_word_lists(own.read_text(encoding="utf-8"))
    return _shipped(language)
