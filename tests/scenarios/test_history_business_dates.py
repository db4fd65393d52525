"""`relance history` dates every event of a command by the business day the command was
given (`--date`), not the day it was typed: the story of `test_stale_mail.py`, typed weeks
later. The letters of Monday 19 February 2018 are sent that day; Boulangerie Martin pays on
Wednesday; the waiting e-mail is cancelled by Friday's send."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from tests.interfaces.test_cli_law import db as law_ledger
from tests.scenarios.test_stale_mail import db_of, pays
from tests.services.test_letters import first_letters

from relance.adapters.storage.database import Store
from relance.interfaces.cli.main import run

MONDAY, WEDNESDAY, FRIDAY = date(2018, 2, 19), date(2018, 2, 21), date(2018, 2, 23)


@pytest.fixture(autouse=True)
def no_smtp(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RELANCE_SMTP_HOST", "RELANCE_SMTP_FROM"):
        monkeypatch.delenv(name, raising=False)


def history(url: str, ref: str, capsys: pytest.CaptureFixture[str]) -> list[dict[str, str]]:
    capsys.readouterr()
    assert run(["history", ref, "--db", url, "--json"]) == 0
    events: list[dict[str, str]] = json.loads(capsys.readouterr().out)
    return events


def test_every_event_of_a_send_carries_the_day_of_the_send(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first_letters(store, tmp_path)
    db, out = db_of(store), str(tmp_path / "out")
    assert run(["send", "--db", db, "--out", out, "--date", MONDAY.isoformat()]) == 0
    pays(store, tmp_path, "BOULMART", WEDNESDAY, "1200.00", invoice="F-001")
    assert run(["send", "--db", db, "--out", out, "--date", FRIDAY.isoformat()]) == 0

    events = history(db, "BOULMART", capsys)
    dated = {(e["event"], e["date"]) for e in events if e["event"] != "action.approved"}
    assert ("letters.sent", MONDAY.isoformat()) in dated
    assert ("action.done", MONDAY.isoformat()) in dated
    assert ("outbox.cancelled", FRIDAY.isoformat()) in dated
    # The outbox shows instants, not business days, and its table says so.
    capsys.readouterr()
    assert run(["outbox", "--db", db]) == 0
    header = next(line for line in capsys.readouterr().out.splitlines() if "customer" in line)
    assert "prepared at" in header and "sent at" in header
    # nothing the sends wrote is dated the day the test runs (2018 is long gone); only the
    # approval, a command without a business date, is
    assert {day for _, day in dated} <= {
        d.isoformat() for d in (date(2018, 2, 5), MONDAY, WEDNESDAY, FRIDAY)
    } | {"2018-01-01"}, dated


def test_the_law_commands_date_their_events_by_the_day_given(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = law_ledger.__wrapped__(store, tmp_path)  # type: ignore[attr-defined]
    # Atelier Durand types on one day what happened over a year (tests/interfaces/test_cli_law.py)
    assert run(["acknowledge", "F-OLD", "--db", db, "--date", "2025-04-15"]) == 0
    assert run(["notice", "DUP", "--db", db, "--date", "2025-05-20"]) == 0
    assert run(["agency", "add", "Recouvre SA", "--siren", "732829320", "--db", db,
                "--insurer", "Hiscox", "--policy", "RC-1", "--insured-until", "2026-06-30",
                "--iban", "FR7630006000011234567890189", "--fee", "20"]) == 0  # fmt: skip
    assert run(["agency", "claim", "F-LONG", "--agency", "Recouvre SA", "--db", db,
                "--date", "2025-10-01"]) == 0  # fmt: skip
    assert run(["writeoff", "F-OLD", "--db", db, "--reason", "time_barred",
                "--date", "2025-12-31"]) == 0  # fmt: skip

    dated = {(e["event"], e["date"]) for e in history(db, "DUP", capsys)}
    assert {
        ("limitation_interruption", "2025-04-15"),
        ("formal_notice", "2025-05-20"),
        ("agency_handoff", "2025-10-01"),
        ("write_off", "2025-12-31"),
    } <= dated, dated
