"""The stage gates' section of the governance dossier: criteria, decisions, history and sign-offs."""

from apps.dossier.registry import person, stamp
from apps.signoffs.dossier import signoff_records
from apps.signoffs.models import SignoffRequest

from .criteria import gate_evidence, project_records
from .models import GateEvent
from .selectors import gate_timeline


def gates_section(project) -> dict:
    """The eight gates in order: state, criteria as they stand, Go / No-Go decision, history, sign-offs."""
    steps = gate_timeline(project=project)
    records = project_records(project)
    history: dict[int, list] = {}
    for event in GateEvent.objects.filter(gate__project=project).select_related("actor").order_by("created_at", "pk"):
        history.setdefault(event.gate_id, []).append(
            {
                "kind": event.get_kind_display(),
                "by": person(event.actor),
                "at": stamp(event.created_at),
                "note": event.note,
            }
        )
    gate_requests = SignoffRequest.objects.filter(project=project, target_type__app_label="gates")
    target_of = dict(gate_requests.values_list("pk", "target_id"))
    signoffs: dict[int, list] = {}
    for record in signoff_records(gate_requests):
        signoffs.setdefault(target_of[record["id"]], []).append(record)
    return {
        "gates": [
            {
                "stage": step.label,
                "state": str(step.state_label),
                "approvers": [{"role": role, "holders": names} for role, names in step.approvers],
                "approved_at": stamp(step.gate.approved_at),
                "go_no_go_criteria": step.gate.go_no_go_criteria,
                "decision": step.gate.get_decision_display() if step.gate.decision else "",
                "decision_rationale": step.gate.decision_rationale,
                "criteria": [
                    {"label": c.label, "met": c.met, "detail": c.detail}
                    for c in gate_evidence(step.gate, records=records).criteria
                ],
                "history": history.get(step.gate.pk, []),
                "signoffs": signoffs.get(step.gate.pk, []),
            }
            for step in steps
        ]
    }


def gates_summary(data) -> list:
    decided = [f"{gate['stage']}: {gate['state']}" for gate in data["gates"] if gate["state"] != "Not started"]
    return [("Gate decisions", "; ".join(decided) or "no gate submitted yet")]
