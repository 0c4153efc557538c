"""Governance review series, their occurrences (the review records), decisions, follow-up
actions and the secret calendar feeds."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apps.core.models import AppendOnlyModel, TimeStampedModel
from apps.projects.choices import Role
from apps.projects.models import Project, ProjectScopedModel
from apps.signoffs.models import SignoffRequest

from . import rules
from .choices import OVERDUE_GRACE_DAYS, OccurrenceStatus, ReviewKind


def validate_roles(value):
    if not isinstance(value, list) or any(role not in Role.values for role in value):
        raise ValidationError("Give a list of project roles.")


class ReviewSeries(ProjectScopedModel):
    """A recurring governance review of one project: its kind, who chairs and attends, and when.

    The dates come from `rule` (RFC 5545 RRULE text) counted from `starts_on`; they
    are expanded when needed (rules.expand), not stored. Ad hoc series have no rule:
    their occurrences are added one by one.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="review_series")
    kind = models.CharField(max_length=20, choices=ReviewKind.choices)
    title = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)
    chair_role = models.CharField(max_length=30, choices=Role.choices)
    attendee_roles = models.JSONField(default=list, blank=True, validators=[validate_roles])
    starts_on = models.DateField()
    rule = models.CharField(
        max_length=rules.MAX_RULE_LENGTH,
        blank=True,
        help_text="RFC 5545 recurrence rule, e.g. FREQ=WEEKLY;BYDAY=MO. Empty for ad hoc reviews.",
    )
    lead_days = models.PositiveSmallIntegerField(
        default=1, help_text="How many days before an occurrence its chair and attendees are reminded."
    )
    paused_on = models.DateField(null=True, blank=True, help_text="No occurrences after this date while paused.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["project", "kind", "id"]
        verbose_name_plural = "review series"
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ReviewKind.values), name="reviewseries_kind_valid"),
            models.CheckConstraint(condition=Q(chair_role__in=Role.values), name="reviewseries_chair_role_valid"),
            models.CheckConstraint(condition=Q(lead_days__lte=60), name="reviewseries_lead_days_bounded"),
            models.CheckConstraint(
                condition=Q(kind=ReviewKind.AD_HOC, rule="") | (~Q(kind=ReviewKind.AD_HOC) & ~Q(rule="")),
                name="reviewseries_rule_unless_ad_hoc",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.project})"

    def get_absolute_url(self) -> str:
        return reverse("cadence:series-detail", kwargs={"project_slug": self.project.slug, "pk": self.pk})

    def clean(self):
        if self.kind == ReviewKind.AD_HOC:
            self.rule = ""
        elif self.starts_on:
            self.rule = rules.normalise_rule(self.rule, self.starts_on)
            if not self.rule:
                raise ValidationError({"rule": "A recurring review needs a recurrence rule."})

    @property
    def attendee_role_labels(self) -> list[str]:
        return [Role(role).label for role in self.attendee_roles]

    @property
    def is_paused(self) -> bool:
        return self.paused_on is not None

    def dates_between(self, first: datetime.date, last: datetime.date) -> list[datetime.date]:
        """Scheduled dates in [first, last]; none after the pause date."""
        if self.paused_on is not None:
            last = min(last, self.paused_on)
        return rules.expand(self.rule, self.starts_on, first, last)

    def next_on(self, after: datetime.date) -> datetime.date | None:
        """The first scheduled date strictly after `after` (None when paused or ad hoc)."""
        if self.is_paused:
            return None
        return rules.next_date(self.rule, self.starts_on, after)


class ReviewOccurrence(ProjectScopedModel):
    """One meeting of a series: the review record.

    A row exists once a meeting is recorded, once it is past (the daily sweep keeps
    unrecorded past meetings, so a missed one stays visible as missed even if the
    rule changes later), or when an ad hoc review is scheduled. Its status is derived
    from the dates and the record (`status`).
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="review_occurrences")
    series = models.ForeignKey(ReviewSeries, on_delete=models.RESTRICT, related_name="occurrences")
    scheduled_on = models.DateField()
    held_on = models.DateField(null=True, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    reviewed_risks = models.ManyToManyField("risks.Risk", blank=True, related_name="+")
    agenda = models.JSONField(default=list, blank=True, help_text="The agenda as prepared when the meeting was held.")
    minutes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    attestations = GenericRelation(
        SignoffRequest, content_type_field="target_type", object_id_field="target_id", related_query_name="review"
    )

    class Meta:
        ordering = ["-scheduled_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["series", "scheduled_on"], name="reviewoccurrence_one_per_date"),
            models.CheckConstraint(
                condition=Q(held_on__isnull=True) | Q(recorded_at__isnull=False),
                name="reviewoccurrence_held_is_recorded",
            ),
        ]
        indexes = [models.Index(fields=["project", "scheduled_on"], name="reviewocc_project_date")]

    def __str__(self) -> str:
        return f"{self.series.title} of {self.scheduled_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse(
            "cadence:occurrence-detail",
            kwargs={"project_slug": self.project.slug, "series_pk": self.series_id, "day": self.scheduled_on},
        )

    @property
    def status(self) -> str:
        return occurrence_status(self.series.kind, self.scheduled_on, self.held_on)

    def get_status_display(self) -> str:
        return OccurrenceStatus(self.status).label


def occurrence_status(kind: str, scheduled_on: datetime.date, held_on, *, today=None) -> str:
    """Held once recorded; before that upcoming, due on the day, overdue for the kind's grace, then missed."""
    if held_on is not None:
        return OccurrenceStatus.HELD
    today = today or timezone.localdate()
    if scheduled_on > today:
        return OccurrenceStatus.UPCOMING
    if scheduled_on == today:
        return OccurrenceStatus.DUE
    if (today - scheduled_on).days <= OVERDUE_GRACE_DAYS[kind]:
        return OccurrenceStatus.OVERDUE
    return OccurrenceStatus.MISSED


class ReviewDecision(AppendOnlyModel):
    """A decision taken in a review meeting. Recorded once, never changed."""

    occurrence = models.ForeignKey(ReviewOccurrence, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Decision of {self.occurrence}: {self.text[:60]}"

    def get_additional_data(self) -> dict:
        return {"project_id": self.occurrence.project_id}


class ActionItem(ProjectScopedModel):
    """A follow-up action from a review: an owner who is a member, a due date, done or not."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="review_actions")
    occurrence = models.ForeignKey(ReviewOccurrence, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["done_on", "due_on"], name="reviewaction_open_due")]

    def __str__(self) -> str:
        return f"{self.title} (due {self.due_on:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return self.occurrence.get_absolute_url()

    @property
    def is_overdue(self) -> bool:
        return self.done_on is None and self.due_on < timezone.localdate()


class CalendarFeed(TimeStampedModel):
    """A secret iCalendar subscription URL: personal (no project) or for one project.

    Only the SHA-256 of the token is stored; the URL is shown once when made.
    Revoking sets `revoked_at`; regenerating revokes and makes a new one. What a feed
    holds is re-checked against the person's access at every fetch.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(project__isnull=True, revoked_at__isnull=True),
                name="calendarfeed_one_personal",
            ),
            models.UniqueConstraint(
                fields=["user", "project"],
                condition=Q(project__isnull=False, revoked_at__isnull=True),
                name="calendarfeed_one_per_project",
            ),
        ]

    def __str__(self) -> str:
        scope = self.project or "personal"
        return f"Calendar feed of {self.user} ({scope}){' — revoked' if self.revoked_at else ''}"

    def get_additional_data(self) -> dict:
        return {"project_id": self.project_id} if self.project_id else {}
