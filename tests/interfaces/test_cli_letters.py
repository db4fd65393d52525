"""The letter commands as a user types them (`send`, `preview`, `template check`,
`registered`), read back as the user sees them, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from tests.conftest import write
from tests.services.test_letters import carry_out, first_letters, ledger

from relance.adapters.render.templates import SHIPPED
from relance.adapters.storage.database import Store
from relance.interfaces.cli.main import run
from relance.interfaces.cli.output import ExitCode
from relance.services import customer_history, daily_run, dunning


def db_of(store: Store) -> str:
    return str(store.engine.url.render_as_string(hide_password=False))


@pytest.fixture(autouse=True)
def no_smtp(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RELANCE_SMTP_HOST", "RELANCE_SMTP_FROM"):
        monkeypatch.delenv(name, raising=False)


def test_every_shipped_template_passes_the_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["template", "check"]) == 0
    out = capsys.readouterr().out
    # 2 kinds x (informal e-mail + 4 letters + 4 e-mail copies) x 2 languages = 36
    assert "36 of 36 templates pass." in out
    assert "✓ fr/business/letter4" in out


def test_a_users_template_with_a_threat_at_level_1_fails_the_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = (SHIPPED / "en" / "business" / "letter1.txt").read_text("utf-8")
    edited = shipped.replace(
        "{% block opening %}", "{% block opening %}\nOr we take you to court.\n", 1
    )
    (tmp_path / "en" / "business").mkdir(parents=True)
    write(tmp_path / "en" / "business" / "letter1.txt", edited)

    code = run(["template", "check", "business/letter1", "--templates", str(tmp_path)])

    assert code == ExitCode.BLOCKED
    out = capsys.readouterr().out
    assert "✓ fr/business/letter1" in out  # the French one is still the shipped one
    assert "✗ en/business/letter1" in out and "before level 3" in out


def _first_letters_to_send(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[str, Path]:
    """The first letters approved and ready in `store`: its URL and the folder to send to."""
    first_letters(store, tmp_path)
    capsys.readouterr()
    return db_of(store), tmp_path / "out"


def test_send_without_smtp_leaves_the_emails_waiting_in_the_outbox_and_says_so(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, out = _first_letters_to_send(store, tmp_path, capsys)

    assert run(["send", "--db", db, "--out", str(out), "--date", "2018-02-19"]) == 0

    printed = " ".join(capsys.readouterr().out.split())
    assert "No SMTP server configured: nothing was sent; 2 e-mails wait in the outbox" in printed
    # Each first letter is one page and a duplicate of its invoice (no PDF of its own).
    assert "2 letters, 4 pages, 0 registered" in printed
    assert not (out / "emails").exists()
    assert (out / "print-batch-2018-02-19-001.pdf").is_file()
    # The outbox shows them waiting, with the reason, in every format.
    assert run(["outbox", "--db", db, "--csv"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0] == "action,customer,level,status,to,reason,prepared,sent"
    assert len(listing) == 3 and all(",waiting," in line for line in listing[1:])
    assert all("no SMTP server configured" in line for line in listing[1:])


def test_send_to_files_writes_eml_files_for_a_mail_client_and_leaves_nothing_waiting(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, out = _first_letters_to_send(store, tmp_path, capsys)

    args = ["send", "--db", db, "--out", str(out), "--date", "2018-02-19", "--to-files"]
    assert run(args) == 0

    printed = " ".join(capsys.readouterr().out.split())
    assert "2 e-mails written as .eml files" in printed and "for your mail client" in printed
    assert len(list((out / "emails").glob("*.eml"))) == 2
    assert {q.action.status.value for q in dunning.queue(store, everything=True)} == {"done"}
    assert run(["outbox", "--db", db, "--status", "waiting", "--csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == []  # nothing waits
    assert run(["outbox", "--db", db, "--status", "exported", "--csv"]) == 0
    assert len(capsys.readouterr().out.splitlines()[1:]) == 2


def test_preview_renders_one_action_without_sending(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = first_letters(store, tmp_path)
    out = tmp_path / "preview"
    capsys.readouterr()

    code = run(
        ["preview", str(ids[0]), "--db", db_of(store), "--out", str(out), "--date", "2018-02-19"]
    )

    assert code == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"2018-{ids[0]:06d}.{ext}" for ext in ("email.html", "email.txt", "pdf")]
    assert {q.action.status.value for q in dunning.queue(store)} == {"approved"}


def formal_notice_sent(store: Store, tmp_path: Path) -> tuple[int, str]:
    """The story up to the registered formal notice sent on 2 April 2018: (action, --db)."""
    ledger(store, tmp_path)
    for day in ("2018-02-05", "2018-02-19", "2018-03-05", "2018-03-19"):
        carry_out(store, date.fromisoformat(day))
    daily_run.run_dunning(store, date(2018, 4, 2))
    action = dunning.approve(store, every=True)[0]
    db = db_of(store)
    assert run(["send", "--db", db, "--out", str(tmp_path / "out"), "--date", "2018-04-02"]) == 0
    return action, db


def test_registered_records_posting_then_receipt(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    action, db = formal_notice_sent(store, tmp_path)
    capsys.readouterr()

    assert (
        run(["registered", str(action), "--db", db, "--received", "2018-04-05"]) == ExitCode.ERROR
    )
    assert "record the posting first" in capsys.readouterr().err
    posting = ["--tracking", "1A23456789012", "--posted", "2018-04-03"]
    assert run(["registered", str(action), "--db", db, *posting]) == 0
    assert "posted, tracking 1A23456789012, posted 2018-04-03" in capsys.readouterr().out
    assert run(["registered", str(action), "--db", db, "--received", "05/04/2018"]) == 0
    assert "received, tracking 1A23456789012" in capsys.readouterr().out


def test_send_help_shows_the_smtp_table_and_a_toml_without_it_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # one line per option, so the words stay together
    assert run(["send", "--help"]) == 0
    assert "TOML file with an [smtp] table." in capsys.readouterr().out

    config = write(tmp_path / "relance.toml", '[mail]\nhost = "mx.example"\n')
    code = run(["send", "--smtp-config", str(config), "--out", str(tmp_path / "out")])

    assert code == ExitCode.ERROR
    err = " ".join(capsys.readouterr().err.split())
    assert f"{config}: no [smtp] table" in err


def test_a_registered_letter_posted_before_its_date_is_refused(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    action, db = formal_notice_sent(store, tmp_path)
    capsys.readouterr()

    early = ["--tracking", "1A23456789012", "--posted", "2018-03-30"]
    assert run(["registered", str(action), "--db", db, *early]) == ExitCode.ERROR
    err = capsys.readouterr().err.replace("\n", "")
    assert "posted on 2018-03-30, before the letter's date (2018-04-02)" in err
    # nothing was recorded: the receipt still needs a posting first
    assert run(["registered", str(action), "--db", db, "--received", "2018-04-05"]) == 1
    assert "record the posting first" in capsys.readouterr().err
    on_the_day = ["--tracking", "1A23456789012", "--posted", "2018-04-02"]
    assert run(["registered", str(action), "--db", db, *on_the_day]) == 0


def emails_exported_while_calls_wait(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> str:
    """The ledger's informal steps of 5 February approved and their e-mails exported with
    `send --to-files`; the steps stay approved, their calls still to be made. The db URL."""
    ledger(store, tmp_path)
    daily_run.run_dunning(store, date(2018, 2, 5))
    dunning.approve(store, every=True)
    db = db_of(store)
    out = str(tmp_path / "out")
    assert run(["send", "--db", db, "--out", out, "--date", "2018-02-05", "--to-files"]) == 0
    assert "approved" in {q.action.status.value for q in dunning.queue(store)}
    capsys.readouterr()
    return db


def test_an_invoice_whose_email_was_exported_cannot_change_silently(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The informal call and e-mail of 5 February are approved; `send --to-files` exports
    # the e-mails, and the steps stay approved because the calls are still to be made.
    db = emails_exported_while_calls_wait(store, tmp_path, capsys)

    # Then the invoice file comes again with F-001 due a month later.
    moved = write(
        tmp_path / "invoices-v2.csv",
        "number,customer,issue_date,due_date,currency,amount,tax,subject\n"
        "F-001,BOULMART,2017-12-01,2018-02-01,EUR,1200.00,200.00,Maintenance annuelle\n",
    )
    assert run(["import", "invoices", str(moved), "--db", db]) == ExitCode.BAD_INPUT
    message = " ".join(capsys.readouterr().err.split())
    assert "invoices-v2.csv:2: number: invoice F-001 would change" in message
    assert "due_date 2018-01-01 → 2018-02-01" in message
    assert "it was dunned (" in message and "of 2018-02-05)" in message
    assert not [
        e for e in customer_history.history(store, "BOULMART") if e.kind == "invoice_changed"
    ]

    assert run(["import", "invoices", str(moved), "--db", db, "--allow-changes"]) == 0
    assert [e.kind for e in customer_history.history(store, "BOULMART")].count(
        "invoice_changed"
    ) == 1


def test_an_import_whose_invoices_were_emailed_cannot_be_undone_silently(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The informal e-mails of 5 February are exported while their calls wait: the debtor
    # has read about F-001, so the file that brought F-001 cannot vanish without a word.
    db = emails_exported_while_calls_wait(store, tmp_path, capsys)
    assert run(["imports", "--db", db, "--json"]) == 0
    imports = json.loads(capsys.readouterr().out)
    invoices = next(i["id"] for i in imports if i["kind"] == "invoices")

    assert run(["imports", "undo", str(invoices), "--db", db]) == ExitCode.BLOCKED
    message = " ".join(capsys.readouterr().err.split())
    assert "sent to BOULMART on 2018-02-05 for invoice" in message and "F-001" in message
