"""Writes of the governance cadence. Views, the API, the sweep, defaults and the demo call these.

The rules live here once:

* a series' dates come from its RFC 5545 rule and start date; changing the rule or
  pausing keeps what is past: the unrecorded past occurrences are written down first
  (as rows that show as missed), so history does not move with the rule;
* only people holding "Manage reviews" on the project schedule and record reviews;
  attending a meeting gives no right to record it;
* attendees, the chair and action owners are project members;
* decisions are append-only; the chair attests the record through the sign-off engine
  (the person who recorded the meeting cannot attest it); a later change to the record
  invalidates an approved attestation;
* a risk reviewed in the meeting is marked reviewed by the risk register's own
  "Reviewed, no change" (risks.services.risk_review).
"""

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.audit.services import audit_bulk_create
from apps.core.permissions import has_object_perm
from apps.projects import roles
from apps.projects.access import visible_projects
from apps.projects.choices import ProjectStatus
from apps.projects.models import Project
from apps.projects.selectors import project_members
from apps.projects.services import ensure_project_writable, project_lock
from apps.risks.models import Risk
from apps.risks.services import risk_review
from apps.signoffs import services as signoff_services
from apps.signoffs import targets
from apps.signoffs.approvers import ApproverSpec
from apps.signoffs.choices import RequestState
from apps.signoffs.models import SignoffRequest

from . import rules
from .choices import DEFAULT_LEAD_DAYS, DEFAULT_SERIES, ReviewKind
from .models import ActionItem, CalendarFeed, ReviewDecision, ReviewOccurrence, ReviewSeries

SERIES_EDITABLE_FIELDS = ("title", "purpose", "chair_role", "attendee_roles", "starts_on", "rule", "lead_days")
ATTESTATION_DUE_DAYS = 7
# How far back the sweep writes down past occurrences of a series (older ones predate the sweep).
MATERIALIZE_DAYS_BACK = 400
MATERIALIZE_BATCH_SIZE = 500  # series per locked batch of the daily sweep


def _ensure_manager(actor, project: Project) -> None:
    """Refuse who may not manage reviews, and retired projects; then lock the project row.

    Locks are taken in one order everywhere (see projects.services.project_lock): the project
    row, then the records a write touches, then the audit chain at the first audited write.
    Every cadence write calls this before it locks or writes anything else.
    """
    if not has_object_perm(actor, f"projects.{roles.MANAGE_REVIEWS}", project):
        raise PermissionDenied("Your project roles do not allow scheduling or recording reviews.")
    ensure_project_writable(project)
    project_lock(project.pk)


# --- Series ------------------------------------------------------------------------------


def _series_save(series: ReviewSeries) -> ReviewSeries:
    series.full_clean()
    series.save()
    return series


@transaction.atomic
def series_create(
    *,
    actor,
    project: Project,
    kind: str,
    title: str,
    starts_on: datetime.date,
    chair_role: str,
    attendee_roles: Iterable[str] = (),
    rule: str = "",
    purpose: str = "",
    lead_days: int | None = None,
) -> ReviewSeries:
    """Add a review series; a recurring kind without a rule gets the platform cadence's rule."""
    if actor is not None:
        _ensure_manager(actor, project)
    if kind != ReviewKind.AD_HOC and not rule.strip():
        rule = rules.default_rule(kind, starts_on)
    return _series_save(
        ReviewSeries(
            project=project,
            kind=kind,
            title=title,
            purpose=purpose,
            chair_role=chair_role,
            attendee_roles=list(attendee_roles),
            starts_on=starts_on,
            rule=rule,
            lead_days=DEFAULT_LEAD_DAYS[kind] if lead_days is None else lead_days,
            created_by=actor,
        )
    )


def _lock_series(series: ReviewSeries) -> ReviewSeries:
    return ReviewSeries.objects.select_for_update().select_related("project").get(pk=series.pk)


@transaction.atomic
def series_update(*, actor, series: ReviewSeries, **fields) -> ReviewSeries:
    """Change a series. Past occurrences are written down first, so a new rule only moves the future."""
    unknown = set(fields) - set(SERIES_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    _ensure_manager(actor, series.project)
    series = _lock_series(series)
    today = timezone.localdate()
    reschedules = series.kind != ReviewKind.AD_HOC and (
        fields.get("rule", series.rule) != series.rule or fields.get("starts_on", series.starts_on) != series.starts_on
    )
    if reschedules:
        _materialize([series], today=today)
    for name, value in fields.items():
        setattr(series, name, value)
    if reschedules:
        # The past is written down; the new rule counts from today (or the later start given).
        series.starts_on = max(series.starts_on, today)
    return _series_save(series)


@transaction.atomic
def series_pause(*, actor, series: ReviewSeries) -> ReviewSeries:
    """Stop scheduling after today; what is past stays, with its missed meetings."""
    _ensure_manager(actor, series.project)
    series = _lock_series(series)
    if series.is_paused:
        raise ValidationError("This series is already paused.")
    today = timezone.localdate()
    _materialize([series], today=today)
    series.paused_on = today
    return _series_save(series)


@transaction.atomic
def series_resume(*, actor, series: ReviewSeries) -> ReviewSeries:
    """Schedule again: the rule continues from its next date after today."""
    _ensure_manager(actor, series.project)
    series = _lock_series(series)
    if not series.is_paused:
        raise ValidationError("This series is not paused.")
    series.paused_on = None
    return _series_save(series)


@transaction.atomic
def series_defaults_apply(*, actor, project: Project) -> list[ReviewSeries]:
    """The guide's weekly, monthly and quarterly reviews for a new project (a project default).

    Each rule is the platform cadence anchored on the day the project starts, and the
    first meeting is one period later: a week, a calendar month, three calendar months.
    """
    anchor = timezone.localdate()
    have = set(ReviewSeries.objects.filter(project=project).values_list("kind", flat=True))
    series = []
    for spec in DEFAULT_SERIES:
        if spec["kind"] in have:
            continue
        rule = rules.default_rule(spec["kind"], anchor)
        one = ReviewSeries(
            project=project,
            starts_on=rules.next_date(rule, anchor, anchor),
            rule=rule,
            lead_days=DEFAULT_LEAD_DAYS[spec["kind"]],
            created_by=actor,
            **spec,
        )
        # The project and actor were just read; the constraints are the database's.
        one.full_clean(exclude=["project", "created_by"], validate_constraints=False)
        series.append(one)
    return audit_bulk_create(ReviewSeries, series) if series else []


# --- Occurrences -------------------------------------------------------------------------


def _materialize(series_list: list[ReviewSeries], *, today: datetime.date) -> int:
    """Write down the series' past occurrences that have no row yet (they show as missed or overdue).

    One read and one bulk insert (with its audit entries) for the whole list. A meeting
    recorded meanwhile for one of the dates makes the insert fail on the unique key: the
    batch is read again (the recorded row is committed by then) and the rest written.
    """
    wanted: dict[tuple[int, datetime.date], ReviewSeries] = {}
    for series in series_list:
        if series.kind != ReviewKind.AD_HOC:
            first = max(series.starts_on, today - datetime.timedelta(days=MATERIALIZE_DAYS_BACK))
            wanted.update(
                ((series.pk, day), series) for day in series.dates_between(first, today - datetime.timedelta(days=1))
            )
    if not wanted:
        return 0
    try:
        with transaction.atomic():
            return _insert_missing(wanted, today=today)
    except IntegrityError:
        return _insert_missing(wanted, today=today)


def _insert_missing(wanted: dict[tuple[int, datetime.date], ReviewSeries], *, today: datetime.date) -> int:
    existing = set(
        ReviewOccurrence.objects.filter(
            series__in={series.pk for series in wanted.values()},
            scheduled_on__gte=min(day for _, day in wanted),
            scheduled_on__lt=today,
        ).values_list("series_id", "scheduled_on")
    )
    missing = [
        ReviewOccurrence(project_id=series.project_id, series=series, scheduled_on=day)
        for (series_pk, day), series in wanted.items()
        if (series_pk, day) not in existing
    ]
    return len(audit_bulk_create(ReviewOccurrence, missing)) if missing else 0


def occurrences_materialize(*, today: datetime.date | None = None) -> int:
    """The daily sweep's first step: past occurrences of every active series get their row.

    Series are taken `MATERIALIZE_BATCH_SIZE` at a time by id and locked (NO KEY UPDATE: recording a
    meeting still inserts), so a second sweep running at once waits for each batch and
    then finds its rows written; a fixed number of queries per batch.
    """
    today = today or timezone.localdate()
    active = (
        ReviewSeries.objects.exclude(kind=ReviewKind.AD_HOC)
        .exclude(project__status=ProjectStatus.RETIRED)
        .order_by("pk")
        .select_for_update(no_key=True, of=("self",))
    )
    made, after = 0, 0
    while True:
        with transaction.atomic():
            batch = list(active.filter(pk__gt=after)[:MATERIALIZE_BATCH_SIZE])
            if not batch:
                return made
            made += _materialize(batch, today=today)
        after = batch[-1].pk


def occurrence_is_scheduled(series: ReviewSeries, day: datetime.date) -> bool:
    """True when `day` is one of the series' dates (by its rule, or an existing occurrence)."""
    return (
        day in series.dates_between(day, day)
        or ReviewOccurrence.objects.filter(series=series, scheduled_on=day).exists()
    )


def _occurrence_get_or_create(series: ReviewSeries, day: datetime.date) -> ReviewOccurrence:
    occurrence = ReviewOccurrence.objects.select_for_update().filter(series=series, scheduled_on=day).first()
    if occurrence is not None:
        return occurrence
    if day not in series.dates_between(day, day):
        raise ValidationError({"scheduled_on": f"{series.title} has no meeting on {day:%-d %b %Y}."})
    try:
        with transaction.atomic():
            ReviewOccurrence.objects.create(project_id=series.project_id, series=series, scheduled_on=day)
    except IntegrityError:
        pass  # written meanwhile by the sweep or another recorder
    return ReviewOccurrence.objects.select_for_update().get(series=series, scheduled_on=day)


@transaction.atomic
def occurrence_schedule(*, actor, series: ReviewSeries, scheduled_on: datetime.date) -> ReviewOccurrence:
    """Schedule an ad hoc review (incident review, regulatory change response) on a date."""
    _ensure_manager(actor, series.project)
    if series.kind != ReviewKind.AD_HOC:
        raise ValidationError("Recurring reviews are scheduled by their rule; change the rule instead.")
    if ReviewOccurrence.objects.filter(series=series, scheduled_on=scheduled_on).exists():
        raise ValidationError({"scheduled_on": "This review is already scheduled on that date."})
    occurrence = ReviewOccurrence(project_id=series.project_id, series=series, scheduled_on=scheduled_on)
    occurrence.full_clean()
    occurrence.save()
    return occurrence


def _lock_attestations(occurrence: ReviewOccurrence) -> None:
    """The meeting's sign-off requests, locked before the record changes (a change may invalidate one)."""
    if occurrence.pk is not None:
        list(occurrence.attestations.select_for_update().order_by("pk"))


def _members(project: Project, users: Iterable, what: str) -> list:
    users = [user for user in users if user is not None]
    members = set(project_members(project=project).values_list("pk", flat=True))
    outsiders = sorted(str(user) for user in users if user.pk not in members)
    if outsiders:
        raise ValidationError({what: f"Only project members can be named here: {', '.join(outsiders)}."})
    return users


@transaction.atomic
def occurrence_record(
    *,
    actor,
    series: ReviewSeries,
    scheduled_on: datetime.date,
    held_on: datetime.date,
    attendees: Iterable,
    chair=None,
    minutes: str = "",
    decisions: Iterable[str] = (),
    actions: Iterable[dict] = (),
    reviewed_risks: Iterable[Risk] = (),
    agenda: list[dict] | None = None,
) -> ReviewOccurrence:
    """Record that a meeting was held: who attended, what was decided and who does what next.

    Recording again corrects the attendees, chair and minutes and adds decisions and
    actions (decisions are never removed). The agenda is kept as prepared at the
    first recording. Risks named in `reviewed_risks` are marked reviewed in the register.
    """
    _ensure_manager(actor, series.project)
    project = series.project
    reviewed_risks = list(reviewed_risks)
    # Row locks before the first audited write: the risks marked reviewed, the meeting, its attestation.
    list(Risk.objects.select_for_update().filter(pk__in=[risk.pk for risk in reviewed_risks]).order_by("pk"))
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "A meeting cannot be recorded before it has happened."})
    attendees = _members(project, attendees, "attendees")
    if not attendees:
        raise ValidationError({"attendees": "Name at least one attendee."})
    if chair is not None:
        _members(project, [chair], "chair")
    occurrence = _occurrence_get_or_create(series, scheduled_on)
    _lock_attestations(occurrence)
    first_recording = occurrence.held_on is None
    occurrence.held_on = held_on
    occurrence.chair = chair
    occurrence.minutes = minutes.strip()
    occurrence.recorded_by = actor
    occurrence.recorded_at = timezone.now()
    if first_recording and agenda is not None:
        occurrence.agenda = agenda
    occurrence.full_clean()
    occurrence.save()
    occurrence.attendees.set(list({user.pk: user for user in [*attendees, chair] if user is not None}.values()))
    for text in decisions:
        decision_add(actor=actor, occurrence=occurrence, text=text, _checked=True)
    for action in actions:
        action_add(actor=actor, occurrence=occurrence, _checked=True, **action)
    for risk in reviewed_risks:
        if risk.project_id != project.pk:
            raise ValidationError({"reviewed_risks": f"{risk.code} is not a risk of this project."})
        risk_review(actor=actor, risk=risk, note=f"Reviewed in {occurrence}.")
        occurrence.reviewed_risks.add(risk)
    signoff_services.signoff_check_current(target=occurrence)
    if first_recording and chair is not None and chair.pk != actor.pk:
        attestation_request(actor=actor, occurrence=occurrence)
    return occurrence


@transaction.atomic
def decision_add(*, actor, occurrence: ReviewOccurrence, text: str, _checked: bool = False) -> ReviewDecision:
    """Append a decision to a held meeting's record."""
    if not _checked:
        _ensure_manager(actor, occurrence.project)
        _lock_attestations(occurrence)
    if occurrence.held_on is None:
        raise ValidationError("Record the meeting before adding decisions to it.")
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write the decision."})
    decision = ReviewDecision(occurrence=occurrence, text=text, recorded_by=actor)
    decision.full_clean()
    decision.save()
    if not _checked:
        signoff_services.signoff_check_current(target=occurrence)
    return decision


@transaction.atomic
def action_add(
    *, actor, occurrence: ReviewOccurrence, title: str, owner, due_on: datetime.date, _checked: bool = False
) -> ActionItem:
    """Add a follow-up action with an owner who is a member and a due date."""
    if not _checked:
        _ensure_manager(actor, occurrence.project)
        _lock_attestations(occurrence)
    if occurrence.held_on is None:
        raise ValidationError("Record the meeting before adding follow-up actions to it.")
    _members(occurrence.project, [owner], "owner")
    action = ActionItem(
        project_id=occurrence.project_id,
        occurrence=occurrence,
        title=title.strip(),
        owner=owner,
        due_on=due_on,
        created_by=actor,
    )
    action.full_clean()
    action.save()
    if not _checked:
        signoff_services.signoff_check_current(target=occurrence)
    return action


@transaction.atomic
def action_complete(*, actor, action: ActionItem, done: bool = True) -> ActionItem:
    """Mark an action done (or open again). Its owner may, besides those who manage reviews."""
    project_lock(action.project_id)
    action = ActionItem.objects.select_for_update().select_related("project").get(pk=action.pk)
    if actor.pk != action.owner_id:
        _ensure_manager(actor, action.project)
    ensure_project_writable(action.project)
    action.done_on = timezone.localdate() if done else None
    action.full_clean()
    action.save(update_fields=["done_on", "updated_at"])
    return action


# --- Chair attestation through the sign-off engine ---------------------------------------


class ReviewAttestation(targets.TargetAdapter):
    """How the sign-off engine sees a review record: the chair signs what was recorded."""

    model = ReviewOccurrence

    def default_approvers(self, occurrence) -> ApproverSpec:
        return ApproverSpec(people=(occurrence.chair,) if occurrence.chair else (), source="the meeting's chair")

    def label(self, occurrence) -> str:
        return f"Review record: {occurrence}"[:200]

    def snapshot(self, occurrence) -> dict:
        occurrence = ReviewOccurrence.objects.select_related("series", "chair").get(pk=occurrence.pk)
        return {
            "review": occurrence.series.title,
            "scheduled_on": occurrence.scheduled_on.isoformat(),
            "held_on": occurrence.held_on.isoformat() if occurrence.held_on else "",
            "chair": str(occurrence.chair or ""),
            "attendees": sorted(str(user) for user in occurrence.attendees.all()),
            "minutes": occurrence.minutes,
            "decisions": [decision.text for decision in occurrence.decisions.order_by("id")],
            "actions": [
                f"{action.title} — {action.owner}, due {action.due_on.isoformat()}"
                for action in occurrence.actions.select_related("owner").order_by("id")
            ],
            "risks_reviewed": sorted(risk.code for risk in occurrence.reviewed_risks.all()),
        }


def attestation_current(occurrence: ReviewOccurrence) -> SignoffRequest | None:
    return occurrence.attestations.order_by("-id").first()


@transaction.atomic
def attestation_request(*, actor, occurrence: ReviewOccurrence) -> SignoffRequest:
    """Ask the meeting's chair to attest the record (someone other than the chair asks)."""
    _ensure_manager(actor, occurrence.project)
    if occurrence.held_on is None:
        raise ValidationError("Only a held meeting's record can be attested.")
    if occurrence.chair is None:
        raise ValidationError("Name the chair of the meeting first.")
    if occurrence.chair_id == actor.pk:
        raise ValidationError(
            "The chair attests a record someone else wrote: ask another member who manages reviews to request it."
        )
    current = attestation_current(occurrence)
    if current is not None and current.state in (RequestState.OPEN, RequestState.APPROVED):
        raise ValidationError("The chair's attestation is already requested or given.")
    return signoff_services.signoff_request(
        actor=actor,
        target=occurrence,
        due_on=timezone.localdate() + datetime.timedelta(days=ATTESTATION_DUE_DAYS),
        note="Please attest that this record of the review is accurate.",
    )


# --- Calendar feeds ----------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_create(*, actor, project: Project | None = None) -> tuple[CalendarFeed, str]:
    """A new secret feed (the previous one of the same scope stops working). Returns it and its token.

    The token is shown once; only its hash is kept.
    """
    if project is not None and not visible_projects(actor).filter(pk=project.pk).exists():
        raise PermissionDenied("Only members of a project can subscribe to its calendar.")
    get_user_model().objects.select_for_update().get(pk=actor.pk)  # one regeneration at a time per person
    calendar_feed_revoke(actor=actor, project=project)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(user=actor, project=project, token_hash=_token_hash(token))
    feed.full_clean()
    feed.save()
    return feed, token


@transaction.atomic
def calendar_feed_revoke(*, actor, project: Project | None = None) -> int:
    """Stop the person's active feed of this scope. Returns how many were revoked."""
    revoked = 0
    for feed in CalendarFeed.objects.select_for_update().filter(user=actor, project=project, revoked_at=None):
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at", "updated_at"])
        revoked += 1
    return revoked


def calendar_feed_resolve(token: str) -> CalendarFeed | None:
    """The active feed whose token this is, or None. Compared in constant time on the hash."""
    if not token or len(token) > 100:
        return None
    wanted = _token_hash(token)
    feed = (
        CalendarFeed.objects.select_related("user", "project")
        .filter(token_hash=wanted, revoked_at=None, user__is_active=True)
        .first()
    )
    if feed is None or not hmac.compare_digest(feed.token_hash, wanted):
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=timezone.now())
    return feed
