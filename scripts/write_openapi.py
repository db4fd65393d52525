"""Write the REST API's OpenAPI contract to docs/openapi.json, as /api/v1/openapi.json serves it.

Run it after changing a route or a model of `src/relance/interfaces/api/`:
`tests/interfaces/api/test_api_contract.py` fails while the file and the served contract differ.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from relance.bootstrap import open_store
from relance.interfaces.api.app import build_api

TARGET = Path(__file__).resolve().parents[1] / "docs" / "openapi.json"


def contract_text() -> str:
    """The contract as the file holds it: indented JSON, keys in the routes' order."""
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(str(Path(folder) / "ledger.sqlite"), create=True)
        try:
            document = build_api(store).openapi()
        finally:
            store.engine.dispose()
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    TARGET.write_text(contract_text(), encoding="utf-8")
    sys.stdout.write(f"wrote {TARGET}\n")
