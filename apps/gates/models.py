"""Stage gates: one per project and lifecycle stage, with an append-only history."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from apps.core.models import AppendOnlyModel
from apps.projects.choices import Stage
from apps.projects.models import STAGE_ORDER, ProjectScopedModel

from .choices import GateEventKind, GateState, GoNoGo


class Gate(ProjectScopedModel):
    """The exit gate of one lifecycle stage of one project."""

    stage = models.CharField(max_length=30, choices=Stage.choices)
    state = models.CharField(max_length=20, choices=GateState.choices, default=GateState.NOT_STARTED)
    go_no_go_criteria = models.TextField(
        blank=True, help_text="Scoping: the criteria the feasibility study will be judged against."
    )
    decision = models.CharField(max_length=10, choices=GoNoGo.choices, blank=True, help_text="Feasibility only.")
    decision_rationale = models.TextField(blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "stage"], name="gate_one_per_stage"),
            models.CheckConstraint(condition=models.Q(state__in=GateState.values), name="gate_state_valid"),
            models.CheckConstraint(
                condition=models.Q(decision="") | ~models.Q(decision_rationale=""), name="gate_decision_has_rationale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} gate of {self.project}"

    def get_absolute_url(self) -> str:
        return reverse("gates:gate-detail", kwargs={"project_slug": self.project.slug, "stage": self.stage})

    @property
    def stage_index(self) -> int:
        return STAGE_ORDER.index(self.stage)


class GateEvent(AppendOnlyModel, ProjectScopedModel):
    """One step in a gate's history: submission, decision, reopening, Go/No-Go. Never changed."""

    gate = models.ForeignKey(Gate, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=GateEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    signoff = models.ForeignKey(
        "signoffs.SignoffRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.gate}"
