"""French working days for procedural deadlines: weekends and the public holidays."""

from datetime import date

from relance.core.court_days import easter, extended_deadline, french_public_holidays


def test_easter_as_the_calendars_print_it():
    assert [easter(y) for y in (2000, 2024, 2025, 2026, 2027, 2038)] == [
        date(2000, 4, 23), date(2024, 3, 31), date(2025, 4, 20), date(2026, 4, 5),
        date(2027, 3, 28), date(2038, 4, 25),
    ]  # fmt: skip


def test_the_eleven_public_holidays_of_2026():
    assert sorted(french_public_holidays(2026)) == [
        date(2026, 1, 1), date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 8),
        date(2026, 5, 14), date(2026, 5, 25), date(2026, 7, 14), date(2026, 8, 15),
        date(2026, 11, 1), date(2026, 11, 11), date(2026, 12, 25),
    ]  # fmt: skip


def test_a_working_day_stays_and_the_others_move_on():
    assert extended_deadline(date(2026, 12, 2)) == date(2026, 12, 2)  # a Wednesday
    assert extended_deadline(date(2026, 12, 5)) == date(2026, 12, 7)  # Saturday -> Monday
    assert extended_deadline(date(2026, 12, 31)) == date(2026, 12, 31)  # a Thursday
    assert extended_deadline(date(2027, 1, 1)) == date(2027, 1, 4)  # Friday holiday -> Monday
    assert extended_deadline(date(2026, 5, 1)) == date(2026, 5, 4)  # Friday 1 May -> Monday
