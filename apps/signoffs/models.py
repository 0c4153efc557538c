"""The generic sign-off engine: requests, the approvers they name, and their append-only events."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse

from apps.core.models import AppendOnlyModel
from apps.projects.choices import Role
from apps.projects.models import ProjectScopedModel

from .choices import EventKind, Policy, RequestState


class SignoffRequest(ProjectScopedModel):
    """A request that named people or roles sign off one target (a gate, a model card, a risk acceptance...).

    `state` is a cache of what the events say (services.derive_state); services
    write both in one transaction and never change a closed request.
    """

    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    title = models.CharField(max_length=200)
    policy = models.CharField(max_length=10, choices=Policy.choices, default=Policy.ALL)
    required_count = models.PositiveSmallIntegerField(null=True, blank=True, help_text="For N of M: N.")
    approvers_source = models.CharField(
        max_length=200, blank=True, help_text="Who named the approvers, e.g. the stage's approver roles."
    )
    due_on = models.DateField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    fingerprint = models.CharField(max_length=64, help_text="Hash of the snapshot submitted for sign-off.")
    snapshot = models.JSONField(help_text="What was submitted: criteria state and the artifacts behind it.")
    state = models.CharField(max_length=12, choices=RequestState.choices, default=RequestState.OPEN, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(policy=Policy.N_OF_M) | models.Q(required_count__gte=1),
                name="signoff_n_of_m_needs_count",
            ),
            models.CheckConstraint(condition=models.Q(state__in=RequestState.values), name="signoff_state_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("signoffs:request-detail", kwargs={"project_slug": self.project.slug, "pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state == RequestState.OPEN


class Approver(models.Model):
    """One required approval slot: a project role or a named person."""

    request = models.ForeignKey(SignoffRequest, on_delete=models.CASCADE, related_name="approvers")
    role = models.CharField(max_length=30, choices=Role.choices, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(role="") & models.Q(user__isnull=False))
                | (~models.Q(role="") & models.Q(user__isnull=True)),
                name="approver_role_xor_user",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user) if self.user_id else Role(self.role).label

    def get_additional_data(self) -> dict:
        return {"project_id": self.request.project_id}


class SignoffEvent(AppendOnlyModel):
    """One step of a request: requested, approved, rejected, withdrawn, invalidated. Never changed."""

    request = models.ForeignKey(SignoffRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approver = models.ForeignKey(Approver, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    note = models.TextField(blank=True)
    fingerprint = models.CharField(max_length=64, blank=True, help_text="Hash of what the decision was about.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # One person fills at most one slot of a request, and a slot is decided once.
            models.UniqueConstraint(
                fields=["request", "actor"],
                condition=models.Q(kind__in=[EventKind.APPROVED, EventKind.REJECTED]),
                name="signoff_one_decision_per_person",
            ),
            models.UniqueConstraint(
                fields=["approver"], condition=models.Q(approver__isnull=False), name="signoff_slot_decided_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.actor or 'the portal'} on {self.request}"

    def get_additional_data(self) -> dict:
        return {"project_id": self.request.project_id}
