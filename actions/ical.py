"""iCalendar (RFC 5545) documents for the private feeds: a committee's
meetings and an owner's action target dates. Plain functions from what the
selectors read to bytes; the views only add the response around them."""

import datetime
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.text import Truncator

from meetings.models import Meeting

from .models import Action
from .selectors import FeedMeeting

PRODID = "-//Minutes and actions//Committee calendar feeds//EN"
# Meetings without times last the day; with a start and no end, this long.
DEFAULT_LENGTH = datetime.timedelta(hours=2)


def _calendar(name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # Shown as the calendar's name by Apple Calendar, Outlook and Thunderbird.
    calendar.add("x-wr-calname", name)
    return calendar


def _event(uid: str, stamp: datetime.datetime) -> icalendar.Event:
    """An event with the UID a calendar recognises it by on the next fetch."""
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    return event


def _all_day(event: icalendar.Event, day: datetime.date) -> None:
    event.add("dtstart", day)
    # Python's last date (9999-12-31, stored before targets were bounded) has
    # no next day: the event goes without its DTEND, which RFC 5545 reads, for
    # a DATE start, as lasting that one day. Every other day keeps DTEND,
    # which every calendar application reads.
    if day < datetime.date.max:
        event.add("dtend", day + datetime.timedelta(days=1))


def meetings_calendar(
    events: Iterable[FeedMeeting],
    *,
    name: str,
    host: str,
    minutes_url: Callable[[Meeting], str],
    agenda_url: Callable[[Meeting], str],
) -> bytes:
    """Meetings with their start and end in the committee's own time zone
    (Europe/London, so a 10:00 meeting stays at 10:00 across the clocks
    changing), or all day when the minutes give no times. `minutes_url` and
    `agenda_url` give the absolute URLs of a meeting's minutes and agenda,
    each linked where the event says its reader reads them (the selector
    lists only meetings the feed's user may read)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    stamp = timezone.now()
    calendar = _calendar(name)
    for item in events:
        event = _event(f"{item.uid}@{host}", stamp)
        meeting = item.meeting
        # Its times and place as the feed's user reads them (the version
        # kept, while the minutes are being corrected), like item.date.
        heading = meeting.as_read if meeting is not None else None
        if meeting is not None:
            event.add("summary", f"{meeting} – {item.kind_label}")
        else:
            event.add("summary", f"{item.committee.code} – next {item.kind_label.lower()}")
        if heading is not None and heading.start_time is not None:
            start = datetime.datetime.combine(item.date, heading.start_time, tzinfo=zone)
            end = (
                datetime.datetime.combine(item.date, heading.end_time, tzinfo=zone)
                if heading.end_time
                else start + DEFAULT_LENGTH
            )
            event.add("dtstart", start)
            event.add("dtend", end)
        else:
            _all_day(event, item.date)
        if meeting is not None:
            # Raised with each change of date, time or place, so calendars
            # that already hold the event take the new one.
            event.add("sequence", heading.schedule_sequence)
            location = heading.location or ("Teleconference" if heading.is_teleconference else "")
            if location:
                event.add("location", location)
            links = []
            if item.agenda:
                links.append(("Agenda and papers", agenda_url(meeting)))
            if item.minutes:
                links.append(("Minutes", minutes_url(meeting)))
            event.add("url", links[-1][1])
            event.add("description", "\n".join(f"{label}: {url}" for label, url in links))
        else:
            event.add("description", "Date announced in the minutes of an earlier meeting.")
        calendar.add_component(event)
    # VTIMEZONE blocks for every TZID used, as RFC 5545 requires.
    calendar.add_missing_timezones()
    return calendar.to_ical()


def actions_calendar(
    actions: Iterable[Action], *, name: str, host: str, detail_url: Callable[[Action], str]
) -> bytes:
    """Each open action as an all-day event on its target date. The UID
    stays the same when the target moves, so a calendar moves the event
    instead of adding another."""
    stamp = timezone.now()
    calendar = _calendar(name)
    for action in actions:
        event = _event(f"{action.slug}-target@{host}", stamp)
        event.add("summary", f"{action.reference} due: {Truncator(action.text).chars(90)}")
        _all_day(event, action.target_date)
        url = detail_url(action)
        event.add("url", url)
        owners = "/".join(action.owner_names())
        event.add("description", f"{action.reference} ({owners}): {action.text}\n\n{url}")
        event.add("transp", "TRANSPARENT")  # a deadline, not time taken up
        calendar.add_component(event)
    return calendar.to_ical()
