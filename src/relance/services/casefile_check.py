"""`relance casefile verify`: a case file checked against its manifest, file by file.

Kept apart from the making of case files so that a check imports no renderer and no
storage: it reads files and hashes them, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from relance.adapters.deliver import casefile_archive as archive
from relance.core.casefile import Discrepancies, Manifest, compare, parse_manifest


@dataclass(frozen=True, slots=True)
class Verification:
    """A case file checked against its manifest."""

    path: Path
    manifest: Manifest
    found: int
    discrepancies: Discrepancies


def verify_case_file(path: Path) -> Verification:
    """Hash every file of the case file at `path` (a folder or a zip) and compare with its
    manifest. `BadManifest` when the manifest is missing or unreadable."""
    found = archive.read_case_file(path)
    manifest = parse_manifest(archive.manifest_bytes(found, path))
    return Verification(path, manifest, len(found) - 1, compare(manifest, found))
