"""The deliverables registry (data from the lifecycle guide) and each project's deliverables."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apps.core.cadence import Cadence
from apps.core.models import TimeStampedModel
from apps.core.uploads import upload_path
from apps.projects.choices import Role, Stage
from apps.projects.models import ProjectScopedModel

from .choices import CADENCE_CHOICES, CADENCE_VALUES, DeliverableStatus


class Deliverable(TimeStampedModel):
    """One entry of the consolidated deliverables registry: what to produce, when, by whom, why."""

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    primary_stage = models.CharField(max_length=30, choices=Stage.choices)
    owner_role = models.CharField(max_length=30, choices=Role.choices, help_text="Initial owner role.")
    cadence = models.CharField(max_length=30, choices=CADENCE_CHOICES)
    cadence_label = models.CharField(max_length=200, help_text="The source's wording of the cadence.")
    purpose = models.TextField()
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(condition=Q(primary_stage__in=Stage.values), name="deliverable_stage_valid"),
            models.CheckConstraint(condition=Q(owner_role__in=Role.values), name="deliverable_role_valid"),
            models.CheckConstraint(condition=Q(cadence__in=CADENCE_VALUES), name="deliverable_cadence_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_calendar(self) -> bool:
        """Calendar cadences give due dates; event-driven ones (each deployment, one-off, ...) do not."""
        return self.cadence in Cadence.values


def deliverable_upload_to(instance: "ProjectDeliverable", filename: str) -> str:
    return upload_path(f"deliverables/project-{instance.project_id}", filename)


class ProjectDeliverable(ProjectScopedModel):
    """A registry deliverable as one project tracks it: owner, status, document and due date."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="deliverables")
    deliverable = models.ForeignKey(Deliverable, on_delete=models.PROTECT, related_name="project_deliverables")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    status = models.CharField(max_length=20, choices=DeliverableStatus.choices, default=DeliverableStatus.NOT_STARTED)
    link = models.URLField(max_length=500, blank=True)
    file = models.FileField(upload_to=deliverable_upload_to, blank=True, max_length=300)
    file_name = models.CharField(max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    last_updated_on = models.DateField(null=True, blank=True, help_text="When the deliverable itself was last updated.")
    next_due_on = models.DateField(
        null=True, blank=True, db_index=True, help_text="From the cadence; empty for event-driven cadences."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["project", "deliverable__position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "deliverable"], name="projectdeliverable_unique"),
            models.CheckConstraint(
                condition=Q(status__in=DeliverableStatus.values), name="projectdeliverable_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=DeliverableStatus.APPROVED) | ~Q(link="") | ~Q(file=""),
                name="projectdeliverable_approved_has_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deliverable} ({self.project})"

    def get_absolute_url(self) -> str:
        return reverse(
            "deliverables:project-deliverable-edit", kwargs={"project_slug": self.project.slug, "pk": self.pk}
        )

    @property
    def is_stale(self) -> bool:
        """Past its due date. Event-driven deliverables have no due date and are never stale."""
        return self.next_due_on is not None and self.next_due_on < timezone.localdate()

    @property
    def due_display(self) -> str:
        if self.next_due_on is not None:
            return self.next_due_on.isoformat()
        return self.deliverable.get_cadence_display()
