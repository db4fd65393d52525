"""The BODACC export read as the open-data service writes it: `;` CSV and JSON, fields by
their dataset names; a bad field is named with its line or record."""

import json
from datetime import date
from pathlib import Path

import pytest

from relance.adapters.formats.bodacc import read_bodacc
from relance.adapters.formats.errors import FormatError
from relance.core.insolvency import NoticeEffect, Procedure

DATA = Path(__file__).parents[2] / "data" / "bodacc"


def test_the_csv_export_gives_the_judgment_notices_and_skips_the_others():
    notices = read_bodacc(DATA / "annonces-commerciales.csv")
    assert [n.notice_id for n in notices] == ["A202601951234", "A202601951301"]  # no sale
    first = notices[0]
    assert (first.published, first.judgment_date, first.sirens) == (
        date(2026, 10, 6),
        date(2026, 9, 29),
        ("552100554",),
    )
    assert (first.effect, first.procedure) == (NoticeEffect.OPENING, Procedure.LIQUIDATION)
    assert first.court == "TRIBUNAL DE COMMERCE DE LYON" and first.name == "Menuiserie Bertin"
    assert "SELARL MJ Synergie" in first.complement
    assert notices[1].procedure is Procedure.REDRESSEMENT


def test_the_json_export_lists_the_register_and_may_come_as_an_api_page(tmp_path):
    (closing,) = read_bodacc(DATA / "cloture.json")
    assert closing.effect is NoticeEffect.CLOSED_NO_ASSETS and closing.sirens == ("552100554",)
    page = tmp_path / "page.json"
    raw = json.loads((DATA / "cloture.json").read_text(encoding="utf-8"))
    page.write_text(json.dumps({"total_count": 1, "results": raw}), encoding="utf-8")
    assert read_bodacc(page) == [closing]


def test_a_french_long_date_in_the_judgment_is_read(tmp_path):
    raw = json.loads((DATA / "cloture.json").read_text(encoding="utf-8"))
    judgment = json.loads(raw[0]["jugement"])
    judgment["date"] = "1er mars 2027"
    raw[0]["jugement"] = json.dumps(judgment)
    path = tmp_path / "long.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert read_bodacc(path)[0].judgment_date == date(2027, 3, 1)


def test_a_bad_date_names_the_line_and_the_field(tmp_path):
    text = (DATA / "annonces-commerciales.csv").read_text(encoding="utf-8")
    path = tmp_path / "bad.csv"
    path.write_text(text.replace(";2026-10-06;1301;", ";06/13/2026;1301;"), encoding="utf-8")
    with pytest.raises(FormatError) as raised:
        read_bodacc(path)
    assert (raised.value.location, raised.value.field) == ("3", "dateparution")


def test_a_register_without_a_siren_and_a_csv_of_another_kind_are_refused(tmp_path):
    raw = json.loads((DATA / "cloture.json").read_text(encoding="utf-8"))
    raw[0]["registre"] = ["55210"]
    path = tmp_path / "short.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(FormatError, match="record 1: registre: not a SIREN"):
        read_bodacc(path)
    raw[0]["registre"] = []  # a notice without a register number matches no customer
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert read_bodacc(path) == []
    other = tmp_path / "factures.csv"
    other.write_text("numero;client;date\nF1;A;2026-01-01\n", encoding="utf-8")
    with pytest.raises(FormatError, match="not a BODACC export"):
        read_bodacc(other)
