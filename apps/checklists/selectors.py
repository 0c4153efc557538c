"""Reads of templates and project checklists, shaped for the pages and the API.

Every function runs a fixed number of queries, whatever the number of items:
rows are fetched in bulk and joined in Python.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from apps.projects.choices import Stage
from apps.projects.models import Project

from .choices import COMPLETE_STATUSES, Requirement, ResponseStatus
from .filters import ItemFilter
from .models import (
    ChecklistTemplate,
    Evidence,
    ItemComment,
    ItemResponse,
    ItemReview,
    ProjectChecklist,
    TemplateItem,
    TemplateSection,
    TemplateVersion,
)

STAGE_ORDER = {stage: index for index, stage in enumerate(Stage.values)}


# --- Templates -----------------------------------------------------------------------


def template_list() -> QuerySet[ChecklistTemplate]:
    """Every template with its current version and how many versions it has."""
    return (
        ChecklistTemplate.objects.filter(current_version__isnull=False)
        .select_related("current_version")
        .annotate(version_count=Count("versions"))
        .order_by("origin", "current_version__name")
    )


def template_versions(*, template: ChecklistTemplate) -> QuerySet[TemplateVersion]:
    return template.versions.select_related("loaded_by").order_by("-number")


def version_with_content(*, template_key: str, number: int | None = None) -> TemplateVersion:
    """A version (the current one when `number` is None) with its sections and items prefetched."""
    template = get_object_or_404(ChecklistTemplate.objects.select_related("current_version"), key=template_key)
    queryset = TemplateVersion.objects.select_related("template").prefetch_related(
        Prefetch("sections", TemplateSection.objects.prefetch_related("items").order_by("position"))
    )
    if number is None:
        return get_object_or_404(queryset, pk=template.current_version_id)
    return get_object_or_404(queryset, template=template, number=number)


ITEM_FIELDS = (
    "title",
    "section",
    "stage",
    "requirement",
    "kind",
    "guidance",
    "options",
    "implementation_questions",
    "key_considerations",
    "red_flags",
    "sub_criteria",
)


@dataclass
class VersionDiff:
    """What changes between two versions of a template, item by item (items are matched by key)."""

    old: TemplateVersion
    new: TemplateVersion
    added: list[TemplateItem] = field(default_factory=list)
    removed: list[TemplateItem] = field(default_factory=list)
    changed: list[tuple[TemplateItem, TemplateItem, list[str]]] = field(default_factory=list)
    metadata: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.metadata)


def version_diff(*, old: TemplateVersion, new: TemplateVersion) -> VersionDiff:
    """Compare two versions of the same template."""
    diff = VersionDiff(old=old, new=new)
    for name in ("name", "description", "gate", "applies_to"):
        if getattr(old, name) != getattr(new, name):
            diff.metadata.append(name.replace("_", " "))
    old_items = {i.key: i for i in TemplateItem.objects.filter(version=old).select_related("section")}
    new_items = {i.key: i for i in TemplateItem.objects.filter(version=new).select_related("section")}
    for key, item in new_items.items():
        before = old_items.get(key)
        if before is None:
            diff.added.append(item)
            continue
        changed = [
            name
            for name in ITEM_FIELDS
            if (before.section.key if name == "section" else getattr(before, name))
            != (item.section.key if name == "section" else getattr(item, name))
        ]
        if changed:
            diff.changed.append((before, item, [name.replace("_", " ") for name in changed]))
    diff.removed = [item for key, item in old_items.items() if key not in new_items]
    return diff


# --- Project checklists ----------------------------------------------------------------


def checklist_list(*, project: Project) -> QuerySet[ProjectChecklist]:
    # The project comes along: each row's link (get_absolute_url) needs its slug.
    return (
        ProjectChecklist.objects.filter(project=project)
        .select_related("project", "template__current_version", "version", "applied_by")
        .order_by("version__name")
    )


def checklist_get(*, project: Project, checklist_id: int) -> ProjectChecklist:
    return get_object_or_404(
        ProjectChecklist.objects.select_related("project", "template__current_version", "version"),
        project=project,
        pk=checklist_id,
    )


def item_get(*, checklist: ProjectChecklist, item_key: str) -> TemplateItem:
    return get_object_or_404(
        TemplateItem.objects.select_related("section"), version_id=checklist.version_id, key=item_key
    )


def _responses(checklist: ProjectChecklist) -> QuerySet[ItemResponse]:
    return (
        ItemResponse.objects.filter(checklist=checklist, item__version_id=checklist.version_id)
        .select_related("owner", "completed_by")
        .annotate(
            evidence_count=Count("evidence", distinct=True),
            comment_count=Count("comments", distinct=True),
        )
        .prefetch_related(
            Prefetch("reviews", ItemReview.objects.select_related("reviewer", "completed_by").order_by("-created_at")),
            # The reviewer sees the evidence next to "Mark reviewed".
            Prefetch("evidence", Evidence.objects.order_by("id")),
        )
    )


@dataclass
class ItemRow:
    """One line of a checklist: the template item and the project's response (None while untouched)."""

    item: TemplateItem
    response: ItemResponse | None

    @property
    def status(self) -> str:
        return self.response.status if self.response else ResponseStatus.OPEN

    @property
    def status_label(self) -> str:
        return ResponseStatus(self.status).label

    @property
    def owner(self):
        return self.response.owner if self.response else None

    @property
    def is_complete(self) -> bool:
        return self.status in COMPLETE_STATUSES

    @property
    def review(self):
        return self.response.current_review if self.response else None

    @property
    def selected_labels(self) -> list[str]:
        return self.item.option_labels(self.response.selected_options) if self.response else []

    @property
    def red_flag(self) -> bool:
        return self.item.requirement == Requirement.REQUIRED and not self.is_complete


def checklist_filter(*, checklist: ProjectChecklist, user=None, filters=None) -> ItemFilter:
    """The item FilterSet of a checklist (its `.qs`: the matching items in order; its `.form`: the filter bar)."""
    return ItemFilter(filters or None, checklist=checklist, user=user)


def item_rows(*, checklist: ProjectChecklist, items) -> list[ItemRow]:
    """Rows for `items` of the checklist, each with the project's response (two queries)."""
    responses = {response.item_id: response for response in _responses(checklist)}
    return [ItemRow(item, responses.get(item.pk)) for item in items]


def checklist_rows(*, checklist: ProjectChecklist, user=None, filters=None) -> list[ItemRow]:
    """The checklist's items in order with their responses, filtered by stage, status, requirement, owner, text."""
    return item_rows(checklist=checklist, items=checklist_filter(checklist=checklist, user=user, filters=filters).qs)


def item_row(*, checklist: ProjectChecklist, item: TemplateItem) -> ItemRow:
    return ItemRow(item, _responses(checklist).filter(item=item).first())


def item_detail(*, checklist: ProjectChecklist, item: TemplateItem) -> dict:
    """An item's row with its evidence, comments and review history (newest review first)."""
    row = item_row(checklist=checklist, item=item)
    response = row.response
    return {
        "row": row,
        "evidence": Evidence.objects.filter(response=response).select_related("added_by") if response else [],
        "comments": ItemComment.objects.filter(response=response).select_related("author") if response else [],
        "reviews": list(response.reviews.all()) if response else [],
    }


# --- Progress and red flags -------------------------------------------------------


@dataclass
class Tally:
    """Complete / total counts, with the required subset and the peer-reviewed count."""

    total: int = 0
    complete: int = 0
    required: int = 0
    required_complete: int = 0
    reviewed: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.complete / self.total) if self.total else 0

    @property
    def required_open(self) -> int:
        return self.required - self.required_complete

    @property
    def remaining(self) -> int:
        return self.total - self.complete


@dataclass
class ChecklistProgress:
    checklist: ProjectChecklist
    tally: Tally
    sections: list[tuple[TemplateSection, Tally]]

    @property
    def gate_sections_passed(self) -> int:
        return sum(1 for _, tally in self.sections if tally.total and tally.complete == tally.total)


@dataclass
class ProjectProgress:
    project: Project
    checklists: list[ChecklistProgress]
    stages: list[tuple[str, str, Tally]]
    total: Tally


def project_progress(*, project: Project) -> ProjectProgress:
    """Progress per checklist (and per gate section), per lifecycle stage and for the whole project."""
    checklists = list(checklist_list(project=project))
    versions = [c.version_id for c in checklists]
    sections = {s.pk: s for s in TemplateSection.objects.filter(version_id__in=versions).order_by("position")}
    by_checklist = {c.version_id: c.pk for c in checklists}
    reviewed = ItemReview.objects.filter(response=OuterRef("pk"), created_at__gte=OuterRef("completed_at"))
    response_counts = (
        ItemResponse.objects.filter(checklist__project=project, status__in=COMPLETE_STATUSES)
        .filter(item__version_id__in=versions)
        .annotate(is_reviewed=Exists(reviewed))
        .values("checklist_id", "item__section_id", "item__stage", "item__requirement", "is_reviewed")
        .annotate(n=Count("pk"))
    )
    item_counts = (
        TemplateItem.objects.filter(version_id__in=versions)
        .values("version_id", "section_id", "stage", "requirement")
        .annotate(n=Count("pk"))
    )
    per_checklist: dict[int, Tally] = defaultdict(Tally)
    per_section: dict[int, Tally] = defaultdict(Tally)
    per_stage: dict[str, Tally] = defaultdict(Tally)
    total = Tally()
    for row in item_counts:
        required = row["requirement"] == Requirement.REQUIRED
        for tally in (
            per_checklist[by_checklist[row["version_id"]]],
            per_section[row["section_id"]],
            per_stage[row["stage"]],
            total,
        ):
            tally.total += row["n"]
            tally.required += row["n"] if required else 0
    for row in response_counts:
        required = row["item__requirement"] == Requirement.REQUIRED
        for tally in (
            per_checklist[row["checklist_id"]],
            per_section[row["item__section_id"]],
            per_stage[row["item__stage"]],
            total,
        ):
            tally.complete += row["n"]
            tally.required_complete += row["n"] if required else 0
            tally.reviewed += row["n"] if row["is_reviewed"] else 0
    checklist_progress = [
        ChecklistProgress(
            checklist=c,
            tally=per_checklist[c.pk],
            sections=[(s, per_section[s.pk]) for s in sections.values() if s.version_id == c.version_id],
        )
        for c in checklists
    ]
    stages = [(key, label, per_stage[key]) for key, label in Stage.choices]
    return ProjectProgress(project=project, checklists=checklist_progress, stages=stages, total=total)


@dataclass
class RedFlag:
    """A Required item that is not done or not applicable yet, with the warning signs the source lists."""

    checklist: ProjectChecklist
    item: TemplateItem
    response: ItemResponse | None

    @property
    def status_label(self) -> str:
        return self.response.get_status_display() if self.response else ResponseStatus.OPEN.label


def red_flags(
    *, project: Project, stages: list[str] | None = None, checklists: list[ProjectChecklist] | None = None
) -> list[RedFlag]:
    """Open Required items of the project's checklists, in lifecycle order (optionally only some stages).

    `checklists`: the project's checklists (checklist_list) when the caller already holds them.
    """
    checklists = {c.version_id: c for c in (checklist_list(project=project) if checklists is None else checklists)}
    complete = ItemResponse.objects.filter(
        checklist__project=project, item=OuterRef("pk"), status__in=COMPLETE_STATUSES
    )
    items = (
        TemplateItem.objects.filter(version_id__in=list(checklists), requirement=Requirement.REQUIRED)
        .exclude(Exists(complete))
        .select_related("section")
    )
    if stages is not None:
        items = items.filter(stage__in=stages)
    items = list(items)
    responses = {
        r.item_id: r
        for r in ItemResponse.objects.filter(checklist__project=project, item__in=[i.pk for i in items]).select_related(
            "owner"
        )
    }
    flags = [RedFlag(checklists[i.version_id], i, responses.get(i.pk)) for i in items]
    flags.sort(key=lambda f: (STAGE_ORDER[f.item.stage], f.checklist.version.name, f.item.position))
    return flags


def stages_up_to(stage: str) -> list[str]:
    """The lifecycle stages up to and including `stage` (a decision at a stage looks back at all of them)."""
    return Stage.values[: STAGE_ORDER[stage] + 1]


def project_checklist_rows(*, project: Project) -> list[ItemRow]:
    """Every applied checklist's rows, each with `.checklist` attached, in a fixed number of queries.

    For readers that judge a whole project at once (the stage gates): the cost does
    not grow with the number of checklists.
    """
    checklists = list(checklist_list(project=project))
    by_version: dict[int, list[TemplateItem]] = {}
    for item in (
        TemplateItem.objects.filter(version_id__in={c.version_id for c in checklists})
        .select_related("section")
        .order_by("position")
    ):
        by_version.setdefault(item.version_id, []).append(item)
    current = ItemResponse.objects.filter(checklist__project=project, item__version_id=F("checklist__version_id"))
    responses = {
        (response.checklist_id, response.item_id): response
        for response in current.select_related("owner", "completed_by").prefetch_related(
            Prefetch("reviews", ItemReview.objects.select_related("reviewer", "completed_by").order_by("-created_at"))
        )
    }
    rows = []
    for checklist in checklists:
        for item in by_version.get(checklist.version_id, []):
            row = ItemRow(item, responses.get((checklist.pk, item.pk)))
            row.checklist = checklist
            rows.append(row)
    return rows
