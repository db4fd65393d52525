"""`Idempotency-Key` on writes: a POST replayed with the same key gets the first answer and
writes nothing more; the same key with another request is refused (422), and a copy sent
while the first still runs is told to wait (409). The answers are kept in the ledger
(`services/idempotency.py`), per account, so they hold across restarts and processes.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from relance.bootstrap import Store
from relance.interfaces.api.problems import problem
from relance.services import api_tokens, idempotency

HEADER = "idempotency-key"


class IdempotentWrites:
    """ASGI middleware: keeps and replays the answers of POSTs that carry a key."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request once per key; replay or refuse the copies."""
        headers = Headers(scope=scope)
        key = headers.get(HEADER)
        if scope["type"] != "http" or scope["method"] != "POST" or key is None:
            await self.app(scope, receive, send)
            return
        if not 1 <= len(key) <= idempotency.MAX_KEY:
            refusal = problem(422, f"an Idempotency-Key has 1 to {idempotency.MAX_KEY} characters",
                              "Idempotency-Key")  # fmt: skip
            await refusal(scope, receive, send)
            return
        store = scope["app"].state.store
        user = _caller(store, headers)
        if user is None:  # the route refuses it (401) and writes nothing: nothing to keep
            await self.app(scope, receive, send)
            return
        body = await _body(receive)
        path = scope["path"] + (
            "?" + scope["query_string"].decode() if scope["query_string"] else ""
        )
        claim = idempotency.claim(store, user, key, _fingerprint(path, headers, body))
        if isinstance(claim, idempotency.Replay):
            await _replay(claim, send)
            return
        if isinstance(claim, idempotency.Conflict):
            status = 409 if claim.in_progress else 422
            await problem(status, claim.reason, "Idempotency-Key")(scope, receive, send)
            return
        await self._first(scope, _replayed(body), send, store, user, key)

    async def _first(
        self, scope: Scope, receive: Receive, send: Send, store: Store, user: int, key: str
    ) -> None:
        """Run the request that claimed `key`, keep its answer (or release the key)."""
        start: Message = {}
        chunks: list[bytes] = []

        async def keeping(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, keeping)
        except BaseException:
            idempotency.release(store, user, key)
            raise
        status = int(start.get("status", 500))
        if status >= 500:  # a fault of the server's: the request may be tried again
            idempotency.release(store, user, key)
            return
        media = Headers(raw=start.get("headers", [])).get("content-type", "application/json")
        idempotency.keep(store, user, key, status, media, b"".join(chunks))


def _fingerprint(path: str, headers: Headers, body: bytes) -> str:
    """What makes two requests the same. A form's parts are separated by a boundary each
    client draws at random: the same file sent again is the same request all the same."""
    media, _, boundary = headers.get("content-type", "").partition("boundary=")
    if media.startswith("multipart/") and boundary:
        body = body.replace(boundary.strip('"').encode(), b"")
    return idempotency.fingerprint("POST", path, body)


def _caller(store: Store, headers: Headers) -> int | None:
    scheme, _, secret = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret:
        return None
    found = api_tokens.authenticate_token(store, secret.strip())
    return None if found is None else found.id


async def _body(receive: Receive) -> bytes:
    parts = []
    more = True
    while more:
        message = await receive()
        parts.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(parts)


def _replayed(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _replay(kept: idempotency.Replay, send: Send) -> None:
    headers = [(b"content-type", kept.media_type.encode()), (b"idempotent-replayed", b"true")]
    await send({"type": "http.response.start", "status": kept.status, "headers": headers})
    await send({"type": "http.response.body", "body": kept.body})
