"""The EPC QR code's modules placed by `qr_matrix` are those segno places itself."""

from __future__ import annotations

import random

import pytest
import segno

from relance.adapters.render.epc import epc_qr
from relance.adapters.render.qr_matrix import qr_code

_TEXT = "ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789\nabcdeéüß.-/+"


def _segno(content: bytes) -> segno.QRCode:
    return segno.make_qr(content, error="m", mask=0, boost_error=False)


@pytest.mark.parametrize("alphabet", [_TEXT, "0123456789", "ABC123 "])
def test_every_length_an_epc_payload_can_have_gives_segnos_matrix(alphabet: str) -> None:
    rnd = random.Random(len(alphabet))
    versions = set()
    for length in range(1, 332, 3):
        content = "".join(rnd.choice(alphabet) for _ in range(length)).encode()
        expected, made = _segno(content), qr_code(content)
        assert made.matrix == expected.matrix, length
        assert (made.version, made.error, made.mask) == (expected.version, expected.error, 0)
        versions.add(made.version)
    # Versions with and without version information and remainder bits are all met.
    assert {2, 6, 7, 8} <= versions


def test_an_epc_payload_decodes_to_the_same_code_as_segnos() -> None:
    payload = "BCD\n002\n1\nSCT\n\nSARL Dupont & Fils\nFR7630006000011234567890189\nEUR1234.5\n\nRF18539007547034"
    code = epc_qr(payload)
    assert code.matrix == _segno(payload.encode()).matrix
    assert code.designator == _segno(payload.encode()).designator
