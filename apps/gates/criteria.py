"""Exit criteria of a stage gate, computed from the project's records.

Every stage: its Required checklist items resolved (done, or not applicable with
a justification) and peer-reviewed, and its deliverables approved. Stage rules
from the lifecycle guide and the Production ML checklist come on top, and other
apps plug their own checks in with `register_criterion` from their `ready()`
(the risk register at Deployment). A slot is a criterion the gate always shows:
"not checked" until the app that owns it fills it (the model card at Deployment).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from apps.checklists.choices import Requirement
from apps.checklists.selectors import project_checklist_rows
from apps.deliverables.choices import DeliverableStatus
from apps.deliverables.selectors import project_deliverable_list
from apps.projects.choices import Role, Stage
from apps.projects.selectors import project_role_holders
from apps.signoffs.approvers import approvers_for

from .choices import GoNoGo


@dataclass
class Criterion:
    """One exit criterion: met (True/False), or None when nothing checks it (an unfilled slot).

    `url` is where the criterion is fixed: the checklist, the deliverables, the profile form...
    """

    key: str
    label: str
    met: bool | None
    detail: str = ""
    url: str = ""

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


@dataclass(frozen=True)
class Slot:
    """A criterion a gate always shows; the app that owns it fills it with `register_criterion(..., slot=key)`."""

    stage: str
    key: str
    label: str
    unfilled: str  # the detail shown while no app fills the slot


SLOTS: dict[tuple[str, str], Slot] = {
    (slot.stage, slot.key): slot
    for slot in (
        Slot(
            Stage.DEPLOYMENT, "model-card", "Model card current and signed", "Not checked: no model card app installed."
        ),
    )
}
_providers: dict[str, list[Provider]] = {}
_slot_providers: dict[tuple[str, str], Provider] = {}


def register_criterion(stage: str, provider: Provider, *, slot: str | None = None) -> None:
    """Let another app add criteria to a stage's gate: provider(gate) -> [Criterion].

    With `slot`, the provider fills that declared slot of the stage instead of adding criteria.
    """
    if slot is not None:
        if (stage, slot) not in SLOTS:
            raise LookupError(f"The {stage} gate has no criterion slot {slot!r}.")
        _slot_providers[(stage, slot)] = provider
        return
    providers = _providers.setdefault(stage, [])
    if provider not in providers:  # ready() may run twice
        providers.append(provider)


def unregister_criterion(stage: str, provider: Provider, *, slot: str | None = None) -> None:
    if slot is not None:
        if _slot_providers.get((stage, slot)) is provider:
            del _slot_providers[(stage, slot)]
    elif provider in _providers.get(stage, []):
        _providers[stage].remove(provider)


def _slot_criteria(gate) -> list[Criterion]:
    criteria = []
    for (stage, key), slot in SLOTS.items():
        if stage != gate.stage:
            continue
        provider = _slot_providers.get((stage, key))
        criteria += provider(gate) if provider else [Criterion(slot.key, slot.label, None, slot.unfilled)]
    return criteria


@dataclass
class ProjectRecords:
    """The records every gate of a project is judged on, fetched once for all eight gates."""

    rows: list  # every checklist row of the project, with .checklist attached
    deliverables: list
    staffed: set[str]  # roles held by at least one member


def project_records(project) -> ProjectRecords:
    """A fixed number of queries, however many checklists and deliverables the project has."""
    return ProjectRecords(
        rows=project_checklist_rows(project=project),
        deliverables=list(project_deliverable_list(project=project)),
        staffed=set(project_role_holders(project=project)),
    )


def _checklist_url(gate, rows) -> str:
    """The first checklist with a pending row, filtered to the stage's Required items; else the overview."""
    if rows:
        checklist = rows[0].checklist
        query = urlencode({"stage": gate.stage, "requirement": Requirement.REQUIRED})
        url = reverse(
            "checklists:checklist-detail", kwargs={"project_slug": gate.project.slug, "checklist_id": checklist.pk}
        )
        return f"{url}?{query}"
    return reverse("checklists:checklist-overview", kwargs={"project_slug": gate.project.slug})


def _gate_form_url(gate, anchor: str) -> str:
    return f"{gate.get_absolute_url()}#{anchor}"


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
                reverse("projects:project-update", kwargs={"project_slug": project.slug}),
            )
        )
        rules.append(
            Criterion(
                "go-no-go-criteria",
                "Go / No-Go criteria for feasibility written",
                bool(gate.go_no_go_criteria.strip()),
                url=_gate_form_url(gate, "go-no-go-criteria"),
            )
        )
    elif gate.stage == Stage.FEASIBILITY:
        rules.append(
            Criterion(
                "go-no-go-decision",
                "An explicit Go decision with its rationale",
                gate.decision == GoNoGo.GO,
                "No-Go puts the project on hold." if gate.decision == GoNoGo.NO_GO else "",
                _gate_form_url(gate, "go-no-go-decision"),
            )
        )
    elif gate.stage == Stage.DEPLOYMENT:
        rules.append(
            _keyword_items_criterion(
                gate, "security", "Security and compliance checklist items done and reviewed", items
            )
        )
        rules.append(_keyword_items_criterion(gate, "fairness", "Fairness review complete", items))
    return rules


def _keyword_items_criterion(gate, word: str, label: str, items) -> Criterion:
    rows = [row for row in items if word in row.item.key]
    pending = [row for row in rows if not (row.is_complete and row.review)]
    if not rows:
        return Criterion(
            f"{word}-items",
            label,
            False,
            f"No checklist item about {word} is applied to this project.",
            reverse("checklists:checklist-overview", kwargs={"project_slug": gate.project.slug}),
        )
    return Criterion(
        f"{word}-items",
        label,
        not pending,
        f"{len(pending)} of {len(rows)} not done and reviewed." if pending else f"{len(rows)} items.",
        _checklist_url(gate, pending or rows),
    )


def gate_evidence(gate, *, records: ProjectRecords | None = None) -> GateEvidence:
    """Compute the gate's criteria; pass `records` (project_records) to judge several gates from one fetch."""
    project = gate.project
    records = records or project_records(project)
    all_rows = records.rows
    stage_items = [r for r in all_rows if r.item.stage == gate.stage and r.item.requirement == Requirement.REQUIRED]
    unresolved = [r for r in stage_items if not r.is_complete]
    unreviewed = [r for r in stage_items if r.is_complete and not r.review]
    deliverables = [d for d in records.deliverables if d.deliverable.primary_stage == gate.stage]
    unapproved = [d for d in deliverables if d.status != DeliverableStatus.APPROVED]
    spec = approvers_for(gate)
    unstaffed = [Role(role).label for role in spec.roles if role not in records.staffed]

    criteria = [
        Criterion(
            "required-items-resolved",
            "Required checklist items of this stage resolved",
            not unresolved,
            f"{len(unresolved)} of {len(stage_items)} still open."
            if unresolved
            else f"{len(stage_items)} items done or not applicable.",
            _checklist_url(gate, unresolved or stage_items),
        ),
        Criterion(
            "required-items-reviewed",
            "Resolved Required items peer-reviewed",
            not unreviewed,
            f"{len(unreviewed)} awaiting a review." if unreviewed else "",
            _checklist_url(gate, unreviewed or stage_items),
        ),
        Criterion(
            "deliverables-approved",
            "Deliverables of this stage approved",
            not unapproved,
            f"Not approved yet: {', '.join(d.deliverable.name for d in unapproved)}."
            if unapproved
            else f"{len(deliverables)} approved.",
            reverse("deliverables:project-deliverable-list", kwargs={"project_slug": project.slug}),
        ),
        *_stage_rules(gate, all_rows),
        *_slot_criteria(gate),
        Criterion(
            "approvers-staffed",
            "Every sign-off role is held by a project member",
            not unstaffed,
            f"Nobody holds: {', '.join(unstaffed)}." if unstaffed else "",
            reverse("projects:member-list", kwargs={"project_slug": project.slug}),
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
