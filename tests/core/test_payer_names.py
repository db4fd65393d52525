"""Which customer a payer's name names: the candidates a name is compared with, and the
score's shortcut below the runner-up bar, checked against their plain definitions."""

from __future__ import annotations

import difflib
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from relance.core.match_book import normalize_name
from relance.core.payer_names import PayerNames, name_score, named_customer

# Short words from few letters: many customers share word starts, as in a large ledger.
WORD = st.text(alphabet="ABDEOR", min_size=1, max_size=7)
NAME = st.lists(WORD, min_size=1, max_size=4).map(" ".join)


def plain_candidates(names: dict[str, str], words: list[str]) -> list[str]:
    """The definition: customers sharing the most word starts, the first 20 by reference."""
    shared: Counter[str] = Counter()
    for word in set(words):
        for ref, name in names.items():
            if word[:4] in {w[:4] for w in normalize_name(name).split()}:
                shared[ref] += 1
    if not shared:
        return []
    most = max(shared.values())
    return sorted(ref for ref, count in shared.items() if count == most)[:20]


@settings(max_examples=300, deadline=None)
@given(customers=st.lists(NAME, min_size=1, max_size=60), payer=NAME)
def test_candidates_are_those_sharing_most_word_starts(customers: list[str], payer: str) -> None:
    names = {f"C{n:03d}": name for n, name in enumerate(customers)}
    assert PayerNames(names).candidates(payer.split()) == plain_candidates(names, payer.split())


def difflib_score(payer: str, customer: str) -> float:
    """The score with difflib alone, as it was before the C bound."""
    matcher = difflib.SequenceMatcher(None, customer, payer, autojunk=False)
    return matcher.ratio()


@settings(max_examples=500, deadline=None)
@given(payer=NAME, customer=NAME)
def test_a_score_at_the_runner_up_bar_or_above_is_difflibs(payer: str, customer: str) -> None:
    score = name_score(payer, customer)
    if score in (0.9, 1.0):
        return  # the same name, or one covering the other: no ratio involved
    exact = difflib_score(payer, customer)
    assert (score >= 0.75) == (exact >= 0.75)
    if exact >= 0.75:
        assert score == exact


def test_a_payer_is_named_only_when_clearly_one_customer() -> None:
    names = {"C1": "Dupont Plomberie", "C2": "Dupond Plomberie", "C3": "Lefevre Martine"}
    index = PayerNames(names)
    assert named_customer(index, "LEFEVRE MARTINE") == ("C3", 1.0)
    assert named_customer(index, "DUPONT PLOMBERIE") is None  # Dupond is too alike
    assert named_customer(index, "MARTIN") is None
