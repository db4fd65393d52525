"""Who is calling, and may they: a bearer token checked on every request, and its role.

Roles are the workbench's (`docs/web.md`): a viewer reads, a collector also logs what
customers say, a manager also approves, sends, imports and changes settings, an admin also
manages the accounts. A token acts with its own role, never above its account's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from relance.core.users import Role, User
from relance.interfaces.api.problems import ApiProblem
from relance.services import api_tokens

bearer = HTTPBearer(auto_error=False, description="A token from `relance token create`.")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def caller(request: Request, credentials: Credentials) -> User:
    """The account the request acts for, with the role of its token (401 without one)."""
    if credentials is None:
        raise ApiProblem(401, "send a token: Authorization: Bearer TOKEN")
    found = api_tokens.authenticate_token(request.app.state.store, credentials.credentials)
    if found is None:
        raise ApiProblem(401, "unknown or revoked token")
    return found


def needs(role: Role) -> Callable[..., User]:
    """A dependency giving the caller when its role is `role` or above (403 otherwise)."""

    def check(user: Annotated[User, Depends(caller)]) -> User:
        if not user.role.allows(role):
            raise ApiProblem(403, f"this needs the {role.value} role; the token is {user.role}")
        return user

    check.required_role = role  # type: ignore[attr-defined]
    return check


Viewer = Annotated[User, Depends(needs(Role.VIEWER))]
Collector = Annotated[User, Depends(needs(Role.COLLECTOR))]
Manager = Annotated[User, Depends(needs(Role.MANAGER))]
Admin = Annotated[User, Depends(needs(Role.ADMIN))]


def store_of(request: Request) -> Any:
    """The ledger the API serves."""
    return request.app.state.store
