"""Data for the action log's tests (test_log.py, test_exports.py): a few
meetings of OPSG and TABASC in 2025–26 and six actions whose lateness and
slips are known by heart, seen on Monday 23 November 2026.

| action           | owners        | raised     | target         | state                        |
| OPSG 9/01        | DCC           | 14/01/2025 | 01/03/2025     | open, 632 days overdue, 3 slips (+14 days) |
| OPSG 10/01       | SECAS         | 11/02/2025 | 15/12/2026     | closed (completed 06/10/2026) |
| OPSG 24/01       | DCC, SECAS    | 01/09/2026 | 11/11/2026     | open, 12 days overdue, 1 slip (+36 days)   |
| OPSG 25/01       | Owen Owner    | 06/10/2026 | 30/11/2026     | open, due in 5 working days |
| OPSG 26/01       | Mia Member    | 03/11/2026 | To be determined | open                       |
| OPSG 27/CONF 01  | DCC           | 10/11/2026 | 01/12/2026     | open, confidential session  |
| TABASC 5/01      | DCC           | 20/10/2026 | 16/11/2026     | open, 7 days overdue        |

OPSG's next meeting (announced at OPSG 26) is on 8 December 2026.
"""

import datetime
import html
import re
from dataclasses import dataclass

import time_machine

from actions.models import Action, ActionOwner, ActionReview
from actions.references import format_reference
from actions.services import action_raise, action_review_record, slip_summary
from meetings.models import Meeting, NextMeeting
from tests.base import World, circulate, make_meeting

D = datetime.date
TODAY = D(2026, 11, 23)  # a Monday


def frozen():
    """Monday 23 November 2026, midday in London."""
    return time_machine.travel(
        datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC), tick=False
    )


@dataclass
class Log:
    world: World
    meetings: dict[int, Meeting]
    tabasc5: Meeting
    a9: Action
    a10: Action
    a24: Action
    a25: Action
    a26: Action
    conf: Action
    t5: Action


def review(action, meeting, last, revised, status="open", **fields):
    """One row of a meeting's Actions Outstanding table, recorded through the
    service (which moves the action's target and keeps its slips). `last` and
    `revised` are dates or words ("To be determined", "N/A")."""
    for name, value in (("last_target", last), ("revised_target", revised)):
        if isinstance(value, datetime.date):
            fields[f"{name}_date"] = value
        elif value:
            fields[f"{name}_note"] = value
    fields.setdefault("update", "")
    return action_review_record(action=action, meeting=meeting, status=status, **fields)


def close(action, on, outcome=Action.Outcome.COMPLETED):
    Action.objects.filter(pk=action.pk).update(status="closed", outcome=outcome, closed_on=on)
    action.refresh_from_db()
    return action


def tabasc_meeting(world, number=5, date=None):
    date = date or D(2026, 10, 20)
    meeting = Meeting.objects.create(
        committee=world.tabasc, number=number, date=date, classification=world.white_2021
    )
    NextMeeting.objects.create(meeting=meeting, date=date + datetime.timedelta(days=28))
    return meeting


def make_log(world: World) -> Log:
    w = world
    dates = {
        9: D(2025, 1, 14),
        10: D(2025, 2, 11),
        24: D(2026, 9, 1),
        25: D(2026, 10, 6),
        26: D(2026, 11, 3),
    }
    m = {
        n: make_meeting(w, number=n, date=d, classification=w.white_2021) for n, d in dates.items()
    }
    m[27] = make_meeting(
        w, number=27, date=D(2026, 11, 10), kind="confidential", classification=w.white_2021
    )
    tabasc5 = tabasc_meeting(w)
    # Past meetings whose minutes are out: what they raised and reviewed is
    # for every member (a draft's is for its writers only: test_canary.py).
    circulate(*m.values(), tabasc5)

    def raise_(meeting, owners, text, target=None, note="", **fields):
        return action_raise(
            meeting=meeting,
            item=None,
            owners=owners,
            text=text,
            target_date=target,
            target_note=note,
            **fields,
        )

    a9 = raise_(m[9], [w.dcc], "DCC to publish the incident report.", D(2025, 2, 11))
    review(a9, m[10], D(2025, 2, 11), D(2025, 2, 18))
    review(a9, m[24], D(2025, 2, 18), D(2025, 2, 25))
    review(a9, m[25], D(2025, 2, 25), "To be determined")
    # From words back to a date is not a slip: there was no date to slip from.
    review(a9, m[26], "To be determined", D(2025, 3, 1))

    a10 = raise_(m[10], [w.secas], "SECAS to circulate the terms of reference.", D(2026, 12, 15))
    close(a10, D(2026, 10, 6))

    a24 = raise_(
        m[24], [w.dcc, w.secas], "DCC to explain the scalability of the network.", D(2026, 10, 6)
    )
    review(a24, m[25], D(2026, 10, 6), D(2026, 11, 11))
    review(a24, m[26], D(2026, 11, 11), "N/A")

    a25 = raise_(
        m[25],
        [w.owner],
        "Owen to confirm the firmware roll-out plan.",
        D(2026, 11, 30),
        topic="CH Transition",
    )
    a26 = raise_(m[26], [w.member], "Mia to share suppliers' experience.", note="To be determined")
    conf = raise_(m[27], [w.dcc], "DCC to brief members on the security review.", D(2026, 12, 1))
    t5 = raise_(tabasc5, [w.dcc], "DCC to present the architecture changes.", D(2026, 11, 16))
    return Log(
        world=w,
        meetings=m,
        tabasc5=tabasc5,
        a9=Action.objects.get(pk=a9.pk),
        a10=Action.objects.get(pk=a10.pk),
        a24=Action.objects.get(pk=a24.pk),
        a25=a25,
        a26=a26,
        conf=conf,
        t5=t5,
    )


def many_actions(world: World, meeting: Meeting, count: int, *, start: int = 1) -> list[Action]:
    """`count` open actions raised at `meeting` (by 8 September 2026), half of them overdue, each
    owned by the DCC and SECAS (or Owen Owner) and reviewed once or twice
    (one slip in three). The meetings' minutes are circulated."""
    actions = []
    later = Meeting.objects.filter(committee=meeting.committee, date__gt=meeting.date)
    after = list(later.order_by("date")[:2])
    # Minutes that are out, so members read what they raised and reviewed.
    circulate(meeting, *after)
    for i in range(start, start + count):
        # Around today, before and after by turns: some overdue, some not.
        target = TODAY + datetime.timedelta(days=(-1) ** i * ((i * 7) % 75))
        action = Action.objects.create(
            committee=meeting.committee,
            meeting_number=meeting.number,
            sequence=i,
            reference=format_reference(meeting.committee.code, meeting.number, i, False),
            meeting=meeting,
            text=f"DCC to report on item {i}.\nSecond line of the action.",
            raised_on=meeting.date,
            target_date=target,
        )
        actions.append(action)
    owners = []
    for n, action in enumerate(actions):
        owners.append(ActionOwner(action=action, organisation=world.dcc, order=0))
        if n % 2:
            owners.append(ActionOwner(action=action, organisation=world.secas, order=1))
        else:
            owners.append(ActionOwner(action=action, person=world.owner, order=1))
    ActionOwner.objects.bulk_create(owners)
    reviews = []
    for n, action in enumerate(actions):
        action_reviews = []
        for k, at in enumerate(after):
            moved = (n + k) % 3 == 0
            action_reviews.append(
                ActionReview(
                    action=action,
                    meeting=at,
                    status="open",
                    update=f"Update {k} on {action.reference}.",
                    last_target_date=action.target_date,
                    revised_target_date=action.target_date + datetime.timedelta(days=7)
                    if moved
                    else None,
                    revised_target_note="" if moved else "N/A",
                )
            )
        # Hundreds of reviews at once, past the service: the action's stored
        # slips are worked out by the service's own rule.
        action.times_slipped, action.days_slipped = slip_summary(action_reviews)
        reviews.extend(action_reviews)
    ActionReview.objects.bulk_create(reviews)
    Action.objects.bulk_update(actions, ["times_slipped", "days_slipped"])
    return actions


# --- reading the page back ------------------------------------------------------

_ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)
_TAG = re.compile(r"<[^>]+>")


def text(fragment: str) -> str:
    """What a reader sees of some HTML: a line break is a space."""
    fragment = re.sub(r"<br\s*/?>", " ", fragment)
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


def page_text(response) -> str:
    """The whole page a response carries, as a reader sees it."""
    return text(response.content.decode())


def page_rows(content: bytes) -> list[list[str]]:
    """The cells of the log table's body, as text."""
    page = content.decode()
    match = re.search(r'<table class="data action-log">.*?<tbody>(.*?)</tbody>', page, re.S)
    if not match:
        return []
    return [[text(cell) for cell in _CELL.findall(row)] for row in _ROW.findall(match.group(1))]


def references(content: bytes) -> list[str]:
    return [row[0] for row in page_rows(content)]


def summary(content: bytes) -> str:
    match = re.search(r'<p class="log-summary"[^>]*>(.*?)</p>', content.decode(), re.S)
    return text(match.group(1)) if match else ""
