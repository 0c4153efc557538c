"""Writes to incidents. Views, the API, the Alertmanager webhook, the tasks and the demo call these.

The rules live here once:

* codes come from the project's counter, under a row lock, and are never reused;
* the status moves forward only through `incident_transition` (detected -> acknowledged ->
  mitigated -> resolved; a skipped step takes the same timestamp), each step's time is kept and
  written to the append-only timeline; resolving opens the post-incident review, due 5 business
  days later; submitting the review for sign-off makes the incident "review due"; a rejected,
  withdrawn or invalidated sign-off returns it to "resolved"; only an approved, unchanged review
  lets it close;
* people in incident roles, and action-item owners, are members of the project;
* a closed incident is read-only, except its action items, which are chased until done.
"""

import datetime
import hashlib
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.projects.choices import Role
from apps.projects.models import Project
from apps.projects.selectors import project_members
from apps.projects.services import ensure_project_writable, project_lock
from apps.risks import services as risk_services
from apps.risks.models import Risk
from apps.signoffs import services as signoff_services
from apps.signoffs import targets
from apps.signoffs.approvers import ApproverSpec
from apps.signoffs.choices import Policy, RequestState

from .calendar import add_business_days
from .choices import (
    HIGH_SEVERITIES,
    INCIDENT_ROLE_FIELDS,
    REVIEW_DUE_BUSINESS_DAYS,
    ActionStatus,
    EntryKind,
    Status,
    categories_for,
)
from .models import (
    ActionItem,
    Incident,
    IncidentArtifact,
    IncidentCounter,
    IncidentRiskLink,
    PostIncidentReview,
    TimelineEntry,
)

INCIDENT_EDITABLE_FIELDS = (
    "title",
    "description",
    "severity",
    "category",
    "trigger_metric",
    "trigger_observed_value",
    "trigger_threshold",
    "trigger_at",
    "affected_model_version",
    "rollback_target_version",
    "rollback_command_ref",
    "rollback_validation",
    "channel_slack",
    "channel_email",
    "channel_status_page",
    *INCIDENT_ROLE_FIELDS.values(),
)
REVIEW_EDITABLE_FIELDS = (
    "root_cause_identified_at",
    "users_affected",
    "revenue_impact",
    "predictions_affected",
    "data_loss",
    "root_cause",
    "went_well",
    "went_poorly",
)
ACTION_EDITABLE_FIELDS = ("title", "owner", "due_on", "status", "verification_note", "evidence_url")
REVIEW_SIGNOFF_DUE_DAYS = 5

# Manual steps of the status machine; the review steps are driven by the review's sign-off.
MANUAL_TRANSITIONS = {
    Status.DETECTED: (Status.ACKNOWLEDGED, Status.MITIGATED, Status.RESOLVED),
    Status.ACKNOWLEDGED: (Status.MITIGATED, Status.RESOLVED),
    Status.MITIGATED: (Status.RESOLVED,),
}
TIMESTAMP_FIELDS = {
    Status.ACKNOWLEDGED: "acknowledged_at",
    Status.MITIGATED: "mitigated_at",
    Status.RESOLVED: "resolved_at",
    Status.REVIEW_DUE: "review_due_at",
    Status.CLOSED: "closed_at",
}
STEP_WORDS = {
    Status.ACKNOWLEDGED: "Acknowledged",
    Status.MITIGATED: "Mitigation applied",
    Status.RESOLVED: "Full resolution confirmed",
}


# --- Numbering -----------------------------------------------------------------------


def incident_counter_get(*, project: Project, lock: bool = False) -> IncidentCounter:
    """The project's counter row, created on first use; `lock=True` takes it FOR UPDATE (the project row first)."""
    if lock:
        project_lock(project.pk)
    counter, _ = IncidentCounter.objects.get_or_create(project=project)
    if lock:
        counter = IncidentCounter.objects.select_for_update().get(pk=counter.pk)
    counter.project = project
    return counter


def _take_number(counter: IncidentCounter) -> int:
    counter.last_number += 1
    counter.save(update_fields=["last_number", "updated_at"])
    return counter.last_number


# --- Incidents -----------------------------------------------------------------------


def _check_fields(fields: dict, allowed: tuple[str, ...], what: str) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(f"These {what} fields cannot be set: {', '.join(sorted(unknown))}.")


def _check_members(project: Project, people: dict) -> None:
    """Everyone named in `people` (field -> user or None) is an active member of `project`."""
    named = {field: user for field, user in people.items() if user is not None}
    if not named:
        return
    members = set(
        project_members(project=project)
        .filter(pk__in=[user.pk for user in named.values()])
        .values_list("pk", flat=True)
    )
    errors = {
        field: f"{user} is not a member of {project}: choose one of its members."
        for field, user in named.items()
        if user.pk not in members
    }
    if errors:
        raise ValidationError(errors)


def _check_category(project: Project, category: str | None) -> None:
    if category and category not in dict(categories_for(project)):
        raise ValidationError({"category": "Harmful content, jailbreak and retrieval incidents are for LLM projects."})


def incident_lock(incident: Incident) -> Incident:
    """The incident row FOR UPDATE. Locks go in one order (see project_lock): the project row, then the
    incident's rows, then the audit chain; the sign-off engine, which calls back into on_closed, does the same."""
    project_lock(incident.project_id)
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    locked.project = incident.project
    return locked


def timeline_record(*, incident: Incident, text: str, kind: str, author=None, at: datetime.datetime | None = None):
    entry = TimelineEntry(incident=incident, text=text, kind=kind, author=author, at=at or timezone.now())
    entry.full_clean()
    entry.save()
    return entry


def incident_insert(*, actor, project: Project, counter: IncidentCounter, **fields) -> Incident:
    incident = Incident(project=project, created_by=actor, **fields)
    incident.full_clean(exclude={"number"}, validate_unique=False, validate_constraints=False)
    if incident.detected_at > timezone.now() + datetime.timedelta(minutes=1):
        raise ValidationError({"detected_at": "The detection time is in the future."})
    incident.number = _take_number(counter)
    incident.save()
    return incident


@transaction.atomic
def incident_create(*, actor, project: Project, detected_at: datetime.datetime | None = None, **fields) -> Incident:
    """Open an incident under the next free code of its project."""
    ensure_project_writable(project)
    _check_fields(fields, INCIDENT_EDITABLE_FIELDS, "incident")
    _check_category(project, fields.get("category"))
    _check_members(project, {name: fields.get(name) for name in INCIDENT_ROLE_FIELDS.values()})
    counter = incident_counter_get(project=project, lock=True)
    incident = incident_insert(
        actor=actor, project=project, counter=counter, detected_at=detected_at or timezone.now(), **fields
    )
    timeline_record(
        incident=incident, text="Incident opened.", kind=EntryKind.STATUS, author=actor, at=incident.detected_at
    )
    return incident


def _ensure_open(incident: Incident) -> None:
    ensure_project_writable(incident.project)
    if incident.status == Status.CLOSED:
        raise ValidationError(f"{incident.code} is closed: its record is final.")


@transaction.atomic
def incident_update(*, actor, incident: Incident, **fields) -> Incident:
    """Change an incident's description, classification, trigger, rollback plan, channels or roles."""
    incident = incident_lock(incident)
    _ensure_open(incident)
    _check_fields(fields, INCIDENT_EDITABLE_FIELDS, "incident")
    changed = {name: value for name, value in fields.items() if getattr(incident, name) != value}
    if not changed:
        return incident
    if "category" in changed:
        _check_category(incident.project, changed["category"])
    _check_members(incident.project, {name: changed[name] for name in INCIDENT_ROLE_FIELDS.values() if name in changed})
    for name, value in changed.items():
        setattr(incident, name, value)
    incident.full_clean()
    incident.save()
    if "severity" in changed:
        timeline_record(
            incident=incident, text=f"Severity set to {incident.severity}.", kind=EntryKind.STATUS, author=actor
        )
    _review_check_current(incident)
    return incident


def available_transitions(incident: Incident) -> list[str]:
    """The manual status steps open to `incident` now (templates and the API ask this)."""
    return list(MANUAL_TRANSITIONS.get(incident.status, ()))


def can_close(incident: Incident) -> bool:
    review = getattr(incident, "review", None)
    return incident.status == Status.REVIEW_DUE and review is not None and review.is_approved


@transaction.atomic
def incident_transition(
    *, actor, incident: Incident, to: str, at: datetime.datetime | None = None, note: str = ""
) -> Incident:
    """Move the incident forward: acknowledge, mitigate or resolve, at `at` (default: now).

    A skipped step (resolving an unacknowledged incident) takes the same time. Resolving
    opens the post-incident review, due REVIEW_DUE_BUSINESS_DAYS business days later.
    """
    incident = incident_lock(incident)
    ensure_project_writable(incident.project)
    if to not in MANUAL_TRANSITIONS.get(incident.status, ()):
        raise ValidationError(
            {"to": f"{incident.code} is {incident.get_status_display().lower()}: it cannot move to {Status(to).label}."}
        )
    now = timezone.now()
    at = at or now
    previous = max(filter(None, [incident.detected_at, incident.acknowledged_at, incident.mitigated_at]))
    if at > now + datetime.timedelta(minutes=1):
        raise ValidationError({"at": "That time is in the future."})
    if at < previous:
        raise ValidationError(
            {"at": f"That is before the previous step ({timezone.localtime(previous):%d %b %Y %H:%M})."}
        )
    order = list(MANUAL_TRANSITIONS[Status.DETECTED])
    for step in order[: order.index(to) + 1]:
        field = TIMESTAMP_FIELDS[step]
        if getattr(incident, field) is None:
            setattr(incident, field, at)
    incident.status = to
    incident.save()
    text = STEP_WORDS[to] + (f": {note.strip()}" if note.strip() else ".")
    timeline_record(incident=incident, text=text, kind=EntryKind.STATUS, author=actor, at=at)
    if to == Status.RESOLVED:
        _review_open(incident)
    return incident


def _review_open(incident: Incident) -> PostIncidentReview:
    due_on = add_business_days(timezone.localdate(incident.resolved_at), REVIEW_DUE_BUSINESS_DAYS)
    review, created = PostIncidentReview.objects.get_or_create(incident=incident, defaults={"due_on": due_on})
    if created:
        timeline_record(
            incident=incident,
            text=f"Post-incident review opened, due {due_on:%d %b %Y} ({REVIEW_DUE_BUSINESS_DAYS} business days).",
            kind=EntryKind.REVIEW,
            at=incident.resolved_at,
        )
    return review


@transaction.atomic
def incident_close(*, actor, incident: Incident, note: str = "") -> Incident:
    """Close the incident: only with an approved post-incident review whose content is unchanged."""
    incident = incident_lock(incident)
    ensure_project_writable(incident.project)
    review = PostIncidentReview.objects.filter(incident=incident).first()
    if incident.status != Status.REVIEW_DUE or review is None or not review.is_approved:
        raise ValidationError(f"{incident.code} cannot close without an approved post-incident review.")
    if signoff_services.signoff_check_current(target=review) is not None:
        raise ValidationError("The review changed after it was approved: its sign-off is void. Submit it again.")
    incident.status = Status.CLOSED
    incident.closed_at = timezone.now()
    incident.save()
    timeline_record(
        incident=incident,
        text="Incident closed." + (f" {note.strip()}" if note.strip() else ""),
        kind=EntryKind.STATUS,
        author=actor,
    )
    return incident


@transaction.atomic
def timeline_add(
    *, actor, incident: Incident, text: str, kind: str = EntryKind.NOTE, at: datetime.datetime | None = None
) -> TimelineEntry:
    """Append a line to the timeline (notes, rollback steps, communications); it can never be changed."""
    incident = incident_lock(incident)
    _ensure_open(incident)
    if kind not in (EntryKind.NOTE, EntryKind.ROLLBACK, EntryKind.COMMUNICATION):
        raise ValidationError({"kind": "Status, alert and review entries are written by the portal."})
    if not (text or "").strip():
        raise ValidationError({"text": "Write what happened."})
    if at is not None and at > timezone.now() + datetime.timedelta(minutes=1):
        raise ValidationError({"at": "That time is in the future."})
    return timeline_record(incident=incident, text=text.strip(), kind=kind, author=actor, at=at)


@transaction.atomic
def incident_rollback_record(
    *, actor, incident: Incident, at: datetime.datetime | None = None, note: str = ""
) -> Incident:
    """Record that the model was rolled back to the rollback target."""
    incident = incident_lock(incident)
    _ensure_open(incident)
    if not incident.rollback_target_version:
        raise ValidationError({"rollback_target_version": "Name the version rolled back to first."})
    at = at or timezone.now()
    if at < incident.detected_at or at > timezone.now() + datetime.timedelta(minutes=1):
        raise ValidationError({"at": "The rollback happened between detection and now."})
    incident.rolled_back_at = at
    incident.save(update_fields=["rolled_back_at", "updated_at"])
    text = f"Rolled back to {incident.rollback_target_version}" + (f": {note.strip()}" if note.strip() else ".")
    timeline_record(incident=incident, text=text, kind=EntryKind.ROLLBACK, author=actor, at=at)
    return incident


@transaction.atomic
def artifact_add(*, actor, incident: Incident, kind: str, reference: str, note: str = "") -> IncidentArtifact:
    incident = incident_lock(incident)
    _ensure_open(incident)
    artifact = IncidentArtifact(
        incident=incident, kind=kind, reference=reference.strip(), note=note.strip(), added_by=actor
    )
    artifact.full_clean()
    artifact.save()
    return artifact


# --- Risks ---------------------------------------------------------------------------


@transaction.atomic
def incident_risk_link(*, actor, incident: Incident, risk: Risk, opened: bool = False) -> IncidentRiskLink:
    """Link a risk of the same project's register to the incident."""
    incident = incident_lock(incident)
    ensure_project_writable(incident.project)
    if risk.project_id != incident.project_id:
        raise ValidationError({"risk": "Link a risk of this project's register."})
    if IncidentRiskLink.objects.filter(incident=incident, risk=risk).exists():
        raise ValidationError({"risk": f"{risk.code} is already linked."})
    link = IncidentRiskLink(incident=incident, risk=risk, linked_by=actor, opened_from_incident=opened)
    link.full_clean()
    link.save()
    verb = "opened from this incident" if opened else "linked"
    timeline_record(incident=incident, text=f"Risk {risk.code} {risk.title} {verb}.", kind=EntryKind.NOTE, author=actor)
    return link


@transaction.atomic
def incident_risk_open(*, actor, incident: Incident, **risk_fields) -> Risk:
    """Record a new risk in the register (through the register's own service) and link it."""
    incident = incident_lock(incident)
    risk = risk_services.risk_create(actor=actor, project=incident.project, **risk_fields)
    incident_risk_link(actor=actor, incident=incident, risk=risk, opened=True)
    return risk


# --- The post-incident review -------------------------------------------------------------


def _review_check_current(incident: Incident) -> None:
    """Invalidate the review's approved sign-off when what was signed has changed."""
    review = PostIncidentReview.objects.filter(incident=incident).first()
    if review is not None and review.is_approved:
        signoff_services.signoff_check_current(target=review)


@transaction.atomic
def review_update(*, actor, review: PostIncidentReview, **fields) -> PostIncidentReview:
    """Write the review; a change after approval voids the sign-off (the incident returns to resolved)."""
    incident = incident_lock(review.incident)
    _ensure_open(incident)
    _check_fields(fields, REVIEW_EDITABLE_FIELDS, "review")
    review = PostIncidentReview.objects.select_for_update().get(pk=review.pk)
    review.incident = incident
    changed = {name: value for name, value in fields.items() if getattr(review, name) != value}
    if not changed:
        return review
    for name, value in changed.items():
        setattr(review, name, value)
    if review.root_cause_identified_at and review.root_cause_identified_at < incident.detected_at:
        raise ValidationError({"root_cause_identified_at": "The root cause was identified after detection."})
    review.full_clean()
    review.save()
    if review.is_approved:
        signoff_services.signoff_check_current(target=review)
        review.refresh_from_db()
    return review


def review_approver_roles(review: PostIncidentReview) -> tuple[str, ...]:
    """Who signs a review: for the two highest severities the Product Owner and the Security / Compliance
    Officer, for the others the Product Owner."""
    if review.incident.severity in HIGH_SEVERITIES:
        return (Role.PRODUCT_OWNER, Role.COMPLIANCE_OFFICER)
    return (Role.PRODUCT_OWNER,)


def review_problems(review: PostIncidentReview) -> list[str]:
    """What the review still lacks before it can be submitted."""
    problems = []
    if not review.root_cause.strip():
        problems.append("Describe the root cause.")
    if not review.went_well.strip() or not review.went_poorly.strip():
        problems.append("Say what went well and what went poorly.")
    if review.data_loss is None:
        problems.append("Say whether data was lost.")
    return problems


@transaction.atomic
def review_submit(*, actor, review: PostIncidentReview, note: str = "", due_on: datetime.date | None = None):
    """Ask the approvers to sign the review; the incident becomes "review due"."""
    incident = incident_lock(review.incident)
    _ensure_open(incident)
    if incident.status != Status.RESOLVED:
        raise ValidationError(
            f"{incident.code} is {incident.get_status_display().lower()}: only a resolved "
            "incident's review is submitted."
        )
    problems = review_problems(review)
    if problems:
        raise ValidationError(problems)
    today = timezone.localdate()
    signoff = signoff_services.signoff_request(
        actor=actor, target=review, due_on=due_on or max(review.due_on, today + datetime.timedelta(days=1)), note=note
    )
    incident.status = Status.REVIEW_DUE
    incident.review_due_at = timezone.now()
    incident.save(update_fields=["status", "review_due_at", "updated_at"])
    timeline_record(
        incident=incident,
        text=f"Post-incident review submitted for sign-off (#{signoff.pk}).",
        kind=EntryKind.REVIEW,
        author=actor,
    )
    return signoff


class IncidentReviewSignoff(targets.TargetAdapter):
    """How the sign-off engine sees a post-incident review."""

    model = PostIncidentReview
    evidence_template = "incidents/partials/review_evidence.html"

    def project(self, review):
        return review.incident.project

    def label(self, review) -> str:
        incident = review.incident
        return f"Post-incident review: {incident.code} {incident.title}"[:200]

    def snapshot(self, review) -> dict:
        # Read from the database: the engine compares it with what was signed after an update.
        review = PostIncidentReview.objects.select_related("incident").get(pk=review.pk)
        incident = review.incident
        items = ActionItem.objects.filter(incident=incident).order_by("id")
        return {
            "incident": incident.code,
            "severity": incident.severity,
            "category": incident.category,
            "detected_at": incident.detected_at.isoformat(),
            "acknowledged_at": incident.acknowledged_at.isoformat() if incident.acknowledged_at else None,
            "mitigated_at": incident.mitigated_at.isoformat() if incident.mitigated_at else None,
            "resolved_at": incident.resolved_at.isoformat() if incident.resolved_at else None,
            "impact": {
                "users_affected": review.users_affected,
                "revenue_impact": str(review.revenue_impact) if review.revenue_impact is not None else None,
                "predictions_affected": review.predictions_affected,
                "data_loss": review.data_loss,
            },
            "root_cause": review.root_cause,
            "went_well": review.went_well,
            "went_poorly": review.went_poorly,
            "action_items": [f"{item.title} — owner {item.owner_id}" for item in items],
        }

    def url(self, review) -> str:
        return review.get_absolute_url()

    def default_approvers(self, review) -> ApproverSpec:
        severity = review.incident.severity
        return ApproverSpec(
            roles=review_approver_roles(review),
            policy=Policy.ALL,
            source=f"Post-incident review of a {severity} incident",
        )

    def evidence(self, signoff) -> dict:
        review = PostIncidentReview.objects.select_related("incident__project").get(pk=signoff.target_id)
        items = ActionItem.objects.filter(incident=review.incident).select_related("owner")
        return {"review": review, "incident": review.incident, "action_items": items}

    def on_closed(self, signoff, state: str, *, note: str = "") -> None:
        review = PostIncidentReview.objects.select_related("incident__project").get(pk=signoff.target_id)
        incident = incident_lock(review.incident)
        if state == RequestState.APPROVED:
            review.approved_at = timezone.now()
            review.save(update_fields=["approved_at", "updated_at"])
            timeline_record(
                incident=incident,
                text=f"Post-incident review approved (sign-off #{signoff.pk}).",
                kind=EntryKind.REVIEW,
            )
            return
        review.approved_at = None
        review.save(update_fields=["approved_at", "updated_at"])
        if incident.status == Status.REVIEW_DUE:
            incident.status = Status.RESOLVED
            incident.save(update_fields=["status", "updated_at"])
        reason = f": {note}" if note else "."
        timeline_record(
            incident=incident,
            text=f"Review sign-off #{signoff.pk} {RequestState(state).label.lower()}{reason}",
            kind=EntryKind.REVIEW,
        )


# --- Action items ------------------------------------------------------------------------


def _done_fields(item: ActionItem, actor) -> None:
    if item.status == ActionStatus.DONE and item.completed_at is None:
        item.completed_at = timezone.now()
        item.completed_by = actor
    elif item.status != ActionStatus.DONE:
        item.completed_at = None
        item.completed_by = None


@transaction.atomic
def action_item_create(*, actor, incident: Incident, **fields) -> ActionItem:
    incident = incident_lock(incident)
    ensure_project_writable(incident.project)
    _check_fields(fields, ACTION_EDITABLE_FIELDS, "action item")
    _check_members(incident.project, {"owner": fields.get("owner")})
    item = ActionItem(incident=incident, created_by=actor, **fields)
    _done_fields(item, actor)
    item.full_clean()
    item.save()
    if incident.status != Status.CLOSED:
        _review_check_current(incident)
    return item


@transaction.atomic
def action_item_update(*, actor, item: ActionItem, **fields) -> ActionItem:
    """Change an action item, also after the incident closed; done needs a verification note or evidence."""
    project_lock(item.incident.project_id)
    item = ActionItem.objects.select_for_update().select_related("incident__project").get(pk=item.pk)
    ensure_project_writable(item.incident.project)
    _check_fields(fields, ACTION_EDITABLE_FIELDS, "action item")
    if "owner" in fields and fields["owner"] != item.owner:
        _check_members(item.incident.project, {"owner": fields["owner"]})
    changed = {name: value for name, value in fields.items() if getattr(item, name) != value}
    if not changed:
        return item
    for name, value in changed.items():
        setattr(item, name, value)
    _done_fields(item, actor)
    item.full_clean()
    item.save()
    if item.incident.status != Status.CLOSED and {"title", "owner"} & set(changed):
        _review_check_current(item.incident)
    return item


# --- The Alertmanager webhook's token -------------------------------------------------------


def _token_hash(token: str) -> str:
    # The token is 256 random bits, so a plain SHA-256 cannot be reversed by guessing.
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def webhook_token_rotate(*, actor, project: Project) -> str:
    """Issue a new webhook token for the project (the old one stops working); returned once, stored hashed."""
    ensure_project_writable(project)
    counter = incident_counter_get(project=project, lock=True)
    token = secrets.token_urlsafe(32)
    counter.webhook_token_hash = _token_hash(token)
    counter.webhook_token_hint = token[-4:]
    counter.webhook_token_created_at = timezone.now()
    counter.save()
    return token


_DUMMY_HASH = _token_hash("no token configured")


def webhook_project(*, project_slug: str, token: str) -> Project | None:
    """The project whose webhook token is `token`, or None. Compares in constant time."""
    counter = IncidentCounter.objects.select_related("project").filter(project__slug=project_slug).first()
    stored = counter.webhook_token_hash if counter and counter.webhook_token_hash else _DUMMY_HASH
    matches = hmac.compare_digest(_token_hash(token or ""), stored)
    if not matches or counter is None or not counter.webhook_token_hash:
        return None
    return counter.project
