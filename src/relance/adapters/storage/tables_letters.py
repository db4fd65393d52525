"""Tables of what left for the debtor: the outbox, the evidence, the registered letters.

- `letter_outbox`: one row per action and channel that sends an e-mail, written *before*
  the SMTP conversation (pending) and marked sent after it, with the Message-ID and the
  exact bytes handed to the server, so an interrupted run resends the same message once.
- `letter_evidence`: every letter sent or printed (and every e-mail's attached letter),
  kept as the PDF bytes with their SHA-256, so the creditor can prove later what was sent.
- `registered_mail`: the registered letters (lettre recommandée avec AR): tracking
  number, posting date, acknowledgement date, and the hash of the PDF that was posted.
- `send_claims`: which `relance send` is delivering an action right now, so that two
  senders never deliver the same action (see `relance.services.claims`).
- `print_batches`: every print file written, numbered, never overwritten; the letters'
  evidence names the batch that holds each printed letter, so a batch can be rebuilt.

Action ids are those of `dunning_actions`, with foreign keys: an action that left for the
debtor cannot be removed from the queue while its evidence stands.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from relance.adapters.storage.tables import metadata

letter_outbox = Table(
    "letter_outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    # "<action id>:<channel>", the key the outbox port uses.
    Column("outbox_key", String(64), nullable=False, unique=True),
    Column("action_id", ForeignKey("dunning_actions.id"), nullable=False, index=True),
    Column("channel", String(32), nullable=False),
    # waiting (for SMTP), pending (handed to the server, not yet accepted), sent,
    # exported (written as a file for the user's mail client), cancelled
    Column("status", String(16), nullable=False),
    Column("message_id", Text, nullable=False),
    Column("recipients", JSON, nullable=False),  # lists: `lists.py`
    Column("message", LargeBinary, nullable=False),  # the bytes given to the server
    Column("sha256", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=True),
    Column("server_reply", Text, nullable=False, default=""),
    # Why a message waits or was cancelled, in words for the user.
    Column("reason", Text, nullable=False, default="", server_default=""),
    Column("updated_at", DateTime(timezone=True), nullable=True),
)

letter_evidence = Table(
    "letter_evidence",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("action_id", ForeignKey("dunning_actions.id"), nullable=False, index=True),
    Column("channel", String(32), nullable=False),
    Column("customer_ref", Text, ForeignKey("customers.ref"), nullable=False, index=True),
    Column("level", Integer, nullable=False),
    Column("template_key", Text, nullable=False),
    Column("reference", Text, nullable=False),
    Column("rf_reference", Text, nullable=False),
    Column("dated", Date, nullable=False),
    Column("file_name", Text, nullable=False),
    Column("pages", Integer, nullable=False),
    Column("pdf", LargeBinary, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    # The print batch holding a printed letter (`print_batches.id`); none for an e-mail.
    Column("print_batch", ForeignKey("print_batches.id"), nullable=True, index=True),
    UniqueConstraint("action_id", "channel"),
)

registered_mail = Table(
    "registered_mail",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("action_id", ForeignKey("dunning_actions.id"), nullable=False, unique=True),
    Column("provider", String(32), nullable=False),
    Column("pdf_sha256", String(64), nullable=False),
    Column("tracking_number", Text, nullable=False, default=""),
    Column("posted_on", Date, nullable=True),
    Column("received_on", Date, nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

send_claims = Table(
    "send_claims",
    metadata,
    Column("action_id", ForeignKey("dunning_actions.id"), primary_key=True, autoincrement=False),
    # "host:pid:token" of the `relance send` delivering the action, or none.
    Column("owner", Text, nullable=True),
    Column("claimed_at", DateTime(timezone=True), nullable=True),
)

print_batches = Table(
    "print_batches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("as_of", Date, nullable=False),
    Column("file_name", Text, nullable=False, unique=True),
    Column("letters", Integer, nullable=False),
    Column("pages", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
