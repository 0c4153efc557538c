"""A project's RACI matrix: activities (gates, deliverables, the team's own) x project roles."""

from django.db import models
from django.urls import reverse

from apps.projects.choices import Role, Stage
from apps.projects.models import STAGE_ORDER, ProjectScopedModel

from .choices import ActivityKind, Letter


class RaciMatrix(ProjectScopedModel):
    """One per project. `revision` counts the changes; gate approvers name the revision they came from."""

    project = models.OneToOneField("projects.Project", on_delete=models.CASCADE, related_name="raci_matrix")
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "RACI matrix"
        verbose_name_plural = "RACI matrices"

    def __str__(self) -> str:
        return f"RACI matrix of {self.project}"

    def get_absolute_url(self) -> str:
        return reverse("raci:matrix", kwargs={"project_slug": self.project.slug})


class RaciActivity(ProjectScopedModel):
    """A row of the matrix: a stage gate, a registry deliverable, or an activity the team adds."""

    matrix = models.ForeignKey(RaciMatrix, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=12, choices=ActivityKind.choices)
    stage = models.CharField(max_length=30, choices=Stage.choices)
    deliverable = models.ForeignKey(
        "deliverables.Deliverable", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0, help_text="Order within the stage.")

    class Meta:
        verbose_name_plural = "RACI activities"
        ordering = ["matrix", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ActivityKind.values), name="raci_activity_kind_valid"),
            models.CheckConstraint(condition=models.Q(stage__in=Stage.values), name="raci_activity_stage_valid"),
            models.CheckConstraint(
                condition=models.Q(kind=ActivityKind.DELIVERABLE, deliverable__isnull=False)
                | (~models.Q(kind=ActivityKind.DELIVERABLE) & models.Q(deliverable__isnull=True)),
                name="raci_activity_deliverable_iff_kind",
            ),
            models.UniqueConstraint(
                fields=["matrix", "stage"], condition=models.Q(kind=ActivityKind.GATE), name="raci_one_row_per_gate"
            ),
            models.UniqueConstraint(
                fields=["matrix", "deliverable"],
                condition=models.Q(deliverable__isnull=False),
                name="raci_one_row_per_deliverable",
            ),
            models.UniqueConstraint(fields=["matrix", "name"], name="raci_activity_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def key(self) -> str:
        """Key in exports, imports and the signed snapshot: gate:evaluation, deliverable:eda-report, custom:12."""
        if self.kind == ActivityKind.GATE:
            return f"gate:{self.stage}"
        if self.kind == ActivityKind.DELIVERABLE:
            return f"deliverable:{self.deliverable.key}"
        return f"custom:{self.pk}"

    @property
    def sort_key(self) -> tuple:
        return (STAGE_ORDER.index(self.stage), self.position, self.pk or 0)

    @property
    def is_custom(self) -> bool:
        return self.kind == ActivityKind.CUSTOM


class RaciAssignment(ProjectScopedModel):
    """One letter held by one role for one activity. A cell is the set of its role's letters."""

    activity = models.ForeignKey(RaciActivity, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(max_length=30, choices=Role.choices)
    letter = models.CharField(max_length=1, choices=Letter.choices)

    class Meta:
        ordering = ["activity", "role", "letter"]
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="raci_assignment_role_valid"),
            models.CheckConstraint(condition=models.Q(letter__in=Letter.values), name="raci_assignment_letter_valid"),
            models.UniqueConstraint(fields=["activity", "role", "letter"], name="raci_assignment_unique"),
            # The rule the whole app rests on: at most one Accountable role per activity.
            models.UniqueConstraint(
                fields=["activity"], condition=models.Q(letter=Letter.ACCOUNTABLE), name="raci_one_accountable"
            ),
        ]

    def __str__(self) -> str:
        return f"{Role(self.role).label}: {self.get_letter_display()} for {self.activity}"
