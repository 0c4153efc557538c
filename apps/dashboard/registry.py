"""What the "What needs me" dashboard shows: queue sources and role panels that apps declare.

The dashboard knows no domain app. Each app registers, from its own `AppConfig.ready()`:

* queue sources, `register_queue(key, provider, label=, order=)`: `provider(viewer) -> QueueSection`,
  the things waiting for the person (sign-offs, items they own that are due, meetings this week);
* role panels, `register_panel(key, provider, title=, roles=, template=, order=)`:
  `provider(viewer, projects) -> dict`, shown to whoever holds one of `roles` (project roles, or
  `AUDITOR` for the portal-wide Compliance Auditors) about the projects they hold it on.

Every provider costs a fixed number of queries whatever the number of projects and records
(tests/dashboard assert it). A panel's dict is plain JSON data (numbers, strings, dates, lists):
the page renders it with the panel's `template` and the API returns it as it is.
"""

import datetime
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cached_property

from django.db.models import QuerySet

# Not a project role: the portal-wide reader group (apps/projects/roles.py, AUDITOR_PERMISSIONS).
AUDITOR = "compliance_auditor"
# "Due" on the dashboard: overdue, or due within this many days.
DUE_SOON_DAYS = 7
# Lines shown per queue section and per panel list; the totals count them all.
LIST_LIMIT = 10


@dataclass(frozen=True)
class QueueItem:
    """One line of the queue: what it is, where it is done, and when it is due."""

    title: str
    url: str
    project_name: str
    project_key: str
    due_on: datetime.date | None = None
    overdue: bool = False
    detail: str = ""


@dataclass(frozen=True)
class QueueSection:
    """What a queue provider answers: the first lines (most urgent first) and how many there are."""

    items: list[QueueItem]
    total: int
    overdue: int = 0


@dataclass
class Viewer:
    """The person a dashboard is for, with the dates every provider measures against.

    `visible` is the projects they may see (the restriction every provider starts from);
    `workable` leaves out retired projects, where nothing waits for anyone.
    """

    user: object
    today: datetime.date
    visible: QuerySet
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def horizon(self) -> datetime.date:
        """The last day that counts as due soon."""
        return self.today + datetime.timedelta(days=DUE_SOON_DAYS)

    @property
    def week(self) -> tuple[datetime.date, datetime.date]:
        """This calendar week, Monday to Sunday."""
        monday = self.today - datetime.timedelta(days=self.today.weekday())
        return monday, monday + datetime.timedelta(days=6)

    @cached_property
    def workable(self) -> QuerySet:
        from apps.projects.choices import ProjectStatus

        return self.visible.exclude(status=ProjectStatus.RETIRED)


@dataclass(frozen=True)
class QueueSource:
    key: str
    label: str
    provider: Callable[[Viewer], QueueSection]
    order: int
    empty: str  # the empty state: what it means and what to do
    more: str  # URL name of the page listing them all ("" when none does)


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    provider: Callable[[Viewer, QuerySet], dict]
    roles: frozenset[str]
    template: str
    order: int
    wide: bool  # spans the page's width (heat maps, boards) instead of half of it


_queue: dict[str, QueueSource] = {}
_panels: dict[str, Panel] = {}


def register_queue(
    key: str,
    provider: Callable[[Viewer], QueueSection],
    *,
    label: str,
    order: int = 100,
    empty: str = "",
    more: str = "",
) -> None:
    """Add a queue section; registering a key again replaces it (ready() may run twice).

    `empty` says what an empty section means and what to do; `more` names the URL of the page
    that lists every line when the section holds more than it shows.
    """
    _queue[key] = QueueSource(key, label, provider, order, empty or "Nothing here.", more)


def register_panel(
    key: str,
    provider: Callable[[Viewer, QuerySet], dict],
    *,
    title: str,
    roles,
    template: str,
    order: int = 100,
    wide: bool = False,
) -> None:
    """Add a role panel for the holders of any of `roles`; a key registered again replaces it."""
    _panels[key] = Panel(key, title, provider, frozenset(roles), template, order, wide)


def queue_sources() -> list[QueueSource]:
    return sorted(_queue.values(), key=lambda source: (source.order, source.key))


def panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.key))


def section(queryset, item: Callable[[object], QueueItem], *, overdue=None) -> QueueSection:
    """A queue section from an ordered queryset: its first LIST_LIMIT rows as items, and its counts.

    `overdue`: a Q picking the overdue rows, counted in the same query as the total (two queries in all).
    """
    from django.db.models import Count

    counted = {"total": Count("pk", distinct=True)}
    if overdue is not None:
        counted["overdue"] = Count("pk", filter=overdue, distinct=True)
    counts = queryset.order_by().aggregate(**counted)
    return QueueSection([item(row) for row in queryset[:LIST_LIMIT]], counts["total"], counts.get("overdue", 0))


def lines(queryset, item: Callable[[object], QueueItem], *, limit: int = LIST_LIMIT) -> list[dict]:
    """A panel's list: the first `limit` rows of an ordered queryset as plain dicts (one query)."""
    return [asdict(item(row)) for row in queryset[:limit]]
