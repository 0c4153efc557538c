"""Exit criteria of a stage gate, computed from the project's records.

Every stage: its Required checklist items resolved (done, or not applicable with
a justification) and peer-reviewed, and its deliverables approved. Stage rules
from the lifecycle guide and the Production ML checklist come on top, and other
apps plug their own checks in with `register_criterion` (the model card and the
risk register at Deployment).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from apps.checklists.choices import Requirement
from apps.checklists.selectors import checklist_list, checklist_rows
from apps.deliverables.choices import DeliverableStatus
from apps.deliverables.selectors import project_deliverable_list
from apps.projects.choices import Role, Stage
from apps.projects.models import Membership

from .choices import STAGE_APPROVERS, GoNoGo


@dataclass
class Criterion:
    """One exit criterion: met (True/False), or None when the app that checks it is not installed."""

    key: str
    label: str
    met: bool | None
    detail: str = ""

    @property
    def blocking(self) -> bool:
        return self.met is False


@dataclass
class GateEvidence:
    """What a gate is judged on: its criteria and the records behind them."""

    criteria: list[Criterion]
    items: list = field(default_factory=list)  # checklists.selectors.ItemRow, with .checklist attached
    deliverables: list = field(default_factory=list)

    @property
    def met(self) -> bool:
        return not any(criterion.blocking for criterion in self.criteria)

    def snapshot(self, gate) -> dict:
        """The content a sign-off covers; its hash is the sign-off's fingerprint."""
        return {
            "stage": gate.stage,
            "criteria": {c.key: c.met for c in self.criteria},
            "checklist_items": {
                f"{row.checklist.pk}:{row.item.key}": [row.status, row.review.reviewer_id if row.review else None]
                for row in self.items
            },
            "deliverables": {
                d.deliverable.key: [d.status, d.link, d.file.name if d.file else ""] for d in self.deliverables
            },
            "profile": _profile(gate),
        }


Provider = Callable[[object], list[Criterion]]
_providers: dict[str, list[Provider]] = {}


def register_criterion(stage: str, provider: Provider) -> None:
    """Let another app add criteria to a stage's gate: provider(gate) -> [Criterion]."""
    _providers.setdefault(stage, []).append(provider)


def _profile(gate) -> dict:
    project = gate.project
    if gate.stage == Stage.SCOPING:
        return {
            "problem_statement": project.problem_statement,
            "primary_metric": project.primary_metric,
            "guardrail_metrics": project.guardrail_metrics,
            "minimum_threshold": project.minimum_threshold,
            "baseline": project.baseline_description,
            "go_no_go_criteria": gate.go_no_go_criteria,
        }
    if gate.stage == Stage.FEASIBILITY:
        return {"decision": gate.decision, "rationale": gate.decision_rationale}
    return {}


def _stage_rules(gate, items) -> list[Criterion]:
    project, rules = gate.project, []
    if gate.stage == Stage.SCOPING:
        missing = [
            label
            for label, value in (
                ("problem statement", project.problem_statement),
                ("primary metric", project.primary_metric),
                ("guardrail metric", project.guardrail_metrics),
                ("minimum threshold", project.minimum_threshold),
                ("baseline", project.baseline_description or project.baseline_metrics),
            )
            if not value
        ]
        rules.append(
            Criterion(
                "scoping-profile",
                "Problem statement, metrics, threshold and baseline filled in",
                not missing,
                f"Missing: {', '.join(missing)}." if missing else "",
            )
        )
        rules.append(
            Criterion(
                "go-no-go-criteria", "Go / No-Go criteria for feasibility written", bool(gate.go_no_go_criteria.strip())
            )
        )
    elif gate.stage == Stage.FEASIBILITY:
        rules.append(
            Criterion(
                "go-no-go-decision",
                "An explicit Go decision with its rationale",
                gate.decision == GoNoGo.GO,
                "No-Go puts the project on hold." if gate.decision == GoNoGo.NO_GO else "",
            )
        )
    elif gate.stage == Stage.DEPLOYMENT:
        rules.append(
            _keyword_items_criterion("security", "Security and compliance checklist items done and reviewed", items)
        )
        rules.append(_keyword_items_criterion("fairness", "Fairness review complete", items))
        if not _providers.get("model_card"):
            rules.append(
                Criterion(
                    "model-card",
                    "Model card current and signed",
                    None,
                    "Checked here once the model card app is installed.",
                )
            )
    return rules


def _keyword_items_criterion(word: str, label: str, items) -> Criterion:
    rows = [row for row in items if word in row.item.key]
    pending = [row.item.title for row in rows if not (row.is_complete and row.review)]
    if not rows:
        return Criterion(f"{word}-items", label, False, f"No checklist item about {word} is applied to this project.")
    return Criterion(
        f"{word}-items",
        label,
        not pending,
        f"{len(pending)} of {len(rows)} not done and reviewed." if pending else f"{len(rows)} items.",
    )


def gate_evidence(gate) -> GateEvidence:
    """Compute the gate's criteria (a few queries per applied checklist, whatever their size)."""
    project = gate.project
    all_rows = []
    for checklist in checklist_list(project=project):
        for row in checklist_rows(checklist=checklist):
            row.checklist = checklist
            all_rows.append(row)
    stage_items = [r for r in all_rows if r.item.stage == gate.stage and r.item.requirement == Requirement.REQUIRED]
    unresolved = [r for r in stage_items if not r.is_complete]
    unreviewed = [r for r in stage_items if r.is_complete and not r.review]
    deliverables = [d for d in project_deliverable_list(project=project) if d.deliverable.primary_stage == gate.stage]
    unapproved = [d for d in deliverables if d.status != DeliverableStatus.APPROVED]
    staffed = set(Membership.objects.filter(project=project).values_list("role", flat=True))
    unstaffed = [Role(role).label for role in STAGE_APPROVERS[gate.stage] if role not in staffed]

    criteria = [
        Criterion(
            "required-items-resolved",
            "Required checklist items of this stage resolved",
            not unresolved,
            f"{len(unresolved)} of {len(stage_items)} still open."
            if unresolved
            else f"{len(stage_items)} items done or not applicable.",
        ),
        Criterion(
            "required-items-reviewed",
            "Resolved Required items peer-reviewed",
            not unreviewed,
            f"{len(unreviewed)} awaiting a review." if unreviewed else "",
        ),
        Criterion(
            "deliverables-approved",
            "Deliverables of this stage approved",
            not unapproved,
            f"Not approved yet: {', '.join(d.deliverable.name for d in unapproved)}."
            if unapproved
            else f"{len(deliverables)} approved.",
        ),
        *_stage_rules(gate, all_rows),
        Criterion(
            "approvers-staffed",
            "Every sign-off role is held by a project member",
            not unstaffed,
            f"Nobody holds: {', '.join(unstaffed)}." if unstaffed else "",
        ),
    ]
    for provider in _providers.get(gate.stage, []):
        criteria += provider(gate)
    reviewed_elsewhere = [  # the Deployment gate also signs the security and fairness items of other stages
        row
        for row in all_rows
        if gate.stage == Stage.DEPLOYMENT
        and row not in stage_items
        and ("security" in row.item.key or "fairness" in row.item.key)
    ]
    return GateEvidence(criteria, items=stage_items + reviewed_elsewhere, deliverables=deliverables)
