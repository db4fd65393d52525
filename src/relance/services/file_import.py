"""Use cases: import the files users already have — FEC, e-invoices, bank statements.

Every file is one transaction: a reader either returns all of a file or raises
`FormatError` (file, line or element, reason) and nothing from that file is written.
Imports are idempotent: a file already imported (same SHA-256) is skipped, and records
already in the ledger (customer reference, invoice number, payment or transaction key)
are left as they are, so the same bank transaction in two overlapping statements is
added once. A dry run does the same work in a transaction that is rolled back.

Each kind has its module: `fec_import`, `einvoice_import`, `bank_import`; what they share
(the report, one transaction per file) is `import_run`. This module gathers them for the
interfaces.
"""

from __future__ import annotations

from relance.services.bank_import import import_bank_statements
from relance.services.einvoice_import import import_einvoices
from relance.services.fec_import import import_fec
from relance.services.import_run import FileReport, ImportStopped, Progress

__all__ = [
    "FileReport",
    "ImportStopped",
    "Progress",
    "import_bank_statements",
    "import_einvoices",
    "import_fec",
]
