"""Working days of England and Wales (opsg/workdays.py): weekends and bank
holidays are not working days, substitute days included, so counts such as
"due within 3 working days" come out right over Easter and Christmas."""

import datetime

import pytest

from opsg.workdays import (
    add_working_days,
    is_bank_holiday,
    is_working_day,
    working_days_between,
)

D = datetime.date


@pytest.mark.parametrize(
    "day, name",
    [
        (D(2027, 3, 26), "Good Friday"),
        (D(2027, 3, 29), "Easter Monday"),
        (D(2026, 12, 25), "Christmas Day (a Friday)"),
        (D(2026, 12, 28), "Boxing Day, substitute Monday"),
        (D(2027, 12, 27), "Christmas Day, substitute Monday"),
        (D(2027, 12, 28), "Boxing Day, substitute Tuesday"),
        (D(2027, 1, 1), "New Year's Day"),
        (D(2026, 8, 31), "Summer bank holiday"),
        (D(2026, 5, 4), "Early May bank holiday"),
        (D(2023, 5, 8), "the coronation, a one-off"),
    ],
)
def test_bank_holidays_are_not_working_days(day, name):
    assert day.weekday() < 5, "a weekday, so only the holiday makes it a day off"
    assert is_bank_holiday(day), name
    assert not is_working_day(day), name


def test_weekends_are_not_working_days_and_ordinary_weekdays_are():
    assert not is_working_day(D(2026, 11, 21))  # Saturday
    assert not is_working_day(D(2026, 11, 22))  # Sunday
    assert is_working_day(D(2026, 11, 23))  # Monday
    # Scotland's holidays are not England and Wales's.
    assert is_working_day(D(2026, 11, 30))  # St Andrew's Day
    assert is_working_day(D(2027, 1, 4))  # Scotland's 2 January, substituted


def test_over_easter():
    # Thursday before Easter: Good Friday, the weekend and Easter Monday are skipped.
    assert add_working_days(D(2027, 3, 25), 1) == D(2027, 3, 30)
    assert add_working_days(D(2027, 3, 25), 3) == D(2027, 4, 1)
    assert working_days_between(D(2027, 3, 25), D(2027, 3, 30)) == 1
    assert add_working_days(D(2027, 3, 30), -1) == D(2027, 3, 25)


def test_over_christmas_boxing_day_and_new_year():
    # 2026: Christmas on a Friday, Boxing Day on Saturday (substitute Monday 28th).
    assert add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 29)
    # 29, 30, 31 December, then 1 January 2027 is a bank holiday.
    assert add_working_days(D(2026, 12, 24), 4) == D(2027, 1, 4)
    assert working_days_between(D(2026, 12, 24), D(2027, 1, 4)) == 4
    # 2027: Christmas Saturday, Boxing Day Sunday, substitutes Monday and Tuesday.
    assert add_working_days(D(2027, 12, 24), 1) == D(2027, 12, 29)
    assert working_days_between(D(2027, 12, 23), D(2027, 12, 31)) == 4


def test_over_a_bank_holiday_weekend():
    # Friday 28 August 2026, then the weekend and the summer bank holiday.
    assert add_working_days(D(2026, 8, 28), 1) == D(2026, 9, 1)
    assert working_days_between(D(2026, 8, 27), D(2026, 9, 1)) == 2
    # "5 working days before the meeting" of Tuesday 8 September 2026.
    assert add_working_days(D(2026, 9, 8), -5) == D(2026, 9, 1)


def test_counting_conventions():
    monday, friday, saturday = D(2026, 11, 23), D(2026, 11, 27), D(2026, 11, 28)
    assert add_working_days(saturday, 0) == saturday
    assert working_days_between(monday, monday) == 0
    assert working_days_between(monday, friday) == 4
    assert working_days_between(friday, monday) == -4
    # A Saturday target is reached with Friday's work.
    assert working_days_between(monday, saturday) == 4
    assert add_working_days(friday, -4) == monday
    # Round trip whenever the end is a working day.
    for end in (D(2027, 3, 30), D(2027, 1, 4), D(2026, 9, 1)):
        start = D(2026, 8, 20)
        assert add_working_days(start, working_days_between(start, end)) == end


def _walked(start: datetime.date, end: datetime.date) -> int:
    """The count by walking each day, as it was first written."""
    if end < start:
        return -_walked(end, start)
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day)
    return count


def test_the_count_is_the_walk():
    """working_days_between counts weeks and bank holidays rather than
    walking (reminders ask it of every overdue action): the same answer for
    every pair of days over three years, either way round."""
    first = D(2025, 12, 1)
    days = [first + datetime.timedelta(days=n) for n in range(0, 3 * 365, 11)]
    for start in days[::7]:
        for end in days:
            assert working_days_between(start, end) == _walked(start, end), (start, end)
