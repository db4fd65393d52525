"""Which customer a payer's name names: the name read from a bank label or given by the bank.

Names in bank labels are cut at the label's width ("PHARMACIE DE LA GUILLOT"), abbreviated
("AGENCE IMMO CROIX ROUSSE", "STE LYONNAISE"), with civilities and company forms ("M OU MME
DUPONT JEAN", "SARL"). A name names a customer when it is clearly theirs: 85 % alike or more
(every word of one name is a word of the other or its start, a long prefix, or difflib's
ratio), and every other customer's name under 75 % alike. "DUPONT" alone, when two customers
are called Dupont, names nobody.
"""

from __future__ import annotations

import difflib
import heapq
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from itertools import chain

from rapidfuzz.distance import Indel

from relance.core.match_book import normalize_name

IDENTIFIED = 0.85  # a payer name this alike to one customer's names them...
_RUNNER_UP = 0.75  # ...when every other customer's name is less alike than this
_MIN_EXACT_LETTERS = 5  # a name shorter than this is matched only in full
_TRUNCATED_AT = 12  # labels cut the name at a fixed width: a long prefix is the name
_MAX_NAME_CANDIDATES = 20  # customers sharing most word starts with the payer's name
# Float rounding kept off the runner-up threshold: a bound just under it still counts as at it.
_BOUND_MARGIN = 1e-9


class PayerNames:
    """Customers by the first four letters of each word of their name (built when first
    needed: most statements name their payers by IBAN or not at all)."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self._names = names
        self._normalized: dict[str, str] = {}
        self._words: dict[str, list[str]] = {}
        self._index: dict[str, tuple[tuple[str, ...], frozenset[str]]] | None = None
        # Payers seen in this run, by normalized name: statements repeat their payers.
        self.identified: dict[str, tuple[str, float] | None] = {}

    def normalized(self, customer_ref: str) -> str:
        """The customer's name as compared (`normalize_name`)."""
        found = self._normalized.get(customer_ref)
        if found is None:
            found = self._normalized[customer_ref] = normalize_name(
                self._names.get(customer_ref, "")
            )
        return found

    def words(self, customer_ref: str) -> list[str]:
        """The words of the customer's name as compared, split once."""
        found = self._words.get(customer_ref)
        if found is None:
            found = self._words[customer_ref] = self.normalized(customer_ref).split()
        return found

    def candidates(self, words: Sequence[str]) -> list[str]:
        """The customers sharing the most word starts (four letters) with `words`, the
        first `_MAX_NAME_CANDIDATES` by reference."""
        index = self._word_starts()
        starts = [found for found in (index.get(word[:4]) for word in set(words)) if found]
        if len(starts) == 1:  # one start shared: every customer under it shares one
            return list(starts[0][0][:_MAX_NAME_CANDIDATES])
        if len(starts) == 2:  # most names: two words, so those with both, else either
            (first, first_set), (second, second_set) = starts
            both = first_set & second_set
            if both:
                return sorted(both)[:_MAX_NAME_CANDIDATES]
            return sorted(first[:_MAX_NAME_CANDIDATES] + second[:_MAX_NAME_CANDIDATES])[
                :_MAX_NAME_CANDIDATES
            ]
        # A hundred thousand customers put hundreds under each start: counted in C.
        shared = Counter(chain.from_iterable(refs for refs, _ in starts))
        if not shared:
            return []
        # Only those sharing the most: a name sharing fewer word starts is far less alike.
        most = max(shared.values())
        return heapq.nsmallest(
            _MAX_NAME_CANDIDATES, [ref for ref, count in shared.items() if count == most]
        )

    def _word_starts(self) -> dict[str, tuple[tuple[str, ...], frozenset[str]]]:
        """Customers by the first four letters of each word of their name: sorted, and as
        a set to intersect."""
        if self._index is None:
            index: dict[str, set[str]] = defaultdict(set)
            for ref in self._names:
                for word in self.normalized(ref).split():
                    index[word[:4]].add(ref)
            self._index = {
                start: (tuple(sorted(refs)), frozenset(refs)) for start, refs in index.items()
            }
        return self._index


def _covers(short: Sequence[str], long: Sequence[str]) -> bool:
    """Every word of `short` is a word of `long`, or its start (an abbreviation like IMMO
    or a word cut at the label's end), with enough letters matched in full."""
    free = list(long)
    exact = 0
    for at, word in enumerate(short):
        if word in free:
            free.remove(word)
            exact += len(word)
            continue
        shortened = len(word) >= 3 or at == len(short) - 1
        found = next((w for w in free if shortened and w.startswith(word)), None)
        if found is None:
            return False
        free.remove(found)
    return exact >= _MIN_EXACT_LETTERS


def name_score(
    payer: str, customer: str, matcher: difflib.SequenceMatcher[str] | None = None
) -> float:
    """How surely the normalized `payer` name is the normalized `customer` name, 0 to 1.

    `matcher` may hold `payer` already (difflib caches its analysis). Below 0.75 a bound is
    returned instead (no decision changes): the share of letters in their longest common
    subsequence (rapidfuzz's Indel, in C), which difflib's ratio never exceeds, since the
    blocks difflib matches are a common subsequence.
    """
    words = payer.split()
    return _score(payer, words, set(words), customer, customer.split(), matcher)


def _score(
    payer: str,
    payer_words: list[str],
    payer_set: set[str],
    customer: str,
    customer_words: Sequence[str],
    matcher: difflib.SequenceMatcher[str] | None,
) -> float:
    """`name_score`, with each name's words split already (a payer is compared with up to
    twenty customers, a customer with many payers)."""
    if not payer or not customer:
        return 0.0
    if payer == customer:
        return 1.0
    # Covering needs a word in common (five letters matched in full): most pairs have none.
    if not payer_set.isdisjoint(customer_words) and (
        _covers(payer_words, customer_words) or _covers(customer_words, payer_words)
    ):
        return 0.9
    if len(payer) >= _TRUNCATED_AT and customer.startswith(payer):
        return 0.9
    bound: float = Indel.normalized_similarity(payer, customer)
    if bound < _RUNNER_UP - _BOUND_MARGIN:
        return bound
    if matcher is None:
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(payer)
    matcher.set_seq1(customer)
    return matcher.ratio()


def named_customer(names: PayerNames, payer_name: str) -> tuple[str, float] | None:
    """(the one customer `payer_name` clearly names, how alike), or None: 85 % alike or
    more, and every other customer under 75 %."""
    payer = normalize_name(payer_name)
    if not payer:
        return None
    if payer not in names.identified:
        names.identified[payer] = _best_named(names, payer)
    return names.identified[payer]


def _best_named(names: PayerNames, payer: str) -> tuple[str, float] | None:
    words = payer.split()
    kept = set(words)
    scored = sorted(
        (
            (_score(payer, words, kept, names.normalized(ref), names.words(ref), None), ref)
            for ref in names.candidates(words)
        ),
        key=lambda pair: (-pair[0], pair[1]),
    )
    if not scored or scored[0][0] < IDENTIFIED:
        return None
    if len(scored) > 1 and scored[1][0] >= _RUNNER_UP:
        return None
    return scored[0][1], scored[0][0]
