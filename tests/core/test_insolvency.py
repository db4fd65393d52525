"""The insolvency rules: what a BODACC judgment does, the declaration's deadlines and the
task as the days pass (docs/prevention.md)."""

from datetime import date

import pytest

from relance.core.insolvency import (
    BodaccNotice,
    DeclarationRecord,
    InsolvencyCase,
    NoticeEffect,
    Procedure,
    TaskState,
    apply_notice,
    classify,
    declaration_deadline,
    declaration_task,
    outside_metropolitan_france,
    relief_deadline,
    representative,
)


@pytest.mark.parametrize(
    ("family", "nature", "effect", "procedure"),
    [
        ("Jugement d'ouverture", "Jugement d'ouverture de liquidation judiciaire",
         NoticeEffect.OPENING, Procedure.LIQUIDATION),
        ("Jugement d'ouverture", "Jugement d'ouverture d'une procédure de redressement judiciaire",
         NoticeEffect.OPENING, Procedure.REDRESSEMENT),
        ("Jugement d'ouverture", "Jugement d'ouverture d'une procédure de sauvegarde",
         NoticeEffect.OPENING, Procedure.SAUVEGARDE),
        ("Jugement prononçant", "Jugement prononçant la liquidation judiciaire",
         NoticeEffect.OPENING, Procedure.LIQUIDATION),
        ("Jugement de clôture", "Jugement de clôture pour insuffisance d’actif",
         NoticeEffect.CLOSED_NO_ASSETS, None),
        ("Jugement de clôture", "Jugement de clôture pour extinction du passif",
         NoticeEffect.CLOSED, None),
        ("Jugement", "Jugement arrêtant le plan de redressement",
         NoticeEffect.PLAN_ADOPTED, Procedure.REDRESSEMENT),
        ("Jugement", "Jugement arrêtant un plan de cession", NoticeEffect.OTHER, None),
        ("Avis de dépôt", "Dépôt de l'état des créances", NoticeEffect.OTHER, None),
        ("Jugement d'ouverture", "Jugement d'extension de liquidation judiciaire",
         NoticeEffect.OTHER, Procedure.LIQUIDATION),
    ],
)  # fmt: skip
def test_a_judgment_is_read_from_its_family_and_nature(family, nature, effect, procedure):
    assert classify(family, nature) == (effect, procedure)


def test_the_deadline_is_two_months_after_publication_and_four_from_abroad():
    # 6 December 2026 is a Sunday: the deadline moves to Monday 7 (C. proc. civ. 642)
    assert declaration_deadline(date(2026, 10, 6), abroad=False) == date(2026, 12, 7)
    # 6 February 2027 is a Saturday: Monday 8
    assert declaration_deadline(date(2026, 10, 6), abroad=True) == date(2027, 2, 8)
    # a month without the day: its last day, Sunday 28 February 2027, so Monday 1 March
    assert declaration_deadline(date(2026, 12, 31), abroad=False) == date(2027, 3, 1)
    assert declaration_deadline(date(2026, 10, 2), abroad=False) == date(2026, 12, 2)  # a Wed.
    assert relief_deadline(date(2026, 10, 6)) == date(2027, 4, 6)  # a Tuesday


def test_a_deadline_on_a_public_holiday_moves_to_the_next_working_day():
    # 11 November 2026 (Armistice, a Wednesday) -> Thursday 12
    assert declaration_deadline(date(2026, 9, 11), abroad=False) == date(2026, 11, 12)
    # 14 May 2026 is Ascension Day (Easter 5 April + 39) -> Friday 15
    assert declaration_deadline(date(2026, 3, 14), abroad=False) == date(2026, 5, 15)
    # Saturday 15 May 2027, Sunday 16, Whit Monday 17 (Easter 28 March + 50) -> Tuesday 18
    assert declaration_deadline(date(2027, 3, 15), abroad=False) == date(2027, 5, 18)
    # 25 December 2027 is a Saturday, the 26th a Sunday -> Monday 27
    assert relief_deadline(date(2027, 6, 25)) == date(2027, 12, 27)


def test_overseas_and_foreign_creditors_are_outside_metropolitan_france():
    assert not outside_metropolitan_france("FR", "69002")
    assert outside_metropolitan_france("FR", "97400")  # La Réunion
    assert outside_metropolitan_france("BE", "1000")


def test_the_mandataire_is_read_from_the_judgments_text():
    text = (
        "Jugement prononçant la liquidation judiciaire, désignant liquidateur SELARL MJ "
        "Synergie, 230 rue Garibaldi 69003 Lyon. Les déclarations des créances..."
    )
    assert representative(text) == "Liquidateur SELARL MJ Synergie, 230 rue Garibaldi 69003 Lyon"
    assert representative("Jugement sans désignation") == ""


CASE = InsolvencyCase("BETA", Procedure.LIQUIDATION, date(2026, 9, 29), date(2026, 10, 6))


@pytest.mark.parametrize(
    ("as_of", "state", "days_left", "relief"),
    [
        (date(2026, 10, 15), TaskState.TO_DECLARE, 53, None),
        (date(2026, 12, 6), TaskState.TO_DECLARE, 1, None),  # a Sunday: Monday 7 still counts
        (date(2026, 12, 7), TaskState.TO_DECLARE, 0, None),
        (date(2026, 12, 8), TaskState.LATE, -1, date(2027, 4, 6)),
        (date(2027, 4, 7), TaskState.FORECLOSED, -121, date(2027, 4, 6)),
    ],
)
def test_the_task_counts_the_days_left_then_shows_the_relief_period(
    as_of, state, days_left, relief
):
    task = declaration_task(CASE, None, as_of, abroad=False)
    assert (task.state, task.days_left, task.relief_until) == (state, days_left, relief)
    assert task.deadline == date(2026, 12, 7)


def test_a_posted_declaration_ends_the_task_and_a_rendered_one_does_not():
    rendered = DeclarationRecord("BETA", date(2026, 10, 20), "ab" * 32)
    assert declaration_task(CASE, rendered, date(2026, 10, 21), False).state is TaskState.TO_DECLARE
    posted = DeclarationRecord("BETA", date(2026, 10, 20), "ab" * 32, "1A2", date(2026, 10, 21))
    assert declaration_task(CASE, posted, date(2026, 12, 20), False).state is TaskState.DECLARED


def test_a_surendettement_has_no_declaration_deadline():
    case = InsolvencyCase("C", Procedure.SURENDETTEMENT, date(2026, 9, 1), date(2026, 9, 8))
    assert declaration_task(case, None, date(2026, 9, 10), False).state is TaskState.NOT_DUE


def _notice(nature: str, judged: date, published: date, family: str = "") -> BodaccNotice:
    return BodaccNotice(
        f"A{published:%Y%m%d}",
        published,
        "1",
        "Procédures collectives",
        "TC Lyon",
        "Bertin",
        "Lyon",
        ("552100554",),
        family,
        nature,
        judged,
        "désignant liquidateur Me X. Suite",
    )


def test_later_notices_update_the_case_and_a_repeat_changes_nothing():
    opening = _notice("Jugement d'ouverture de liquidation judiciaire", date(2026, 9, 29),
                      date(2026, 10, 6))  # fmt: skip
    case = apply_notice(None, opening, "BETA")
    assert case is not None
    assert (case.procedure, case.opened, case.published, case.representative) == (
        Procedure.LIQUIDATION, date(2026, 9, 29), date(2026, 10, 6), "Liquidateur Me X"
    )  # fmt: skip
    assert apply_notice(case, opening, "BETA") is None
    closing = _notice("Jugement de clôture pour insuffisance d'actif", date(2027, 3, 9),
                      date(2027, 3, 16))  # fmt: skip
    closed = apply_notice(case, closing, "BETA")
    assert closed is not None and closed.closed
    assert (closed.state, closed.state_on, closed.opened) == (
        NoticeEffect.CLOSED_NO_ASSETS,
        date(2027, 3, 9),
        date(2026, 9, 29),
    )
    # nothing to update without a case, nor after the closing
    assert apply_notice(None, closing, "BETA") is None
    assert apply_notice(closed, closing, "BETA") is None
