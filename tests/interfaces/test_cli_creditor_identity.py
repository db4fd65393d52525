"""The creditor's legal identity, given to `relance init` as the README shows, and the letters
a French company may not send without it (C. com. R123-237, R123-238)."""

from __future__ import annotations

import re
import shlex
from dataclasses import replace
from pathlib import Path

from relance.adapters.render.communication import render_communication
from relance.adapters.render.letterhead import legal_mentions
from relance.adapters.render.specimen import specimen_letter
from relance.adapters.render.templates import TemplateStore
from relance.bootstrap import open_store
from relance.core.model import WindowSide
from relance.interfaces.cli.main import run
from relance.services.reports import creditor

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_init_command() -> list[str]:
    """The README's first `relance init` example, continuation lines joined."""
    text = README.read_text(encoding="utf-8").replace("\\\n", " ")
    line = next(line for line in text.splitlines() if line.startswith("relance init --name"))
    return shlex.split(line)[1:]


def test_the_readme_init_example_gives_letters_the_full_legal_identity(tmp_path, capsys):
    # Following the README once printed only "SIREN 732829320" at the foot of every letter:
    # the legal form, the share capital and the RCS city could only come from a TOML file.
    db = str(tmp_path / "ledger.sqlite")
    assert run([*readme_init_command(), "--db", db]) == 0
    assert "Letters will need" not in capsys.readouterr().out
    saved = creditor(open_store(db))
    assert saved is not None
    specimen = specimen_letter(language="fr", currency="EUR").letter
    assert specimen is not None
    letter = replace(specimen, creditor=saved)
    assert legal_mentions(letter) == (
        "Atelier Durand SARL – SARL au capital de 20 000 € – RCS Lyon 732829320"
    )
    assert saved.window_side is WindowSide.RIGHT
    assert run(["init", "--db", db, "--envelope-window", "left"]) == 0
    changed = creditor(open_store(db))
    assert changed is not None and changed.window_side is WindowSide.LEFT


def test_a_french_company_without_its_legal_identity_cannot_send_a_letter(tmp_path, capsys):
    db = str(tmp_path / "ledger.sqlite")
    assert run(["init", "--db", db, "--name", "Atelier Durand SARL", "--siren", "732829320"]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert re.search(r"Letters will need: .*--legal-form, --capital, --rcs-city", said)
    specimen = specimen_letter(language="fr", currency="EUR").letter
    assert specimen is not None
    bare = replace(specimen.creditor, legal_form="", capital="", registration_city="")
    rendered = render_communication(replace(specimen, creditor=bare), "letter", TemplateStore())
    assert rendered.blocked
    assert {p.message for p in rendered.problems} >= {
        "missing: creditor legal form (C. com. R123-238) (not set)",
        "missing: creditor share capital (C. com. R123-238) (not set)",
        "missing: creditor RCS city (C. com. R123-237) (not set)",
    }
    # A sole trader states its form and SIREN; it has no share capital.
    sole = replace(bare, legal_form="EI")
    rendered = render_communication(replace(specimen, creditor=sole), "letter", TemplateStore())
    assert not rendered.blocked


def test_an_envelope_window_that_is_neither_side_is_refused_with_its_field(tmp_path, capsys):
    creditor = tmp_path / "creditor.toml"
    creditor.write_text(
        'name = "Atelier Durand SARL"\ncountry = "FR"\ncurrency = "EUR"\n'
        'envelope_window = "middle"\n',
        encoding="utf-8",
    )
    db = tmp_path / "ledger.sqlite"
    assert run(["init", "--db", str(db), "--from", str(creditor)]) != 0
    assert "envelope_window: 'middle' is neither left nor right" in capsys.readouterr().err
    assert not db.exists()
