"""Imports: a file of any kind the CLI imports, sent from the browser, checked in a dry
run (what would be written, or the line and column that stops it), then confirmed or
dropped; the list of imports, each undone unless later records depend on it. Manager."""

from __future__ import annotations

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from relance.core.users import Role, User
from relance.interfaces.web import phrases_imports
from relance.interfaces.web.rendering import flash, flash_error, flash_refusal, render
from relance.interfaces.web.security import action, form_text, page
from relance.services import imports, uploads

LISTED = 100  # the latest imports shown
SAID = 5  # reasons an undo refused shows


def _to_list() -> Response:
    return RedirectResponse("/imports", status_code=303)


@page(Role.MANAGER)
def imports_page(request: Request, user: User) -> Response:
    """The form to send a file, and the imports, latest first."""
    done = imports.list_imports(request.app.state.store)
    kinds = list(uploads.UploadKind)
    context = {
        "kinds": kinds,
        "kind_names": [k.value for k in kinds],
        "records": done[::-1][:LISTED],
    }
    return render(request, user, "imports.html", context)


@action(Role.MANAGER)
def upload(request: Request, user: User, form: FormData) -> Response:
    """Keep the file sent, then show its dry run."""
    sent = form.get("file")
    try:
        kind = uploads.UploadKind(form_text(form, "kind"))
    except ValueError:
        flash_refusal(request, "imports.no_kind")
        return _to_list()
    if not isinstance(sent, UploadFile) or not sent.filename:
        flash_refusal(request, "imports.no_file")
        return _to_list()
    kept = uploads.keep(
        request.app.state.settings.uploads_dir, kind, sent.filename, sent.file,
        allow_changes=form_text(form, "allow_changes") == "on",
        ignore_unknown_columns=form_text(form, "ignore_unknown") == "on",
    )  # fmt: skip
    return RedirectResponse(f"/imports/check/{kept.token}", status_code=303)


@page(Role.MANAGER)
def check_page(request: Request, user: User) -> Response:
    """The dry run of a file kept: what it would write, or where it cannot be read."""
    settings = request.app.state.settings
    try:
        kept = uploads.kept(settings.uploads_dir, request.path_params["token"])
    except LookupError as gone:
        flash_error(request, gone)
        return _to_list()
    outcome = uploads.check(request.app.state.store, kept, settings.today(), actor=user.email)
    context = {"upload": kept, "outcome": outcome, "known": phrases_imports.PHRASES}
    return render(request, user, "import_check.html", context)


@action(Role.MANAGER)
def confirm(request: Request, user: User, form: FormData) -> Response:
    """Import the file kept, for good."""
    settings, token = request.app.state.settings, request.path_params["token"]
    try:
        kept = uploads.kept(settings.uploads_dir, token)
    except LookupError as gone:
        flash_error(request, gone)
        return _to_list()
    try:
        outcome = uploads.confirm(
            request.app.state.store, settings.uploads_dir, kept, settings.today(), actor=user.email
        )
    except LookupError as gone:
        flash_error(request, gone)
        return _to_list()
    if outcome.problem is not None:  # the ledger changed since the dry run: show it again
        return RedirectResponse(f"/imports/check/{token}", status_code=303)
    flash(
        request, "imports.done", name=outcome.name, read=outcome.read,
        created=sum(outcome.created.values()), updated=outcome.updated,
        ids=", ".join(f"#{n}" for n in outcome.import_ids) or "—",
    )  # fmt: skip
    return _to_list()


@action(Role.MANAGER)
def drop(request: Request, user: User, form: FormData) -> Response:
    """Forget a file kept for its dry run, importing nothing."""
    uploads.discard(request.app.state.settings.uploads_dir, request.path_params["token"])
    flash(request, "imports.dropped")
    return _to_list()


@action(Role.MANAGER)
def undo(request: Request, user: User, form: FormData) -> Response:
    """Take an import back out, unless later records depend on it (the reasons are said)."""
    number = str(request.path_params["import_id"])
    import_id = int(number) if number.isdigit() else 0
    try:
        done = imports.undo_import(request.app.state.store, import_id, actor=user.email)
        removed = sum(done.removed.values())
        flash(request, "imports.undone", id=import_id, name=done.file_name, removed=removed)
    except imports.UndoRefused as refused:
        # a few reasons: the message travels in the session cookie, which must stay small
        shown = "; ".join(refused.reasons[:SAID]) + (" …" if len(refused.reasons) > SAID else "")
        flash_refusal(request, "imports.undo_refused", id=import_id, reasons=shown)
    except (imports.AlreadyUndone, LookupError) as problem:
        flash_error(request, problem)
    return _to_list()


ROUTES = [
    Route("/imports", imports_page, methods=["GET"]),
    Route("/imports", upload, methods=["POST"]),
    Route("/imports/check/{token}", check_page, methods=["GET"]),
    Route("/imports/check/{token}/confirm", confirm, methods=["POST"]),
    Route("/imports/check/{token}/drop", drop, methods=["POST"]),
    Route("/imports/{import_id}/undo", undo, methods=["POST"]),
]
