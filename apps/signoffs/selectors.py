"""Reads of sign-off requests."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from apps.projects.choices import ProjectStatus
from apps.projects.models import Membership
from apps.projects.selectors import members_by_project

from .choices import EventKind, RequestState
from .models import Approver, SignoffEvent, SignoffRequest


def _waiting_for(user) -> QuerySet[SignoffRequest]:
    """Open requests with a slot `user` may still fill (no select_related: also used to count)."""
    my_roles = Membership.objects.filter(user=user, project_id=OuterRef("request__project_id")).values("role")
    open_slot_for_me = Approver.objects.filter(request=OuterRef("pk"), events__isnull=True).filter(
        Q(user=user) | Q(role__in=my_roles)
    )
    already_decided = SignoffEvent.objects.filter(
        request=OuterRef("pk"), actor=user, kind__in=[EventKind.APPROVED, EventKind.REJECTED]
    )
    return (
        SignoffRequest.objects.filter(state=RequestState.OPEN, project__memberships__user=user)
        .exclude(project__status=ProjectStatus.RETIRED)  # a retired project is read-only: nothing to decide
        .exclude(requested_by=user)
        .filter(Exists(open_slot_for_me))
        .exclude(Exists(already_decided))
        .distinct()
    )


def signoff_inbox(*, user) -> QuerySet[SignoffRequest]:
    """Open requests waiting for `user`'s decision, overdue first."""
    return (
        _waiting_for(user)
        .select_related("project", "requested_by", "target_type")
        .prefetch_related(Prefetch("approvers", Approver.objects.select_related("user")))
        .order_by("due_on", "id")
    )


def signoff_inbox_count(*, user) -> int:
    """How many requests wait for `user` (the navigation's badge): one query."""
    return _waiting_for(user).count()


def signoff_submitted(*, user) -> QuerySet[SignoffRequest]:
    """Open requests `user` submitted, oldest due first, each slot with whether it is decided.

    Requests of projects `user` has left or that were retired stay listed: they are still open.
    """
    decided = SignoffEvent.objects.filter(approver=OuterRef("pk"))
    return (
        SignoffRequest.objects.filter(state=RequestState.OPEN, requested_by=user)
        .select_related("project", "target_type")
        .prefetch_related(
            Prefetch("approvers", Approver.objects.select_related("user").annotate(decided=Exists(decided)))
        )
        .order_by("due_on", "id")
    )


def signoff_submitted_count(*, user) -> int:
    return SignoffRequest.objects.filter(state=RequestState.OPEN, requested_by=user).count()


def attach_waiting_on(signoffs) -> list[SignoffRequest]:
    """Give each request (from `signoff_submitted`) `waiting_on`: [(slot label, [people])] for its
    undecided slots. A role slot names the active members holding the role, except the requester
    (who may never approve their own request)."""
    signoffs = list(signoffs)
    open_slots = {signoff.pk: [slot for slot in signoff.approvers.all() if not slot.decided] for signoff in signoffs}
    wanted_roles = {slot.role for slots in open_slots.values() for slot in slots if slot.role}
    project_ids = {signoff.project_id for signoff in signoffs}
    # One query per role named in an open slot (at most the number of roles), whatever the page's length.
    holders = {role: members_by_project(projects=project_ids, roles=[role]) for role in sorted(wanted_roles)}
    for signoff in signoffs:
        signoff.waiting_on = [
            (
                str(slot),
                [slot.user]
                if slot.user_id
                else [
                    person
                    for person in holders[slot.role].get(signoff.project_id, [])
                    if person.pk != signoff.requested_by_id
                ],
            )
            for slot in open_slots[signoff.pk]
        ]
    return signoffs


def signoff_history(*, signoff: SignoffRequest) -> QuerySet[SignoffEvent]:
    return signoff.events.select_related("actor", "approver__user").order_by("id")
