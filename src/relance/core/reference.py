"""ISO 11649 structured creditor references ("RF" references) for letters and payments.

A reference is ``RF``, two check digits and up to 21 letters or digits. Printed on a
letter and carried in the EPC QR code, it comes back in the bank statement
(camt.053 ``RmtInf/Strd/CdtrRefInf/Ref``), so a payment can be matched to the letter
and its invoices without a person reading the remittance text.

The check digits are ISO 7064 MOD 97-10 computed over the reference followed by
``RF00``: we let python-stdnum do the arithmetic and the validation.
"""

from __future__ import annotations

from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

# ISO 11649: "RF" + 2 check digits + at most 21 alphanumeric characters (25 in all).
MAX_BODY = 21


class InvalidReferenceKey(ValueError):
    """A key cannot be made into an ISO 11649 reference (empty or too long)."""


def reference_body(key: str) -> str:
    """The characters of `key` an RF reference can carry: letters and digits, upper-cased.

    Separators such as ``-``, ``/`` or spaces are dropped because ISO 11649 allows only
    A-Z and 0-9; accented letters are dropped too rather than guessed.
    """
    return "".join(ch for ch in key.upper() if ch.isascii() and ch.isalnum())


def creditor_reference(key: str) -> str:
    """The ISO 11649 reference (``RF`` + check digits + body) for a letter id or invoice number.

    >>> creditor_reference("INV20260042")
    'RF73INV20260042'

    Raises `InvalidReferenceKey` when `key` has no letter or digit, or more than 21 of them.
    """
    body = reference_body(key)
    if not body:
        raise InvalidReferenceKey(f"no letter or digit to make a reference from: {key!r}")
    if len(body) > MAX_BODY:
        raise InvalidReferenceKey(
            f"{key!r} has {len(body)} letters and digits; an RF reference holds {MAX_BODY}"
        )
    # The check digits are those that make `body + "RF" + digits` valid under MOD 97-10.
    check = mod_97_10.calc_check_digits(body + "RF")
    return f"RF{check}{body}"


def is_creditor_reference(text: str) -> bool:
    """True when `text` (spaces allowed) is a valid ISO 11649 reference."""
    return bool(iso11649.is_valid(text))


def printed_reference(reference: str) -> str:
    """The reference in groups of four characters, as printed on paper (``RF73 INV2 0260 042``)."""
    return str(iso11649.format(reference))
