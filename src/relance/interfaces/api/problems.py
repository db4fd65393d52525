"""Errors as RFC 9457 problem details (`application/problem+json`), naming the field.

A problem has `type`, `title`, `status` and `detail`; when the fault is in one field,
`field` names it (`amount`, `items[2].due_date`, `cursor`) and `errors` lists each one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from relance.adapters.formats.errors import FormatError

MEDIA_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    415: "Unsupported media type",
    422: "Invalid request",
    500: "Server error",
}


class FieldError(BaseModel):
    """One field at fault, and why."""

    field: str
    detail: str


class Problem(BaseModel):
    """An RFC 9457 problem: what went wrong, and where."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    field: str | None = None
    errors: list[FieldError] = Field(default_factory=list)


class ApiProblem(Exception):
    """A refusal the API answers with a problem (raised by the routes)."""

    def __init__(self, status: int, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.field = status, detail, field


def problem(
    status: int,
    detail: str,
    field: str | None = None,
    errors: Sequence[FieldError] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The problem response of `status`."""
    if field is not None and not errors:
        errors = [FieldError(field=field, detail=detail)]
    body = Problem(
        title=TITLES.get(status, "Error"), status=status, detail=detail, field=field,
        errors=list(errors),
    )  # fmt: skip
    return JSONResponse(
        body.model_dump(exclude_none=True), status, headers=headers, media_type=MEDIA_TYPE
    )


def _field_of(location: Sequence[Any]) -> str:
    """`("body", "items", 2, "amount")` as `items[2].amount`; the part says where it was."""
    parts = list(location[1:]) if location and location[0] in ("body", "query", "path") else []
    if location and location[0] == "header":
        parts = list(location[1:])
    text = ""
    for part in parts or list(location):
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _field_at(error: dict[str, Any]) -> str:
    """The field an error names; malformed JSON (located at its offset) is the whole body."""
    if error.get("type") == "json_invalid":
        return "body"
    return _field_of(error.get("loc", ())) or "body"


async def on_validation(request: Request, exc: Exception) -> JSONResponse:
    """A request the schema refuses: 422, each field named."""
    assert isinstance(exc, RequestValidationError)
    errors = [
        FieldError(field=_field_at(error), detail=str(error.get("msg"))) for error in exc.errors()
    ]
    first = errors[0] if errors else FieldError(field="body", detail="invalid request")
    return problem(422, first.detail, first.field, errors)


async def on_http(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's and FastAPI's own refusals (unknown path, wrong method, no token).

    FastAPI answers 400 for a body it cannot decode at all (bytes that are not UTF-8),
    while malformed JSON is already a 422 naming `body`: both are the same fault to an
    integrator, so both are answered as the contract documents, 422 on `body`.
    """
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400:
        return problem(422, "the body cannot be read as JSON in UTF-8", "body")
    headers = dict(exc.headers or {})
    return problem(exc.status_code, str(exc.detail), headers=headers or None)


async def on_api_problem(request: Request, exc: Exception) -> JSONResponse:
    """A refusal raised by a route."""
    assert isinstance(exc, ApiProblem)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return problem(exc.status, exc.detail, exc.field, headers=headers)


async def on_lookup(request: Request, exc: Exception) -> JSONResponse:
    """A customer, invoice, action or import the ledger does not hold: 404."""
    message = exc.args[0] if exc.args else str(exc)
    return problem(404, str(message))


async def on_refused(request: Request, exc: Exception) -> JSONResponse:
    """A service refused the request (ValueError and its kin): 422, as the CLI's exit 1."""
    return problem(422, str(exc))


async def on_format(request: Request, exc: Exception) -> JSONResponse:
    """A record or file the import cannot read: 422 naming the field (and the file's line)."""
    assert isinstance(exc, FormatError)
    field = getattr(exc, "api_field", None) or exc.field or None
    # A location is a line number, or a place in an XML or OFX document ("Ntry #3 …").
    located = f"line {exc.location}" if exc.location.isdigit() else exc.location
    where = getattr(exc, "api_where", None) or located
    detail = f"{where}: {exc.reason}" if where else exc.reason
    return problem(422, detail, field)


HANDLERS = {
    RequestValidationError: on_validation,
    HTTPException: on_http,
    ApiProblem: on_api_problem,
    FormatError: on_format,
    LookupError: on_lookup,
    ValueError: on_refused,
}

PROBLEM_SCHEMA = {"$ref": "#/components/schemas/Problem"}
RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"content": {MEDIA_TYPE: {"schema": PROBLEM_SCHEMA}}, "description": TITLES[status]}
    for status in (401, 403, 404, 409, 422)
}
