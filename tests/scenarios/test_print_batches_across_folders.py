"""Print batches numbered by the ledger, whatever folder each send writes to.

The ledger of `test_send_under_faults`: French businesses owing one invoice each, their
first letters approved on 19 February 2018. Several people run `relance send` the same
day, each into a folder of their own (their desktop, a shared drive): the batch numbers
come from the ledger, so no send dies on a name another one took in another folder, and
no print file is left on disk whose letters are not recorded as sent (someone printing
every PDF would post those letters twice).
"""

from __future__ import annotations

import hashlib
import os
import stat
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.scenarios.test_send_under_faults import (
    build_ledger,
    inbox,
    sender_env,
    start_send,
)
from tests.services.test_letters import Inbox, set_email

from relance.adapters.deliver.smtp import SmtpMailer
from relance.adapters.storage import repository_letters as rl
from relance.adapters.storage import tables_letters as tl
from relance.adapters.storage.database import Store
from relance.core.engine import ActionStatus
from relance.services import dunning, print_batches, sending

__all__ = ["inbox"]  # the SMTP server fixture, shared with the other send scenarios


def batch_files(folders: list[Path]) -> dict[str, list[Path]]:
    """Every print file on disk in `folders`, by name (a name in two folders: two paths)."""
    found: dict[str, list[Path]] = {}
    for folder in folders:
        for pdf in folder.glob("print-batch-*"):
            found.setdefault(pdf.name, []).append(pdf)
    return found


def test_three_senders_into_three_folders_print_each_letter_in_one_recorded_batch(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer]
) -> None:
    _, mailer = inbox
    ids = build_ledger(store, tmp_path, count=24)
    env = sender_env(mailer)
    folders = [tmp_path / name for name in ("bureau", "partage", "portable")]

    senders = [start_send(store, folder, env) for folder in folders]
    outputs = [(p.wait(timeout=600), *p.communicate()) for p in senders]

    # No sender crashes: each ends normally and says what it did.
    for code, out, err in outputs:
        assert code == 0, err
        assert "Traceback" not in out + err and "IntegrityError" not in out + err
    with store.begin() as conn:
        batches = conn.execute(select(tl.print_batches)).all()
        kept = [e for e in rl.load_evidence(conn) if e.channel == "letter"]
    # Every batch recorded is on disk once, with the bytes recorded; nothing else is.
    on_disk = batch_files(folders)
    assert sorted(on_disk) == sorted(b.file_name for b in batches)
    for batch in batches:
        [path] = on_disk[batch.file_name]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == batch.sha256
    assert not [p for f in folders for p in f.glob(".writing-*")]  # no temporary left
    # Every letter is in exactly one recorded batch, and every action is done.
    assert sorted(e.action_id for e in kept) == sorted(ids)
    assert all(e.print_batch in {b.id for b in batches} for e in kept)
    assert sum(b.letters for b in batches) == len(ids)
    statuses = {q.action.status for q in dunning.queue(store, everything=True) if q.id in ids}
    assert statuses == {ActionStatus.DONE}


def test_a_later_send_into_another_folder_takes_the_next_number_and_keeps_a_file_there(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer]
) -> None:
    _, mailer = inbox
    build_ledger(store, tmp_path, count=3)
    env = sender_env(mailer)
    desktop, shared = tmp_path / "bureau", tmp_path / "partage"
    set_email(store, "C002", "compta2@client2.fr\ndirection@client2.fr")
    first = start_send(store, desktop, env)
    assert first.wait(timeout=600) == 5  # C002 blocked, the two others printed
    first.communicate()
    # The shared folder already holds a file of that name (a colleague's copy).
    shared.mkdir()
    (shared / "print-batch-2018-02-19-002.pdf").write_bytes(b"a colleague's copy")

    set_email(store, "C002", "compta2@client2.fr")
    second = start_send(store, shared, env)
    code = second.wait(timeout=600)
    out, err = second.communicate()

    assert code == 0, err
    assert "print-batch-2018-02-19-003.pdf" in " ".join(out.split())
    assert (shared / "print-batch-2018-02-19-002.pdf").read_bytes() == b"a colleague's copy"
    assert sorted(p.name for p in desktop.glob("print-batch-*")) == [
        "print-batch-2018-02-19-001.pdf"
    ]
    names = [b.file_name for b in print_batches.batches(store)]
    assert names == ["print-batch-2018-02-19-001.pdf", "print-batch-2018-02-19-003.pdf"]


def test_a_batch_whose_recording_fails_leaves_no_print_file_behind(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, mailer = inbox
    ids = build_ledger(store, tmp_path, count=2)
    out = tmp_path / "out"

    def refused(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the ledger refused the write")

    # The transaction that records the batch and its letters fails after the print file
    # got its name: the file goes, the letters stay approved for the next send.
    monkeypatch.setattr(sending, "record_delivery", refused)
    with pytest.raises(RuntimeError, match="refused"):
        sending.send_approved(store, date(2018, 2, 19), out, mailer)

    assert list(out.glob("print-batch-*")) == []
    assert list(out.glob(".writing-*")) == []
    assert print_batches.batches(store) == []
    statuses = {q.action.status for q in dunning.queue(store, everything=True) if q.id in ids}
    assert statuses == {ActionStatus.APPROVED}


def test_print_writes_a_batch_again_into_a_new_folder_readable_by_its_owner_only(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer]
) -> None:
    _, mailer = inbox
    build_ledger(store, tmp_path, count=1)
    sending.send_approved(store, date(2018, 2, 19), tmp_path / "out", mailer)

    previous = os.umask(0o022)  # a shell's usual umask, outside relance's own CLI
    try:
        rebuilt = print_batches.rebuild(store, 1, tmp_path / "again")
    finally:
        os.umask(previous)

    assert rebuilt.identical
    assert stat.S_IMODE((tmp_path / "again").stat().st_mode) == 0o700
