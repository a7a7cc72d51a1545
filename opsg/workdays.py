"""Working days of England and Wales: Monday to Friday, less bank holidays.

The committee counts its deadlines in working days ("due within 3 working
days", "papers 5 working days before the meeting"), and a count that runs
over Easter or Christmas must skip the bank holidays, including the
substitute days when Christmas or Boxing Day falls at a weekend. The dates
come from the `holidays` library, which follows the published proclamations
(the one-off days such as a coronation included); England and Wales share
one list.
"""

import datetime
from functools import lru_cache

import holidays

_DAY = datetime.timedelta(days=1)


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_bank_holiday(day: datetime.date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `day` (before it when n is negative).
    With n = 0, `day` itself, working day or not."""
    step = _DAY if n >= 0 else -_DAY
    remaining = abs(n)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end`: 1 from a Friday to
    the following Monday, 0 from a day to itself. Negative when `end` comes
    first, so that add_working_days(a, working_days_between(a, b)) is b
    whenever b is a working day."""
    if end < start:
        return -working_days_between(end, start)
    # Counted, not walked: reminders ask this of every overdue action.
    weeks, rest = divmod((end - start).days, 7)
    weekday = start.weekday()
    weekdays = weeks * 5 + sum(1 for k in range(1, rest + 1) if (weekday + k) % 7 < 5)
    bank_holidays = sum(
        1
        for year in range(start.year, end.year + 1)
        for day in _bank_holidays(year)
        if start < day <= end and day.weekday() < 5
    )
    return weekdays - bank_holidays
