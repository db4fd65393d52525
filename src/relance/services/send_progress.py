"""Use case: a send run started from the workbench, delivered in the background while the
page that started it shows how far it got.

`SendRuns.start` runs `sending.send_approved` (the service of `relance send`: claims,
checks against the ledger of the day, outbox, evidence, the print batch) in a thread of
the serving process, and keeps its progress by token: the actions taken so far, then the
letters written to the print batch, then the report. One run at a time per process; a
second start while one runs is shown the running one (and each action is claimed before it
is delivered, so even a `relance send` started beside it never delivers one twice).
The runs live in memory: a restart forgets the reports, never what was sent (the history
and the evidence are in the ledger).
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from relance.adapters.deliver.smtp import Mailer
from relance.adapters.render.templates import TemplateStore
from relance.adapters.storage.database import Store
from relance.services import letters, sending
from relance.services.send_records import SendReport


@dataclass
class SendProgress:
    """How far one send run got (updated by its thread, read by the progress page)."""

    token: str
    actor: str
    total: int = 0  # actions to take
    taken: int = 0
    letters_total: int = 0  # letters to write to the print batch, once known
    letters_written: int = 0
    report: SendReport | None = None
    failure: str = ""  # why the run stopped short, when it did
    ended: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def finished(self) -> bool:
        """True once the run has its report or stopped on a failure."""
        return self.report is not None or bool(self.failure)


KEPT = 20  # the reports of the latest runs, for their pages


class SendRuns:
    """The send runs started in this process, by token."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: dict[str, SendProgress] = {}
        self._running: str | None = None

    def get(self, token: str) -> SendProgress | None:
        """The run of `token`, or None."""
        return self._runs.get(token)

    def start(
        self,
        store: Store,
        as_of: date,
        out_dir: Path,
        smtp_config: Path | None,
        actor: str,
        templates_dir: Path | None = None,
    ) -> SendProgress:
        """Start delivering every approved action in the background (worded by the user's
        templates in `templates_dir` where they have one), or give the run already under
        way. ValueError when the SMTP settings are wrong (nothing started)."""
        mailer, sender = letters.smtp_mailer(config=smtp_config)
        with self._lock:
            running = self._runs.get(self._running or "")
            if running is not None and not running.finished:
                return running
            progress = SendProgress(secrets.token_urlsafe(16), actor)
            for old in list(self._runs)[: max(len(self._runs) - KEPT + 1, 0)]:
                del self._runs[old]  # all finished: only the running one may not be
            self._runs[progress.token] = progress
            self._running = progress.token
        templates = sending.user_templates(templates_dir)
        work = threading.Thread(
            target=self._run,
            args=(progress, store, as_of, out_dir, mailer, sender, templates),
            name=f"relance-send-{progress.token[:6]}",
            daemon=True,
        )
        work.start()
        return progress

    @staticmethod
    def _run(
        progress: SendProgress,
        store: Store,
        as_of: date,
        out_dir: Path,
        mailer: Mailer | None,
        sender: str,
        templates: TemplateStore,
    ) -> None:
        def taken(done: int, total: int) -> None:
            progress.taken, progress.total = done, total

        def written(done: int, total: int) -> None:
            progress.letters_written, progress.letters_total = done, total

        try:
            progress.report = sending.send_approved(
                store, as_of, out_dir, mailer, sender=sender, templates=templates,
                actor=progress.actor, progress=written, on_action=taken,
            )  # fmt: skip
        except Exception as failure:  # said on the page; the thread must end either way
            progress.failure = f"{type(failure).__name__}: {failure}"
        finally:
            progress.ended.set()
