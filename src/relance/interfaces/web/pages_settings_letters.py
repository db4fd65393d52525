"""The settings that shape the letters (managers): the dunning policies, their levels edited
and checked as a policy file is (`relance policy import`), every problem said with its
level and field; and the letter templates, tried on the specimen letter before they are
kept (`relance template check`) in the folder `relance serve --templates` names."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from relance.core.policy import Channel, Policy, Tone
from relance.core.users import Role, User
from relance.interfaces.web.rendering import flash, render
from relance.interfaces.web.security import action, form_text, page
from relance.services import policies, template_drafts

POLICY_FIELDS = ("min_gap_days", "promise_grace_days", "plan_grace_days")
LEVEL_NUMBERS = ("after_due_days", "after_previous_days")
MAX_LEVELS = 20  # a form never asks for more levels than this


def _number(text: str) -> int | str | None:
    """A whole number typed in the form; other text is passed on for the policy's check to
    name (`expected an integer`), and an empty field removes the value."""
    if not text:
        return None
    return int(text) if text.lstrip("-").isdigit() else text


def _level_fields(form: FormData, position: int) -> dict[str, Any] | None:
    """What the form says of level `position` (None: removed, or a new one left empty)."""
    prefix = f"level-{position}-"
    name = form_text(form, prefix + "name")
    if form.get(prefix + "remove") == "on" or (form.get(prefix + "new") and not name):
        return None
    fields: dict[str, Any] = {"name": name}
    fields.update({key: _number(form_text(form, prefix + key)) for key in LEVEL_NUMBERS})
    fields["channels"] = [c for c in form.getlist(prefix + "channels") if isinstance(c, str)]
    fields["tone"] = form_text(form, prefix + "tone")
    fields["needs_approval"] = form.get(prefix + "needs_approval") == "on"
    fields["min_amount"] = form_text(form, prefix + "min_amount") or None
    return fields


def _as_typed(policy: Policy, form: FormData, positions: range) -> SimpleNamespace:
    """The policy as the refused form stated it, to show again with its problems (each
    level keeps what the form does not show, such as its templates)."""
    levels = []
    for position in positions[: len(policy.levels)]:
        prefix, stored = f"level-{position}-", policy.levels[position]
        levels.append(SimpleNamespace(
            name=form_text(form, prefix + "name"),
            **{key: form_text(form, prefix + key) or None for key in LEVEL_NUMBERS},
            tone=form_text(form, prefix + "tone"),
            min_amount=form_text(form, prefix + "min_amount"),
            channels=[c for c in form.getlist(prefix + "channels") if isinstance(c, str)],
            needs_approval=form.get(prefix + "needs_approval") == "on",
            templates=stored.templates,
        ))  # fmt: skip
    fields = {key: form_text(form, key) for key in POLICY_FIELDS}
    return SimpleNamespace(
        name=policy.name, description=form_text(form, "description"), levels=levels, **fields
    )


def _policies_page(
    request: Request,
    user: User,
    problems: tuple[Any, ...] = (),
    status: int = 200,
    typed: SimpleNamespace | None = None,
) -> Response:
    found = policies.policies(request.app.state.store)
    chosen = request.query_params.get("name") or request.path_params.get("name", "")
    stored = next((p for p in found if p.name == chosen), found[0] if found else None)
    policy = typed or stored
    context = {
        "tab": "policies",
        "found": found,
        "policy": policy,
        "channels": list(Channel),
        "tones": list(Tone),
        "problems": problems,
        "policy_fields": POLICY_FIELDS,
        "template_keys": template_drafts.template_keys(),
    }
    return render(request, user, "settings_policies.html", context, status_code=status)


@page(Role.MANAGER)
def policies_page(request: Request, user: User) -> Response:
    """The policies in force, one of them open in a form: its timing and its levels."""
    return _policies_page(request, user)


@action(Role.MANAGER)
def save_policy(request: Request, user: User, form: FormData) -> Response:
    """The policy as the form states it, checked then stored; or every problem, said."""
    name = request.path_params["name"]
    count = form_text(form, "levels")
    positions = range(min(int(count), MAX_LEVELS) if count.isdigit() else 0)
    changes = {key: _number(form_text(form, key)) for key in POLICY_FIELDS}
    changes["description"] = form_text(form, "description")
    levels = [_level_fields(form, position) for position in positions]
    try:
        policies.edit_policy(request.app.state.store, name, changes, levels, actor=user.email)
    except policies.PolicyRefused as refused:
        stored = next(p for p in policies.policies(request.app.state.store) if p.name == name)
        typed = _as_typed(stored, form, positions)
        return _policies_page(request, user, refused.problems, status=400, typed=typed)
    except LookupError:
        return render(request, user, "error.html", {"code": 404}, status_code=404)
    flash(request, "settings.policy_saved", name=name)
    return RedirectResponse(f"/settings/policies?name={quote(name)}", status_code=303)


def _templates_page(
    request: Request, user: User, key: str, language: str, draft: str | None, *,
    error: str = "", status: int = 200,
) -> Response:  # fmt: skip
    folder = request.app.state.settings.templates_dir
    try:
        text, own = template_drafts.template_text(key, language, folder)
        trial = template_drafts.try_template(key, language, text if draft is None else draft)
    except LookupError:
        return render(request, user, "error.html", {"code": 404}, status_code=404)
    except ValueError as problem:  # a draft too long to try
        trial, own, error = (
            template_drafts.Trial(key, language, draft or "", None, ()),
            False,
            str(problem),
        )
    context = {
        "tab": "templates",
        "keys": template_drafts.template_keys(),
        "languages": template_drafts.LANGUAGES,
        "key": key,
        "language": language,
        "trial": trial,
        "own": own,
        "draft": draft is not None,
        "folder": folder,
        "error": error,
    }
    return render(request, user, "settings_templates.html", context, status_code=status)


@page(Role.MANAGER)
def templates_page(request: Request, user: User) -> Response:
    """A template's text with its wording of the specimen letter and its problems."""
    params = request.query_params
    key = params.get("key") or template_drafts.template_keys()[0]
    return _templates_page(request, user, key, params.get("language") or "fr", None)


@action(Role.MANAGER)
def try_template(request: Request, user: User, form: FormData) -> Response:
    """The draft tried on the specimen letter, nothing kept (a preview, so no redirect)."""
    key, language = form_text(form, "key"), form_text(form, "language")
    draft = str(form.get("text") or "")
    return _templates_page(request, user, key, language, draft)


@action(Role.MANAGER)
def save_template(request: Request, user: User, form: FormData) -> Response:
    """Keep the draft in the templates folder once it passes the check."""
    key, language = form_text(form, "key"), form_text(form, "language")
    draft = str(form.get("text") or "")
    folder = request.app.state.settings.templates_dir
    if folder is None:
        return _templates_page(request, user, key, language, draft, error="no-folder", status=400)
    try:
        template_drafts.save_template(
            request.app.state.store, key, language, draft, folder, actor=user.email
        )
    except LookupError:
        return render(request, user, "error.html", {"code": 404}, status_code=404)
    except ValueError as problem:
        return _templates_page(request, user, key, language, draft, error=str(problem), status=400)
    flash(request, "settings.template_saved", name=f"{language}/{key}")
    where = f"/settings/templates?key={quote(key)}&language={quote(language)}"
    return RedirectResponse(where, status_code=303)


ROUTES = [
    Route("/settings/templates", templates_page, methods=["GET"]),
    Route("/settings/templates/try", try_template, methods=["POST"]),
    Route("/settings/templates/save", save_template, methods=["POST"]),
    Route("/settings/policies", policies_page, methods=["GET"]),
    Route("/settings/policies/{name}", save_policy, methods=["POST"]),
]
