"""The action log's table rows, written in one pass, as opsg.widgets writes
the filter form: the markup templates/actions/log.html had for each row,
with what the template's filters wrote (truncatewords, pluralize,
timeuntil, date "d/m/Y"), each value escaped as the template escaped it.

Through the template engine, each of a row's seventeen lookups and ten
values was resolved and localised one at a time: 50 rows were a quarter
of the page's time, more than all its queries. Here a row is one string.
"""

import datetime
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.timesince import timeuntil

from .models import Action


def log_rows(actions: list[Action], *, today: datetime.date, mine: bool) -> SafeString:
    """The rows of `actions` (a page of the log: `url`, `owner_list` and
    `days_overdue` given; `update_sent` and `next_meeting` on "My
    actions", `mine`)."""
    return mark_safe("".join(_row(action, today, mine) for action in actions))


def _row(action: Action, today: datetime.date, mine: bool) -> str:
    overdue = action.days_overdue
    topic = f"<strong>{escape(action.topic)}:</strong> " if action.topic else ""
    text = escape(Truncator(action.text).words(30, truncate=" …"))
    status = escape(action.get_status_display())
    if action.outcome:
        status += f'<br><span class="muted">{escape(action.get_outcome_display())}</span>'
    row_class = ' class="is-overdue"' if overdue else ""
    return (
        f"<tr{row_class}>"
        f'<th scope="row" class="nowrap"><a href="{escape(action.url)}">'
        f"{escape(action.reference)}</a></th>"
        f'<td class="log-text" data-label="Action">{topic}{text}</td>'
        f'<td data-label="Owners">{escape(", ".join(action.owner_list))}</td>'
        f'<td class="nowrap" data-label="Raised">{action.raised_display}</td>'
        f'<td class="nowrap" data-label="Target">{escape(action.target_display or "—")}</td>'
        f'<td data-label="Status">{status}</td>'
        f'<td class="late" data-label="How late">{_how_late(action, overdue, today, mine)}</td>'
        f'<td class="nowrap" data-label="Slipped">{_slipped(action)}</td>'
        "</tr>\n"
    )


def _how_late(action: Action, overdue: int, today: datetime.date, mine: bool) -> str:
    if overdue:
        late = f'<strong class="late-badge">Overdue</strong> {overdue} day{_s(overdue)} overdue'
    elif not action.is_open:
        late = f"Closed {action.closed_on:%d/%m/%Y}" if action.closed_on else "—"
    elif not action.target_date:
        late = "No date set"
    elif action.target_date == today:
        late = "Due today"
    else:
        late = f"Due in {escape(timeuntil(action.target_date, today))}"
    if mine and action.is_open:
        if action.update_sent:
            note = "Update sent"
        elif action.next_meeting:
            note = f"Update needed by {action.next_meeting:%d/%m/%Y}"
        else:
            note = ""
        late += f'<br><span class="update-note">{note}</span>'
    return late


def _slipped(action: Action) -> str:
    times, days = action.times_slipped, action.days_slipped
    if not times:
        return '<span class="muted">Never</span>'
    slipped = f"{times} time{_s(times)}"
    if days:
        slipped += f'<br><span class="muted">+{days} day{_s(days)}</span>'
    return slipped


def _s(count: int) -> str:
    """The template's `pluralize`."""
    return "" if count == 1 else "s"
