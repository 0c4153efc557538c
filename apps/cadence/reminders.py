"""The one periodic sweep for dated records: reviews, their actions, deliverables, and whatever
other apps register (registry.register_reminder_planner).

Each planner says who should be told what today; every reminder goes through the
notification outbox with a `period_key` (the occurrence or due date, or the ISO week of
a digest), so the outbox's unique (kind, recipient, target, period_key) key keeps a
second run — two beats, a retried worker — from sending anything twice.
"""

import datetime
import logging
from itertools import islice

from django.db import transaction
from django.utils import timezone

from apps.notifications.services import Message, notify_many

from . import registry
from .services import occurrences_materialize

logger = logging.getLogger(__name__)


BATCH_SIZE = 500


def reminders_send(*, today: datetime.date | None = None) -> dict[str, int]:
    """Write down past occurrences, then queue every planner's reminders. Returns new rows per planner.

    Reminders are queued `BATCH_SIZE` at a time through notify_many (a few queries per batch).
    """
    today = today or timezone.localdate()
    counts = {"occurrences": occurrences_materialize(today=today)}
    for key, planner in registry.reminder_planners().items():
        new = 0
        with transaction.atomic():
            reminders = iter(planner(today=today))
            while batch := list(islice(reminders, BATCH_SIZE)):
                new += notify_many(
                    Message(
                        recipients=reminder.recipients,
                        category=reminder.category,
                        kind=reminder.kind,
                        subject=reminder.subject,
                        body=reminder.body,
                        target=reminder.target,
                        project=reminder.project,
                        period_key=reminder.period_key,
                        url=reminder.url,
                    )
                    for reminder in batch
                )
        counts[key] = new
    logger.info("cadence sweep for %s: %s", today, counts)
    return counts
