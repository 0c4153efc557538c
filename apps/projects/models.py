"""Projects, their members and the per-project permission tables."""

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from apps.core.models import TimeStampedModel

from .choices import LatencyClass, Objective, ProjectStatus, Role, Stage, UseCase
from .roles import PROJECT_PERMISSIONS

STAGE_ORDER = list(Stage.values)


def _non_blank_strings(value) -> list[str]:
    return [item.strip() for item in value or [] if isinstance(item, str) and item.strip()]


PROJECT_KEY_PATTERN = r"^[A-Z][A-Z0-9]{1,9}$"
PROJECT_KEY_MAX = 10


def derive_project_key(name: str, taken) -> str:
    """A short code for a project, from its name: "Customer Churn Predictor" -> "CCP".

    Several words give their initials, one word its first ten letters; a key
    shorter than two characters takes more letters of the name. The first key
    not in `taken` (a container of keys) wins: "CCP", "CCP2", "CCP3", ...
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    words = re.findall(r"[A-Z0-9]+", ascii_name)
    letters = "".join(words)
    base = "".join(word[0] for word in words) if len(words) > 1 else letters
    if len(base) < 2:
        base = (base + letters[1:] + "PRJ")[:2] if letters else "PRJ"
    if base[0].isdigit():
        base = "P" + base
    base = base[:PROJECT_KEY_MAX]
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        suffix = str(number)
        candidate = base[: PROJECT_KEY_MAX - len(suffix)] + suffix
    return candidate


def validate_metric_list(value):
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError("Give a list of metric names.")


class Project(TimeStampedModel):
    """An ML initiative governed through the eight lifecycle stages."""

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=80, unique=True)
    key = models.CharField(
        max_length=PROJECT_KEY_MAX,
        unique=True,
        editable=False,
        validators=[RegexValidator(PROJECT_KEY_PATTERN, "2–10 capital letters or digits, starting with a letter.")],
        help_text="Short code shown wherever projects are mixed (CCP-R-002). Derived from the name; never changes.",
    )
    problem_statement = models.CharField(
        max_length=400, help_text="One sentence: who has what problem, and what the model changes."
    )
    use_case = models.CharField(max_length=30, choices=UseCase.choices)
    objective = models.CharField(max_length=30, choices=Objective.choices)
    latency_class = models.CharField(max_length=20, choices=LatencyClass.choices)
    primary_metric = models.CharField(max_length=120)
    guardrail_metrics = models.JSONField(
        default=list, validators=[validate_metric_list], help_text="At least one guardrail metric."
    )
    minimum_threshold = models.CharField(
        max_length=120, help_text="Minimum acceptable value of the primary metric, e.g. 'recall ≥ 0.70'."
    )
    baseline_description = models.TextField(blank=True)
    baseline_metrics = models.TextField(blank=True)
    business_kpis = models.JSONField(default=list, blank=True, validators=[validate_metric_list])
    annual_benefit = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Incremental annual benefit (B)."
    )
    annual_cost = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Total annual cost (C)."
    )
    initial_investment = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    current_stage = models.CharField(max_length=30, choices=Stage.choices, default=Stage.SCOPING)
    status = models.CharField(max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE)
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    retirement_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        permissions = PROJECT_PERMISSIONS
        # Lists sort by name (the risk portfolio's default tiebreak too): an index lets a page read its rows only.
        indexes = [models.Index(fields=["name", "id"], name="project_name")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(annual_benefit__gte=0) | models.Q(annual_benefit__isnull=True),
                name="project_annual_benefit_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(annual_cost__gte=0) | models.Q(annual_cost__isnull=True),
                name="project_annual_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(initial_investment__gte=0) | models.Q(initial_investment__isnull=True),
                name="project_initial_investment_not_negative",
            ),
            models.CheckConstraint(condition=models.Q(current_stage__in=Stage.values), name="project_stage_valid"),
            models.CheckConstraint(condition=models.Q(status__in=ProjectStatus.values), name="project_status_valid"),
            models.CheckConstraint(condition=models.Q(key__regex=PROJECT_KEY_PATTERN), name="project_key_format"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:project-detail", kwargs={"project_slug": self.slug})

    def get_additional_data(self) -> dict:
        """Audit entries of a project carry its id (see apps.audit)."""
        return {"project_id": self.pk}

    @property
    def is_retired(self) -> bool:
        """Retired projects are read-only: kept with their governance records, visible and auditable."""
        return self.status == ProjectStatus.RETIRED

    def _assign_key(self) -> None:
        """A new project's key comes from its name; an existing key is never changed."""
        if not self.key:
            prefix = derive_project_key(self.name, ())[:2]
            taken = set(Project.objects.filter(key__startswith=prefix).values_list("key", flat=True))
            self.key = derive_project_key(self.name, taken)

    def save(self, *args, **kwargs):
        self._assign_key()
        super().save(*args, **kwargs)

    def clean(self):
        self._assign_key()
        if not _non_blank_strings(self.guardrail_metrics):
            raise ValidationError({"guardrail_metrics": "Name at least one guardrail metric."})
        self.guardrail_metrics = _non_blank_strings(self.guardrail_metrics)
        self.business_kpis = _non_blank_strings(self.business_kpis)

    # --- Economics (lifecycle guide: ROI and payback formulas) ---------------
    @property
    def roi(self) -> Decimal | None:
        """ROI = (B - C) / C, as a fraction; None while B or C is unknown or C is zero."""
        if self.annual_benefit is None or not self.annual_cost:
            return None
        return ((self.annual_benefit - self.annual_cost) / self.annual_cost).quantize(Decimal("0.0001"))

    @property
    def monthly_net_benefit(self) -> Decimal | None:
        if self.annual_benefit is None or self.annual_cost is None:
            return None
        return ((self.annual_benefit - self.annual_cost) / 12).quantize(Decimal("0.01"))

    @property
    def payback_months(self) -> Decimal | None:
        """Initial investment / monthly net benefit; None when the project never pays back."""
        monthly = self.monthly_net_benefit
        if self.initial_investment is None or monthly is None or monthly <= 0:
            return None
        return (self.initial_investment / monthly).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def stage_index(self) -> int:
        return STAGE_ORDER.index(self.current_stage)


class ProjectScopedModel(TimeStampedModel):
    """Base for every record that belongs to a project (risks, checklists, ...).

    Such records are authorized through their project (apps.projects.access)
    and their audit entries carry the project id.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True

    def get_additional_data(self) -> dict:
        return {"project_id": self.project_id}


class Membership(ProjectScopedModel):
    """One project role held by one person. A person may hold several roles."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["project", "user__first_name", "user__last_name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user", "role"], name="membership_unique_role"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} on {self.project}"


class ProjectUserObjectPermission(UserObjectPermissionBase):
    """guardian's per-user permissions on a project, with a real foreign key (fast joins)."""

    content_object = models.ForeignKey(Project, on_delete=models.CASCADE)


class ProjectGroupObjectPermission(GroupObjectPermissionBase):
    """guardian's per-group permissions on a project, with a real foreign key."""

    content_object = models.ForeignKey(Project, on_delete=models.CASCADE)
