"""The case file of a claim: the files it holds, their manifest, and the check of both.

A case file gathers what a court, a commissaire de justice or an agency needs to act on
an unpaid claim: a dossier (summary, statement, interest, timeline), the evidence itself
(invoices, letters and e-mails exactly as sent, registered-mail proofs, the call log,
disputes and promises) and `manifest.json`, which names every other file with its size
and SHA-256. Whoever receives the case file can check it later, file by file
(`compare`): a file missing, added or altered since it was made is reported by name.

Evidence relance recorded a hash for when it sent it (a letter's PDF, an e-mail's bytes,
an imported invoice) is checked against that hash before it goes in (`checked`): a stored
copy that no longer matches is an error naming the file, never silently included.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = "relance-casefile/1"


class EvidenceMismatch(ValueError):
    """A stored document whose bytes no longer hash to what relance recorded."""


class BadManifest(ValueError):
    """A manifest that cannot be read: the case file cannot be checked."""


@dataclass(frozen=True, slots=True)
class CaseFileEntry:
    """One file of a case file: where it lies (a relative POSIX path), what it is, and
    the size and SHA-256 of its bytes."""

    path: str
    size: int
    sha256: str
    kind: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class CaseFileDocument:
    """A file to put in a case file, with its bytes."""

    path: str
    content: bytes
    kind: str
    description: str = ""

    def entry(self) -> CaseFileEntry:
        """Its line of the manifest."""
        digest = hashlib.sha256(self.content).hexdigest()
        return CaseFileEntry(self.path, len(self.content), digest, self.kind, self.description)


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a case file holds, as `manifest.json` says it."""

    customer_ref: str
    customer_name: str
    as_of: date
    relance_version: str
    purpose: str
    entries: tuple[CaseFileEntry, ...]


@dataclass(frozen=True, slots=True)
class Discrepancies:
    """What differs between a case file and its manifest."""

    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    altered: tuple[str, ...] = ()

    @property
    def clean(self) -> bool:
        """True when every file is there, unchanged, and nothing was added."""
        return not (self.missing or self.extra or self.altered)


def checked(name: str, content: bytes, recorded: str) -> bytes:
    """`content` when it hashes to the SHA-256 `recorded` when relance kept it, else
    `EvidenceMismatch` naming the file."""
    found = hashlib.sha256(content).hexdigest()
    if found != recorded.lower():
        raise EvidenceMismatch(
            f"{name}: the stored copy's SHA-256 is {found}, not the {recorded} relance "
            "recorded when it kept it: the copy was altered, it is left out of the case file"
        )
    return content


def safe_path(path: str) -> str:
    """`path` when it is a relative POSIX path inside the case file, else `BadManifest`."""
    normal = posixpath.normpath(path)
    if not path or path.startswith("/") or "\\" in path or normal != path or ".." in path:
        raise BadManifest(f"{path!r}: not a plain relative path inside the case file")
    return path


def manifest_of(
    customer_ref: str,
    customer_name: str,
    as_of: date,
    relance_version: str,
    purpose: str,
    documents: Iterable[CaseFileDocument],
) -> Manifest:
    """The manifest of `documents` (each path once, in the given order)."""
    entries = tuple(document.entry() for document in documents)
    paths = [entry.path for entry in entries]
    doubles = sorted({p for p in paths if paths.count(p) > 1})
    if doubles:
        raise ValueError(f"two files of the case file share the name {doubles[0]}")
    for path in paths:
        safe_path(path)
    return Manifest(customer_ref, customer_name, as_of, relance_version, purpose, entries)


def manifest_json(manifest: Manifest) -> bytes:
    """`manifest.json`: UTF-8, keys sorted, one file a line, ending with a newline."""
    data = {
        "format": MANIFEST_FORMAT,
        "customer": {"ref": manifest.customer_ref, "name": manifest.customer_name},
        "as_of": manifest.as_of.isoformat(),
        "relance_version": manifest.relance_version,
        "purpose": manifest.purpose,
        "hash": "sha256",
        "files": [
            {
                "path": e.path,
                "size": e.size,
                "sha256": e.sha256,
                "kind": e.kind,
                "description": e.description,
            }
            for e in manifest.entries
        ],
    }
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def parse_manifest(data: bytes) -> Manifest:
    """The manifest read back from `manifest.json`; `BadManifest` saying what is wrong."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadManifest(f"{MANIFEST_NAME}: not JSON ({exc})") from exc
    if not isinstance(raw, dict) or raw.get("format") != MANIFEST_FORMAT:
        raise BadManifest(f"{MANIFEST_NAME}: not a relance case file manifest")
    try:
        entries = tuple(_entry(item) for item in raw["files"])
        customer = raw["customer"]
        return Manifest(
            str(customer["ref"]),
            str(customer["name"]),
            date.fromisoformat(raw["as_of"]),
            str(raw["relance_version"]),
            str(raw.get("purpose", "")),
            entries,
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, BadManifest):
            raise
        raise BadManifest(f"{MANIFEST_NAME}: a field is missing or wrong ({exc})") from exc


def _entry(item: Mapping[str, Any]) -> CaseFileEntry:
    digest = str(item["sha256"]).lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise BadManifest(f"{MANIFEST_NAME}: {item['path']}: not a SHA-256: {digest!r}")
    size = item["size"]
    if not isinstance(size, int) or size < 0:
        raise BadManifest(f"{MANIFEST_NAME}: {item['path']}: not a size: {size!r}")
    return CaseFileEntry(
        safe_path(str(item["path"])),
        size,
        digest,
        str(item.get("kind", "")),
        str(item.get("description", "")),
    )


def compare(manifest: Manifest, found: Mapping[str, bytes]) -> Discrepancies:
    """What differs between the files `found` (by path, the manifest itself left out)
    and what `manifest` lists: missing, added, altered (size or SHA-256), each sorted."""
    listed = {entry.path: entry for entry in manifest.entries}
    missing = sorted(set(listed) - set(found))
    extra = sorted(set(found) - set(listed) - {MANIFEST_NAME})
    altered = sorted(
        path
        for path, content in found.items()
        if path in listed
        and (
            len(content) != listed[path].size
            or hashlib.sha256(content).hexdigest() != listed[path].sha256
        )
    )
    return Discrepancies(tuple(missing), tuple(extra), tuple(altered))
