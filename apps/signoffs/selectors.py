"""Reads of sign-off requests."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from apps.projects.choices import ProjectStatus
from apps.projects.models import Membership

from .choices import EventKind, RequestState
from .models import Approver, SignoffEvent, SignoffRequest


def signoff_inbox(*, user) -> QuerySet[SignoffRequest]:
    """Open requests waiting for `user`'s decision, overdue first."""
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
        .select_related("project", "requested_by", "target_type")
        .prefetch_related(Prefetch("approvers", Approver.objects.select_related("user")))
        .order_by("due_on", "id")
    )


def signoff_history(*, signoff: SignoffRequest) -> QuerySet[SignoffEvent]:
    return signoff.events.select_related("actor", "approver__user").order_by("id")
