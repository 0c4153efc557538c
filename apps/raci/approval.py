"""How the sign-off engine sees a RACI matrix, and what its approval marks.

The snapshot is the whole matrix (every activity's name, stage and cells), so any
later change gives another fingerprint and the engine invalidates the approval.
An approved matrix marks the project's "RACI Matrix (Initial)" deliverable
approved, through the deliverables service, when the registry has that entry.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from apps.deliverables.choices import DeliverableStatus
from apps.deliverables.models import ProjectDeliverable
from apps.deliverables.services import project_deliverable_update
from apps.projects.choices import Role, Stage
from apps.signoffs import targets
from apps.signoffs.approvers import ApproverSpec
from apps.signoffs.choices import Policy, RequestState
from apps.signoffs.models import SignoffRequest

from .models import RaciMatrix
from .selectors import grid_build

RACI_DELIVERABLE_KEY = "raci-matrix-initial"
MATRIX_APPROVERS = (Role.EXECUTIVE_SPONSOR.value, Role.PRODUCT_OWNER.value)


class RaciMatrixAdapter(targets.TargetAdapter):
    model = RaciMatrix
    evidence_template = "raci/partials/approval_evidence.html"

    def label(self, matrix) -> str:
        return f"RACI matrix — {matrix.project.name}"

    def default_approvers(self, matrix) -> ApproverSpec:
        """The Executive Sponsor and the Product Owner, both."""
        return ApproverSpec(roles=MATRIX_APPROVERS, policy=Policy.ALL, source="RACI matrix approvers")

    def snapshot(self, matrix) -> dict:
        return grid_build(matrix=matrix).snapshot()

    def evidence(self, request):
        """What was signed (the snapshot), not what the matrix holds now."""
        rows = []
        for activity in request.snapshot.values():
            cells = activity["cells"]
            rows.append(
                {
                    "name": activity["name"],
                    "stage": Stage(activity["stage"]).label,
                    "accountable": [Role(role).label for role, letters in cells.items() if "A" in letters],
                    "responsible": [Role(role).label for role, letters in cells.items() if "R" in letters],
                    "consulted": [Role(role).label for role, letters in cells.items() if "C" in letters],
                    "informed": [Role(role).label for role, letters in cells.items() if "I" in letters],
                }
            )
        return {"rows": rows, "matrix": request.target}

    def on_closed(self, request, state, *, note=""):
        if state == RequestState.APPROVED:
            mark_deliverable_approved(request)


def mark_deliverable_approved(request) -> None:
    """The approved matrix is the Scoping deliverable "RACI Matrix (Initial)": mark it, linking the matrix."""
    deliverable = (
        ProjectDeliverable.objects.filter(project_id=request.project_id, deliverable__key=RACI_DELIVERABLE_KEY)
        .select_related("project")
        .first()
    )
    if deliverable is None or deliverable.status == DeliverableStatus.APPROVED:
        return
    link = f"{settings.PORTAL_BASE_URL.rstrip('/')}{request.target.get_absolute_url()}"
    project_deliverable_update(
        actor=request.requested_by, project_deliverable=deliverable, status=DeliverableStatus.APPROVED, link=link
    )


def approved_matrix_count(project) -> int:
    """Approved (or later invalidated) matrix sign-offs of the project: governance evidence."""
    return SignoffRequest.objects.filter(
        project=project,
        target_type=ContentType.objects.get_for_model(RaciMatrix),
        state__in=[RequestState.APPROVED, RequestState.INVALIDATED],
    ).count()
