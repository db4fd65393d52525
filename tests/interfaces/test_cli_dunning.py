"""The dunning commands as a user types them, on SQLite and PostgreSQL: the seeds'
invoice 12345 of 100 USD due on 1 January 2018, run day after day."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from tests.conftest import write
from tests.services.seed_timeline import NEVER_ANSWERS_STEPS

from relance.adapters.storage.database import Store
from relance.interfaces.cli.main import run


@pytest.fixture
def db(store: Store, tmp_path: Path) -> str:
    url = store.engine.url.render_as_string(hide_password=False)
    assert run(["init", "--db", url, "--name", "Atelier Durand"]) == 0
    customers = write(
        tmp_path / "c.csv", "ref,name,kind,country,language\nACME,Acme Ltd,business,US,en\n"
    )
    invoices = write(
        tmp_path / "i.csv",
        "number,customer,issue_date,due_date,amount,currency\n"
        "12345,ACME,2017-12-01,2018-01-01,100.00,USD\n"
        "12400,ACME,2017-12-05,2018-01-05,40.00,USD\n",
    )
    assert run(["import", "customers", str(customers), "--db", url]) == 0
    assert run(["import", "invoices", str(invoices), "--db", url]) == 0
    return url


def run_json(capsys, args: list[str]) -> list[dict]:
    capsys.readouterr()
    assert run([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_seed_timeline_through_the_cli(db, capsys):
    steps = []
    day = date(2018, 1, 1)
    while day <= date(2018, 3, 14):
        proposed = run_json(capsys, ["run", "--db", db, "--date", day.isoformat()])
        for action in proposed:
            steps.append((day, action["level"]))
            assert run(["approve", str(action["id"]), "--db", db]) == 0
            assert run(["done", str(action["id"]), "--db", db, "--date", day.isoformat(),
                        "--outcome", "no_answer"]) == 0  # fmt: skip
        # Running again for the same day proposes nothing new.
        assert run_json(capsys, ["run", "--db", db, "--date", day.isoformat()]) == []
        day += timedelta(days=1)
    assert steps == [
        *NEVER_ANSWERS_STEPS,
        # 12400 rode along one step behind (it fell due after the first step): its own
        # formal notice the day 12345 goes to the agency.
        (date(2018, 3, 13), "final"),
    ]
    actions = run_json(capsys, ["queue", "--db", db, "--all"])
    assert [a["status"] for a in actions] == ["done"] * 7
    assert actions[4]["channels"] == ["registered_letter", "email"]
    assert actions[4]["invoices"] == ["12345", "12400"]
    assert actions[4]["balance"] == ["140.00 USD"]  # 100 + 40
    assert actions[5]["invoices"] == ["12345"]  # the handoff: only what went through it all
    kinds = [e["event"] for e in run_json(capsys, ["history", "ACME", "--db", db])]
    assert kinds.count("action.proposed") == kinds.count("action.done") == 7
    assert kinds.count("flag.process_ended") == 1


def test_run_prints_a_table_a_user_can_read(db, capsys):
    capsys.readouterr()
    assert run(["run", "--db", db, "--date", "2018-01-20"]) == 0
    out = capsys.readouterr().out
    assert "Run of 2018-01-20: proposed" in out
    assert (
        "ACME" in out
        and "informal" in out
        and "call+email" in out
        and "12345 +1" in out
        and "140,00\xa0$US" in out
    )
    assert run(["run", "--db", db, "--date", "2018-01-20"]) == 0
    assert "nothing new to propose" in capsys.readouterr().out


def test_approve_all_cancel_and_errors(db, capsys):
    (action,) = run_json(capsys, ["run", "--db", db, "--date", "2018-01-02"])
    assert run(["done", str(action["id"]), "--db", db]) == 1
    assert "approve it before" in capsys.readouterr().err
    assert run(["approve", "--db", db]) == 2
    assert run(["approve", "--all", "--db", db]) == 0
    assert "approved 1 action(s)" in capsys.readouterr().out
    assert run(["cancel", str(action["id"]), "--db", db, "--reason", "phoned already"]) == 0
    assert run_json(capsys, ["queue", "--db", db]) == []
    assert run(["cancel", "999", "--db", db]) == 4  # not found
    assert "no action 999" in capsys.readouterr().err


def test_a_dispute_cancels_the_pending_action_until_resolved(db, capsys):
    (action,) = run_json(capsys, ["run", "--db", db, "--date", "2018-01-06"])
    assert action["invoices"] == ["12345", "12400"]
    assert run(["dispute", "12400", "--reason", "never delivered", "--db", db,
                "--date", "2018-01-07"]) == 0  # fmt: skip
    assert run_json(capsys, ["queue", "--db", db]) == []
    # The undisputed invoice is chased alone.
    (alone,) = run_json(capsys, ["run", "--db", db, "--date", "2018-01-07"])
    assert alone["invoices"] == ["12345"] and alone["balance"] == ["100.00 USD"]
    assert run(["resolve", "12400", "--db", db, "--date", "2018-01-08"]) == 0
    assert run(["resolve", "12400", "--db", db]) == 4  # no open dispute left


def test_a_payment_import_cancels_the_pending_action(db, tmp_path, capsys):
    (action,) = run_json(capsys, ["run", "--db", db, "--date", "2018-01-06"])
    payments = write(
        tmp_path / "p.csv",
        "date,customer,amount,currency,invoice\n"
        "2018-01-07,ACME,100.00,USD,12345\n2018-01-07,ACME,40.00,USD,12400\n",
    )
    assert run(["import", "payments", str(payments), "--db", db]) == 0
    capsys.readouterr()
    assert run(["run", "--db", db, "--date", "2018-01-08"]) == 0
    assert f"cancelled action {action['id']}: invoice 12345 is paid" in capsys.readouterr().out
    assert run_json(capsys, ["queue", "--db", db]) == []


def test_promise_plan_and_hold(db, capsys):
    run_json(capsys, ["run", "--db", db, "--date", "2018-01-06"])
    assert run(["promise", "ACME", "--amount", "140", "--by", "2018-01-31", "--db", db,
                "--date", "2018-01-07"]) == 0  # fmt: skip
    assert "ACME promised 140.00 USD by 2018-01-31" in capsys.readouterr().out
    assert run_json(capsys, ["queue", "--db", db]) == []  # cancelled: a promise
    assert run_json(capsys, ["run", "--db", db, "--date", "2018-02-03"]) == []  # grace
    assert run(["plan", "ACME", "--invoices", "12345,12400", "--instalments", "3",
                "--first", "2018-02-10", "--every", "1m", "--db", db,
                "--date", "2018-02-04"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    # 140.00 in 3: 46.66, 46.66 and 46.68 (the last takes the remainder).
    assert "2018-02-10  46.66 USD" in out and "2018-04-10  46.68 USD" in out
    assert run(["hold", "ACME", "--reason", "insolvency filing", "--db", db,
                "--date", "2018-02-05"]) == 0  # fmt: skip
    assert run_json(capsys, ["run", "--db", db, "--date", "2018-03-01"]) == []
    assert run(["release", "ACME", "--db", db, "--date", "2018-03-02"]) == 0
    kinds = [e["event"] for e in run_json(capsys, ["history", "ACME", "--db", db])]
    for kind in ("promise.made", "plan.agreed", "hold.placed", "hold.released"):
        assert kind in kinds


def test_log_a_late_call_warns(db, capsys):
    assert run(["log", "call", "ACME", "--db", db, "--time", "22:15", "--outcome", "reached",
                "--date", "2018-01-03"]) == 0  # fmt: skip
    captured = capsys.readouterr()
    assert "outside the hours allowed for calls (08:00-21:00" in captured.err.replace("\n", " ")
    assert run(["log", "email", "ACME", "--db", db, "--received", "--date", "2018-01-04"]) == 0
    assert run(["log", "letter", "NOBODY", "--db", db]) == 4  # unknown customer
    assert "no customer 'NOBODY'" in capsys.readouterr().err


def test_policy_show_export_import(db, tmp_path, capsys):
    capsys.readouterr()
    assert run(["policy", "show", "business", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "final" in out and "registered+email" in out and "step+14d" in out
    exported = tmp_path / "business.toml"
    assert run(["policy", "export", "business", "--db", db, "--out", str(exported)]) == 0
    bad = write(
        tmp_path / "bad.toml", exported.read_text().replace('tone = "firm"', 'tone = "rude"')
    )
    assert run(["policy", "import", str(bad), "--db", db]) == 1
    assert "level 'letter3', field 'tone'" in capsys.readouterr().err.replace("\n", "")
    assert run(["policy", "import", str(exported), "--db", db]) == 0
    assert run(["policy", "assign", "ACME", "consumer", "--db", db]) == 0
    (action,) = run_json(capsys, ["run", "--db", db, "--date", "2018-01-06"])
    assert action["level"] == "informal"


def test_the_demo_shows_the_same_sensible_queue_for_the_same_date(tmp_path, capsys):
    outputs = []
    for _ in range(2):
        capsys.readouterr()
        assert run(["demo", "--as-of", "2026-11-20", "--dir", str(tmp_path / "demo")]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    queue = outputs[0].split("Queue as of 2026-11-20", 1)[1]
    # The seeds' invoice, 49 days late: step 0 on day 7, letter 1 on day 21, letter 2 on
    # day 35 (runs every two weeks), letter 3 now.
    smith = next(line for line in queue.splitlines() if "SMITHCO " in line)
    assert "letter3" in smith and "12345" in smith and "100,00\xa0$US" in smith


def test_a_run_before_the_last_one_is_refused_in_one_line_and_a_replay_writes_nothing(db, capsys):
    assert run(["run", "--db", db, "--date", "2018-02-01"]) == 0
    capsys.readouterr()
    # Typed by mistake: a date before the last run would restart the process.
    assert run(["run", "--db", db, "--date", "2018-01-02"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "the last run was for 2018-02-01" in err
    assert run(["run", "--db", db, "--date", "2018-01-02", "--replay"]) == 0
    out = capsys.readouterr().out
    assert "Replay of 2018-01-02" in out and "nothing written" in out and "informal" in out
    assert len(run_json(capsys, ["queue", "--db", db, "--all"])) == 1
