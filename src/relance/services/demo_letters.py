"""Use case: the demo's letters, written as a user without a mail server would get them.

After `relance.services.demo.run_demo_dunning` has replayed the demo's history and queued
the day's actions, the day's proposals are approved and sent with no SMTP server, in the files mode:
e-mails become ``.eml`` files, letters PDFs (one per letter) and one print file.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from relance.adapters.storage.database import Store
from relance.services import dunning, letters, sending


def send_demo_letters(store: Store, as_of: date, out_dir: Path) -> sending.SendReport:
    """Approve every proposed action and send the approved ones into `out_dir`, without
    SMTP, e-mails stamped 9:00 UTC on `as_of` so the same date gives the same files."""
    dunning.approve(store, every=True, actor="demo")
    return sending.send_approved(
        store, as_of, out_dir, to_files=True, now=letters.demo_instant(as_of), actor="demo"
    )
