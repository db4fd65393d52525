"""The queue: the actions waiting for approval, each previewed (letter PDF inline, e-mail),
approved or cancelled one by one or many at once."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from relance.core.policy import Channel
from relance.core.users import Role, User
from relance.interfaces.web.rendering import flash, flash_error, render
from relance.interfaces.web.security import action, form_text, page
from relance.services import dunning, workbench


def _channel(text: str) -> Channel | None:
    try:
        return Channel(text) if text else None
    except ValueError:  # an unknown channel in the address: no filter
        return None


@page(Role.VIEWER)
def queue_page(request: Request, user: User) -> Response:
    """The pending actions, filtered by stage and channel."""
    params = request.query_params
    stage = params.get("stage", "")
    channel = _channel(params.get("channel", ""))
    number = int(params["page"]) if params.get("page", "").isdigit() else 1
    view = workbench.queue(request.app.state.store, stage=stage, channel=channel, page=number)

    def link(page: int) -> str:
        query = {"stage": stage, "channel": channel.value if channel else "", "page": page}
        return "/queue?" + urlencode({k: v for k, v in query.items() if v not in ("", 1)})

    context = {
        "view": view, "stage": stage, "channel": channel.value if channel else "", "link": link,
    }  # fmt: skip
    return render(request, user, "queue.html", context)


def _action_id(request: Request) -> int:
    return int(request.path_params["action_id"])


@page(Role.VIEWER)
def preview_page(request: Request, user: User) -> Response:
    """One action: its letter inline, its e-mail, what would block it."""
    store, day = request.app.state.store, request.app.state.settings.today()
    from relance.services.previews import render_preview  # ReportLab: only when previewing

    try:
        shown = render_preview(
            store, _action_id(request), day, request.app.state.settings.templates_dir
        )
    except LookupError:
        return render(request, user, "error.html", {"code": 404}, status_code=404)
    context = {"preview": shown, "queued": workbench.queue_item(store, shown.action_id)}
    return render(request, user, "preview.html", context)


@page(Role.VIEWER)
def letter_pdf(request: Request, user: User) -> Response:
    """The action's letter as a PDF, shown inline by the browser."""
    from relance.services.previews import render_preview

    try:
        settings = request.app.state.settings
        shown = render_preview(
            request.app.state.store, _action_id(request), settings.today(), settings.templates_dir
        )
    except LookupError:
        shown = None
    if shown is None or shown.pdf is None:
        return render(request, user, "error.html", {"code": 404}, status_code=404)
    headers = {
        "Content-Disposition": f'inline; filename="{shown.pdf_name}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(shown.pdf, media_type="application/pdf", headers=headers)


def _ids(form: FormData) -> list[int]:
    return [
        int(value) for value in form.getlist("id") if isinstance(value, str) and value.isdigit()
    ]


def _back(form: FormData) -> str:
    back = form_text(form, "back", "/queue")
    return back if back.startswith("/queue") and not back.startswith("//") else "/queue"


@action(Role.MANAGER)
def approve(request: Request, user: User, form: FormData) -> Response:
    """Approve the actions ticked (or the one whose button was pressed)."""
    ids = _ids(form)
    if ids:
        try:
            done = dunning.approve(request.app.state.store, ids, actor=user.email)
            flash(request, "queue.approved", count=len(done))
        except (ValueError, LookupError) as problem:
            flash_error(request, problem)
    return RedirectResponse(_back(form), status_code=303)


@action(Role.MANAGER)
def cancel(request: Request, user: User, form: FormData) -> Response:
    """Cancel the actions ticked, with the reason given."""
    reason = form_text(form, "reason")
    cancelled = 0
    for action_id in _ids(form):
        try:
            dunning.cancel(request.app.state.store, action_id, reason=reason, actor=user.email)
            cancelled += 1
        except (ValueError, LookupError) as problem:
            flash_error(request, problem)
    if cancelled:
        flash(request, "queue.cancelled", count=cancelled)
    return RedirectResponse(_back(form), status_code=303)


ROUTES = [
    Route("/queue", queue_page, methods=["GET"]),
    Route("/queue/{action_id:int}", preview_page, methods=["GET"]),
    Route("/queue/{action_id:int}/letter.pdf", letter_pdf, methods=["GET"]),
    Route("/queue/approve", approve, methods=["POST"]),
    Route("/queue/cancel", cancel, methods=["POST"]),
]
