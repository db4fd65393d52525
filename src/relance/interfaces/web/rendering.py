"""Pages drawn from Jinja templates (autoescaped), in the reader's language.

Every template gets `t` (the phrase in the page's language), `lang`, `user`, `csrf` (the
token every form must carry), `nav` (the pages the user's role may open) and the filters
`money`, `day` and `number`, which format for the page's language.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from relance.core.money import Money
from relance.core.users import LANGUAGES, Role, User
from relance.interfaces.web.phrases import has_phrase, phrase
from relance.interfaces.web.phrases_services import service_text
from relance.interfaces.web.security import csrf_token
from relance.services import reports

TEMPLATES = Path(__file__).with_name("templates")
LOCALES = {"fr": "fr_FR", "en": "en_GB"}

# The pages of the menu: path, phrase, the role needed to see them.
NAV = (
    ("/", "nav.today", Role.VIEWER),
    ("/queue", "nav.queue", Role.VIEWER),
    ("/customers", "nav.customers", Role.VIEWER),
    ("/payments", "nav.payments", Role.VIEWER),
    ("/reports", "nav.reports", Role.VIEWER),
    ("/imports", "nav.imports", Role.MANAGER),
    ("/settings", "nav.settings", Role.MANAGER),
    ("/users", "nav.users", Role.ADMIN),
)

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,  # a misspelt name in a template fails the page's test
    trim_blocks=True,
    lstrip_blocks=True,
)


def language_of(request: Request, user: User | None) -> str:
    """The page's language: the user's choice, else the visitor's, else the ledger's."""
    if user is not None and user.language in LANGUAGES:
        return user.language
    chosen = request.session.get("language")
    if chosen in LANGUAGES:
        return str(chosen)
    creditor = reports.creditor(request.app.state.store)
    return creditor.language if creditor is not None and creditor.language in LANGUAGES else "fr"


def money_text(amount: Money, language: str) -> str:
    """`1 234,56 €` in French, `€1,234.56` in English."""
    return format_currency(amount.amount, amount.currency, locale=LOCALES[language])


def day_text(day: date | None, language: str) -> str:
    """A business day, short and unambiguous: `30 nov. 2026`, `30 Nov 2026`."""
    return "" if day is None else format_date(day, "medium", locale=LOCALES[language])


def number_text(value: int | Decimal, language: str) -> str:
    """A count or amount without currency, grouped for reading."""
    return format_decimal(value, locale=LOCALES[language])


def render(
    request: Request,
    user: User | None,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """The page `template` for `user`, in their language."""
    language = language_of(request, user)

    def t(key: str, **values: Any) -> str:
        return phrase(key, language, **values)

    page = environment.get_template(template).render(
        request=request,
        user=user,
        lang=language,
        t=t,
        csrf=csrf_token(request),
        event_name=lambda kind: t("event." + kind) if has_phrase("event." + kind) else kind,
        may=lambda role: user is not None and user.role.allows(Role(role)),
        nav=[(path, key) for path, key, role in NAV if user and user.role.allows(role)],
        money=lambda amount: money_text(amount, language),
        day=lambda value: day_text(value, language),
        number=lambda value: number_text(value, language),
        said=lambda text: service_text(text, language),
        messages=[
            (kind, t(key, **_in_language(key, values, language)))
            for key, values, kind in request.session.pop("flash", [])
        ],
        **context,
    )
    return HTMLResponse(page, status_code=status_code)


def _in_language(key: str, values: dict[str, Any], language: str) -> dict[str, Any]:
    """A flash's values, a service's refusal in the page's language where it is known."""
    if key != "error.service":
        return values
    return {**values, "message": service_text(str(values.get("message", "")), language)}


def flash(request: Request, key: str, **values: Any) -> None:
    """A message for the next page the user sees (after the redirect of a POST)."""
    _keep(request, [key, values, "ok"])


def flash_refusal(request: Request, key: str, **values: Any) -> None:
    """A refusal in the workbench's own words, said on the next page as an error."""
    _keep(request, [key, values, "error"])


def flash_error(request: Request, problem: Exception) -> None:
    """A service's refusal (a ValueError or LookupError), said on the next page."""
    message = problem.args[0] if isinstance(problem, LookupError) and problem.args else problem
    _keep(request, ["error.service", {"message": str(message)}, "error"])


def _keep(request: Request, message: list[Any]) -> None:
    # assigned anew: the session notices assignments, not a list changed in place
    request.session["flash"] = [*request.session.get("flash", []), message]
