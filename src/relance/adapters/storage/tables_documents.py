"""relance's own document store: the invoice PDFs imported, kept in the database.

A PDF is stored once, under the SHA-256 of its bytes, when an import reads it (a `pdf`
column of an invoices CSV, a Factur-X file), after it was checked to be a PDF. Letters
attach invoices only from here (`invoices.pdf_sha256`), never from a path on disk: a path
in a spreadsheet could name any file of the machine, and the file could change or vanish
after the import. Kept in the database, the store is in every backup and in the import's
transaction (a killed import leaves no stray document).
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, LargeBinary, String, Table, Text

from relance.adapters.storage.tables import metadata

documents = Table(
    "documents",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("media_type", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("first_name", Text, nullable=False, default=""),  # the file it was first read from
    Column("stored_at", DateTime(timezone=True), nullable=False),
)
