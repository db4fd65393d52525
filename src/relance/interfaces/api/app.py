"""The REST API's application, mounted at `/api/v1` in the workbench (`docs/api.md`).

FastAPI (on Starlette, like the workbench) checks each request against the models of
`schemas.py` and makes the OpenAPI contract from the routes; the contract is kept in the
repository (`docs/openapi.json`) and a test fails when the served one differs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from relance.bootstrap import Store
from relance.interfaces.api import (
    problems,
    routes_customer,
    routes_imports,
    routes_law,
    routes_ledger,
    routes_queue,
    routes_statement,
    routes_webhooks,
)
from relance.interfaces.api.idempotency import IdempotentWrites

ROUTERS = tuple(
    module.router
    for module in (
        routes_ledger,
        routes_customer,
        routes_statement,
        routes_queue,
        routes_law,
        routes_imports,
        routes_webhooks,
    )
)
PREFIX = "/api/v1"
TITLE = "relance"
VERSION = "1"
DESCRIPTION = (
    "Collects overdue customer invoices. Every request carries a token "
    "(`Authorization: Bearer …`, made with `relance token create`); see docs/api.md."
)


def contract(api: FastAPI) -> dict[str, Any]:
    """The OpenAPI document of `api`, its problem responses described once."""
    document = get_openapi(
        title=TITLE,
        version=VERSION,
        description=DESCRIPTION,
        routes=api.routes,
        servers=[{"url": PREFIX}],
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = problems.Problem.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    schemas.update(schemas["Problem"].pop("$defs", {}))
    return document


def build_api(
    store: Store,
    *,
    today: Callable[[], date] = date.today,
    letters: Path = Path("letters"),
    smtp_config: Path | None = None,
    templates_dir: Path | None = None,
) -> FastAPI:
    """The API for the ledger `store`; `letters` is the folder print batches go to, e-mails
    go through the SMTP server of `smtp_config` (or of RELANCE_SMTP_* variables), letters
    and e-mails are worded by the user's templates in `templates_dir` where they have one."""
    api = FastAPI(
        title=TITLE,
        version=VERSION,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        exception_handlers=dict(problems.HANDLERS),  # type: ignore[arg-type]
    )
    for router in ROUTERS:
        api.include_router(router)
    api.add_middleware(IdempotentWrites)
    api.openapi = lambda: contract(api)  # type: ignore[method-assign]
    api.state.store = store
    api.state.today = today
    api.state.letters = letters
    api.state.smtp_config = smtp_config
    api.state.templates_dir = templates_dir
    return api
