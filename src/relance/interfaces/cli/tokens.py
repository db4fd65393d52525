"""`relance token`: the REST API's tokens (`docs/api.md`)."""

from __future__ import annotations

from typing import Annotated

import typer

from relance.bootstrap import open_store
from relance.core.users import Role
from relance.interfaces.cli import output as ui
from relance.services import api_tokens

token_app = typer.Typer(help="The REST API's tokens.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    token_app.command("create")(create)
    token_app.command("list")(list_tokens)
    token_app.command("revoke")(revoke)
    app.add_typer(token_app, name="token")


def create(
    user: Annotated[str, typer.Option(help="The account the token acts for (its e-mail).")],
    name: Annotated[str, typer.Option(help="What the token is for (an ERP, a bank feed).")],
    role: Annotated[
        Role | None, typer.Option(help="At most the account's role (the account's by default).")
    ] = None,
    db: ui.DbOption = None,
) -> None:
    """Make a token for the REST API and print it: this once only (the ledger keeps its hash)."""
    made = api_tokens.create_token(open_store(db), user, name, role)
    token = made.token
    print(made.secret)  # alone on standard output, for a script to capture
    ui.errors.print(
        f"Token {token.id} {token.name!r} for {token.user_email} ({token.role.value}): "
        "keep it now, it will not be shown again."
    )


def list_tokens(db: ui.DbOption = None, fmt: ui.FormatOption = ui.Format.TABLE) -> None:
    """The REST API's tokens (never their secrets)."""
    found = api_tokens.list_tokens(open_store(db))
    columns = ["id", "name", "user", "role", "created", "revoked"]
    rows = [
        [
            t.id, t.name, t.user_email, t.role.value, t.created_at.isoformat(),
            t.revoked_at.isoformat() if t.revoked_at else "",
        ]
        for t in found
    ]  # fmt: skip
    display = [
        [
            str(t.id), t.name, t.user_email, t.role.value, ui.instant_text(t.created_at),
            ui.instant_text(t.revoked_at) if t.revoked_at else "",
        ]
        for t in found
    ]  # fmt: skip
    ui.emit(fmt, columns, rows, title="REST API tokens", display=display)


def revoke(
    token_id: Annotated[int, typer.Argument(help="The token's id (relance token list).")],
    db: ui.DbOption = None,
) -> None:
    """Revoke a token: its next request is refused."""
    revoked = api_tokens.revoke_token(open_store(db), token_id)
    ui.console.print(f"Token {revoked.id} {revoked.name!r} ({revoked.user_email}) revoked.")
