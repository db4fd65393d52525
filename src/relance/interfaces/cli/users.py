"""`relance user`: the accounts of the web workbench (`relance serve`)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from relance.bootstrap import open_store
from relance.core.users import Role
from relance.interfaces.cli import output as ui
from relance.services import users

user_app = typer.Typer(help="The accounts of the web workbench.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    user_app.command("add")(add)
    user_app.command("list")(list_users)
    app.add_typer(user_app, name="user")


def add(
    email: Annotated[str, typer.Argument(help="The user's e-mail address (their login).")],
    role: Annotated[Role, typer.Option(help="viewer, collector, manager or admin.")],
    db: ui.DbOption = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create an account of the web workbench; the password is asked for (twice)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    created = users.add_user(open_store(db), email, role, password)
    ui.console.print(f"Account {created.email} created ({created.role.value}).")


def list_users(db: ui.DbOption = None, fmt: ui.FormatOption = ui.Format.TABLE) -> None:
    """The accounts of the web workbench."""
    accounts = users.list_users(open_store(db))
    columns = ["email", "role", "active", "created"]
    rows = [[a.email, a.role.value, a.active, a.created_at.isoformat()] for a in accounts]
    display = [
        [a.email, a.role.value, "yes" if a.active else "no", ui.instant_text(a.created_at)]
        for a in accounts
    ]
    ui.emit(fmt, columns, rows, title="Web workbench accounts", display=display)
