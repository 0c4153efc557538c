"""The sign-off engine's writes: request, decide, withdraw, invalidate.

Every step appends a SignoffEvent; the request's state is then re-derived from
all its events. Steps on one request are serialised by a row lock on it
(`select_for_update`), so two approvers deciding at once, or a decision racing a
withdrawal, cannot both win.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.projects.choices import Role
from apps.projects.selectors import member_roles, project_members, project_role_holders
from apps.projects.services import ensure_project_writable, project_lock

from . import lifecycle, notifications, targets
from .approvers import ApproverSpec, approvers_for
from .choices import CLOSED_STATES, EventKind, Policy, RequestState
from .models import Approver, SignoffEvent, SignoffRequest


def derive_state(signoff: SignoffRequest, events: list[SignoffEvent], slots: list[Approver]) -> str:
    """The state that the events imply, under the request's policy."""
    kinds = [event.kind for event in events]
    for terminal in (EventKind.WITHDRAWN, EventKind.INVALIDATED, EventKind.REJECTED):
        if terminal in kinds:
            return RequestState(terminal.value)
    approvals = sum(1 for kind in kinds if kind == EventKind.APPROVED)
    needed = {Policy.ALL: len(slots), Policy.ANY: 1, Policy.N_OF_M: signoff.required_count or len(slots)}[
        signoff.policy
    ]
    return RequestState.APPROVED if approvals >= needed else RequestState.OPEN


def _append(signoff: SignoffRequest, **event_fields) -> SignoffEvent:
    event = SignoffEvent(request=signoff, **event_fields)
    event.full_clean()
    event.save()
    events = list(signoff.events.order_by("id"))
    state = derive_state(signoff, events, list(signoff.approvers.all()))
    if state != signoff.state:
        signoff.state = state
        signoff.closed_at = timezone.now() if state in CLOSED_STATES else None
        signoff.save(update_fields=["state", "closed_at", "updated_at"])
        if state in CLOSED_STATES:
            targets.adapter_for(signoff.target).on_closed(signoff, state, note=event.note)
            lifecycle.signoff_closed(signoff, state)
            notifications.notify_closed(signoff)
    return event


def _locked(signoff: SignoffRequest) -> SignoffRequest:
    # The project first: closing a request may move the project on (see project_lock).
    project_lock(signoff.project_id)
    locked = SignoffRequest.objects.select_for_update().select_related("project").get(pk=signoff.pk)
    ensure_project_writable(locked.project)
    if locked.state in CLOSED_STATES:
        raise ValidationError(
            f"This sign-off request is already {locked.get_state_display().lower()}; it cannot change."
        )
    return locked


def _check_slots_can_be_filled(*, actor, project, spec: ApproverSpec) -> None:
    """Every slot needs an active member other than the requester, or the request would wait forever."""
    members = set(project_members(project=project).values_list("pk", flat=True))
    outsiders = [str(person) for person in spec.people if person.pk not in members]
    if outsiders:
        raise ValidationError(f"Approvers must be project members with an active account: {', '.join(outsiders)}.")
    holders = {
        role: {person.pk for person in people}
        for role, people in project_role_holders(project=project, roles=spec.roles).items()
    }
    for role in spec.roles:
        label = Role(role).label
        if not holders.get(role):
            raise ValidationError(
                f"Nobody can fill the approver slot {label}: no member of this project holds that role. "
                f"Add a member with the role {label}."
            )
        if holders[role] == {actor.pk}:
            raise ValidationError(
                f"Nobody can fill the approver slot {label}: you are its only holder, and you cannot approve "
                f"your own request. To submit, add another member with the role {label}, or ask them to submit."
            )


@transaction.atomic
def signoff_request(
    *,
    actor,
    target,
    due_on: datetime.date,
    approvers: ApproverSpec | None = None,
    note: str = "",
) -> SignoffRequest:
    """Open a request for `target`; its approvers are `approvers`, or whoever `approvers_for(target)` names.

    Refused when an approver slot has no eligible person other than the requester.
    """
    adapter = targets.adapter_for(target)
    project = adapter.project(target)
    ensure_project_writable(project)
    spec = approvers if approvers is not None else approvers_for(target)
    roles, people = list(spec.roles), list(spec.people)
    if not roles and not people:
        raise ValidationError("Name at least one approver (a project role or a person).")
    if len(set(roles)) != len(roles) or len({p.pk for p in people}) != len(people):
        raise ValidationError("An approver is named twice.")
    slot_count = len(roles) + len(people)
    if spec.policy == Policy.N_OF_M and not (spec.required_count and 1 <= spec.required_count <= slot_count):
        raise ValidationError({"required_count": f"For N of M, N must be between 1 and {slot_count}."})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": "The due date is in the past."})
    if any(person.pk == actor.pk for person in people):
        raise ValidationError("You cannot name yourself as an approver of your own request.")
    _check_slots_can_be_filled(actor=actor, project=project, spec=spec)
    if SignoffRequest.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk, state=RequestState.OPEN
    ).exists():
        raise ValidationError("A sign-off request for this is already open.")

    snapshot = adapter.snapshot(target)
    signoff = SignoffRequest(
        project=project,
        target=target,
        title=adapter.label(target),
        policy=spec.policy,
        required_count=spec.required_count if spec.policy == Policy.N_OF_M else None,
        approvers_source=spec.source,
        due_on=due_on,
        requested_by=actor,
        note=note,
        snapshot=snapshot,
        fingerprint=targets.fingerprint(snapshot),
    )
    signoff.full_clean()
    signoff.save()
    for slot in [Approver(request=signoff, role=role) for role in roles] + [
        Approver(request=signoff, user=person) for person in people
    ]:
        slot.full_clean()
        slot.save()  # one by one, so that each slot is audited
    _append(signoff, kind=EventKind.REQUESTED, actor=actor, note=note, fingerprint=signoff.fingerprint)
    lifecycle.signoff_opened(signoff)
    notifications.notify_requested(signoff)
    return signoff


def open_slots_for(signoff: SignoffRequest, user) -> list[Approver]:
    """The undecided slots that `user` may fill on `signoff`."""
    if user.pk == signoff.requested_by_id:
        return []
    roles = member_roles(project=signoff.project_id, user=user)
    decided = set(signoff.events.filter(approver__isnull=False).values_list("approver_id", flat=True))
    return [
        slot
        for slot in signoff.approvers.all()
        if slot.pk not in decided and (slot.user_id == user.pk or (slot.role and slot.role in roles))
    ]


@transaction.atomic
def signoff_decide(*, actor, signoff: SignoffRequest, approve: bool, note: str = "") -> SignoffEvent:
    """Approve or reject. The requester cannot decide, and nobody fills two slots of one request."""
    signoff = _locked(signoff)
    if actor.pk == signoff.requested_by_id:
        raise PermissionDenied("Separation of duties: you requested this sign-off, so you cannot decide it.")
    if signoff.events.filter(actor=actor, kind__in=[EventKind.APPROVED, EventKind.REJECTED]).exists():
        raise ValidationError("You have already decided on this request; one person fills one approver slot.")
    slots = open_slots_for(signoff, actor)
    if not slots:
        raise PermissionDenied("You are not one of the approvers this request is waiting for.")
    if not approve and not note.strip():
        raise ValidationError({"note": "Say why you reject: the reason is shown to the team."})
    current = targets.fingerprint(targets.adapter_for(signoff.target).snapshot(signoff.target))
    if current != signoff.fingerprint:
        raise ValidationError("What was submitted has changed since the request was opened; it must be resubmitted.")
    return _append(
        signoff,
        kind=EventKind.APPROVED if approve else EventKind.REJECTED,
        actor=actor,
        approver=slots[0],
        note=note,
        fingerprint=current,
    )


@transaction.atomic
def signoff_withdraw(*, actor, signoff: SignoffRequest, note: str = "") -> SignoffEvent:
    """The requester takes an open request back."""
    signoff = _locked(signoff)
    if actor.pk != signoff.requested_by_id:
        raise PermissionDenied("Only the person who requested this sign-off can withdraw it.")
    return _append(signoff, kind=EventKind.WITHDRAWN, actor=actor, note=note)


@transaction.atomic
def signoff_check_current(*, target, snapshot: dict | None = None) -> SignoffRequest | None:
    """Invalidate the target's approved sign-off if what was signed has changed since.

    Call it whenever the target's content may have changed, in the changing write's transaction (pass
    `snapshot` when the caller has just computed it). Returns the invalidated request, or None when nothing
    changed. The invalidation's note names each change as people read it, with its before and after values.
    """
    signoff = (
        SignoffRequest.objects.select_for_update()
        .filter(target_type=ContentType.objects.get_for_model(target), target_id=target.pk, state=RequestState.APPROVED)
        .order_by("-id")
        .first()
    )
    if signoff is None:
        return None
    adapter = targets.adapter_for(target)
    snapshot = snapshot if snapshot is not None else adapter.snapshot(target)
    current = targets.fingerprint(snapshot)
    if current == signoff.fingerprint:
        return None
    changes = adapter.describe_changes(target, signoff.snapshot, snapshot)
    lines = [f"{change.label}: {change.before} → {change.after}" for change in changes] or ["the signed content"]
    note = "Changed after approval:\n" + "\n".join(lines)
    _append(signoff, kind=EventKind.INVALIDATED, actor=None, note=note, fingerprint=current)
    return signoff
