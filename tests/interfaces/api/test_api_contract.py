"""The OpenAPI contract: served at /api/v1/openapi.json, kept in docs/openapi.json, and every
operation exercised by schemathesis with a token set (a few examples each, on SQLite)."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance
from tests.interfaces.api.conftest import make_api

from relance.bootstrap import open_store
from relance.core.users import Role

ROOT = Path(__file__).resolve().parents[3]
WRITER = ROOT / "scripts" / "write_openapi.py"


def test_the_served_contract_is_the_one_kept_in_the_repository(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "ledger.sqlite"), create=True)
    api = make_api(store, tmp_path)
    served = api.client().get("/openapi.json")
    assert served.status_code == 200
    kept = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert served.json() == kept, (
        "docs/openapi.json differs from the served contract: run .venv/bin/python "
        "scripts/write_openapi.py and review the change"
    )
    written = runpy.run_path(str(WRITER))["contract_text"]()
    assert json.loads(written) == kept
    store.engine.dispose()


def test_every_operation_needs_a_token_and_declares_it() -> None:
    kept = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert kept["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    for path, operations in kept["paths"].items():
        for method, operation in operations.items():
            assert operation.get("security") == [{"HTTPBearer": []}], f"{method} {path}"
            assert "422" in operation["responses"] and "401" in operation["responses"]


EXAMPLES = 3  # per operation and mode: every operation in well under a minute
# A request the contract allows may still be refused by the ledger (an unknown customer, an
# action already approved, a cursor from elsewhere): 422 with a problem, not a fault.


def test_every_operation_keeps_its_contract(tmp_path: Path) -> None:
    """schemathesis draws requests from the contract, fitting it and not, for every
    operation with an admin's token: no server error, and each answer's status, media type
    and body as the contract says."""
    store = open_store(str(tmp_path / "ledger.sqlite"), create=True)
    api = make_api(store, tmp_path)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", api.app)
    auth = {"Authorization": f"Bearer {api.tokens[Role.ADMIN]}"}
    tried = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(mode, headers=auth))
            @settings(
                max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck),
            )  # fmt: skip
            def check(case: schemathesis.Case) -> None:
                case.call_and_validate(excluded_checks=[positive_data_acceptance])

            try:
                check()
            except Unsatisfiable:
                # nothing about the operation can be made wrong (no body, no bounded field)
                assert mode is GenerationMode.NEGATIVE, operation.label
        tried.append(operation.label)
    assert len(tried) == sum(len(ops) for ops in schema.raw_schema["paths"].values())
    store.engine.dispose()
