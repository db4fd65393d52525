"""Tables of the web workbench: its users, and the secrets it keeps between restarts.

`web_users` holds each account with its argon2 password hash (never the password).
`web_secrets` holds the key that signs session cookies, made on the first `relance serve`
so that sessions outlive a restart and every worker process signs with the same key.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Integer, String, Table, Text

from relance.adapters.storage.tables import metadata

web_users = Table(
    "web_users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("language", String(8), nullable=True),  # None: the ledger's language
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

web_secrets = Table(
    "web_secrets",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
