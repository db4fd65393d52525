"""`relance serve`: the web workbench for the ledger, on loopback unless told otherwise."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer

from relance.bootstrap import open_store
from relance.interfaces.cli import output as ui
from relance.services import users


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("serve")(serve)


def is_loopback(host: str) -> bool:
    """True when `host` is reachable from this machine only (127.0.0.1, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def serve(
    db: ui.DbOption = None,
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="The port to listen on.")] = 8000,
    https: Annotated[
        bool,
        typer.Option(
            "--behind-https",
            help="Served to browsers over HTTPS by a proxy: session cookies are marked Secure.",
        ),
    ] = False,
    out: Annotated[
        Path,
        typer.Option("--out", help="Folder for the print batches sent from the Queue page."),
    ] = Path("letters"),
    uploads: Annotated[
        Path,
        typer.Option("--uploads", help="Folder for the files sent to the Imports page."),
    ] = Path("uploads"),
    smtp_config: Annotated[
        Path | None, typer.Option("--smtp-config", help="TOML file with an [smtp] table.")
    ] = None,
    templates: Annotated[
        Path | None,
        typer.Option("--templates", help="Your templates folder, edited on the Settings page."),
    ] = None,
) -> None:
    """Serve the web workbench (today's review, the queue, customers) for the ledger.

    Beyond loopback it refuses to start until `relance user add` has created an account.
    """
    import uvicorn  # the web libraries are imported by this command alone

    from relance.interfaces.web.app import build_app
    from relance.services import webhook_delivery

    store = open_store(db)
    if users.user_count(store) == 0:
        if not is_loopback(host):
            raise ui.fail(
                f"no account yet: create one with `relance user add EMAIL --role admin` "
                f"before listening on {host}",
                ui.ExitCode.BLOCKED,
            )
        ui.console.print("No account yet: create one with `relance user add EMAIL --role admin`.")
    ui.console.print(f"relance workbench on http://{host}:{port}/ (Ctrl-C stops it)")
    app = build_app(
        store, secure_cookies=https, letters_dir=out, uploads_dir=uploads,
        smtp_config=smtp_config, templates_dir=templates,
    )  # fmt: skip
    # Webhooks that are due are posted beside the web app (`docs/api.md`, "Webhooks").
    deliverer = webhook_delivery.Background(store).start()
    try:
        uvicorn.run(app, host=host, port=port, log_level="info")
    finally:
        deliverer.stop()
