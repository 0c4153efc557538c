"""The risk register: risks and the reviews and acceptances recorded on them.

A risk's code (R-001, R-002, ...) comes from its project's `RiskRegister`
counter, taken under a row lock: codes are never changed and never reused, not
even after a risk is deleted. Reviews and acceptances are append-only decision
rows; the risk's `last_reviewed_*`, `status` and `accepted_until` columns are
written by the same service, in the same transaction, so that filters and the
escalation task read one indexed table.
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone

from apps.core.codes import RecordCode
from apps.core.models import AppendOnlyModel
from apps.core.uploads import upload_path
from apps.projects.choices import Stage
from apps.projects.models import Project, ProjectScopedModel
from apps.signoffs.models import SignoffRequest

from . import scoring
from .choices import (
    LIVE_STATUSES,
    AgingStep,
    Category,
    Impact,
    ImportState,
    Likelihood,
    ReviewFrequency,
    RiskStatus,
)

CODE = RecordCode("R-")
DEFAULT_ACCEPTANCE_THRESHOLD = scoring.LOW_SCORE_MAX


# Escalation: the owner hears the day after the next review date is missed (the first day a risk
# is aging); the project's leads hear a week after that, or at once when nobody (active) owns it.
ESCALATION_AFTER_DAYS = 8

format_code = CODE.format
parse_code = CODE.parse


class RiskRegister(ProjectScopedModel):
    """One per project: the register's acceptance threshold and the counter that numbers its risks."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="risk_register")
    acceptance_threshold = models.PositiveSmallIntegerField(
        default=DEFAULT_ACCEPTANCE_THRESHOLD,
        validators=[MinValueValidator(1), MaxValueValidator(25)],
        help_text=(
            "Highest residual score that one person may accept directly (1-25). "
            "Above it, acceptance needs a sign-off by the Product Owner and the Security / Compliance Officer."
        ),
    )
    last_number = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(acceptance_threshold__gte=1, acceptance_threshold__lte=25),
                name="riskregister_threshold_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Risk register of {self.project}"


class RiskQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=LIVE_STATUSES)

    def aging(self, *, today: datetime.date | None = None):
        """Live risks whose next review date has passed: no update and no review for a whole period."""
        return self.live().filter(next_review_on__lt=today or timezone.localdate())

    def escalated(self, *, today: datetime.date | None = None):
        """Aging risks whose leads have been told (the aging sweep's step 2): a week overdue, or unowned."""
        today = today or timezone.localdate()
        return self.aging(today=today).filter(
            Q(next_review_on__lte=today - datetime.timedelta(days=ESCALATION_AFTER_DAYS))
            | Q(owner__isnull=True)
            | Q(owner__is_active=False)
        )


def _score(impact: str, likelihood: str) -> models.GeneratedField:
    return models.GeneratedField(
        expression=F(impact) * F(likelihood), output_field=models.PositiveSmallIntegerField(), db_persist=True
    )


class Risk(ProjectScopedModel):
    """One entry of a project's risk register (guide 5.14)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="risks")
    number = models.PositiveIntegerField(editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=30, choices=Category.choices)
    stage = models.CharField(
        "lifecycle stage", max_length=30, choices=Stage.choices, blank=True, help_text="Blank: the whole lifecycle."
    )
    impact = models.PositiveSmallIntegerField(choices=Impact.choices)
    likelihood = models.PositiveSmallIntegerField(choices=Likelihood.choices)
    inherent_score = _score("impact", "likelihood")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="owned_risks"
    )
    mitigation = models.TextField(blank=True)
    residual_impact = models.PositiveSmallIntegerField(choices=Impact.choices)
    residual_likelihood = models.PositiveSmallIntegerField(choices=Likelihood.choices)
    residual_score = _score("residual_impact", "residual_likelihood")
    status = models.CharField(max_length=20, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    accepted_until = models.DateField(null=True, blank=True, editable=False)
    review_frequency = models.CharField(max_length=20, choices=ReviewFrequency.choices, default=ReviewFrequency.WEEKLY)
    next_review_on = models.DateField("next review", editable=False)
    last_reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    objects = RiskQuerySet.as_manager()

    class Meta:
        ordering = ["project", "number"]
        indexes = [
            models.Index(fields=["status", "next_review_on"], name="risk_status_next_review"),
            models.Index(fields=["residual_score"], name="risk_residual_score"),
            # One per sort key of the register, so a sorted page reads the rows it shows (issue 16).
            models.Index(fields=["inherent_score"], name="risk_inherent_score"),
            models.Index(fields=["title"], name="risk_title"),
            models.Index(fields=["next_review_on"], name="risk_next_review"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="risk_code_unique_in_project"),
            models.CheckConstraint(condition=Q(number__gte=1), name="risk_number_positive"),
            models.CheckConstraint(condition=Q(impact__gte=1, impact__lte=5), name="risk_impact_1_to_5"),
            models.CheckConstraint(condition=Q(likelihood__gte=1, likelihood__lte=5), name="risk_likelihood_1_to_5"),
            models.CheckConstraint(
                condition=Q(residual_impact__gte=1, residual_impact__lte=5), name="risk_residual_impact_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(residual_likelihood__gte=1, residual_likelihood__lte=5),
                name="risk_residual_likelihood_1_to_5",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(
                    F("residual_impact") * F("residual_likelihood"), F("impact") * F("likelihood")
                ),
                name="risk_residual_not_above_inherent",
            ),
            models.CheckConstraint(condition=Q(category__in=Category.values), name="risk_category_valid"),
            models.CheckConstraint(condition=Q(status__in=RiskStatus.values), name="risk_status_valid"),
            models.CheckConstraint(
                condition=Q(status=RiskStatus.ACCEPTED, accepted_until__isnull=False)
                | (~Q(status=RiskStatus.ACCEPTED) & Q(accepted_until__isnull=True)),
                name="risk_accepted_has_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def code(self) -> str:
        return format_code(self.number) if self.number else "R-new"

    @property
    def display_code(self) -> str:
        """The code with its project's key (CCP-R-002): what pages and exports mixing projects show."""
        return f"{self.project.key}-{self.code}"

    def get_absolute_url(self) -> str:
        return reverse("risks:risk-detail", kwargs={"project_slug": self.project.slug, "risk_code": self.code})

    def get_additional_data(self) -> dict:
        """Audit entries carry the project and the risk, so the risk's page finds its whole history."""
        return {"project_id": self.project_id, "risk_id": self.pk}

    def clean(self):
        if None in (self.impact, self.likelihood, self.residual_impact, self.residual_likelihood):
            return
        inherent = self.impact * self.likelihood
        residual = self.residual_impact * self.residual_likelihood
        if residual > inherent:
            raise ValidationError(
                {
                    "residual_likelihood": (
                        f"The residual score ({residual}) cannot be above the inherent score ({inherent}): "
                        "mitigation does not add risk."
                    )
                }
            )

    # Scores are computed here too, so an unsaved or just-saved risk needs no database round trip.
    @property
    def inherent(self) -> int:
        return self.impact * self.likelihood

    @property
    def residual(self) -> int:
        return self.residual_impact * self.residual_likelihood

    @property
    def inherent_band(self):
        return scoring.score_band(self.inherent)

    @property
    def residual_band(self):
        return scoring.score_band(self.residual)

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def days_overdue(self) -> int:
        """Days since the next review date passed (0 when not aging)."""
        if not self.is_live or self.next_review_on is None:
            return 0
        return max((timezone.localdate() - self.next_review_on).days, 0)

    @property
    def is_aging(self) -> bool:
        return self.days_overdue > 0


class RiskDecision(AppendOnlyModel):
    """A decision on a risk (subclasses add `risk` and who decided): when, and a note. Saved once, never changed."""

    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def get_additional_data(self) -> dict:
        return {"project_id": self.risk.project_id, "risk_id": self.risk_id}


class RiskReview(RiskDecision):
    """A reassessment that confirmed the risk as it stands ("Reviewed, no change")."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta(RiskDecision.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.risk.code} reviewed, no change, by {self.reviewed_by} on {self.created_at:%Y-%m-%d}"


class RiskAcceptanceProposal(RiskDecision):
    """An acceptance above the project's threshold, as submitted for sign-off.

    It is the sign-off engine's target: what the Product Owner and the Security /
    Compliance Officer sign is this proposal together with the risk's current
    residual rating and mitigation (see signoff.RiskAcceptanceSignoff). Whether it
    is pending, approved, rejected or withdrawn is what its sign-off request says;
    the proposal itself never changes. On approval a RiskAcceptance row records it.
    """

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="acceptance_proposals")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    expires_on = models.DateField()
    residual_score = models.PositiveSmallIntegerField(help_text="The residual score submitted for acceptance.")
    threshold = models.PositiveSmallIntegerField(help_text="The project's acceptance threshold at the time.")
    signoffs = GenericRelation(
        SignoffRequest,
        content_type_field="target_type",
        object_id_field="target_id",
        related_query_name="risk_acceptance_proposal",
    )

    class Meta(RiskDecision.Meta):
        pass

    def __str__(self) -> str:
        return f"Acceptance of {self.risk.code} until {self.expires_on:%Y-%m-%d}, proposed by {self.proposed_by}"

    def get_absolute_url(self) -> str:
        return self.risk.get_absolute_url()


class RiskAcceptance(RiskDecision):
    """A decision to live with a risk's residual rating until `expires_on`.

    Above the threshold it comes from an approved sign-off (`proposal`); `accepted_by`
    is then the person who asked for it, and the approvers are on the sign-off request.
    """

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="acceptances")
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    expires_on = models.DateField()
    residual_score = models.PositiveSmallIntegerField(help_text="The residual score that was accepted.")
    threshold = models.PositiveSmallIntegerField(help_text="The project's acceptance threshold at the time.")
    proposal = models.OneToOneField(
        RiskAcceptanceProposal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="acceptance",
        help_text="The signed-off proposal, for an acceptance above the threshold.",
    )

    class Meta(RiskDecision.Meta):
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(F("residual_score"), F("threshold")) | Q(proposal__isnull=False),
                name="riskacceptance_within_threshold_or_signed_off",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.risk.code} accepted by {self.accepted_by} until {self.expires_on:%Y-%m-%d}"


def risk_import_upload_to(instance: "RiskImport", filename: str) -> str:
    return upload_path(f"risk-imports/project-{instance.project_id}", filename)


class RiskImport(ProjectScopedModel):
    """One import of a register file: its check (the preview), then a person's confirm or cancel.

    `rows` holds every data row as it will be saved, with how its owner was resolved and
    its problems; `problems` holds every problem of the file at once (missing columns and
    row problems together). Confirming creates all the risks in one transaction and records
    their codes in `created_codes`: the audit trail shows the import as one event, and the
    risks' own creation entries carry its correlation id (`audit_cid`).
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="risk_imports")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=risk_import_upload_to, max_length=300, blank=True)
    file_name = models.CharField(max_length=200)
    file_size = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=20, choices=ImportState.choices, default=ImportState.VALIDATING)
    in_background = models.BooleanField(default=False, help_text="Checked by a background task (a large file).")
    rows_total = models.PositiveIntegerField(default=0, help_text="Data rows found so far.")
    rows_checked = models.PositiveIntegerField(default=0)
    rows = models.JSONField(default=list, blank=True)
    problems = models.JSONField(default=list, blank=True)
    ignored_columns = models.JSONField(default=list, blank=True)
    created_codes = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ImportState.values), name="riskimport_state_valid"),
        ]

    def __str__(self) -> str:
        return f"Risk import #{self.pk} of “{self.file_name}”"

    def get_absolute_url(self) -> str:
        return reverse("risks:import-detail", kwargs={"project_slug": self.project.slug, "pk": self.pk})

    @property
    def audit_cid(self) -> str:
        return f"risk-import-{self.pk}"

    @property
    def in_progress(self) -> bool:
        """A background task is working on it: its page polls until the task is done."""
        return self.state in (ImportState.VALIDATING, ImportState.IMPORTING)

    @property
    def percent_checked(self) -> int:
        return min(100, round(100 * self.rows_checked / self.rows_total)) if self.rows_total else 0


class AgingSweep(models.Model):
    """One run of the aging sweep: its number keys the summaries it queued (decision 0023)."""

    ran_on = models.DateField()
    started_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"Aging sweep #{self.pk} of {self.ran_on:%Y-%m-%d}"


class AgingNotice(models.Model):
    """Bookkeeping of the aging sweep: `step` of the aging episode that began when `period` (the missed
    review date) passed was announced, by `sweep`. Unique, so each step of an episode is announced once,
    even by two sweeps at once; a new review date starts a new episode. Not audited (decision 0023)."""

    # Indexed with the risk (Meta): each batch reads back its own rows by (sweep, risk).
    sweep = models.ForeignKey(AgingSweep, on_delete=models.CASCADE, related_name="notices", db_index=False)
    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="aging_notices")
    step = models.PositiveSmallIntegerField(choices=AgingStep.choices)
    period = models.DateField(help_text="The missed review date the episode is about.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["risk", "step", "period"], name="agingnotice_once_per_episode"),
            models.CheckConstraint(condition=Q(step__in=AgingStep.values), name="agingnotice_step_valid"),
        ]
        indexes = [models.Index(fields=["sweep", "risk"], name="agingnotice_sweep_risk")]

    def __str__(self) -> str:
        return f"{self.get_step_display()} for risk {self.risk_id}, due {self.period:%Y-%m-%d}"
