"""Sending from the queue: a manager delivers the approved actions (the service of
`relance send`, run in the background) and follows its progress on a page that refreshes
itself until the report; the registered letters sent, their posting and receipt recorded
(`relance registered`)."""

from __future__ import annotations

import threading
from datetime import date
from typing import TYPE_CHECKING

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from relance.core.users import Role, User
from relance.interfaces.web.rendering import flash, flash_error, render
from relance.interfaces.web.security import action, form_text, page

if TYPE_CHECKING:
    from relance.services.send_progress import SendProgress, SendRuns

_RUNS = threading.Lock()
REFRESH_SECONDS = 2


def _runs(request: Request) -> SendRuns:
    """The app's send runs, made on first use (the send path loads ReportLab: only then)."""
    from relance.services.send_progress import SendRuns

    with _RUNS:
        if not hasattr(request.app.state, "send_runs"):
            request.app.state.send_runs = SendRuns()
    runs: SendRuns = request.app.state.send_runs
    return runs


@action(Role.MANAGER)
def send(request: Request, user: User, form: FormData) -> Response:
    """Start delivering every approved action; show its progress."""
    settings = request.app.state.settings
    try:
        run = _runs(request).start(
            request.app.state.store, settings.today(), settings.letters_dir,
            settings.smtp_config, actor=user.email, templates_dir=settings.templates_dir,
        )  # fmt: skip
    except ValueError as problem:  # the SMTP settings: nothing was started
        flash_error(request, problem)
        return RedirectResponse("/queue", status_code=303)
    return RedirectResponse(f"/queue/send/{run.token}", status_code=303)


def _run_of(request: Request) -> SendProgress | None:
    return _runs(request).get(str(request.path_params["token"]))


@page(Role.MANAGER)
def progress_page(request: Request, user: User) -> Response:
    """How far the send run got; its report once finished."""
    run = _run_of(request)
    if run is None:
        return render(request, user, "error.html", {"code": 404}, status_code=404)
    context = {"run": run, "refresh": 0 if run.finished else REFRESH_SECONDS}
    return render(request, user, "send_progress.html", context)


@page(Role.MANAGER)
def batch_pdf(request: Request, user: User) -> Response:
    """The print batch the run wrote, to open or print."""
    run = _run_of(request)
    batch = run.report.batch if run is not None and run.report is not None else None
    if batch is None or batch.print_file is None or not batch.print_file.is_file():
        return render(request, user, "error.html", {"code": 404}, status_code=404)
    headers = {"Content-Disposition": f'inline; filename="{batch.print_file.name}"',
               "Cache-Control": "no-store"}  # fmt: skip
    return FileResponse(batch.print_file, media_type="application/pdf", headers=headers)


def _registered_page(
    request: Request, user: User, errors: dict[int, str] | None = None, status: int = 200
) -> Response:
    from relance.services import letters

    found, errors = letters.awaiting_receipt(request.app.state.store), errors or {}
    listed = {int(record.action_id) for record, _, _ in found}
    context = {
        "letters": found,
        "errors": errors,
        "elsewhere": [message for key, message in errors.items() if key not in listed],
        "today": request.app.state.settings.today(),
    }
    return render(request, user, "registered.html", context, status_code=status)


@page(Role.VIEWER)
def registered_page(request: Request, user: User) -> Response:
    """The registered letters sent and not yet received."""
    return _registered_page(request, user)


def _day(form: FormData, name: str) -> date | None:
    text = form_text(form, name)
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise ValueError(f"{name}: not a date (YYYY-MM-DD): {text!r}") from None


@action(Role.MANAGER)
def record_registered(request: Request, user: User, form: FormData) -> Response:
    """Record a registered letter's posting (tracking number and day) or its receipt; a
    refusal is shown beside the letter's form."""
    from relance.services import letters

    number = str(request.path_params["action_id"])
    action_id = int(number) if number.isdigit() else 0
    try:
        tracking = form_text(form, "tracking") or None
        record = letters.registered(
            request.app.state.store, action_id, tracking=tracking,
            posted=_day(form, "posted") if tracking else None, received=_day(form, "received"),
            actor=user.email,
        )  # fmt: skip
    except (ValueError, LookupError) as problem:
        message = problem.args[0] if isinstance(problem, LookupError) else problem
        return _registered_page(request, user, {action_id: str(message)}, status=400)
    flash(request, f"registered.{record.state}_done", id=action_id)
    return RedirectResponse("/queue/registered", status_code=303)


ROUTES = [
    Route("/queue/send", send, methods=["POST"]),
    Route("/queue/send/{token}", progress_page, methods=["GET"]),
    Route("/queue/send/{token}/batch.pdf", batch_pdf, methods=["GET"]),
    Route("/queue/registered", registered_page, methods=["GET"]),
    Route("/queue/registered/{action_id}", record_registered, methods=["POST"]),
]
