"""`relance casefile`: a customer's case file (docs/casefile.md), written as a folder or a
zip; its check is `casefile_check`.

The case file is read in one transaction (the statement of account in its own, right
after), so its figures and files are of the same moment; the evidence is checked against
the hashes relance recorded (a mismatch stops the case file, naming the file); the files
are written whole or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from relance import __version__
from relance.adapters.deliver import casefile_archive as archive
from relance.adapters.render.casefile_dossier import render_dossier
from relance.adapters.storage.database import Store
from relance.core.casefile import (
    MANIFEST_NAME,
    CaseFileDocument,
    Manifest,
    manifest_json,
    manifest_of,
)
from relance.core.dossier import Purpose
from relance.services import casefile_facts, casefile_routes


@dataclass(frozen=True, slots=True)
class CaseFileReport:
    """A case file written: where, and what its manifest lists."""

    path: Path
    manifest: Manifest
    zipped: bool


DOSSIER_NAME = "dossier.pdf"


def build_case_file(
    store: Store,
    customer_ref: str,
    *,
    as_of: date,
    language: str | None = None,
    purpose: Purpose = Purpose.GENERAL,
    agency: str | None = None,
) -> tuple[Manifest, list[CaseFileDocument]]:
    """The customer's case file as of `as_of`: its documents, `manifest.json` last, and the
    manifest. For an agency, its written mandate goes in: to `agency`, else to the agency
    of the latest handoff. LookupError for an unknown customer or agency;
    `EvidenceMismatch` when a stored copy no longer has its recorded hash."""
    mandate_for = (agency or True) if purpose is Purpose.AGENCY else False
    facts = casefile_facts.gather(store, customer_ref, as_of, language, mandate_for=mandate_for)
    evidence = casefile_facts.evidence_documents(facts)
    evidence += casefile_routes.route_documents(facts, purpose, evidence)
    listed = manifest_of(
        customer_ref, facts.customer.name, as_of, __version__, purpose.value, evidence
    )
    dossier = casefile_facts.dossier_of(facts, purpose, listed.entries)
    pdf = render_dossier(dossier, facts.statement.pdf if facts.statement else None)
    documents = [
        CaseFileDocument(
            DOSSIER_NAME,
            pdf,
            "dossier",
            "the dossier: summary, statement, interest, timeline, manifest",
        ),
        *evidence,
    ]
    manifest = manifest_of(
        customer_ref, facts.customer.name, as_of, __version__, purpose.value, documents
    )
    documents.append(CaseFileDocument(MANIFEST_NAME, manifest_json(manifest), "manifest"))
    return manifest, documents


def write_case_file(
    store: Store,
    customer_ref: str,
    out: Path,
    *,
    as_of: date,
    language: str | None = None,
    purpose: Purpose = Purpose.GENERAL,
    agency: str | None = None,
) -> CaseFileReport:
    """Write the case file to `out`: a zip when it ends in `.zip` (never replacing a
    file), else a folder that must be new or empty. Written whole or not at all."""
    zipped = out.suffix.lower() == ".zip"
    archive.check_target(out, zipped)
    manifest, documents = build_case_file(
        store, customer_ref, as_of=as_of, language=language, purpose=purpose, agency=agency
    )
    files = [(doc.path, doc.content) for doc in documents]
    if zipped:
        archive.write_zip(out, files, as_of)
    else:
        archive.write_directory(out, files)
    return CaseFileReport(out, manifest, zipped)


def listed_paths(manifest: Manifest) -> Sequence[str]:
    """The paths the manifest lists, in its order."""
    return [entry.path for entry in manifest.entries]
