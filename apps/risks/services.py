"""Writes to the risk register. Views, the API, the import, the tasks and seed_demo call these.

The register's rules live here once:

* codes come from the project's counter, under a row lock, and are never reused;
* a risk's owner is a member of its project; its residual score never exceeds its inherent score;
* creating, updating, reviewing or accepting a risk restarts its review period
  (`next_review_on`); a live risk past that date is aging and escalates;
* a risk is accepted directly only when its residual score is at or below the
  project's acceptance threshold; above it, `risk_accept` opens a sign-off request
  (Product Owner and Security / Compliance Officer) on a RiskAcceptanceProposal,
  and the acceptance takes effect when the engine reports it approved
  (RiskAcceptanceSignoff.on_closed); a later change to what was signed voids it;
* decisions (reviews, acceptances) are never deleted, so a risk that has any is closed, not deleted.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from apps.audit.services import audit_bulk_create
from apps.core.cadence import cadence_delta
from apps.core.permissions import has_object_perm
from apps.notifications.services import Message, notify_many
from apps.projects import roles
from apps.projects.choices import ProjectStatus, Role
from apps.projects.models import Project
from apps.projects.selectors import members_by_project, project_members, project_role_holders
from apps.projects.services import ensure_project_writable
from apps.signoffs import services as signoff_services
from apps.signoffs import targets
from apps.signoffs.approvers import ApproverSpec
from apps.signoffs.choices import Policy, RequestState
from apps.signoffs.models import SignoffRequest

from .choices import NotificationKind, ReviewFrequency, RiskStatus
from .models import (
    Risk,
    RiskAcceptance,
    RiskAcceptanceProposal,
    RiskRegister,
    RiskReview,
    format_code,
)
from .selectors import risk_acceptance_signoff_pending

RISK_EDITABLE_FIELDS = (
    "title",
    "description",
    "category",
    "stage",
    "impact",
    "likelihood",
    "owner",
    "mitigation",
    "residual_impact",
    "residual_likelihood",
    "status",
    "review_frequency",
)
MAX_ACCEPTANCE_DAYS = 365
# Escalation: the owner hears the day after the next review date is missed (the
# first day a risk is aging); the leads hear a week after that.
ESCALATION_AFTER_DAYS = 8
ESCALATION_ROLES = (Role.PRODUCT_OWNER, Role.COMPLIANCE_OFFICER)
SIGNOFF_ROLES = (Role.PRODUCT_OWNER, Role.COMPLIANCE_OFFICER)
SIGNOFF_DUE_DAYS = 7
# Besides the proposal itself (expiry, justification), a sign-off signs these: changing one voids it.
SIGNED_RISK_FIELDS = ("residual_impact", "residual_likelihood", "mitigation")


def next_review_date(frequency: str, *, today: datetime.date | None = None) -> datetime.date:
    """One step of the review frequency after `today`: a month is a calendar month (apps.core.cadence)."""
    return (today or timezone.localdate()) + cadence_delta(frequency)


# --- The register and its codes ---------------------------------------------------


def risk_register_get(*, project: Project, lock: bool = False) -> RiskRegister:
    """The project's register row, created on first use; `lock=True` takes it FOR UPDATE."""
    register, _ = RiskRegister.objects.get_or_create(project=project)
    if lock:
        register = RiskRegister.objects.select_for_update().get(pk=register.pk)
    register.project = project
    return register


def _take_numbers(*, register: RiskRegister, count: int, after: int = 0) -> list[int]:
    """Hand out `count` new numbers from a locked register; none is ever handed out twice."""
    start = max(register.last_number, after)
    register.last_number = start + count
    register.save(update_fields=["last_number", "updated_at"])
    return list(range(start + 1, start + count + 1))


@transaction.atomic
def risk_register_update(*, actor, project: Project, acceptance_threshold: int) -> RiskRegister:
    """Set the highest residual score that may be accepted without a sign-off."""
    ensure_project_writable(project)
    register = risk_register_get(project=project, lock=True)
    register.acceptance_threshold = acceptance_threshold
    register.full_clean()
    register.save()
    return register


# --- Risks --------------------------------------------------------------------------


def _check_owner(*, project: Project, owner) -> None:
    if owner is not None and not project_members(project=project).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": f"{owner} is not a member of {project}: a risk's owner must be a member."})


def _check_fields(fields: dict, *, status: str | None = None) -> None:
    """Refuse unknown fields, and a status set to accepted by hand (`status`: the risk's current one)."""
    unknown = set(fields) - set(RISK_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"These risk fields cannot be set: {', '.join(sorted(unknown))}.")
    if fields.get("status") == RiskStatus.ACCEPTED and status != RiskStatus.ACCEPTED:
        raise ValidationError(
            {"status": "A risk becomes accepted through “Accept risk”, which records who accepted it and until when."}
        )


def risk_build(*, actor, project: Project, **fields) -> Risk:
    """An unsaved, validated risk (without its code): what `risk_create` would save.

    The residual rating defaults to the inherent one (no mitigation in effect yet).
    """
    _check_fields(fields)
    fields.setdefault("residual_impact", fields.get("impact"))
    fields.setdefault("residual_likelihood", fields.get("likelihood"))
    fields.setdefault("review_frequency", ReviewFrequency.WEEKLY)
    risk = Risk(project=project, created_by=actor, **fields)
    risk.next_review_on = next_review_date(risk.review_frequency)
    # The database enforces the constraints on insert, and the project and people are instances the
    # caller already holds (the owner checked as a member): checking them here would cost queries per risk.
    risk.full_clean(
        exclude={"number", "project", "owner", "created_by"}, validate_unique=False, validate_constraints=False
    )
    return risk


def _risk_insert(risk: Risk, *, number: int) -> Risk:
    risk.number = number
    risk.save()
    return risk


@transaction.atomic
def risk_create(*, actor, project: Project, **fields) -> Risk:
    """Record a risk under the next free code of its project."""
    ensure_project_writable(project)
    _check_owner(project=project, owner=fields.get("owner"))
    risk = risk_build(actor=actor, project=project, **fields)
    register = risk_register_get(project=project, lock=True)
    (number,) = _take_numbers(register=register, count=1)
    return _risk_insert(risk, number=number)


@transaction.atomic
def risk_import_save(*, actor, project: Project, risks: list[Risk], codes: list[int | None]) -> list[Risk]:
    """Save built risks together: a given code is kept if this project never issued it, the others get new ones.

    Raises a ValidationError naming the codes that were issued meanwhile; nothing is saved then.
    """
    ensure_project_writable(project)
    register = risk_register_get(project=project, lock=True)
    given = [number for number in codes if number is not None]
    taken = sorted(number for number in given if number <= register.last_number)
    if taken:
        raise ValidationError(
            {"ID": f"Already issued in this project (codes are never reused): {', '.join(map(format_code, taken))}."}
        )
    fresh = iter(_take_numbers(register=register, count=codes.count(None), after=max(given, default=0)))
    for risk, number in zip(risks, codes, strict=True):
        risk.number = number or next(fresh)
    # A 2,000-row import in a few statements, each risk still audited (see audit_bulk_create).
    return audit_bulk_create(Risk, risks)


def _lock(risk: Risk) -> Risk:
    locked = Risk.objects.select_for_update().get(pk=risk.pk)
    locked.project = risk.project
    return locked


@transaction.atomic
def risk_update(*, actor, risk: Risk, **fields) -> Risk:
    """Change a risk; any real change is a reassessment and restarts its review period."""
    ensure_project_writable(risk.project)
    risk = _lock(risk)
    _check_fields(fields, status=risk.status)
    if "owner" in fields and fields["owner"] != risk.owner:
        _check_owner(project=risk.project, owner=fields["owner"])
    changed = {name for name, value in fields.items() if getattr(risk, name) != value}
    if not changed:
        return risk
    for name in changed:
        setattr(risk, name, fields[name])
    if risk.status != RiskStatus.ACCEPTED:
        risk.accepted_until = None
    accepted = _current_acceptance(risk) if risk.status == RiskStatus.ACCEPTED else None
    residual_changed = bool({"residual_impact", "residual_likelihood"} & changed)
    if accepted is not None and residual_changed and risk.residual > accepted.residual_score:
        raise ValidationError(
            {
                "residual_likelihood": (
                    f"{risk.code} was accepted at residual score {accepted.residual_score}; a higher score "
                    "needs a new acceptance. Set the status to open or mitigating first."
                )
            }
        )
    risk.next_review_on = next_review_date(risk.review_frequency)
    risk.full_clean()
    risk.save()
    signed_change = accepted is not None and accepted.proposal_id and set(SIGNED_RISK_FIELDS) & changed
    # What the approvers signed has changed: the engine invalidates the sign-off and
    # RiskAcceptanceSignoff.on_closed returns the risk to open.
    if signed_change and signoff_services.signoff_check_current(target=accepted.proposal) is not None:
        risk.refresh_from_db(fields=["status", "accepted_until", "updated_at"])
    return risk


@transaction.atomic
def risk_delete(*, actor, risk: Risk) -> None:
    """Delete a risk recorded by mistake. Its code stays issued; a risk with decisions is closed instead."""
    ensure_project_writable(risk.project)
    risk = _lock(risk)
    if (
        RiskReview.objects.filter(risk=risk).exists()
        or RiskAcceptance.objects.filter(risk=risk).exists()
        or RiskAcceptanceProposal.objects.filter(risk=risk).exists()
    ):
        raise ValidationError(
            f"{risk.code} has recorded reviews or acceptances, which are never deleted: close the risk instead."
        )
    risk.delete()


# --- Decisions: reviews and acceptances -----------------------------------------------


@transaction.atomic
def risk_review(*, actor, risk: Risk, note: str = "") -> RiskReview:
    """ "Reviewed, no change": record the reassessment and restart the review period."""
    ensure_project_writable(risk.project)
    risk = _lock(risk)
    if not risk.is_live:
        raise ValidationError(f"{risk.code} is closed: reopen it before reviewing it.")
    review = RiskReview(risk=risk, reviewed_by=actor, note=note.strip())
    review.full_clean()
    review.save()
    risk.last_reviewed_at = review.created_at
    risk.last_reviewed_by = actor
    risk.next_review_on = next_review_date(risk.review_frequency)
    risk.save(update_fields=["last_reviewed_at", "last_reviewed_by", "next_review_on", "updated_at"])
    return review


def acceptance_needs_signoff(*, risk: Risk, register: RiskRegister, actor) -> bool:
    """Above the project's threshold one person cannot accept a risk alone; and only the governing
    roles (Product Owner, Security / Compliance Officer) accept directly within it: anyone else who
    works the register proposes the acceptance for their sign-off."""
    governs = has_object_perm(actor, f"projects.{roles.GOVERN_RISKS}", risk.project)
    return risk.residual > register.acceptance_threshold or not governs


def _signoff_approvers() -> str:
    return " and the ".join(Role(role).label for role in SIGNOFF_ROLES)


def acceptance_signoff_problem(*, actor, project: Project) -> str | None:
    """Why `actor` cannot open an acceptance sign-off on `project` that someone could complete, or None.

    Every role in SIGNOFF_ROLES must be held by a member other than `actor`: the
    engine never lets the requester decide their own request, so a role that only
    the requester holds would leave its approval slot empty forever.
    """
    holders = project_role_holders(project=project, roles=SIGNOFF_ROLES)
    for role in SIGNOFF_ROLES:
        users = {person.pk for person in holders.get(role, [])}
        label = Role(role).label
        if not users:
            return (
                f"No member of this project holds the role {label}, so nobody could sign this acceptance off: "
                f"add a {label} to the project first."
            )
        if users == {actor.pk}:
            return (
                f"Separation of duties: you would request this sign-off, so you cannot approve it, and you are the "
                f"only {label} of this project. Add another {label} to the project (they approve as {label}), "
                "then submit the acceptance again."
            )
    return None


def _current_acceptance(risk: Risk) -> RiskAcceptance | None:
    return RiskAcceptance.objects.filter(risk=risk).order_by("-created_at", "-id").first()


def _acceptance_record(
    *, risk: Risk, accepted_by, expires_on: datetime.date, note: str, residual_score: int, threshold: int, proposal=None
) -> RiskAcceptance:
    """The acceptance write: the append-only row, then the risk's status and expiry. `risk` is locked."""
    acceptance = RiskAcceptance(
        risk=risk,
        accepted_by=accepted_by,
        expires_on=expires_on,
        note=note,
        residual_score=residual_score,
        threshold=threshold,
        proposal=proposal,
    )
    acceptance.full_clean()
    acceptance.save()
    risk.status = RiskStatus.ACCEPTED
    risk.accepted_until = expires_on
    risk.next_review_on = next_review_date(risk.review_frequency)
    risk.save(update_fields=["status", "accepted_until", "next_review_on", "updated_at"])
    return acceptance


def _acceptance_signoff_request(
    *, actor, risk: Risk, register: RiskRegister, expires_on: datetime.date, note: str, due_on: datetime.date
) -> SignoffRequest:
    problem = acceptance_signoff_problem(actor=actor, project=risk.project)
    if problem:
        raise ValidationError(problem)
    proposal = RiskAcceptanceProposal(
        risk=risk,
        proposed_by=actor,
        expires_on=expires_on,
        note=note,
        residual_score=risk.residual,
        threshold=register.acceptance_threshold,
    )
    proposal.full_clean()
    proposal.save()
    try:
        return signoff_services.signoff_request(actor=actor, target=proposal, due_on=due_on, note=note)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise
        # The engine's own refusal, said in the register's terms (the proposal is rolled back with it).
        raise ValidationError(
            f"Accepting {risk.code} needs a sign-off by the {_signoff_approvers()}, and it could not be requested: "
            f"{' '.join(error.messages)}"
        ) from error


@transaction.atomic
def risk_accept(
    *,
    actor,
    risk: Risk,
    expires_on: datetime.date,
    note: str,
    signoff_due_on: datetime.date | None = None,
) -> RiskAcceptance | SignoffRequest:
    """Accept a risk's residual rating until `expires_on`.

    At or below the project's acceptance threshold the acceptance takes effect at
    once and its RiskAcceptance is returned. Above it, a sign-off request by the
    Product Owner and the Security / Compliance Officer (both must approve) is
    opened on a RiskAcceptanceProposal and returned; the risk is accepted only when
    the request is approved (RiskAcceptanceSignoff.on_closed). The request is due
    on `signoff_due_on`, by default in SIGNOFF_DUE_DAYS days (or on the expiry
    date, if that comes sooner).
    """
    ensure_project_writable(risk.project)
    risk = _lock(risk)
    register = risk_register_get(project=risk.project)
    needs_signoff = acceptance_needs_signoff(risk=risk, register=register, actor=actor)
    today = timezone.localdate()
    errors = {}
    if not risk.is_live:
        errors["status"] = f"{risk.code} is closed: reopen it before accepting it."
    if not (note or "").strip():
        errors["note"] = "Say why the residual risk is acceptable."
    if expires_on is None or expires_on <= today:
        errors["expires_on"] = "An acceptance expires on a future date."
    elif expires_on > today + datetime.timedelta(days=MAX_ACCEPTANCE_DAYS):
        errors["expires_on"] = f"An acceptance lasts at most {MAX_ACCEPTANCE_DAYS} days; accept it again when it ends."
    elif needs_signoff and signoff_due_on is not None and not today <= signoff_due_on <= expires_on:
        errors["signoff_due_on"] = "The sign-off is due between today and the acceptance's expiry date."
    if errors:
        raise ValidationError(errors)
    pending = risk_acceptance_signoff_pending(risk=risk)
    if pending is not None:
        raise ValidationError(
            f"An acceptance of {risk.code} is already awaiting sign-off (sign-off #{pending.pk}, due "
            f"{pending.due_on:%-d %b %Y}): it must be decided, or withdrawn by {pending.requested_by}, first."
        )
    if needs_signoff:
        due_on = signoff_due_on or min(today + datetime.timedelta(days=SIGNOFF_DUE_DAYS), expires_on)
        return _acceptance_signoff_request(
            actor=actor, risk=risk, register=register, expires_on=expires_on, note=note.strip(), due_on=due_on
        )
    return _acceptance_record(
        risk=risk,
        accepted_by=actor,
        expires_on=expires_on,
        note=note.strip(),
        residual_score=risk.residual,
        threshold=register.acceptance_threshold,
    )


class RiskAcceptanceSignoff(targets.TargetAdapter):
    """How the sign-off engine sees an acceptance above the threshold (a RiskAcceptanceProposal)."""

    model = RiskAcceptanceProposal
    evidence_template = "risks/partials/acceptance_evidence.html"

    def project(self, proposal):
        return proposal.risk.project

    def label(self, proposal) -> str:
        risk = proposal.risk
        return f"Risk acceptance: {risk.code} {risk.title}"[:200]

    def snapshot(self, proposal) -> dict:
        # Read from the database: the engine compares it with what was signed after a risk_update.
        risk = Risk.objects.get(pk=proposal.risk_id)
        return {
            "risk": risk.code,
            "residual_impact": risk.residual_impact,
            "residual_likelihood": risk.residual_likelihood,
            "residual_score": risk.residual,
            "mitigation": risk.mitigation,
            "accepted_until": proposal.expires_on.isoformat(),
            "threshold": proposal.threshold,
            "justification": proposal.note,
        }

    def url(self, proposal) -> str:
        return proposal.risk.get_absolute_url()

    def default_approvers(self, proposal) -> ApproverSpec:
        return ApproverSpec(
            roles=tuple(SIGNOFF_ROLES), policy=Policy.ALL, source="Risk acceptance above the project's threshold"
        )

    def evidence(self, signoff) -> dict:
        proposal = RiskAcceptanceProposal.objects.select_related("risk__project", "risk__owner", "proposed_by").get(
            pk=signoff.target_id
        )
        return {"proposal": proposal, "risk": proposal.risk, "signed": signoff.snapshot}

    def on_closed(self, signoff, state: str, *, note: str = "") -> None:
        proposal = RiskAcceptanceProposal.objects.select_related("risk__project").get(pk=signoff.target_id)
        risk = _lock(proposal.risk)
        if state == RequestState.APPROVED:
            if not risk.is_live:
                raise ValidationError(
                    f"{risk.code} was closed after the acceptance was submitted: it cannot be accepted."
                )
            if proposal.expires_on < timezone.localdate():
                raise ValidationError(
                    f"This acceptance was to end on {proposal.expires_on:%-d %b %Y}, which has passed: "
                    "reject it and submit a new one."
                )
            _acceptance_record(
                risk=risk,
                accepted_by=proposal.proposed_by,
                expires_on=proposal.expires_on,
                note=proposal.note,
                residual_score=proposal.residual_score,
                threshold=proposal.threshold,
                proposal=proposal,
            )
        elif state == RequestState.INVALIDATED:
            current = _current_acceptance(risk)
            if risk.status == RiskStatus.ACCEPTED and current is not None and current.proposal_id == proposal.pk:
                risk.status = RiskStatus.OPEN
                risk.accepted_until = None
                risk.save(update_fields=["status", "accepted_until", "updated_at"])
        # Rejected or withdrawn: the risk stays as it was; the reason is the request's closing event,
        # which the risk's page shows.


# --- Periodic work: expiry and escalation, notified through the outbox --------------------------------------


NOTIFICATION_SUBJECTS = {
    NotificationKind.AGING_OWNER: "Review overdue",
    NotificationKind.AGING_ESCALATION: "Escalation — review overdue",
    NotificationKind.ACCEPTANCE_EXPIRED: "Acceptance expired",
}


def _message_about(risk: Risk, recipients, *, kind: str, period: datetime.date) -> Message:
    """One notice about `risk` for `recipients`, queued once per kind and `period` (the date it is about)."""
    body = render_to_string(
        "risks/email/notification.txt",
        {"risk": risk, "project": risk.project, "kind": kind, "period": period, "kinds": NotificationKind},
    )
    return Message(
        recipients=recipients,
        category="risks",
        kind=f"risk_{kind}",
        subject=f"[{risk.project.name}] {NOTIFICATION_SUBJECTS[kind]}: {risk.display_code} {risk.title}",
        body=body,
        target=risk,
        project=risk.project,
        period_key=period.isoformat(),
        url=risk.get_absolute_url(),
    )


def _notify_about(risk: Risk, recipients, *, kind: str, period: datetime.date) -> int:
    return notify_many([_message_about(risk, recipients, kind=kind, period=period)])


@transaction.atomic
def risk_acceptances_expire(*, today: datetime.date | None = None) -> int:
    """Return risks whose acceptance ended before `today` to open, and queue a notice to their owner.

    Unowned risks notify the project's Product Owners. Rows are taken with
    SKIP LOCKED, so two runs at once handle each risk once.
    """
    today = today or timezone.localdate()
    expired = list(
        Risk.objects.filter(status=RiskStatus.ACCEPTED, accepted_until__lt=today)
        .exclude(project__status=ProjectStatus.RETIRED)  # a retired project's register is kept as it was
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("project", "owner")
    )
    product_owners = members_by_project(projects={risk.project_id for risk in expired}, roles=[Role.PRODUCT_OWNER])
    for risk in expired:
        ended_on = risk.accepted_until
        risk.status = RiskStatus.OPEN
        risk.accepted_until = None
        risk.save(update_fields=["status", "accepted_until", "updated_at"])
        recipients = [risk.owner] if risk.owner and risk.owner.is_active else product_owners.get(risk.project_id, [])
        _notify_about(risk, recipients, kind=NotificationKind.ACCEPTANCE_EXPIRED, period=ended_on)
    return len(expired)


SWEEP_BATCH_SIZE = 500


def risk_escalations_plan(*, today: datetime.date | None = None, batch_size: int = SWEEP_BATCH_SIZE) -> int:
    """Queue the reminders that aging risks are due for; returns how many are due (repeats included).

    Step 1, one day past the next review date: the owner. Step 2, a week later
    (or at once for an unowned risk): the project's Product Owners and Security
    / Compliance Officers. `period` is the missed review date, so each person
    hears about each step of one aging episode once.

    The whole backlog in one run, `batch_size` risks at a time: a fixed number of
    queries per batch (the risks, their projects' leads, and notify_many's four).
    """
    today = today or timezone.localdate()
    aging = (
        Risk.objects.aging(today=today)
        .exclude(project__status=ProjectStatus.RETIRED)
        .select_related("owner", "project")
        .order_by("pk")
    )
    due, after = 0, 0
    while True:
        batch = list(aging.filter(pk__gt=after)[:batch_size])
        if not batch:
            return due
        after = batch[-1].pk
        leads = members_by_project(projects={risk.project_id for risk in batch}, roles=ESCALATION_ROLES)
        messages = []
        for risk in batch:
            days_overdue = (today - risk.next_review_on).days
            owned = risk.owner is not None and risk.owner.is_active
            if owned:
                messages.append(
                    _message_about(risk, [risk.owner], kind=NotificationKind.AGING_OWNER, period=risk.next_review_on)
                )
                due += 1
            if days_overdue >= ESCALATION_AFTER_DAYS or not owned:
                project_leads = leads.get(risk.project_id, [])
                messages.append(
                    _message_about(
                        risk, project_leads, kind=NotificationKind.AGING_ESCALATION, period=risk.next_review_on
                    )
                )
                due += len(project_leads)
        with transaction.atomic():
            notify_many(messages)
