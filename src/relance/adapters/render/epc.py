"""The EPC QR code (EPC069-12, "SEPA credit transfer" QR) printed on a letter.

The payload is built here rather than by segno's helper so that the QR's mask can be
fixed: letting the encoder try all eight masks costs ~20 ms a letter, fixing one ~1 ms,
and any mask gives a valid code. The lines are those segno 1.6.6 writes (EPC069-12; docs/law.md):
service tag, version 002, character set 1 (UTF-8), SCT, BIC (may be empty in v002),
name, IBAN, amount, purpose, structured RF reference.
"""

from __future__ import annotations

import functools
from decimal import Decimal

import segno

from relance.core.money import Money

MAX_NAME = 70
MAX_AMOUNT = Decimal("999999999.99")


class EpcProblem(ValueError):
    """The data cannot go into an EPC QR code (not euros, amount out of range...)."""


def epc_payload(*, name: str, iban: str, amount: Money, reference: str, bic: str = "") -> str:
    """The EPC069-12 text for a SEPA transfer of `amount` quoting the RF `reference`."""
    if amount.currency != "EUR":
        raise EpcProblem(f"an EPC QR code carries euros only, not {amount.currency}")
    if not Decimal("0.01") <= amount.amount <= MAX_AMOUNT:
        raise EpcProblem(f"amount {amount} is outside 0.01..{MAX_AMOUNT} EUR")
    if bic and len(bic) not in (8, 11):
        raise EpcProblem(f"BIC {bic!r} should have 8 or 11 characters")
    if not 0 < len(reference) <= 35:
        raise EpcProblem("the creditor reference must have 1 to 35 characters")
    # "EUR12.3" not "EUR12.30": trailing zeros are dropped, as segno does.
    figure = f"{amount.amount:.2f}".rstrip("0").rstrip(".")
    lines = [
        "BCD",
        "002",
        "1",
        "SCT",
        bic,
        name.strip()[:MAX_NAME],
        iban.replace(" ", "").upper(),
        f"EUR{figure}",
        "",
        reference,
    ]
    return "\n".join(lines)


@functools.lru_cache(maxsize=256)
def epc_qr(payload: str) -> segno.QRCode:
    """The QR code of an EPC payload: error level M, as EPC069-12 asks, mask fixed.

    Kept for the payloads last seen: a letter drawn twice (to fit, or for its e-mail copy)
    encodes its code once. The code is only read once made."""
    return segno.make_qr(payload.encode("utf-8"), error="m", mask=0, boost_error=False)
