"""Letters drawn by relance put one after the other in one PDF, without a PDF library.

A print batch holds hundreds of letters. Reading each one back with pypdf and writing
them again took a sixth of a send; yet every letter relance draws has the plain shape
ReportLab writes: a cross-reference table, objects numbered from 1, no object streams, a
flat page tree, stream lengths written in the stream's dictionary. `concatenate` copies
the objects of such letters as they are, renumbered (only the dictionaries are rewritten,
never the compressed streams), under one new page tree, with a blank page after each
letter of odd page count so that duplex printing never puts two debtors on one sheet.

A file of any other shape (an invoice's own PDF from the document store, for instance)
makes it return None: the caller then assembles the batch with pypdf. The output is the
same for the same letters (no date, an ID made from the content), so a batch rebuilt from
the evidence is byte for byte the batch printed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])\s*\r?\n")
_REF = re.compile(rb"(?<![\d.])(\d+) 0 R(?![A-Za-z0-9])")
_OBJ_START = re.compile(rb"(\d+) 0 obj\s*")
_LENGTH = re.compile(rb"/Length (\d+)(?!\d| \d+ R)")
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_VERSION = re.compile(rb"%PDF-1\.(\d)")


class NotPlain(ValueError):
    """A PDF not of the shape this module reads."""


@dataclass(frozen=True, slots=True)
class _Object:
    head: bytes  # the object's dictionary (or value), references to renumber
    stream: bytes  # "stream ... endstream" as written, or b""


@dataclass(frozen=True, slots=True)
class _Letter:
    objects: dict[int, _Object]
    pages: tuple[int, ...]  # the page objects, in order
    tree: int  # its page tree node
    dropped: tuple[int, ...]  # its catalog, page tree and information dictionary
    media_box: bytes  # of its last page, for the blank page after it
    version: int


def concatenate(letters: Sequence[bytes]) -> bytes | None:
    """One PDF of `letters`, each starting on a recto page; None when one of them is not
    a plain PDF as relance draws them."""
    try:
        parsed = [_read(data) for data in letters]
    except NotPlain:
        return None
    out = bytearray(b"%%PDF-1.%d\n%%\x93\x8c\x8b\x9e relance print batch\n" % max(
        (letter.version for letter in parsed), default=3
    ))  # fmt: skip
    offsets: list[int] = []

    def add(body: bytes) -> int:
        offsets.append(len(out))
        out.extend(b"%d 0 obj\n" % len(offsets) + body + b"\nendobj\n")
        return len(offsets)

    add(b"<< /Pages 2 0 R /Type /Catalog >>")
    offsets.append(0)  # the page tree, written last once its kids are known
    kids: list[int] = []
    for letter in parsed:
        kids += _copy(letter, len(offsets), add)
        if len(letter.pages) % 2:
            kids.append(add(b"<< /MediaBox %s /Parent 2 0 R /Resources << >> /Type /Page >>"
                            % letter.media_box))  # fmt: skip
    offsets[1] = len(out)
    listed = b" ".join(b"%d 0 R" % kid for kid in kids)
    out.extend(
        b"2 0 obj\n<< /Count %d /Kids [ %s ] /Type /Pages >>\nendobj\n" % (len(kids), listed)
    )
    return bytes(_finish(out, offsets))


def _copy(letter: _Letter, last: int, add: Callable[[bytes], int]) -> list[int]:
    """Write `letter`'s objects (all but its catalog, page tree and information) after
    object `last`, renumbered; returns its pages' new numbers."""
    kept = [number for number in sorted(letter.objects) if number not in letter.dropped]
    new = {old: last + index for index, old in enumerate(kept, start=1)}
    new[letter.tree] = 2  # its pages hang from the batch's page tree

    def renumber(match: re.Match[bytes]) -> bytes:
        old = int(match.group(1))
        if old not in new:
            raise NotPlain(f"a reference to object {old}, which is not copied")
        return b"%d 0 R" % new[old]

    for old in kept:
        obj = letter.objects[old]
        written = add(_REF.sub(renumber, obj.head) + obj.stream)
        assert written == new[old]
    return [new[page] for page in letter.pages]


def _finish(out: bytearray, offsets: list[int]) -> bytearray:
    """The cross-reference table and the trailer, with an ID made from the content."""
    digest = hashlib.md5(out, usedforsecurity=False).hexdigest().encode("ascii")
    table = out.__len__()
    out.extend(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
    out.extend(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.extend(
        b"trailer\n<< /ID [<%s><%s>] /Root 1 0 R /Size %d >>\nstartxref\n%d\n%%%%EOF\n"
        % (digest, digest, len(offsets) + 1, table)
    )
    return out


def _read(data: bytes) -> _Letter:
    """The objects and pages of one plain PDF; NotPlain otherwise."""
    version = _VERSION.match(data)
    tail = data.rfind(b"startxref")
    if version is None or tail < 0:
        raise NotPlain("no header or no startxref")
    start = int(data[tail + 9 :].split()[0])
    trailer = data.find(b"trailer", start)
    head = data[start:trailer].split(b"\n", 2)
    if trailer < 0 or head[0].strip() != b"xref" or len(head) < 3:
        raise NotPlain("no single cross-reference table")
    first, count = (int(x) for x in head[1].split())
    entries = _XREF_ENTRY.findall(head[2])
    if first != 0 or len(entries) != count:
        raise NotPlain("a cross-reference table in several sections")
    objects = {
        number: _object(data, int(offset), number)
        for number, (offset, _, kind) in enumerate(entries)
        if kind == b"n"
    }
    root = _ref_after(data[trailer:], b"/Root")
    info = _ref_after(data[trailer:], b"/Info")
    tree = _ref_after(objects[root].head, b"/Pages")
    pages = tuple(int(m.group(1)) for m in _REF.finditer(_after(objects[tree].head, b"/Kids")))
    if not pages or any(_PAGE.search(objects[p].head) is None for p in pages):
        raise NotPlain("a page tree of more than one level")
    box = re.search(rb"/MediaBox (\[[^\]]*\])", objects[pages[-1]].head)
    if box is None:
        raise NotPlain("a page without its own MediaBox")
    dropped = (root, tree) + ((info,) if info in objects else ())
    return _Letter(objects, pages, tree, dropped, box.group(1), int(version.group(1)))


def _object(data: bytes, offset: int, number: int) -> _Object:
    """Object `number` written at `offset`: its dictionary and its stream as they are."""
    start = _OBJ_START.match(data, offset)
    if start is None or int(start.group(1)) != number:
        raise NotPlain(f"object {number} is not where the table says")
    end = data.find(b"endobj", start.end())
    keyword = data.find(b"stream", start.end(), end if end > 0 else None)
    if keyword < 0:
        return _Object(data[start.end() : end].rstrip(), b"")
    head = data[start.end() : keyword]
    length = _LENGTH.search(head)
    if length is None:
        raise NotPlain(f"object {number}: a stream without its length")
    body = keyword + 6 + (2 if data[keyword + 6 : keyword + 8] == b"\r\n" else 1)
    close = body + int(length.group(1))
    stop = data.find(b"endstream", close)
    if stop < 0 or data[close:stop].strip():
        raise NotPlain(f"object {number}: a stream longer than its length says")
    return _Object(head, data[keyword : stop + 9])


def _after(text: bytes, key: bytes) -> bytes:
    at = text.find(key)
    if at < 0:
        raise NotPlain(f"no {key.decode()}")
    return text[at + len(key) : text.find(b"]", at) + 1]


def _ref_after(text: bytes, key: bytes) -> int:
    at = text.find(key)
    found = _REF.match(text, at + len(key) + 1) if at >= 0 else None
    if found is None:
        raise NotPlain(f"no {key.decode()} reference")
    return int(found.group(1))
