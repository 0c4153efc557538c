"""The deliverables registry in the governance dossier: each deliverable's owner, status and dates."""

from apps.dossier.registry import day, person

from .choices import DeliverableStatus
from .models import ProjectDeliverable


def deliverables_section(project) -> dict:
    rows = (
        ProjectDeliverable.objects.filter(project=project)
        .select_related("deliverable", "owner")
        .order_by("deliverable__position", "pk")
    )
    return {
        "deliverables": [
            {
                "name": row.deliverable.name,
                "stage": row.deliverable.get_primary_stage_display(),
                "cadence": row.deliverable.cadence_label,
                "owner": person(row.owner),
                "status": row.get_status_display(),
                "approved": row.status == DeliverableStatus.APPROVED,
                "last_updated_on": day(row.last_updated_on),
                "next_due_on": day(row.next_due_on),
                "link": row.link,
                "file_name": row.file_name,
            }
            for row in rows
        ]
    }


def deliverables_summary(data) -> list:
    approved = sum(1 for row in data["deliverables"] if row["approved"])
    return [("Deliverables", f"{approved} of {len(data['deliverables'])} approved")]
