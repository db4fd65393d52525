"""The EPC QR code's matrix, placed faster than segno places it and the same module for module.

segno places a code's bits one module at a time, walking the whole symbol, then walks it
again to apply the mask, then writes the format and version information: about 1 ms a
letter. For a version, error level M and mask 0, everything but the data modules is the
same in every code, and so is the order in which the data's bits fill the modules. Both
are worked out once a version (with segno's own functions, on a code whose bits are all
zero); each code then only flips the modules of its one bits. segno still chooses the
version and writes the data and error correction codewords, so the matrix is segno's
(`tests/adapters/render/test_qr_matrix.py` compares them).
"""

from __future__ import annotations

import functools
import itertools
from typing import Any

import segno
from segno import consts, encoder

_ERROR = consts.ERROR_LEVEL_M
_MASK = 0
_TABLES: Any = consts  # its tables are typed as plain objects


def qr_code(content: bytes) -> segno.QRCode:
    """The QR code of `content` at error level M, mask 0, without a raised error level:
    the code `segno.make_qr(content, error="m", mask=0, boost_error=False)` makes."""
    segments = encoder.prepare_data(content, None, None)
    version = encoder.find_version(segments, _ERROR, eci=False, micro=False)
    codewords = _codewords(segments, version)
    template, positions = _layout(version)
    matrix = tuple(bytearray(row) for row in template)
    bit = 0
    for word in codewords:
        if word:
            for shift in range(8):
                if word & (0x80 >> shift):
                    where = positions[bit + shift]
                    if where is not None:
                        matrix[where[0]][where[1]] ^= 1
        bit += 8
    # segno's stub leaves out the constructor, which takes the encoder's Code.
    return segno.QRCode(encoder.Code(matrix, version, _ERROR, _MASK, segments))  # type: ignore[call-arg]


def _codewords(segments: Any, version: int) -> list[int]:
    """The data codewords then the error correction codewords, interleaved by block."""
    buff = encoder.Buffer()
    for segment in segments:
        encoder.write_segment(buff, segment, None, encoder.version_range(version), False)
    capacity = _TABLES.SYMBOL_CAPACITY[version][_ERROR]
    encoder.write_terminator(buff, capacity, None, len(buff))
    encoder.write_padding_bits(buff, version, len(buff))
    encoder.write_pad_codewords(buff, version, capacity, len(buff))
    data_blocks, error_blocks = encoder.make_blocks(_TABLES.ECC[version][_ERROR], buff)
    words = [w for w in itertools.chain(*itertools.zip_longest(*data_blocks)) if w is not None]
    words.extend(w for w in itertools.chain(*itertools.zip_longest(*error_blocks)) if w is not None)
    return words


@functools.cache
def _layout(version: int) -> tuple[tuple[bytes, ...], tuple[tuple[int, int] | None, ...]]:
    """The matrix of a code of `version` whose bits are all zero, and the module of each
    bit in order (None for a bit that no module shows)."""
    width = encoder.calc_matrix_size(version)
    empty = encoder.make_matrix(width, width)
    encoder.add_finder_patterns(empty, width, width)
    encoder.add_alignment_patterns(empty, width, width)
    order = _placement_order(empty)
    count = len(order)  # the codewords' bits, then the remainder bits (zero)
    zeros = _finished(version, bytes(count))
    ones = _finished(version, b"\1" * count)
    # A module that the format or version information covers shows no bit.
    positions = [(i, j) if zeros[i][j] != ones[i][j] else None for i, j in order]
    return tuple(bytes(row) for row in zeros), tuple(positions)


def _placement_order(matrix: tuple[bytearray, ...]) -> list[tuple[int, int]]:
    """The free modules in the order segno's `add_codewords` fills them (ISO/IEC
    18004:2015 7.7.3: two-module columns, upwards then downwards, right to left)."""
    size = len(matrix)
    order = []
    for right in range(size - 1, 0, -2):
        if right <= 6:
            right -= 1
        for vertical in range(size):
            for z in range(2):
                j = right - z
                upwards = ((right & 2) == 0) ^ (j < 6)
                i = (size - 1 - vertical) if upwards else vertical
                if matrix[i][j] == 0x2:
                    order.append((i, j))
    return order


def _finished(version: int, bits: bytes) -> tuple[bytearray, ...]:
    """A code of `version` whose final message is `bits`, made by segno's own steps."""
    width = encoder.calc_matrix_size(version)
    matrix = encoder.make_matrix(width, width)
    encoder.add_finder_patterns(matrix, width, width)
    encoder.add_alignment_patterns(matrix, width, width)
    encoder.add_codewords(matrix, encoder.Buffer(bits), version)
    _, matrix = encoder.find_and_apply_best_mask(matrix, width, width, _MASK)
    encoder.add_format_info(matrix, version, _ERROR, _MASK)
    encoder.add_version_info(matrix, version)
    return matrix  # type: ignore[no-any-return]
