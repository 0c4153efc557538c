"""Checklist templates (versioned, immutable once loaded) and a project's work through them.

A template is a family (`ChecklistTemplate`, one stable key) with numbered
versions (`TemplateVersion`); a version's sections and items never change, so a
project that applied version 2 keeps seeing exactly version 2 until it upgrades.
A project's answers live in `ItemResponse` rows, created the first time someone
touches an item; an item without a response is open.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from apps.core.models import AppendOnlyModel, TimeStampedModel
from apps.core.uploads import upload_path
from apps.projects.choices import Stage, UseCase
from apps.projects.models import ProjectScopedModel

from .choices import (
    COMPLETE_STATUSES,
    SELECT_KINDS,
    EvidenceKind,
    ItemKind,
    Requirement,
    ResponseStatus,
    TemplateOrigin,
)


class ChecklistTemplate(TimeStampedModel):
    """A checklist template identified by a stable key; its content lives in versions."""

    key = models.SlugField(max_length=80, unique=True)
    origin = models.CharField(max_length=20, choices=TemplateOrigin.choices)
    current_version = models.ForeignKey(
        "TemplateVersion", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["origin", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(origin__in=TemplateOrigin.values), name="checklisttemplate_origin_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.key

    def get_absolute_url(self) -> str:
        return reverse("checklists:template-detail", kwargs={"template_key": self.key})


class TemplateVersion(models.Model):
    """One immutable version of a template, with the document it was loaded from."""

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField()
    source = models.CharField(max_length=200)
    gate = models.BooleanField(
        default=False, help_text="A gate is passed only when each item is done or not applicable."
    )
    applies_to = models.JSONField(default=list, blank=True, help_text="Use-case keys; empty means every use case.")
    content_hash = models.CharField(max_length=64)
    document = models.JSONField(help_text="The checked template document this version was built from.")
    file_name = models.CharField(max_length=200)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="templateversion_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="templateversion_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"

    def get_absolute_url(self) -> str:
        return reverse("checklists:template-version", kwargs={"template_key": self.template.key, "number": self.number})

    @property
    def source_label(self) -> str:
        """The library's sources are the numbered documents in the seeds folder: show their number."""
        prefix = self.source.split("_", 1)[0]
        return f"Source document {prefix}" if prefix.isdigit() and len(prefix) == 3 else self.source

    @property
    def applies_to_all(self) -> bool:
        return not self.applies_to

    def applies_to_labels(self) -> list[str]:
        return [UseCase(key).label for key in self.applies_to]

    def applies_to_use_case(self, use_case: str) -> bool:
        return self.applies_to_all or use_case in self.applies_to


class TemplateSection(models.Model):
    """A section of a template version: an area, gate, phase or stage of the source document."""

    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(max_length=80)
    title = models.CharField(max_length=300)
    guidance = models.TextField(blank=True)
    key_questions = models.JSONField(default=list, blank=True)
    pitfalls = models.JSONField(default=list, blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="templatesection_unique_key"),
        ]

    def __str__(self) -> str:
        return self.title


class TemplateItem(models.Model):
    """One item (check or select question) of a template version, mapped to a lifecycle stage."""

    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(TemplateSection, on_delete=models.CASCADE, related_name="items")
    key = models.SlugField(max_length=120)
    title = models.TextField()
    stage = models.CharField(max_length=30, choices=Stage.choices)
    requirement = models.CharField(max_length=20, choices=Requirement.choices)
    kind = models.CharField(max_length=20, choices=ItemKind.choices)
    guidance = models.TextField(blank=True)
    implementation_questions = models.JSONField(default=list, blank=True)
    key_considerations = models.JSONField(default=list, blank=True)
    red_flags = models.JSONField(default=list, blank=True)
    sub_criteria = models.JSONField(default=list, blank=True)
    options = models.JSONField(default=list, blank=True, help_text="[{key, label}] for select questions.")
    evidence_required = models.BooleanField(
        default=False, help_text="Done needs evidence (a link, a note or a file): by default, Required items."
    )
    position = models.PositiveIntegerField(help_text="Order within the whole version.")

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="templateitem_unique_key"),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="templateitem_stage_valid"),
            models.CheckConstraint(
                condition=Q(requirement__in=Requirement.values), name="templateitem_requirement_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=ItemKind.values), name="templateitem_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_select(self) -> bool:
        return self.kind in SELECT_KINDS

    @property
    def is_required(self) -> bool:
        return self.requirement == Requirement.REQUIRED

    def option_labels(self, keys) -> list[str]:
        labels = {option["key"]: option["label"] for option in self.options}
        return [labels.get(key, key) for key in keys]


class ProjectChecklist(ProjectScopedModel):
    """A template version applied to a project. One per template and project."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="checklists")
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="project_checklists")
    version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="project_checklists")
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["project", "template__key"]
        constraints = [
            models.UniqueConstraint(fields=["project", "template"], name="projectchecklist_unique_template"),
        ]

    def __str__(self) -> str:
        return f"{self.version} on {self.project}"

    def get_absolute_url(self) -> str:
        return reverse(
            "checklists:checklist-detail", kwargs={"project_slug": self.project.slug, "checklist_id": self.pk}
        )


class ItemResponse(ProjectScopedModel):
    """A project's answer to one template item: status, owner, justification, selected options.

    Peer reviews are separate, append-only rows (`ItemReview`); the item counts as
    reviewed while its latest completion has a review made after it.
    """

    checklist = models.ForeignKey(ProjectChecklist, on_delete=models.CASCADE, related_name="responses")
    item = models.ForeignKey(TemplateItem, on_delete=models.PROTECT, related_name="responses")
    status = models.CharField(max_length=20, choices=ResponseStatus.choices, default=ResponseStatus.OPEN)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    justification = models.TextField(blank=True)
    selected_options = models.JSONField(default=list, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["checklist", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "item"], name="itemresponse_unique_item"),
            models.CheckConstraint(condition=Q(status__in=ResponseStatus.values), name="itemresponse_status_valid"),
            # Unowned items do not get done.
            models.CheckConstraint(
                condition=~Q(status=ResponseStatus.DONE) | Q(owner__isnull=False), name="itemresponse_done_has_owner"
            ),
            models.CheckConstraint(
                condition=~Q(status=ResponseStatus.NOT_APPLICABLE) | ~Q(justification=""),
                name="itemresponse_not_applicable_justified",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=COMPLETE_STATUSES) | Q(completed_by__isnull=False, completed_at__isnull=False),
                name="itemresponse_complete_has_completer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.key}: {self.get_status_display()}"

    @property
    def is_complete(self) -> bool:
        return self.status in COMPLETE_STATUSES

    @property
    def current_review(self):
        """The review of the latest completion, if any (reviews are prefetched newest first on list pages)."""
        if not self.is_complete or self.completed_at is None:
            return None
        for review in self.reviews.all():
            if review.created_at >= self.completed_at:
                return review
        return None


def evidence_upload_to(instance: "Evidence", filename: str) -> str:
    return upload_path(f"evidence/project-{instance.project_id}", filename)


class Evidence(ProjectScopedModel):
    """Evidence that an item is done: a link, a note or an uploaded file."""

    response = models.ForeignKey(ItemResponse, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10, choices=EvidenceKind.choices)
    url = models.URLField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    file = models.FileField(upload_to=evidence_upload_to, blank=True, max_length=300)
    file_name = models.CharField(max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["response", "created_at"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EvidenceKind.values), name="evidence_kind_valid"),
            models.CheckConstraint(condition=~Q(kind=EvidenceKind.LINK) | ~Q(url=""), name="evidence_link_has_url"),
            models.CheckConstraint(condition=~Q(kind=EvidenceKind.NOTE) | ~Q(note=""), name="evidence_note_has_text"),
            models.CheckConstraint(condition=~Q(kind=EvidenceKind.FILE) | ~Q(file=""), name="evidence_file_has_file"),
        ]

    def __str__(self) -> str:
        if self.kind == EvidenceKind.LINK:
            return self.url
        if self.kind == EvidenceKind.FILE:
            return self.file_name
        return self.note[:80]


class ItemComment(ProjectScopedModel):
    """A comment on a project's checklist item."""

    response = models.ForeignKey(ItemResponse, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()

    class Meta:
        ordering = ["response", "created_at"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:60]}"


class ItemReview(AppendOnlyModel, ProjectScopedModel):
    """A peer review of a completed item: an append-only decision by a member other than the completer."""

    response = models.ForeignKey(ItemResponse, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who completed the item that was reviewed (kept with the decision).",
    )
    status_reviewed = models.CharField(max_length=20, choices=ResponseStatus.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["response", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reviewer=models.F("completed_by")), name="itemreview_not_by_completer"),
        ]

    def __str__(self) -> str:
        return f"Reviewed by {self.reviewer} ({self.get_status_reviewed_display()})"
