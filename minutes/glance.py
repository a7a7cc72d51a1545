"""The committee at a glance (minutes.views.committee_glance): a few
figures of a committee that people would rather look at than read, each a
chart with the table it is drawn from. Reads only what the reader may see,
by the rules that already decide it: the actions the reader sees
(actions.access.visible_actions) as the reader may know them
(actions.known.known_figures), and the meetings whose minutes the reader
reads (minutes.attendance_record)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q

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


@dataclass
class Glance:
    committee: Committee
    owners: list[OwnerLine]  # organisations owning open actions, most open first
    ages: list[tuple[str, int]]  # (bucket, open actions)
    attendance: AttendanceRecord

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
