"""The kept aged balance: the report for the default buckets as of a kept date, per
customer and currency, and the customers whose rows a write has made stale.

Database triggers on `invoices` and `allocations` (migration 0016) mark a customer in
`aging_stale` on every insert, update and delete, whichever path wrote it (SQLAlchemy,
the driver's executemany, COPY, a bulk delete): `repository_aging_kept` recomputes the
marked customers before it reads the kept rows.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, Integer, String, Table

from relance.adapters.storage.tables import metadata

# One row at most: the date the kept rows are the aged balance of.
aging_kept_date = Table(
    "aging_kept_date",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("as_of", Date, nullable=False),
)

# What a customer owes in a currency as of the kept date, bucket by bucket (minor units,
# buckets 30, 60, 90, 120 days), and the first later date on which that row changes
# with no write at all (an invoice issued, an allocation dated, an invoice changing bucket).
aging_kept = Table(
    "aging_kept",
    metadata,
    Column("customer_id", Integer, primary_key=True, autoincrement=False),
    Column("currency", String(3), primary_key=True),
    Column("not_due", BigInteger, nullable=False),
    Column("days_1_30", BigInteger, nullable=False),
    Column("days_31_60", BigInteger, nullable=False),
    Column("days_61_90", BigInteger, nullable=False),
    Column("days_91_120", BigInteger, nullable=False),
    Column("over_120", BigInteger, nullable=False),
    Column("changes_on", Date, nullable=True, index=True),
)

# Customers written to since their kept rows were computed (no foreign key: a customer
# removed by the undo of an import leaves its mark, and its kept rows are then dropped).
aging_stale = Table(
    "aging_stale",
    metadata,
    Column("customer_id", Integer, primary_key=True, autoincrement=False),
)
