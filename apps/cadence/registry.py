"""What other apps plug into the cadence: agenda items, calendar entries and dated reminders.

Apps register from their AppConfig.ready(); the cadence app registers the sources of the
apps below it (risks, deliverables, checklists, sign-offs) itself, in sources.py. A
higher app (model cards, incidents) registers its own, so nothing here imports it.

* Agenda sources answer "what should this review look at" for one project and kind.
* Calendar sources answer "what is dated between these days" for a set of projects.
* Reminder planners answer "who should be told what today"; the one daily sweep
  (reminders.reminders_send) sends them through the notification outbox, whose unique
  (kind, recipient, target, period_key) key makes a second run send nothing.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class AgendaItem:
    """One line of a prepared agenda. `risk_id` marks a risk the meeting may mark reviewed."""

    source: str
    label: str
    detail: str = ""
    url: str = ""
    risk_id: int | None = None


@dataclass(frozen=True)
class CalendarEntry:
    """One dated thing on the calendar and in the iCalendar feeds."""

    source: str
    uid: str
    day: datetime.date
    title: str
    project_id: int
    url: str = ""
    detail: str = ""
    status: str = ""


@dataclass(frozen=True)
class Reminder:
    """One notification the sweep should make sure exists (see apps.notifications.services.notify)."""

    recipients: tuple
    kind: str
    subject: str
    body: str
    period_key: str
    target: Model | None = None
    project: Model | None = None
    url: str = ""
    category: str = "reviews"


@dataclass(frozen=True)
class AgendaSource:
    key: str
    label: str
    kinds: tuple[str, ...]
    provider: Callable[..., list[AgendaItem]]


@dataclass(frozen=True)
class CalendarSource:
    key: str
    label: str
    provider: Callable[..., Iterable[CalendarEntry]]
    icon: str = "bi-calendar-event"


@dataclass
class _Registries:
    agenda: dict[str, AgendaSource] = field(default_factory=dict)
    calendar: dict[str, CalendarSource] = field(default_factory=dict)
    reminders: dict[str, Callable[..., Iterable[Reminder]]] = field(default_factory=dict)


_registries = _Registries()


def register_agenda_source(
    key: str, *, label: str, kinds: Iterable[str], provider: Callable[..., list[AgendaItem]]
) -> None:
    """provider(*, project, on: date, since: date | None) -> [AgendaItem]; `since` is the last held review."""
    _registries.agenda[key] = AgendaSource(key, label, tuple(kinds), provider)


def register_calendar_source(
    key: str, *, label: str, provider: Callable[..., Iterable[CalendarEntry]], icon: str = "bi-calendar-event"
) -> None:
    """provider(*, projects: QuerySet[Project], first: date, last: date, limit: int | None) -> [CalendarEntry].

    With a `limit`, the provider answers its first `limit` entries by date (the calendar page
    asks for one more than it shows, to know whether there are more).

    `projects` is already restricted to what the viewer may see; a provider must not
    widen it and should answer in a constant number of queries.
    """
    _registries.calendar[key] = CalendarSource(key, label, provider, icon)


def register_reminder_planner(key: str, planner: Callable[..., Iterable[Reminder]]) -> None:
    """planner(*, today: date) -> iterable of Reminder, run by the daily sweep; safe to run twice.

    The sweep queues what it yields 500 at a time: a planner reads a batch of projects at a
    time (see sources.plan_deliverable_reminders) so its queries do not grow with the portfolio.
    """
    _registries.reminders[key] = planner


def agenda_sources(kind: str) -> list[AgendaSource]:
    return [source for source in _registries.agenda.values() if kind in source.kinds]


def calendar_sources() -> dict[str, CalendarSource]:
    return dict(_registries.calendar)


def reminder_planners() -> dict[str, Callable[..., Iterable[Reminder]]]:
    return dict(_registries.reminders)


def calendar_entries(
    *,
    projects: QuerySet,
    first: datetime.date,
    last: datetime.date,
    sources: Iterable[str] | None = None,
    limit: int | None = None,
) -> list[CalendarEntry]:
    """Every registered source's entries between `first` and `last`, by date (at most `limit` per source)."""
    return calendar_entries_bounded(projects=projects, first=first, last=last, sources=sources, limit=limit)[0]


def calendar_entries_bounded(
    *,
    projects: QuerySet,
    first: datetime.date,
    last: datetime.date,
    sources: Iterable[str] | None = None,
    limit: int | None = None,
) -> tuple[list[CalendarEntry], list[str]]:
    """calendar_entries, and the keys of the sources that hold more than `limit` entries in the range."""
    wanted = set(sources) if sources else None
    entries: list[CalendarEntry] = []
    more: list[str] = []
    for key, source in _registries.calendar.items():
        if wanted is None or key in wanted:
            found = list(source.provider(projects=projects, first=first, last=last, limit=limit and limit + 1))
            if limit is not None and len(found) > limit:
                more.append(key)
                found = found[:limit]
            entries.extend(found)
    return sorted(entries, key=lambda entry: (entry.day, entry.source, entry.title)), more
