"""Use case: import records handed over by a program (the REST API) as an import of a file.

The records go through the very path a CSV file takes (`ledger_import`): the same checks,
one transaction for all of them, the same provenance, so `relance imports` lists them and
`relance imports undo` removes them. They are written as the CSV file they would have been,
in a private temporary folder that is removed afterwards.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from relance.adapters.formats.ledger_columns import LAYOUTS, CsvKind
from relance.adapters.storage.database import Store
from relance.services.ledger_import import ImportReport, import_ledger_csv

# A file names a PDF on the importing machine; a program far away may not read its files.
_NOT_FROM_PROGRAMS = ("pdf",)


def columns_of(kind: CsvKind) -> tuple[str, ...]:
    """The fields a record of `kind` may have."""
    required, optional = LAYOUTS[kind]
    return tuple(c for c in required + optional if c not in _NOT_FROM_PROGRAMS)


def import_records(
    store: Store,
    kind: CsvKind,
    records: Sequence[Mapping[str, str]],
    *,
    source: str,
    actor: str,
) -> ImportReport:
    """Import `records` (field → text as a file's cell) as one import named `source`.

    A record the import cannot read raises FormatError whose line is the record's place
    plus one (line 1 is the header): nothing is written then."""
    columns = columns_of(kind)
    unknown = sorted({name for record in records for name in record} - set(columns))
    if unknown:
        raise ValueError(f"unknown field(s) for {kind.value}: {', '.join(unknown)}")
    with tempfile.TemporaryDirectory(prefix="relance-api-") as folder:
        path = Path(folder) / f"{source}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows([record.get(c, "") for c in columns] for record in records)
        return import_ledger_csv(store, kind, path, actor=actor)
