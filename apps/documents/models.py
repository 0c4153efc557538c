from django.conf import settings
from django.db import models
from django.urls import reverse

from apps.core.models import TimeStampedModel
from apps.core.uploads import upload_path
from apps.projects.models import Project

from .choices import DocumentState


def _document_path(document, filename: str) -> str:
    return upload_path("documents", filename)


class GeneratedDocument(TimeStampedModel):
    """A file the portal built in the background (a dossier, a large register PDF), kept to download again.

    The build is a Celery task: `state` moves queued → running → done or failed, `progress`
    (0–100) and `step` say how far it got. `sha256` is the stored file's hash; `manifest`
    holds what the document certifies about itself (the dossier's section hashes).
    """

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="+", null=True, blank=True, help_text="Empty: portfolio-wide"
    )
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    params = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=DocumentState.choices, default=DocumentState.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to=_document_path, max_length=300, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    manifest = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["project", "-created_at"]),
            models.Index(fields=["requested_by", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(state__in=DocumentState.values), name="document_state_valid"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="document_progress_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        if self.project_id:
            return reverse("documents:document-detail", args=[self.project.slug, self.pk])
        return reverse("documents:portfolio-document-detail", args=[self.pk])

    @property
    def download_url(self) -> str:
        return f"{self.get_absolute_url()}download/"

    @property
    def manifest_url(self) -> str:
        return f"{self.get_absolute_url()}manifest/"

    @property
    def is_finished(self) -> bool:
        return self.state in (DocumentState.DONE, DocumentState.FAILED)

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""

    def get_additional_data(self) -> dict:
        return {"project_id": self.project_id}
