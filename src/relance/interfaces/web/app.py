"""The workbench's Starlette application: its routes, its session cookie, its static files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from relance.bootstrap import Store
from relance.interfaces.api.app import build_api
from relance.interfaces.web import (
    pages_auth,
    pages_customer_actions,
    pages_customers,
    pages_imports,
    pages_kpi,
    pages_payments,
    pages_queue,
    pages_reports,
    pages_sending,
    pages_settings,
    pages_settings_letters,
    pages_today,
    pages_users,
)
from relance.interfaces.web.rendering import render
from relance.interfaces.web.security import current_user
from relance.services import users
from relance.services.login_throttle import LoginThrottle

STATIC = Path(__file__).with_name("static")
SESSION_COOKIE = "relance_session"
SESSION_LIFETIME = timedelta(hours=12)

# No script runs on any page (there is none), frames and forms stay on this site, and an
# e-mail previewed in its sandboxed frame may style itself but load nothing from outside.
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; "
     b"img-src 'self' data:; object-src 'self'; frame-ancestors 'self'; form-action 'self'; "
     b"base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
]  # fmt: skip


class SecurityHeaders:
    """Adds `SECURITY_HEADERS` to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response's start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


@dataclass(frozen=True)
class Settings:
    """What the application needs besides the ledger: its clock and its cookies' rules."""

    today: Callable[[], date] = date.today  # the business day the pages show
    secure_cookies: bool = False  # True behind HTTPS: the browser sends the cookie on it only
    letters_dir: Path = Path("letters")  # print batches and e-mail files (`relance send --out`)
    uploads_dir: Path = Path("uploads")  # files sent to the Imports page, checked then kept
    smtp_config: Path | None = None  # `relance send --smtp-config`; else RELANCE_SMTP_* variables
    templates_dir: Path | None = None  # the user's templates (`relance send --templates`)


def routes() -> list[BaseRoute]:
    """Every route of the workbench, the static files last."""
    return [
        *pages_auth.ROUTES,
        *pages_today.ROUTES,
        *pages_queue.ROUTES,
        *pages_sending.ROUTES,
        *pages_customer_actions.ROUTES,  # before the customer's page, whose path takes all
        *pages_customers.ROUTES,
        *pages_reports.ROUTES,
        *pages_kpi.ROUTES,
        *pages_settings.ROUTES,
        *pages_settings_letters.ROUTES,
        *pages_users.ROUTES,
        *pages_payments.ROUTES,
        *pages_imports.ROUTES,
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]


def _not_found(request: Request, exc: Exception) -> Response:
    code = exc.status_code if isinstance(exc, HTTPException) else 500
    user = current_user(request) if "session" in request.scope else None
    return render(request, user, "error.html", {"code": code}, status_code=code)


def build_app(
    store: Store,
    *,
    secure_cookies: bool = False,
    today: Callable[[], date] = date.today,
    throttle: LoginThrottle | None = None,
    letters_dir: Path = Path("letters"),
    uploads_dir: Path = Path("uploads"),
    smtp_config: Path | None = None,
    templates_dir: Path | None = None,
) -> Starlette:
    """The workbench for the ledger `store` (cookies signed with the ledger's own key), with
    the REST API at /api/v1 (docs/api.md), which sends as the workbench does."""
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            SessionMiddleware,
            secret_key=users.session_secret(store),
            session_cookie=SESSION_COOKIE,
            max_age=int(SESSION_LIFETIME.total_seconds()),
            same_site="lax",
            https_only=secure_cookies,
        ),
    ]
    rest = build_api(
        store, today=today, letters=letters_dir.resolve(), smtp_config=smtp_config,
        templates_dir=templates_dir.resolve() if templates_dir else None,
    )  # fmt: skip
    api = Mount("/api/v1", app=rest, name="api")
    app = Starlette(
        routes=[api, *routes()],
        middleware=middleware,
        exception_handlers={404: _not_found, 405: _not_found},
    )
    app.state.store = store
    app.state.settings = Settings(
        today, secure_cookies, letters_dir.resolve(), uploads_dir.resolve(), smtp_config,
        templates_dir.resolve() if templates_dir else None,
    )  # fmt: skip
    app.state.throttle = throttle or LoginThrottle()
    return app
