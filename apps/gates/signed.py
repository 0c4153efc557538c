"""What a gate's sign-off covered, as people read it.

The snapshot a sign-off stores (criteria.GateEvidence.snapshot) is keyed for hashing: field names,
"checklist:item" keys, user ids, status values. Its format stays as it is — changing it would change the
fingerprint of every approval on record — and this module turns it into words: the signed content shown
next to the approvers' decision form, and each change named with its before and after values when an
approval is invalidated.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from apps.checklists.choices import ResponseStatus
from apps.checklists.models import ProjectChecklist, TemplateItem
from apps.deliverables.choices import DeliverableStatus
from apps.deliverables.models import Deliverable
from apps.signoffs.targets import Change, shown

from .choices import GoNoGo
from .criteria import gate_evidence

# The Scoping and Feasibility fields a gate signs, by their snapshot key, in reading order.
PROFILE_LABELS = {
    "problem_statement": "Problem statement",
    "primary_metric": "Primary metric",
    "guardrail_metrics": "Guardrail metrics",
    "minimum_threshold": "Minimum acceptable threshold",
    "baseline": "Baseline",
    "go_no_go_criteria": "Go / No-Go criteria",
    "decision": "Go / No-Go decision",
    "rationale": "Rationale of the decision",
}


@dataclass(frozen=True)
class SignedItem:
    title: str
    checklist: str
    status: str
    reviewer: str  # "" when not reviewed

    def describe(self) -> str:
        return f"{self.status}, {f'reviewed by {self.reviewer}' if self.reviewer else 'not reviewed'}"


@dataclass(frozen=True)
class SignedDeliverable:
    name: str
    status: str
    link: str
    file: str

    def describe(self) -> str:
        return ", ".join(part for part in (self.status, self.link, self.file and f"file {self.file}") if part)


@dataclass
class SignedContent:
    """A gate snapshot in words: profile fields, criteria, checklist items, deliverables."""

    profile: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    criteria: list[tuple[str, bool | None]] = field(default_factory=list)  # (label, met)
    items: dict[str, SignedItem] = field(default_factory=dict)
    deliverables: dict[str, SignedDeliverable] = field(default_factory=dict)


class _Names:
    """Names behind the snapshot's keys, fetched once for one or two snapshots (four queries)."""

    def __init__(self, gate, *snapshots: dict):
        self.criteria = {criterion.key: criterion.label for criterion in gate_evidence(gate).criteria}
        item_keys = {key for snapshot in snapshots for key in snapshot.get("checklist_items", {})}
        checklist_ids = {int(key.split(":", 1)[0]) for key in item_keys}
        checklists = ProjectChecklist.objects.filter(pk__in=checklist_ids).select_related("version")
        self.checklists = {checklist.pk: checklist for checklist in checklists}
        titles = TemplateItem.objects.filter(
            version_id__in={c.version_id for c in checklists}, key__in={key.split(":", 1)[1] for key in item_keys}
        ).values_list("version_id", "key", "title")
        self.titles = {(version_id, key): title for version_id, key, title in titles}
        reviewer_ids = {
            value[1]
            for snapshot in snapshots
            for value in snapshot.get("checklist_items", {}).values()
            if isinstance(value, list) and len(value) > 1 and value[1]
        }
        self.people = get_user_model().objects.in_bulk(reviewer_ids)
        deliverable_keys = {key for snapshot in snapshots for key in snapshot.get("deliverables", {})}
        self.deliverables = dict(Deliverable.objects.filter(key__in=deliverable_keys).values_list("key", "name"))

    def order(self, criterion_key: str) -> int:
        """The gate page's order of criteria (a stored snapshot's keys come back sorted)."""
        keys = list(self.criteria)
        return keys.index(criterion_key) if criterion_key in keys else len(keys)

    def item(self, key: str, value) -> SignedItem:
        checklist_id, item_key = key.split(":", 1)
        checklist = self.checklists.get(int(checklist_id))
        status, reviewer_id = (list(value) + [None, None])[:2]
        reviewer = self.people.get(reviewer_id)
        return SignedItem(
            title=self.titles.get((checklist.version_id, item_key), item_key) if checklist else item_key,
            checklist=checklist.version.name if checklist else "a removed checklist",
            status=ResponseStatus(status).label if status in ResponseStatus.values else str(status),
            reviewer=reviewer.display_name if reviewer else "",
        )

    def deliverable(self, key: str, value) -> SignedDeliverable:
        status, link, file_name = (list(value) + ["", "", ""])[:3]
        return SignedDeliverable(
            name=self.deliverables.get(key, key),
            status=DeliverableStatus(status).label if status in DeliverableStatus.values else str(status),
            link=link or "",
            file=(file_name or "").rsplit("/", 1)[-1],
        )


def _profile_value(key: str, value) -> str:
    if key == "decision":
        return GoNoGo(value).label if value in GoNoGo.values else "—"
    if isinstance(value, list):
        return "; ".join(str(item) for item in value) or "—"
    return value or "—"


def _content(snapshot: dict, names: _Names) -> SignedContent:
    profile = snapshot.get("profile", {})
    return SignedContent(
        profile=[(label, _profile_value(key, profile[key])) for key, label in PROFILE_LABELS.items() if key in profile],
        criteria=[
            (names.criteria.get(key, key.replace("-", " ")), met)
            for key, met in sorted(snapshot["criteria"].items(), key=lambda pair: names.order(pair[0]))
        ],
        items={key: names.item(key, value) for key, value in snapshot.get("checklist_items", {}).items()},
        deliverables={key: names.deliverable(key, value) for key, value in snapshot.get("deliverables", {}).items()},
    )


def signed_content(gate, snapshot: dict) -> SignedContent:
    """The signed snapshot of `gate` in words, for the approvers' page."""
    return _content(snapshot, _Names(gate, snapshot))


def _met(met) -> str:
    return "met" if met else ("not checked" if met is None else "not met")


def gate_changes(gate, before: dict, after: dict) -> list[Change]:
    """Each difference between two snapshots of `gate`, by the name people use, with both values."""
    names = _Names(gate, before, after)
    old, new = _content(before, names), _content(after, names)
    changes = []
    old_profile, new_profile = dict(old.profile), dict(new.profile)
    for label in PROFILE_LABELS.values():
        if old_profile.get(label) != new_profile.get(label):
            changes.append(Change(label, shown(old_profile.get(label)), shown(new_profile.get(label))))
    old_criteria, new_criteria = dict(old.criteria), dict(new.criteria)
    for label in dict.fromkeys([*old_criteria, *new_criteria]):
        if old_criteria.get(label, "absent") != new_criteria.get(label, "absent"):
            before_met = _met(old_criteria[label]) if label in old_criteria else "—"
            after_met = _met(new_criteria[label]) if label in new_criteria else "—"
            changes.append(Change(f"Exit criterion “{label}”", before_met, after_met))
    for kind, old_rows, new_rows in (
        ("Checklist item", old.items, new.items),
        ("Deliverable", old.deliverables, new.deliverables),
    ):
        for key in dict.fromkeys([*old_rows, *new_rows]):
            was, now = old_rows.get(key), new_rows.get(key)
            if was != now:
                name = (now or was).title if kind == "Checklist item" else (now or was).name
                changes.append(
                    Change(f"{kind} “{name}”", was.describe() if was else "—", now.describe() if now else "—")
                )
    return changes
