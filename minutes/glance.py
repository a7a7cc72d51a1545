"""The committee at a glance (minutes.views.committee_glance): a few
figures of a committee that people would rather look at than read, each a
chart with the table it is drawn from. Reads only what the reader may see,
by the rules that already decide it: the actions the reader sees
(actions.access.visible_actions) as the reader may know them
(actions.known.known_figures), and the meetings whose minutes the reader
reads (minutes.attendance_record)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Min, Q

from actions.access import visible_actions
from actions.known import known_figures
from actions.models import Action
from actions.selectors import OwnerLine, owner_lines
from meetings.models import Committee

from .attendance_record import AttendanceRecord, attendance_record

# The ages of open actions, from the day they were raised: (label, fewer than
# this many days old). The last bucket is everything older.
AGE_BUCKETS = (
    ("Under 3 months", 91),
    ("3 to 6 months", 183),
    ("6 to 12 months", 365),
    ("1 to 2 years", 730),
)
OLDER = "Over 2 years"

# The open actions over time: at most this many month-ends, from the month
# the first action was raised (every month, or every few when that is long
# ago), then today.
OVER_TIME_POINTS = 36


@dataclass
class Glance:
    committee: Committee
    owners: list[OwnerLine]  # organisations owning open actions, most open first
    ages: list[tuple[str, int]]  # (bucket, open actions)
    attendance: AttendanceRecord
    over_time: "OpenOverTime"

    @property
    def open_count(self) -> int:
        return sum(count for _, count in self.ages)

    @property
    def attendance_rates(self) -> list:
        """Each organisation with the share of meetings it was represented at
        (%), for the chart and its table alike."""
        record = self.attendance
        return [(o, record.organisation_rate(o)) for o in record.organisations]

    def chart_data(self) -> dict:
        """What static/js/glance.js draws: the same figures as the tables."""
        return {
            "owners": {
                "labels": [line.name for line in self.owners],
                "slipped": [line.slipped for line in self.owners],
                "on_time": [line.open - line.slipped for line in self.owners],
            },
            "ages": {
                "labels": [label for label, _ in self.ages],
                "counts": [count for _, count in self.ages],
            },
            "attendance": {
                "labels": [o.name for o, _ in self.attendance_rates],
                "rates": [rate for _, rate in self.attendance_rates],
            },
            "over_time": {
                "labels": [point.label for point in self.over_time.points],
                "counts": [point.open for point in self.over_time.points],
            },
        }


def committee_glance(user, committee: Committee, *, today: datetime.date) -> Glance:
    actions = visible_actions(user).filter(committee=committee)
    known = known_figures(user, actions)
    viewed = actions.annotate(**known.annotations())
    owners = [line for line in owner_lines(viewed, today=today) if not line.is_person]
    owners.sort(key=lambda line: (-line.open, line.name.lower()))
    return Glance(
        committee=committee,
        owners=owners,
        ages=open_ages(viewed, today=today),
        attendance=attendance_record(user, committee),
        over_time=open_over_time(viewed, today=today),
    )


def open_ages(actions, *, today: datetime.date) -> list[tuple[str, int]]:
    """How many of the open `actions` (carrying the reader's view) fall in
    each age bucket. One query."""
    buckets: dict[str, Q] = {}
    younger_than = None
    for label, days in AGE_BUCKETS:
        since = today - datetime.timedelta(days=days)
        condition = Q(raised_on__gt=since)
        if younger_than is not None:
            condition &= Q(raised_on__lte=younger_than)
        buckets[label] = condition
        younger_than = since
    buckets[OLDER] = Q(raised_on__lte=younger_than)
    conditions = list(buckets.values())
    counts = actions.filter(known_status=Action.Status.OPEN).aggregate(
        **{f"age_{n}": Count("pk", filter=condition) for n, condition in enumerate(conditions)}
    )
    return [(label, counts[f"age_{n}"]) for n, label in enumerate(buckets)]


@dataclass(frozen=True)
class OpenPoint:
    day: datetime.date
    label: str  # "Mar 2020", or "Today"
    open: int


@dataclass(frozen=True)
class OpenOverTime:
    points: list[OpenPoint]
    # Closed actions whose closing date is not recorded (some imported
    # minutes do not say it): left out of every point rather than guessed.
    undated: int

    @property
    def any(self) -> bool:
        return any(point.open for point in self.points)


def month_ends(first: datetime.date, today: datetime.date, most: int) -> list[datetime.date]:
    """The last day of months from `first`'s to the one before today's,
    oldest first: every month, or every second, third… so that at most
    `most` are left, the latest always kept."""
    ends = []
    end = today.replace(day=1) - datetime.timedelta(days=1)
    while end >= first.replace(day=1):
        ends.append(end)
        end = end.replace(day=1) - datetime.timedelta(days=1)
    step = -(-len(ends) // most) if ends else 1
    return ends[::step][::-1]


def open_over_time(actions, *, today: datetime.date) -> OpenOverTime:
    """How many of `actions` (carrying the reader's view, actions.known) were
    open at the end of each month since the first was raised (see
    OVER_TIME_POINTS), and today: raised by then, and not closed by then as
    the reader may know it (an action whose closing review the reader may
    not read yet is still open for them). Two queries."""
    first = actions.aggregate(first=Min("raised_on"))["first"]
    if first is None:
        return OpenOverTime(points=[], undated=0)
    days = [*month_ends(first, today, OVER_TIME_POINTS), today]
    still_open = Q(known_status=Action.Status.OPEN)
    dated = still_open | Q(closed_on__isnull=False)
    counts = actions.aggregate(
        undated=Count("pk", filter=~dated),
        **{
            f"open_{n}": Count(
                "pk",
                filter=Q(raised_on__lte=day) & (still_open | Q(closed_on__gt=day)),
            )
            for n, day in enumerate(days)
        },
    )
    points = [
        OpenPoint(day, "Today" if day == today else day.strftime("%b %Y"), counts[f"open_{n}"])
        for n, day in enumerate(days)
    ]
    return OpenOverTime(points=points, undated=counts["undated"])
