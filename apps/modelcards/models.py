"""Models a project ships and their cards: numbered, append-only revisions and the card's history.

A revision is never changed once written: an edit, an import or an API write
adds the next revision (a draft until its sign-off is approved). What a
revision's state is (draft, awaiting sign-off, approved, rejected) is derived
from the sign-off requests on it, so the approval stays with exactly the
content it signed.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from apps.core.models import AppendOnlyModel
from apps.projects.models import Project, ProjectScopedModel

from .choices import CardEventKind
from .schema import SEMVER

semver_validator = RegexValidator(SEMVER, "Give a semantic version: MAJOR.MINOR.PATCH, e.g. 2.1.0.")


class MLModel(ProjectScopedModel):
    """A model the project builds; its card is the series of revisions below."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ml_models")
    key = models.SlugField(max_length=80, help_text="Short name used in links, unique in the project.")
    name = models.CharField(max_length=200)
    is_current = models.BooleanField(
        "current model",
        default=False,
        help_text="The model the project is promoting: the Deployment gate checks its card.",
    )
    promoted_version = models.CharField(
        "version being promoted",
        max_length=100,
        blank=True,
        validators=[semver_validator],
        help_text="The model version going to production; its card revision must be approved.",
    )
    last_number = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["project", "-is_current", "name"]
        verbose_name = "model"
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="mlmodel_key_unique_in_project"),
            models.UniqueConstraint(fields=["project"], condition=Q(is_current=True), name="mlmodel_one_current"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("modelcards:card-detail", kwargs={"project_slug": self.project.slug, "model_key": self.key})


class CardRevision(AppendOnlyModel, ProjectScopedModel):
    """One numbered revision of a model's card: the card's content as structured JSON. Never changed."""

    class Source(models.TextChoices):
        EDIT = "edit", "Edited in the portal"
        YAML = "yaml", "Imported from YAML"
        HUGGING_FACE = "huggingface", "Imported from a Hugging Face README"
        API = "api", "Written through the API"

    model = models.ForeignKey(MLModel, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    version = models.CharField(max_length=100, validators=[semver_validator], help_text="The card's version field.")
    content = models.JSONField(help_text="The card: the mapping under the template's model_card: root.")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.EDIT)
    based_on = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=500, blank=True, help_text="What changed, in a sentence.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["model", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["model", "number"], name="cardrevision_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="cardrevision_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.model} card, revision {self.number} (v{self.version})"

    def get_absolute_url(self) -> str:
        return reverse(
            "modelcards:revision-detail",
            kwargs={"project_slug": self.project.slug, "model_key": self.model.key, "number": self.number},
        )


class CardEvent(AppendOnlyModel, ProjectScopedModel):
    """One step of a card's history: model registered, revision saved or imported, submitted, decided."""

    model = models.ForeignKey(MLModel, on_delete=models.CASCADE, related_name="events")
    revision = models.ForeignKey(CardRevision, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    kind = models.CharField(max_length=20, choices=CardEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    signoff = models.ForeignKey(
        "signoffs.SignoffRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=CardEventKind.values), name="cardevent_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.model}"
