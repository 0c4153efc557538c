"""Sign-offs in the governance dossier: every request of the project with its approvers and decisions.

`signoff_records` is also what other sections (gates) use to print the sign-offs of their records.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch

from apps.dossier.registry import person, stamp

from .choices import EventKind
from .models import Approver, SignoffEvent, SignoffRequest


def signoff_records(queryset) -> list[dict]:
    """Each request: what was signed (its fingerprint), who had to approve, who decided what and when."""
    requests = queryset.select_related("requested_by", "target_type").prefetch_related(
        Prefetch("approvers", queryset=Approver.objects.select_related("user").order_by("id")),
        Prefetch(
            "events", queryset=SignoffEvent.objects.select_related("actor", "approver").order_by("created_at", "id")
        ),
    )
    records = []
    for request in requests.order_by("created_at", "pk"):
        decided = {event.approver_id: event for event in request.events.all() if event.approver_id}
        records.append(
            {
                "id": request.pk,
                "title": request.title,
                "record_type": request.target_type.model,
                "state": request.get_state_display(),
                "policy": request.get_policy_display(),
                "requested_by": person(request.requested_by),
                "requested_at": stamp(request.created_at),
                "closed_at": stamp(request.closed_at),
                "fingerprint": request.fingerprint,
                "approvers": [
                    {
                        "slot": str(approver),
                        "decision": decided[approver.pk].get_kind_display() if approver.pk in decided else "Pending",
                        "by": person(decided[approver.pk].actor) if approver.pk in decided else "",
                        "at": stamp(decided[approver.pk].created_at) if approver.pk in decided else "",
                        "note": decided[approver.pk].note if approver.pk in decided else "",
                        "fingerprint": decided[approver.pk].fingerprint if approver.pk in decided else "",
                    }
                    for approver in request.approvers.all()
                ],
                "events": [
                    {"kind": event.get_kind_display(), "by": person(event.actor), "at": stamp(event.created_at)}
                    for event in request.events.all()
                    if event.kind in (EventKind.WITHDRAWN, EventKind.INVALIDATED)
                ],
            }
        )
    return records


def signoffs_section(project) -> dict:
    """Sign-offs of every record other than gates (the gates section prints its own)."""
    from_gates = ContentType.objects.get_by_natural_key("gates", "gate")
    requests = SignoffRequest.objects.filter(project=project).exclude(target_type=from_gates)
    return {"requests": signoff_records(requests)}


def signoffs_summary(data) -> list:
    approved = sum(1 for request in data["requests"] if request["state"] == "Approved")
    return [("Other sign-offs", f"{len(data['requests'])} requested, {approved} approved")]
