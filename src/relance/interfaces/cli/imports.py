"""`relance imports` (the files imported) and `relance imports undo ID`."""

from __future__ import annotations

from typing import Annotated

import typer

from relance.bootstrap import open_store
from relance.interfaces.cli import output as ui
from relance.services import imports as service

app = typer.Typer(help="The files imported; undo one.", invoke_without_command=True)


def register(root: typer.Typer) -> None:
    """Add `relance imports` to the app."""
    root.add_typer(app, name="imports")


@app.callback()
@ui.listing
def listing(
    ctx: typer.Context,
    db: ui.DbOption = None,
    shown: ui.Format = ui.Format.TABLE,
) -> None:
    """Every file imported: id, file, SHA-256, kind, rows, date (and when undone)."""
    if ctx.invoked_subcommand is not None:
        return
    records = service.list_imports(open_store(db))
    columns = ["id", "file", "sha256", "kind", "rows", "imported_at", "undone_at"]
    rows = [
        [r.id, r.file_name, r.sha256, r.kind, r.rows, r.imported_at.isoformat(timespec="seconds"),
         r.undone_at.isoformat(timespec="seconds") if r.undone_at else ""]
        for r in records
    ]  # fmt: skip
    display = [
        [str(r.id), r.file_name, r.sha256[:12], r.kind, str(r.rows),
         f"{r.imported_at:%Y-%m-%d %H:%M}", f"{r.undone_at:%Y-%m-%d %H:%M}" if r.undone_at else ""]
        for r in records
    ]  # fmt: skip
    ui.emit(shown, columns, rows, title="Imports", display=display, right=("rows",))


@app.command("undo")
def undo(
    import_id: Annotated[int, typer.Argument(help="The import's id (see `relance imports`).")],
    cascade: Annotated[
        bool,
        typer.Option(
            "--cascade",
            help="Also remove what was recorded later on top of it (allocations, notices).",
        ),
    ] = False,
    db: ui.DbOption = None,
) -> None:
    """Remove what one imported file wrote, and put back the invoices it changed."""
    try:
        done = service.undo_import(open_store(db), import_id, cascade=cascade)
    except (service.UndoRefused, service.AlreadyUndone) as refused:
        raise ui.fail(str(refused), ui.ExitCode.BLOCKED) from refused
    removed = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in done.removed.items())
    ui.console.print(
        f"import #{done.import_id} ({done.file_name}) undone: removed {removed or 'nothing'}"
    )
    if done.restored:
        ui.console.print(f"  invoices given back their earlier values: {', '.join(done.restored)}")
    if done.kept_customers:
        ui.console.print(
            f"  customers kept (other records name them): {', '.join(done.kept_customers)}"
        )
    for reason in done.cascaded[:10]:
        ui.console.print(f"  removed with it: {reason}")
