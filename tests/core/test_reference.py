"""ISO 11649 creditor references printed on letters and carried in the EPC QR code."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relance.core.reference import (
    InvalidReferenceKey,
    creditor_reference,
    is_creditor_reference,
    printed_reference,
)


def test_the_reference_of_the_law_notes_example_has_check_digits_73() -> None:
    # LAW.md §3.6 shows RF73INV20260042 in the EPC payload.
    assert creditor_reference("INV20260042") == "RF73INV20260042"


def test_separators_and_case_are_dropped_from_an_invoice_number() -> None:
    assert creditor_reference("inv-2026/0042") == "RF73INV20260042"


def test_a_reference_prints_in_groups_of_four() -> None:
    assert printed_reference("RF73INV20260042") == "RF73 INV2 0260 042"


def test_a_changed_character_is_detected() -> None:
    assert is_creditor_reference("RF73INV20260042")
    assert not is_creditor_reference("RF73INV20260043")


@pytest.mark.parametrize("key", ["", "---", "A" * 22])
def test_a_key_that_cannot_fit_is_refused(key: str) -> None:
    with pytest.raises(InvalidReferenceKey):
        creditor_reference(key)


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=21))
def test_every_reference_made_is_valid_and_ends_with_its_key(key: str) -> None:
    reference = creditor_reference(key)
    assert is_creditor_reference(reference)
    assert reference.endswith(key)
    assert len(reference) == len(key) + 4
