"""Writes of the notification outbox: queue messages, deliver them, mark them read, set preferences.

`notify()` is the only way a message reaches a person. It stores one row per
recipient in the caller's transaction and, after commit, asks the sender task to
deliver. `notifications_send()` is the only code that hands mail to the mail server.
"""

import datetime
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError, get_connection, send_mail
from django.db import models, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .choices import DIGEST_CATEGORY, DIGEST_KIND, Delivery, State
from .mail import absolute_url, clean_header, render_email
from .models import Notification, NotificationPreference, target_key_for
from .registry import get_category

logger = logging.getLogger(__name__)

SEND_BATCH_SIZE = 200
MAX_ATTEMPTS = 30
MAX_BACKOFF = datetime.timedelta(hours=1)
# The mail server refused this one message: retrying cannot help, and it must not hold up the rest.
UNDELIVERABLE = (smtplib.SMTPRecipientsRefused, BadHeaderError, ValueError)
# The mail server cannot be reached or hung up: every message waits for the next run.
SERVER_UNAVAILABLE = (ConnectionRefusedError, smtplib.SMTPServerDisconnected, OSError)


def _schedule_sending() -> None:
    """After commit, ask the sender to run (robust: a broker that is down must not turn the caller's
    committed write into an error; the periodic run delivers the rows instead)."""
    transaction.on_commit(_send_soon, robust=True)


def _send_soon() -> None:
    from .tasks import send_pending_notifications

    send_pending_notifications.delay()


@dataclass
class Message:
    """One notice to queue for some people (see `notify`)."""

    recipients: Iterable
    category: str
    kind: str
    subject: str
    body: str
    target: models.Model | None = None
    project: object = None
    period_key: str = ""
    url: str = ""


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    category: str,
    kind: str,
    subject: str,
    body: str,
    target: models.Model | None = None,
    project=None,
    period_key: str = "",
    url: str = "",
) -> int:
    """Queue one notification per active recipient; return how many were new.

    A row that exists for the same (kind, recipient, target, period_key) is left
    alone, so calling this again, from a second beat or a retried task, is a no-op.
    Nothing is sent here: the sender task runs after the transaction commits.
    """
    return notify_many([Message(recipients, category, kind, subject, body, target, project, str(period_key), url)])


@transaction.atomic
def notify_many(messages: Iterable[Message]) -> int:
    """`notify` for many messages at once, in four queries whatever their number; return how many rows
    were new. Periodic sweeps queue their reminders through this, a batch at a time."""
    now = timezone.now()
    wanted: dict[tuple, Notification] = {}
    for message in messages:
        get_category(message.category)
        target = message.target
        common = {
            "category": message.category,
            "kind": message.kind,
            "target_type": ContentType.objects.get_for_model(target) if target is not None else None,
            "target_id": target.pk if target is not None else None,
            "target_key": target_key_for(target),
            "project": message.project,
            "period_key": str(message.period_key),
            "subject": clean_header(message.subject),
            "body": message.body,
            "url": message.url,
            "created_at": now,
            "next_attempt_at": now,
        }
        for person in message.recipients:
            if person is None or not person.is_active:
                continue
            key = (common["kind"], person.pk, common["target_key"], common["period_key"])
            wanted.setdefault(key, Notification(recipient_id=person.pk, **common))
    if not wanted:
        return 0
    keys = list(wanted)
    existing = set(
        Notification.objects.filter(
            kind__in={k[0] for k in keys},
            recipient_id__in={k[1] for k in keys},
            target_key__in={k[2] for k in keys},
            period_key__in={k[3] for k in keys},
        ).values_list("kind", "recipient_id", "target_key", "period_key")
    )
    rows = [row for key, row in wanted.items() if key not in existing]
    if not rows:
        return 0
    chosen = {
        (user_id, category): delivery
        for user_id, category, delivery in NotificationPreference.objects.filter(
            user_id__in={row.recipient_id for row in rows}, category__in={row.category for row in rows}
        ).values_list("user_id", "category", "delivery")
    }
    for row in rows:
        row.delivery = chosen.get((row.recipient_id, row.category), Delivery.EMAIL)
        row.state = State.IN_APP if row.delivery == Delivery.IN_APP else State.PENDING
    # A concurrent call may insert the same key meanwhile: the constraint keeps its row, not ours.
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    # Ours are the rows of our keys stamped with our `now` (the others were inserted by someone else).
    ours = {(row.kind, row.recipient_id, row.target_key, row.period_key) for row in rows}
    created = sum(
        key in ours
        for key in Notification.objects.filter(
            created_at=now,
            kind__in={row.kind for row in rows},
            recipient_id__in={row.recipient_id for row in rows},
            target_key__in={row.target_key for row in rows},
        ).values_list("kind", "recipient_id", "target_key", "period_key")
    )
    if created and any(row.delivery == Delivery.EMAIL for row in rows):
        _schedule_sending()
    return created


# --- Delivery ---------------------------------------------------------------------


def _backoff(attempts: int) -> datetime.timedelta:
    return min(datetime.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


DELIVERY_FIELDS = ["state", "attempts", "sent_at", "last_error", "next_attempt_at"]


def _mark(row: Notification, **fields) -> None:
    """Set the outcome on the row; `_save_outcomes` writes a batch's outcomes together."""
    for name, value in fields.items():
        setattr(row, name, value)


def _save_outcomes(rows: list[Notification], *, now) -> None:
    """Write the delivery outcome of a batch: one UPDATE for the sent rows (the common outcome, all
    stamped `now`), one for the others if any, plus one per digest that went out."""
    sent = [row.pk for row in rows if row.state == State.SENT]
    if sent:
        # The rows are locked, so the database's attempts is the one `_deliver` counted from.
        Notification.objects.filter(pk__in=sent).update(
            state=State.SENT, attempts=F("attempts") + 1, sent_at=now, last_error=""
        )
    others = [row for row in rows if row.state != State.SENT]
    if others:
        Notification.objects.bulk_update(others, DELIVERY_FIELDS)
    for row in rows:
        if row.kind == DIGEST_KIND and row.state != State.PENDING:
            # The messages a digest carried share its fate.
            Notification.objects.filter(digest=row).update(
                state=row.state, sent_at=row.sent_at, last_error=row.last_error
            )


def _deliver(row: Notification, connection, *, now) -> bool:
    """Try to e-mail one locked row; False when the mail server is unavailable (stop this run)."""
    if not row.recipient.email:
        _mark(row, state=State.FAILED, attempts=row.attempts + 1, last_error="The recipient has no e-mail address.")
        return True
    try:
        subject, body = render_email(row)
        send_mail(subject, body, None, [row.recipient.email], connection=connection)
    except UNDELIVERABLE as error:
        _mark(row, state=State.FAILED, attempts=row.attempts + 1, last_error=f"{type(error).__name__}: {error}")
        return True
    except SERVER_UNAVAILABLE as error:
        attempts = row.attempts + 1
        fields = {"attempts": attempts, "last_error": f"{type(error).__name__}: {error}"}
        if attempts >= MAX_ATTEMPTS:
            fields["state"] = State.FAILED
        else:
            fields["next_attempt_at"] = now + _backoff(attempts)
        _mark(row, **fields)
        logger.warning("Mail server unavailable, notification %s waits: %s", row.pk, error)
        return False
    _mark(row, state=State.SENT, attempts=row.attempts + 1, sent_at=now, last_error="")
    return True


def notifications_send(*, batch_size: int = SEND_BATCH_SIZE, max_batches: int | None = None) -> int:
    """E-mail the due rows, the whole backlog in one run (or `max_batches` batches); return how many
    the mail server accepted.

    Rows are taken in batches with SELECT ... FOR UPDATE SKIP LOCKED, each batch in
    its own transaction: two workers at once never take the same row, and a row is
    marked sent only after the mail server accepted it (the batch's outcomes are
    written together, in its transaction). A message the server refuses is marked
    failed and the rest go on; when the server cannot be reached, the row backs off
    and the run stops, and the next periodic run tries again. Every row taken leaves
    the due set (sent, failed or backed off), so the run ends.
    """
    sent = 0
    connection = get_connection(fail_silently=False)
    batches = 0
    while max_batches is None or batches < max_batches:
        batches += 1
        with transaction.atomic():
            now = timezone.now()
            rows = list(
                Notification.objects.due(now=now)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .order_by("next_attempt_at", "id")[:batch_size]
            )
            if not rows:
                return sent
            handled = []
            server_up = True
            for row in rows:
                server_up = _deliver(row, connection, now=now)
                handled.append(row)
                sent += row.state == State.SENT
                if not server_up:
                    break
            _save_outcomes(handled, now=now)
            if not server_up:
                return sent
    return sent


@transaction.atomic
def notifications_requeue(*, notifications) -> int:
    """Queue failed e-mails again (after fixing an address, say); return how many."""
    count = notifications.filter(state=State.FAILED, delivery=Delivery.EMAIL).update(
        state=State.PENDING, next_attempt_at=timezone.now(), attempts=0
    )
    if count:
        _schedule_sending()
    return count


# --- Daily digest --------------------------------------------------------------------


def _digest_for(*, recipient_id: int, day: datetime.date) -> Notification | None:
    """Gather `recipient_id`'s digest messages into today's digest row; None if nothing is new or it exists."""
    items = list(
        Notification.objects.filter(
            recipient_id=recipient_id, delivery=Delivery.DIGEST, state=State.PENDING, digest__isnull=True
        )
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("recipient", "project")
        .order_by("created_at", "id")
    )
    todays = Notification.objects.filter(
        kind=DIGEST_KIND, recipient_id=recipient_id, target_key="", period_key=day.isoformat()
    )
    if not items or todays.exists():
        return None
    recipient = items[0].recipient
    now = timezone.now()
    body = render_to_string(
        "notifications/email/digest.txt",
        {
            "recipient": recipient,
            "items": [
                {"subject": i.subject, "project": i.project, "created_at": i.created_at, "link": absolute_url(i.url)}
                for i in items
            ],
            "centre_link": absolute_url(reverse("notifications:list")),
        },
    )
    digest = Notification(
        category=DIGEST_CATEGORY,
        kind=DIGEST_KIND,
        recipient=recipient,
        period_key=day.isoformat(),
        subject=clean_header(f"Your daily digest: {len(items)} new notification{'s' if len(items) != 1 else ''}"),
        body=body,
        url=reverse("notifications:list"),
        created_at=now,
        next_attempt_at=now,
    )
    # The unique key makes this once per person and day, however often the task runs.
    Notification.objects.bulk_create([digest], ignore_conflicts=True)
    digest = todays.filter(created_at=now).first()
    if digest is None:
        return None
    Notification.objects.filter(pk__in=[item.pk for item in items]).update(digest=digest)
    return digest


def notifications_build_digests(*, today: datetime.date | None = None) -> int:
    """Queue one digest e-mail per person with new digest messages; return how many were queued."""
    day = today or timezone.localdate()
    recipients = (
        Notification.objects.filter(delivery=Delivery.DIGEST, state=State.PENDING, digest__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    queued = 0
    for recipient_id in sorted(set(recipients)):
        with transaction.atomic():
            queued += _digest_for(recipient_id=recipient_id, day=day) is not None
    return queued


# --- The notification centre and preferences -------------------------------------------


@transaction.atomic
def notification_mark_read(*, actor, notification: Notification) -> Notification:
    """Mark one of `actor`'s notifications read (reading it twice keeps the first time)."""
    if notification.recipient_id != actor.pk:
        raise ValidationError("This notification is not yours.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor, category: str | None = None) -> int:
    """Mark all of `actor`'s unread notifications read (optionally one category); return how many."""
    unread = Notification.objects.for_centre(actor).unread()
    if category:
        unread = unread.filter(category=category)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def notification_preference_set(*, actor, category: str, delivery: str) -> NotificationPreference:
    """Choose how `actor` receives `category`: e-mail at once, daily digest, or in-app only."""
    try:
        get_category(category)
    except LookupError:
        raise ValidationError({"category": f"There is no notification category {category!r}."}) from None
    preference, _ = NotificationPreference.objects.get_or_create(user=actor, category=category)
    preference.delivery = delivery
    preference.full_clean()
    preference.save()
    return preference
