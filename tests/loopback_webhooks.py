"""A webhook receiver on loopback for the tests: a tiny `http.server` in a thread that keeps
every request it gets and answers with the status codes it is told to."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.ports import free_port


@dataclass
class Received:
    """One request as the receiver got it."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """What the receiver got, and what it answers next (200 once `answers` runs out)."""

    url: str
    received: list[Received] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    delay: float = 0.0  # seconds the receiver takes to answer
    lock: threading.Lock = field(default_factory=threading.Lock)


def verified(secret: str, request: Received) -> bool:
    """Whether the request's signature is the Standard Webhooks one of its id, timestamp and
    body under `secret`, recomputed here from the spec, not by relance's code."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = (
        f"{request.headers['webhook-id']}.{request.headers['webhook-timestamp']}.".encode()
        + request.body
    )
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    given = [s.split(",", 1) for s in request.headers["webhook-signature"].split()]
    return any(v == "v1" and hmac.compare_digest(sig, expected) for v, sig in given)


@contextmanager
def receiver(path: str = "/hooks") -> Iterator[Receiver]:
    """A receiver listening on a free loopback port until the block ends."""
    port = free_port()
    state = Receiver(f"http://127.0.0.1:{port}{path}")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            body = self.rfile.read(length)
            if state.delay:
                time.sleep(state.delay)
            with state.lock:
                heard = {k.lower(): v for k, v in self.headers.items()}
                state.received.append(Received(self.path, heard, body))
                code = state.answers.pop(0) if state.answers else 200
            self.send_response(code)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
