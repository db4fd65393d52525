"""Which reader a file needs, decided from its content (beangulp's identify, then extract).

Every reader module has `identify(path, head) -> bool` and `extract(path) -> ...`; they are
asked in an order that puts the most specific signatures first (a FEC header, an XML
namespace, a PDF) and the lenient CSV last. The name of a file never decides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from relance.adapters.formats import bank_csv, camt, facturx, fec, mt940, ofx, ubl
from relance.adapters.formats.errors import FormatError

HEAD_BYTES = 8192


class Format(StrEnum):
    """The file formats relance reads."""

    FEC = "fec"
    UBL = "ubl"
    CAMT = "camt"
    FACTURX = "facturx"
    OFX = "ofx"
    MT940 = "mt940"
    BANK_CSV = "bank_csv"


class Kind(StrEnum):
    """What a format brings: the accounting ledger, one e-invoice, or bank transactions."""

    LEDGER = "ledger"
    EINVOICE = "einvoice"
    BANK = "bank"


@dataclass(frozen=True, slots=True)
class Reader:
    """One format's reader: how to recognise a file, and how to read it."""

    format: Format
    kind: Kind
    identify: Callable[[Path, bytes], bool]
    extract: Callable[..., Any]


READERS: tuple[Reader, ...] = (
    Reader(Format.FEC, Kind.LEDGER, fec.identify, fec.extract),
    Reader(Format.UBL, Kind.EINVOICE, ubl.identify, ubl.extract),
    Reader(Format.CAMT, Kind.BANK, camt.identify, camt.extract),
    Reader(Format.FACTURX, Kind.EINVOICE, facturx.identify, facturx.extract),
    Reader(Format.OFX, Kind.BANK, ofx.identify, ofx.extract),
    Reader(Format.MT940, Kind.BANK, mt940.identify, mt940.extract),
    Reader(Format.BANK_CSV, Kind.BANK, bank_csv.identify, bank_csv.extract),
)
BY_FORMAT = {reader.format: reader for reader in READERS}


def detect(path: Path) -> Reader | None:
    """The reader for the file at `path`, from its first bytes; None when none fits."""
    file = Path(path)
    with file.open("rb") as stream:
        head = stream.read(HEAD_BYTES)
    for reader in READERS:
        if reader.identify(file, head):
            return reader
    return None


def reader_for(path: Path, kind: Kind | None = None) -> Reader:
    """The reader for `path`, of the expected `kind` when given; FormatError otherwise."""
    reader = detect(path)
    if reader is None:
        raise FormatError(
            path, "", "", "format not recognised (FEC, Factur-X, UBL, camt, OFX, MT940, CSV)"
        )
    if kind is not None and reader.kind is not kind:
        raise FormatError(path, "", "", f"a {reader.format} file, not a {kind} file")
    return reader


def files_in(paths: Iterable[Path]) -> Iterator[Path]:
    """The files named, with the files of named folders (recursively, sorted, hidden skipped)."""
    for path in map(Path, paths):
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                relative = found.relative_to(path)
                if found.is_file() and not any(p.startswith(".") for p in relative.parts):
                    yield found
        else:
            yield path
