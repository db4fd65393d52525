"""relance's document store (`tables_documents`): PDFs kept by the SHA-256 of their bytes."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, insert, select

from relance.adapters.storage import tables as t
from relance.adapters.storage.tables_documents import documents


def store_document(
    conn: Connection, content: bytes, *, media_type: str, name: str, at: datetime
) -> str:
    """Keep `content` (once, whoever stores it again) and return its SHA-256."""
    digest = hashlib.sha256(content).hexdigest()
    known = conn.execute(select(documents.c.sha256).where(documents.c.sha256 == digest)).first()
    if known is None:
        conn.execute(
            insert(documents).values(
                sha256=digest, media_type=media_type, size=len(content), content=content,
                first_name=name, stored_at=at,
            )
        )  # fmt: skip
    return digest


def invoice_pdfs(conn: Connection, numbers: Sequence[str]) -> dict[str, bytes]:
    """The stored PDFs of the invoices among `numbers` that have one: what letters attach."""
    if not numbers:
        return {}
    inv = t.invoices
    query = (
        select(inv.c.number, documents.c.content)
        .join(documents, documents.c.sha256 == inv.c.pdf_sha256)
        .where(inv.c.number.in_(list(numbers)))
    )
    return {number: bytes(content) for number, content in conn.execute(query)}
