"""Incidents in the governance dossier: each incident's response, its post-incident review and action items."""

from django.db.models import Prefetch

from apps.dossier.registry import day, person, stamp

from .choices import Status
from .models import ActionItem, Incident


def incidents_section(project) -> dict:
    incidents = (
        Incident.objects.filter(project=project)
        .select_related("commander", "review")
        .prefetch_related(Prefetch("action_items", ActionItem.objects.select_related("owner").order_by("due_on", "pk")))
        .order_by("number")
    )
    rows = []
    for incident in incidents:
        review = getattr(incident, "review", None)
        rows.append(
            {
                "code": incident.code,
                "title": incident.title,
                "severity": incident.get_severity_display(),
                "category": incident.get_category_display(),
                "status": incident.get_status_display(),
                "open": incident.status not in (Status.RESOLVED, Status.CLOSED),
                "commander": person(incident.commander),
                "detected_at": stamp(incident.detected_at),
                "acknowledged_at": stamp(incident.acknowledged_at),
                "mitigated_at": stamp(incident.mitigated_at),
                "resolved_at": stamp(incident.resolved_at),
                "closed_at": stamp(incident.closed_at),
                "rolled_back_at": stamp(incident.rolled_back_at),
                "review": {
                    "due_on": day(review.due_on),
                    "approved_at": stamp(review.approved_at),
                    "root_cause": review.root_cause,
                    "went_well": review.went_well,
                    "went_poorly": review.went_poorly,
                    "users_affected": review.users_affected,
                    "data_loss": review.data_loss,
                }
                if review
                else None,
                "action_items": [
                    {
                        "title": item.title,
                        "owner": person(item.owner),
                        "due_on": day(item.due_on),
                        "status": item.get_status_display(),
                        "completed_at": stamp(item.completed_at),
                        "verification_note": item.verification_note,
                    }
                    for item in incident.action_items.all()
                ],
            }
        )
    return {"incidents": rows}


def incidents_summary(data) -> list:
    still_open = [incident["code"] for incident in data["incidents"] if incident["open"]]
    return [("Open incidents", ", ".join(still_open) or "none"), ("Incidents recorded", str(len(data["incidents"])))]
