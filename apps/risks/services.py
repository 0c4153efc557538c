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
import heapq
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from apps.audit.services import audit_bulk_create
from apps.core.cadence import cadence_delta
from apps.core.permissions import has_object_perm
from apps.notifications.mail import absolute_url, clean_header
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

from .choices import AgingStep, NotificationKind, ReviewFrequency, RiskStatus
from .models import (
    ESCALATION_AFTER_DAYS,
    AgingNotice,
    AgingSweep,
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


def _acceptance_expired_message(risk: Risk, recipients, *, ended_on: datetime.date) -> Message:
    """One notice about `risk`'s ended acceptance, queued once per recipient and end date."""
    body = render_to_string("risks/email/acceptance_expired.txt", {"risk": risk, "ended_on": ended_on})
    return Message(
        recipients=recipients,
        category="risks",
        kind=f"risk_{NotificationKind.ACCEPTANCE_EXPIRED}",
        subject=f"[{risk.project.name}] Acceptance expired: {risk.display_code} {risk.title}",
        body=body,
        target=risk,
        project=risk.project,
        period_key=ended_on.isoformat(),
        url=risk.get_absolute_url(),
    )


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
    messages = []
    for risk in expired:
        ended_on = risk.accepted_until
        risk.status = RiskStatus.OPEN
        risk.accepted_until = None
        risk.save(update_fields=["status", "accepted_until", "updated_at"])
        recipients = [risk.owner] if risk.owner and risk.owner.is_active else product_owners.get(risk.project_id, [])
        messages.append(_acceptance_expired_message(risk, recipients, ended_on=ended_on))
    notify_many(messages)
    return len(expired)


SWEEP_BATCH_SIZE = 500
NOTIFY_CHUNK = 500  # summaries per notify_many call
SUMMARY_LIST_LIMIT = 25  # the most overdue risks a summary lists; "and N more" for the rest


@dataclass(frozen=True)
class AgingLine:
    """One risk as a summary lists it."""

    project: str
    code: str
    title: str
    days_overdue: int
    link: str
    owner: str  # "" when nobody active owns it


class _SummarySection:
    """What one person newly hears about in one section of their summary: how many risks, on how many
    projects, and the `SUMMARY_LIST_LIMIT` most overdue (a bounded heap, whatever the number)."""

    def __init__(self) -> None:
        self.count = 0
        self.projects: dict[int, Project] = {}
        self._heap: list[tuple[tuple, AgingLine]] = []

    def add(self, risk: Risk, *, today: datetime.date) -> None:
        self.count += 1
        self.projects[risk.project_id] = risk.project
        # The least pressing risk kept is on top of the heap: more overdue, then higher residual score,
        # then the older risk, wins.
        rank = ((today - risk.next_review_on).days, risk.residual, -risk.pk)
        if len(self._heap) < SUMMARY_LIST_LIMIT:
            heapq.heappush(self._heap, (rank, self._line(risk, rank[0])))
        elif rank > self._heap[0][0]:
            heapq.heapreplace(self._heap, (rank, self._line(risk, rank[0])))

    @staticmethod
    def _line(risk: Risk, days_overdue: int) -> AgingLine:
        owned = risk.owner is not None and risk.owner.is_active
        return AgingLine(
            project=clean_header(risk.project.name),  # a line of the list each, whatever their text
            code=risk.display_code,
            title=clean_header(risk.title),
            days_overdue=days_overdue,
            link=absolute_url(risk.get_absolute_url()),
            owner=risk.owner.display_name if owned else "",
        )

    def context(self, *, link: str) -> dict:
        lines = [line for _, line in sorted(self._heap, reverse=True)]
        return {
            "count": self.count,
            "projects": len(self.projects),
            "lines": lines,
            "more": self.count - len(lines),
            "link": absolute_url(link),
        }


@dataclass(frozen=True)
class AgingSweepResult:
    """What one aging sweep did: the steps it announced (a risk to its owner, or to its project's leads)
    and the summaries it queued (one per person told)."""

    announced: int
    summaries: int


def _portfolio_link(**filters) -> str:
    return f"{reverse('risks:portfolio')}?{urlencode({**filters, 'sort': 'next_review'})}"


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _aging_summary(person, sections: dict[int, _SummarySection], *, sweep: AgingSweep) -> Message:
    """The one summary `person` gets from `sweep`: their own overdue risks, then those escalated to them."""
    own, escalated = sections.get(AgingStep.OWNER), sections.get(AgingStep.ESCALATION)
    own_link, escalated_link = _portfolio_link(overdue="on", owner=person.pk), _portfolio_link(escalated="on")
    context = {
        "person": person,
        "own": own.context(link=own_link) if own else None,
        "escalated": escalated.context(link=escalated_link) if escalated else None,
        "escalation_after_days": ESCALATION_AFTER_DAYS,
    }
    projects = {pk: project for section in sections.values() for pk, project in section.projects.items()}
    parts = []
    if own:
        parts.append(f"{_plural(own.count, 'risk')} of yours overdue for review")
    if escalated:
        parts.append(f"{_plural(escalated.count, 'risk')} escalated to you")
    return Message(
        recipients=[person],
        category="risks",
        kind=f"risk_{NotificationKind.AGING_SUMMARY}",
        subject=f"Risk reviews: {' and '.join(parts)}",
        body=render_to_string("risks/email/aging_summary.txt", context),
        project=next(iter(projects.values())) if len(projects) == 1 else None,  # the centre's project filter
        # The run's number: a second sweep the same day announces only what is new, in a summary of its own.
        period_key=f"{sweep.ran_on.isoformat()} #{sweep.pk}",
        url=own_link if own else escalated_link,
    )


def risk_escalations_plan(
    *, today: datetime.date | None = None, batch_size: int = SWEEP_BATCH_SIZE
) -> AgingSweepResult:
    """Announce the steps aging risks are due for, each once, in one summary per person (decision 0023).

    Step 1, one day past the next review date: the owner. Step 2, a week later
    (or at once for a risk nobody active owns): the project's Product Owners and
    Security / Compliance Officers. A step is announced once per aging episode (the
    missed review date): the AgingNotice ledger's unique key says which are new, and
    with two sweeps at once each step is the one sweep's whose row went in (the
    other waits on the insert, then skips it). A step with nobody to tell is not
    recorded, so a lead appointed later still hears of it.

    The whole backlog in one run and one transaction (the ledger and the summaries
    commit together, so a sweep that fails is retried whole), `batch_size` risks at a
    time: four queries per batch (the risks, their projects' leads, the ledger insert
    and reading back which rows were ours), then `notify_many` per 500 summaries.
    """
    today = today or timezone.localdate()
    aging = (
        Risk.objects.aging(today=today)
        .exclude(project__status=ProjectStatus.RETIRED)
        .select_related("owner", "project")
        .order_by("pk")
    )
    people: dict[int, object] = {}
    sections: dict[int, dict[int, _SummarySection]] = defaultdict(dict)
    announced = 0
    with transaction.atomic():
        sweep = AgingSweep.objects.create(ran_on=today)
        after = 0
        while batch := list(aging.filter(pk__gt=after)[:batch_size]):
            after = batch[-1].pk
            leads = members_by_project(projects={risk.project_id for risk in batch}, roles=ESCALATION_ROLES)
            due: dict[tuple[int, int], tuple[Risk, list]] = {}
            for risk in batch:
                owned = risk.owner is not None and risk.owner.is_active
                if owned:
                    due[risk.pk, AgingStep.OWNER] = (risk, [risk.owner])
                project_leads = leads.get(risk.project_id, [])
                if project_leads and (not owned or (today - risk.next_review_on).days >= ESCALATION_AFTER_DAYS):
                    due[risk.pk, AgingStep.ESCALATION] = (risk, project_leads)
            # In (risk, step) order, as every sweep inserts: two sweeps at once never wait on each other in a cycle.
            AgingNotice.objects.bulk_create(
                [
                    AgingNotice(sweep=sweep, risk=risk, step=step, period=risk.next_review_on)
                    for (_, step), (risk, _) in due.items()
                ],
                ignore_conflicts=True,
            )
            ours = AgingNotice.objects.filter(sweep=sweep, risk_id__in=[risk.pk for risk in batch])
            for key in ours.values_list("risk_id", "step"):
                risk, recipients = due[key]
                announced += 1
                for person in recipients:
                    people[person.pk] = person
                    sections[person.pk].setdefault(key[1], _SummarySection()).add(risk, today=today)
        summaries = [_aging_summary(people[pk], sections[pk], sweep=sweep) for pk in sorted(sections)]
        queued = sum(
            notify_many(summaries[start : start + NOTIFY_CHUNK]) for start in range(0, len(summaries), NOTIFY_CHUNK)
        )
    return AgingSweepResult(announced=announced, summaries=queued)
