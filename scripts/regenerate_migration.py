"""Rewrite the initial migration from the tables (development only, before the first release).

Until relance's first release the schema has a single revision, 0001, generated from
`relance.adapters.storage.schema.metadata`. Run this after changing a table:

    .venv/bin/python scripts/regenerate_migration.py

From the first release on, every change gets a revision of its own instead.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from alembic import command

from relance.adapters.storage.database import MIGRATIONS, _alembic_config, make_engine

MESSAGE = "relance schema"


def main() -> None:
    versions = MIGRATIONS / "versions"
    for old in versions.glob("0001_*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/empty.sqlite")
        config = _alembic_config(engine)
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.revision(config, message=MESSAGE, autogenerate=True, rev_id="0001")
        engine.dispose()
    (written,) = versions.glob("0001_*.py")
    ruff = Path(sys.executable).with_name("ruff")
    subprocess.run(
        [str(ruff), "check", "--fix", "-q", str(written)], check=False, capture_output=True
    )
    subprocess.run([str(ruff), "format", "-q", str(written)], check=True)
    print(f"wrote {written}")


if __name__ == "__main__":
    main()
