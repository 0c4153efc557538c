"""Incidents, their append-only timeline, post-incident reviews and action items.

An incident's code (INC-001, INC-002, ...) comes from its project's
`IncidentCounter`, taken under a row lock, as risk codes do: codes never change and
are never reused. The status and its timestamps are written only by
`services.incident_transition`; durations are computed from the timestamps.
Timeline entries are append-only. A review's approval is what its sign-off
request says; `approved_at` caches it for filters and figures.
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apps.core.codes import RecordCode
from apps.core.models import AppendOnlyModel
from apps.projects.models import Project, ProjectScopedModel
from apps.signoffs.models import SignoffRequest

from .choices import (
    ACKNOWLEDGE_TARGET,
    LIVE_STATUSES,
    MITIGATE_TARGET,
    OPEN_ACTION_STATUSES,
    ActionStatus,
    ArtifactKind,
    Category,
    EntryKind,
    Severity,
    Status,
)

CODE = RecordCode("INC-")
USER = settings.AUTH_USER_MODEL


format_code = CODE.format
parse_code = CODE.parse


class IncidentCounter(ProjectScopedModel):
    """One per project: numbers its incidents and holds the Alertmanager webhook's token hash."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="incident_counter")
    last_number = models.PositiveIntegerField(default=0, editable=False)
    webhook_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    webhook_token_hint = models.CharField(
        max_length=8, blank=True, editable=False, help_text="The token's last characters, to recognise it."
    )
    webhook_token_created_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return f"Incident numbering of {self.project}"


class IncidentQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=LIVE_STATUSES)


class Incident(ProjectScopedModel):
    """A production failure of a project's model, from detection to a closed post-incident review."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="incidents")
    number = models.PositiveIntegerField(editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    severity = models.CharField(max_length=2, choices=Severity.choices)
    category = models.CharField(max_length=30, choices=Category.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DETECTED, editable=False)
    # Trigger (guide 003's runbook): what fired.
    trigger_metric = models.CharField(max_length=200, blank=True)
    trigger_observed_value = models.CharField("observed value", max_length=100, blank=True)
    trigger_threshold = models.CharField("threshold", max_length=100, blank=True)
    trigger_at = models.DateTimeField("triggered at", null=True, blank=True)
    affected_model_version = models.CharField(max_length=120, blank=True)
    # Rollback (guide 003: previous model version, command reference, validation after rollback).
    rollback_target_version = models.CharField(
        "rollback target", max_length=120, blank=True, help_text="The previous model version to roll back to."
    )
    rollback_command_ref = models.CharField("rollback command", max_length=300, blank=True)
    rollback_validation = models.TextField("validation after rollback", blank=True)
    rolled_back_at = models.DateTimeField(null=True, blank=True)
    # Communication channels (guide 002's communication plan, guide 003's runbook).
    channel_slack = models.CharField("incident channel", max_length=120, blank=True)
    channel_email = models.CharField("e-mail distribution list", max_length=254, blank=True)
    channel_status_page = models.URLField("status page", max_length=300, blank=True)
    # Roles on the incident, filled from project members.
    commander = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="incident commander"
    )
    data_scientist = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    mlops_engineer = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="MLOps engineer"
    )
    product_owner = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    compliance_officer = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Status timestamps: written by services.incident_transition only.
    detected_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True, editable=False)
    mitigated_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    review_due_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the review was submitted for sign-off."
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The imported runbook (guide 003's template): planned timeline steps and anything else it said.
    runbook = models.JSONField(default=dict, blank=True, editable=False)
    # Alertmanager: the fingerprint deduplicates repeated notifications of one alert.
    alert_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    alert_labels = models.JSONField(default=dict, blank=True, editable=False)
    alert_last_received_at = models.DateTimeField(null=True, blank=True, editable=False)
    alert_resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    related_risks = models.ManyToManyField(
        "risks.Risk", through="IncidentRiskLink", related_name="incidents", blank=True
    )

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["project", "-number"]
        indexes = [
            models.Index(fields=["status", "severity"], name="incident_status_severity"),
            models.Index(fields=["detected_at"], name="incident_detected_at"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="incident_code_unique_in_project"),
            models.UniqueConstraint(
                fields=["project", "alert_fingerprint"],
                condition=~Q(alert_fingerprint="") & Q(status__in=LIVE_STATUSES),
                name="incident_one_live_per_alert",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="incident_number_positive"),
            models.CheckConstraint(condition=Q(severity__in=Severity.values), name="incident_severity_valid"),
            models.CheckConstraint(condition=Q(category__in=Category.values), name="incident_category_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="incident_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=Status.CLOSED) | Q(closed_at__isnull=False, resolved_at__isnull=False),
                name="incident_closed_has_timestamps",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=models.F("detected_at")),
                name="incident_acknowledged_after_detection",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=models.F("detected_at")),
                name="incident_resolved_after_detection",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def code(self) -> str:
        return format_code(self.number) if self.number else "INC-new"

    def get_absolute_url(self) -> str:
        return reverse("incidents:incident-detail", kwargs={"project_slug": self.project.slug, "code": self.code})

    def get_additional_data(self) -> dict:
        return {"project_id": self.project_id, "incident_id": self.pk}

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    # --- Durations, compared with the guide's targets ---------------------------------
    @staticmethod
    def _span(start, end) -> datetime.timedelta | None:
        return end - start if start and end else None

    @property
    def time_to_acknowledge(self) -> datetime.timedelta | None:
        return self._span(self.detected_at, self.acknowledged_at)

    @property
    def time_to_mitigate(self) -> datetime.timedelta | None:
        return self._span(self.detected_at, self.mitigated_at)

    @property
    def duration(self) -> datetime.timedelta | None:
        """Detection to resolution (the review template's "Duration")."""
        return self._span(self.detected_at, self.resolved_at)

    @property
    def acknowledge_target_met(self) -> bool | None:
        span = self.time_to_acknowledge
        return None if span is None else span <= ACKNOWLEDGE_TARGET

    @property
    def mitigate_target_met(self) -> bool | None:
        span = self.time_to_mitigate
        return None if span is None else span <= MITIGATE_TARGET


class IncidentRiskLink(models.Model):
    """An incident linked to a risk of the same project's register (opened from it or found there)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="risk_links")
    risk = models.ForeignKey("risks.Risk", on_delete=models.CASCADE, related_name="incident_links")
    linked_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    opened_from_incident = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["risk__number"]
        constraints = [models.UniqueConstraint(fields=["incident", "risk"], name="incident_risk_link_unique")]

    def __str__(self) -> str:
        return f"{self.incident.code} ↔ {self.risk.code}"

    def get_additional_data(self) -> dict:
        return {"project_id": self.incident.project_id, "incident_id": self.incident_id}


class IncidentArtifact(models.Model):
    """Something collected for the investigation (guide 003: logs, metrics snapshot, config diff)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="artifacts")
    kind = models.CharField(max_length=20, choices=ArtifactKind.choices)
    reference = models.CharField(max_length=500, help_text="A path, a dashboard export or a link.")
    note = models.CharField(max_length=300, blank=True)
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=ArtifactKind.values), name="artifact_kind_valid")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.reference}"

    def get_additional_data(self) -> dict:
        return {"project_id": self.incident.project_id, "incident_id": self.incident_id}


class TimelineEntry(AppendOnlyModel):
    """One timestamped line of what happened, with who wrote it. Never changed, never removed."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(default=timezone.now, help_text="When it happened (may be earlier than written).")
    kind = models.CharField(max_length=20, choices=EntryKind.choices, default=EntryKind.NOTE)
    text = models.TextField()
    author = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="Empty: the portal."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "timeline entries"
        constraints = [models.CheckConstraint(condition=Q(kind__in=EntryKind.values), name="timeline_kind_valid")]

    def __str__(self) -> str:
        return f"{self.incident.code} {self.at:%Y-%m-%d %H:%M} {self.text[:60]}"

    def get_additional_data(self) -> dict:
        return {"project_id": self.incident.project_id, "incident_id": self.incident_id}


class PostIncidentReview(models.Model):
    """Guide 002's Post-Incident Review Template as a document, signed off through the engine.

    Date, severity, duration and the timeline come from the incident; the rest is
    written here. It is due `due_on`: 5 business days after resolution.
    """

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="review")
    due_on = models.DateField(editable=False)
    root_cause_identified_at = models.DateTimeField(null=True, blank=True)
    users_affected = models.PositiveIntegerField(null=True, blank=True)
    revenue_impact = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Estimated, in the company's currency."
    )
    predictions_affected = models.PositiveBigIntegerField(null=True, blank=True)
    data_loss = models.BooleanField(null=True, blank=True)
    root_cause = models.TextField(blank=True, help_text="One or two paragraphs: what went wrong and why.")
    went_well = models.TextField("what went well", blank=True, help_text="One point per line.")
    went_poorly = models.TextField("what went poorly", blank=True, help_text="One point per line.")
    approved_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the current sign-off was approved (a cache of it)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    signoffs = GenericRelation(
        SignoffRequest,
        content_type_field="target_type",
        object_id_field="target_id",
        related_query_name="incident_review",
    )

    class Meta:
        ordering = ["due_on"]

    def __str__(self) -> str:
        return f"Post-incident review of {self.incident}"

    def get_absolute_url(self) -> str:
        return reverse(
            "incidents:review", kwargs={"project_slug": self.incident.project.slug, "code": self.incident.code}
        )

    def get_additional_data(self) -> dict:
        return {"project_id": self.incident.project_id, "incident_id": self.incident_id}

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def is_overdue(self) -> bool:
        return self.approved_at is None and self.due_on < timezone.localdate()

    @property
    def on_time(self) -> bool | None:
        if self.approved_at is None:
            return None
        return timezone.localdate(self.approved_at) <= self.due_on

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line.strip().lstrip("-•* ").strip() for line in (text or "").splitlines() if line.strip()]


class ActionItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_ACTION_STATUSES)

    def overdue(self, *, today: datetime.date | None = None):
        return self.open().filter(due_on__lt=today or timezone.localdate())


class ActionItem(models.Model):
    """A remediation from the review: owner (a member), due date, status, and proof when done."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="action_items")
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="incident_action_items")
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    verification_note = models.TextField(blank=True, help_text="How it was verified that the action worked.")
    evidence_url = models.URLField(max_length=500, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    completed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="actionitem_status_due")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ActionStatus.values), name="actionitem_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=ActionStatus.DONE) | ~Q(verification_note="") | ~Q(evidence_url=""),
                name="actionitem_done_has_verification",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident.code}: {self.title}"

    def get_absolute_url(self) -> str:
        return f"{self.incident.get_absolute_url()}#action-{self.pk}"

    def get_additional_data(self) -> dict:
        return {"project_id": self.incident.project_id, "incident_id": self.incident_id}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    @property
    def days_overdue(self) -> int:
        if not self.is_open:
            return 0
        return max((timezone.localdate() - self.due_on).days, 0)

    def clean(self):
        if self.status == ActionStatus.DONE and not (self.verification_note.strip() or self.evidence_url):
            raise ValidationError(
                {"verification_note": "Say how it was verified, or link the evidence, before marking it done."}
            )
