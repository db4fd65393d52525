"""`relance casefile CUSTOMER --out DIR|FILE.zip` and `relance casefile verify DIR|FILE.zip`:
a customer's case file, and its check against its manifest (which opens no ledger, so it
imports no database driver)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from relance.interfaces.cli import output as ui
from relance.interfaces.cli.output import ExitCode


class Route(StrEnum):
    """Whom the case file is for."""

    GENERAL = "general"
    PAYMENT_ORDER = "payment-order"
    AGENCY = "agency"


class Language(StrEnum):
    """The dossier's language."""

    FR = "fr"
    EN = "en"


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("casefile")(casefile)


def casefile(
    customer: Annotated[str, typer.Argument(help="The customer's reference, or `verify`.")],
    path: Annotated[
        Path | None, typer.Argument(help="With `verify`: the case file (folder or .zip).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="A new or empty folder, or a FILE.zip.")
    ] = None,
    as_of: Annotated[str | None, typer.Option(help="The day (default: today).")] = None,
    lang: Annotated[Language | None, typer.Option("--lang", help="The dossier's language.")] = None,
    route: Annotated[
        Route, typer.Option("--for", help="Add what a payment order or an agency needs.")
    ] = Route.GENERAL,
    agency: Annotated[
        str | None,
        typer.Option(
            "--agency",
            help="With --for agency: whose mandate goes in (default: the latest handoff's).",
        ),
    ] = None,
    db: ui.DbOption = None,
    as_json: ui.JsonFlag = False,
) -> None:
    """A customer's case file: the dossier (summary, statement, interest, timeline), the
    evidence as sent with its SHA-256, and manifest.json. `relance casefile verify PATH`
    hashes every file again and names any missing, added or altered one (exit 1)."""
    if customer == "verify" and out is None:
        if path is None:
            raise ui.fail(
                "give the case file to check: relance casefile verify DIR|FILE.zip", ExitCode.USAGE
            )
        _verify(path, as_json)
        return
    if path is not None:
        raise ui.fail(f"unexpected argument {str(path)!r}", ExitCode.USAGE)
    if out is None:
        raise ui.fail("--out DIR|FILE.zip is required", ExitCode.USAGE)
    if agency is not None and route is not Route.AGENCY:
        raise ui.fail("--agency goes with --for agency", ExitCode.USAGE)
    _build(customer, out, as_of, lang, (route, agency), db, as_json)


def _build(
    customer: str,
    out: Path,
    as_of: str | None,
    lang: Language | None,
    route: tuple[Route, str | None],
    db: str | None,
    as_json: bool,
) -> None:
    from relance.bootstrap import open_store
    from relance.core.dossier import Purpose
    from relance.services import casefile as service

    try:
        day = ui.parse_day(as_of, date.today())
    except typer.BadParameter as exc:
        exc.param_hint = "'--as-of'"  # the date is wrong: say which option holds it
        raise
    report = service.write_case_file(
        open_store(db),
        customer,
        out,
        as_of=day,
        language=lang.value if lang else None,
        purpose=Purpose(route[0].value),
        agency=route[1],
    )
    entries = report.manifest.entries
    if as_json:
        ui.print_json(
            {
                "path": str(out),
                "zip": report.zipped,
                "as_of": day.isoformat(),
                "files": [
                    {"path": e.path, "size": e.size, "sha256": e.sha256, "kind": e.kind}
                    for e in entries
                ],
            }
        )
        return
    ui.console.print(
        f"Case file of {customer} as of {day.isoformat()} written to {out}: "
        f"{len(entries) + 1} files (manifest.json included)."
    )
    for entry in entries:
        ui.console.print(f"  {entry.path}  {entry.size} bytes  {entry.sha256[:16]}…")


def _verify(path: Path, as_json: bool) -> None:
    from relance.core.casefile import BadManifest
    from relance.services import casefile_check as service

    try:
        checked = service.verify_case_file(path)
    except BadManifest as exc:
        raise ui.fail(str(exc), ExitCode.ERROR) from exc
    found = checked.discrepancies
    if as_json:
        ui.print_json(
            {
                "path": str(path),
                "files": len(checked.manifest.entries),
                "clean": found.clean,
                "missing": list(found.missing),
                "extra": list(found.extra),
                "altered": list(found.altered),
            }
        )
    else:
        manifest = checked.manifest
        ui.console.print(
            f"Case file of {manifest.customer_ref} as of {manifest.as_of.isoformat()} "
            f"(relance {manifest.relance_version}): {len(manifest.entries)} files listed."
        )
        for label, paths in (
            ("missing", found.missing),
            ("added", found.extra),
            ("altered", found.altered),
        ):
            for name in paths:
                ui.console.print(f"[bold red]{label}:[/] {name}", highlight=False)
        if found.clean:
            ui.console.print("Every file is present and unchanged.")
    if not found.clean:
        raise typer.Exit(int(ExitCode.ERROR))
