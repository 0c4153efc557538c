"""The calendar page's month grid and the iCalendar (RFC 5545) feeds, built with `icalendar`."""

import calendar
import datetime
from collections import defaultdict

import icalendar
from django.conf import settings
from django.utils import timezone

from .registry import CalendarEntry

FEED_DAYS_BACK = 90
FEED_DAYS_AHEAD = 400


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day shown on a month grid: whole weeks, Monday first."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return weeks[0][0], weeks[-1][-1]


def month_grid(year: int, month: int, entries: list[CalendarEntry]) -> list[list[dict]]:
    """Weeks of days, each day with its entries, for a server-rendered Bootstrap grid."""
    by_day: dict[datetime.date, list[CalendarEntry]] = defaultdict(list)
    for entry in entries:
        by_day[entry.day].append(entry)
    today = timezone.localdate()
    return [
        [
            {"day": day, "in_month": day.month == month, "today": day == today, "entries": by_day.get(day, [])}
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]


def feed_range() -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    return today - datetime.timedelta(days=FEED_DAYS_BACK), today + datetime.timedelta(days=FEED_DAYS_AHEAD)


def ics_render(*, name: str, entries: list[CalendarEntry], projects: dict[int, str]) -> bytes:
    """An RFC 5545 calendar of all-day events, one per entry."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//ML Governance Portal//Governance calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    stamp = timezone.now()
    host = settings.PORTAL_BASE_URL.rstrip("/")
    for entry in entries:
        event = icalendar.Event()
        event.add("uid", f"{entry.uid}@ml-governance-portal")
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.day)
        event.add("dtend", entry.day + datetime.timedelta(days=1))
        event.add("summary", f"{entry.title} · {projects.get(entry.project_id, '')}")
        if entry.detail or entry.status:
            event.add("description", " · ".join(part for part in (entry.detail, entry.status) if part))
        if entry.url:
            event.add("url", f"{host}{entry.url}")
        event.add("categories", [entry.source])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
