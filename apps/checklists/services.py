"""Writes to checklist templates and project checklists. Views, the API, the admin and commands call these.

Every rule of the issue lives here once, so the browser, the API and the admin
give the same answer in the same words:

* an item is marked not applicable only with a justification;
* unowned items do not get done, and owners are project members;
* a single-select question takes exactly one option, and options come from the question;
* a member other than the one who completed an item reviews it, once per completion.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.audit.services import audit_bulk_create
from apps.core.sentinels import UNSET, Unset
from apps.core.uploads import check_upload, stored_upload
from apps.projects.changes import project_records_changed
from apps.projects.models import Project
from apps.projects.selectors import project_members
from apps.projects.services import ensure_project_writable, project_lock

from .choices import (
    COMPLETE_STATUSES,
    EvidenceKind,
    ItemKind,
    ResponseStatus,
    TemplateOrigin,
)
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
from .validation import TemplateFormatError, content_hash, evidence_required, parse_template

LIBRARY_DIR = Path(__file__).resolve().parent / "data" / "templates"
MAX_TEMPLATE_BYTES = 1024 * 1024
UPLOAD_PERMISSION = "checklists.add_checklisttemplate"


# --- Template library --------------------------------------------------------------


@dataclass
class LoadReport:
    """What a library load did, per template key."""

    created: list[TemplateVersion] = field(default_factory=list)
    unchanged: list[TemplateVersion] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{version.template.key} v{version.number}" for version in self.created]
        return (
            f"{len(self.created)} new template version(s){': ' + ', '.join(parts) if parts else ''}; "
            f"{len(self.unchanged)} unchanged."
        )


def _version_store(*, actor, document: dict, origin: str, file_name: str) -> tuple[TemplateVersion, bool]:
    """Store `document` as the next version of its template unless its content is unchanged."""
    key = document["key"]
    template = (
        ChecklistTemplate.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .filter(key=key)
        .first()
    )
    if template is not None and template.origin != origin:
        raise ValidationError(
            f"{file_name}: the key '{key}' already belongs to a template of the "
            f"{template.get_origin_display().lower()}; choose another key."
        )
    digest = content_hash(document)
    if template is None:
        template = ChecklistTemplate(key=key, origin=origin, created_by=actor)
        template.full_clean()
        template.save()
        number = 1
    elif template.current_version and template.current_version.content_hash == digest:
        return template.current_version, False
    else:
        number = (template.versions.aggregate(highest=Max("number"))["highest"] or 0) + 1

    version = TemplateVersion(
        template=template,
        number=number,
        name=document["name"],
        description=document["description"],
        source=document["source"],
        gate=document["gate"],
        applies_to=[] if document["applies_to"] == "all" else document["applies_to"],
        content_hash=digest,
        document=document,
        file_name=file_name,
        loaded_by=actor,
    )
    version.full_clean()
    version.save()
    position = 0
    for s_index, section_data in enumerate(document["sections"]):
        section = TemplateSection.objects.create(
            version=version,
            key=section_data["key"],
            title=section_data["title"],
            guidance=section_data["guidance"],
            key_questions=section_data["key_questions"],
            pitfalls=section_data["pitfalls"],
            position=s_index,
        )
        for item_data in section_data["items"]:
            position += 1
            TemplateItem.objects.create(
                version=version,
                section=section,
                position=position,
                **{**item_data, "evidence_required": evidence_required(item_data)},
            )
    template.current_version = version
    template.save(update_fields=["current_version", "updated_at"])
    return version, True


@transaction.atomic
def templates_load_library(*, actor=None, directory: Path = LIBRARY_DIR) -> LoadReport:
    """Load every `*.yaml` template in `directory`; a changed file becomes a new version.

    All files are checked before anything is written, and the load is one
    transaction: a malformed file stops the load with a message that names the
    file and the problem, and the database is left as it was.
    """
    paths = sorted(Path(directory).glob("*.yaml"))
    if not paths:
        raise ValidationError(f"No template files (*.yaml) found in {directory}.")
    documents, errors = [], []
    for path in paths:
        try:
            documents.append(
                (path.name, parse_template(path.read_bytes(), file_name=path.name, expected_key=path.stem))
            )
        except TemplateFormatError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    report = LoadReport()
    for file_name, document in documents:
        version, created = _version_store(
            actor=actor, document=document, origin=TemplateOrigin.LIBRARY, file_name=file_name
        )
        (report.created if created else report.unchanged).append(version)
    return report


def template_upload_check(*, content: bytes | str, file_name: str) -> dict:
    """The checks of an organisation template upload, without writing (forms use it to show errors in place)."""
    if isinstance(content, str):
        content = content.encode()
    if len(content) > MAX_TEMPLATE_BYTES:
        raise ValidationError(f"{file_name}: a template file may be at most 1 MB.")
    document = parse_template(content, file_name=file_name)
    taken = ChecklistTemplate.objects.filter(key=document["key"]).exclude(origin=TemplateOrigin.ORGANISATION)
    if taken.exists():
        raise ValidationError(
            f"{file_name}: the key '{document['key']}' belongs to a template of the portal library; "
            "an organisation template needs a key of its own."
        )
    return document


@transaction.atomic
def template_upload(*, actor, content: bytes | str, file_name: str) -> tuple[TemplateVersion, bool]:
    """An organisation template uploaded by a portal admin: same format, same checks, same versioning.

    Returns (version, created); uploading unchanged content creates nothing.
    """
    if not actor.has_perm(UPLOAD_PERMISSION):
        raise PermissionDenied("Only portal administrators upload organisation checklist templates.")
    document = template_upload_check(content=content, file_name=file_name)
    return _version_store(actor=actor, document=document, origin=TemplateOrigin.ORGANISATION, file_name=file_name)


# --- Applying templates to projects -------------------------------------------------


def default_templates(*, project: Project) -> list[ChecklistTemplate]:
    """The library templates a project of this use case starts with (LLM, RAG and agents add the LLM set)."""
    templates = ChecklistTemplate.objects.filter(
        origin=TemplateOrigin.LIBRARY, current_version__isnull=False
    ).select_related("current_version")
    return [t for t in templates if t.current_version.applies_to_use_case(project.use_case)]


@transaction.atomic
def checklist_apply(*, actor, project: Project, template: ChecklistTemplate) -> ProjectChecklist:
    """Apply the current version of `template` to `project`."""
    ensure_project_writable(project)
    project_lock(project.pk)
    version = template.current_version
    if version is None:
        raise ValidationError("This template has no version to apply yet.")
    if ProjectChecklist.objects.filter(project=project, template=template).exists():
        raise ValidationError({"template": f"“{version.name}” is already applied to this project."})
    if not version.applies_to_use_case(project.use_case):
        raise ValidationError(
            {
                "template": f"“{version.name}” is for {', '.join(version.applies_to_labels())} projects; "
                f"this project's use case is {project.get_use_case_display()}."
            }
        )
    checklist = ProjectChecklist(project=project, template=template, version=version, applied_by=actor)
    checklist.full_clean()
    checklist.save()
    project_records_changed(project=project)
    return checklist


@transaction.atomic
def checklists_apply_defaults(*, actor, project: Project) -> list[ProjectChecklist]:
    """Apply every default template the project does not have yet (idempotent)."""
    ensure_project_writable(project)
    project_lock(project.pk)
    applied = set(ProjectChecklist.objects.filter(project=project).values_list("template_id", flat=True))
    checklists = []
    for template in default_templates(project=project):
        if template.pk in applied:
            continue
        checklist = ProjectChecklist(
            project=project, template=template, version=template.current_version, applied_by=actor
        )
        # The project, templates and actor were just read; the unique (project, template) is the database's.
        checklist.full_clean(exclude=["project", "template", "version", "applied_by"], validate_constraints=False)
        checklists.append(checklist)
    if not checklists:
        return []
    created = audit_bulk_create(ProjectChecklist, checklists)  # one audit entry each, a few statements
    project_records_changed(project=project)
    return created


@transaction.atomic
def checklist_remove(*, actor, checklist: ProjectChecklist) -> None:
    """Take a checklist off a project, only while nothing has been recorded on it."""
    ensure_project_writable(checklist.project)
    project_lock(checklist.project_id)
    if checklist.responses.exists():
        raise ValidationError(
            "Work has been recorded on this checklist, so it stays with the project: "
            "mark the items that do not apply as not applicable instead."
        )
    checklist.delete()
    project_records_changed(project=checklist.project)


@transaction.atomic
def checklist_upgrade(*, actor, checklist: ProjectChecklist) -> ProjectChecklist:
    """Move a checklist to its template's current version, keeping the answers of items that still exist.

    Answers are matched by item key. An item removed from the template keeps its
    answer with the old version (history), and new items start open. Options that
    the new version no longer offers are dropped; a done select question left
    without an answer goes back to in progress.
    """
    ensure_project_writable(checklist.project)
    project_lock(checklist.project_id)
    checklist = (
        ProjectChecklist.objects.select_for_update(of=("self",))
        .select_related("template__current_version")
        .get(pk=checklist.pk)
    )
    target = checklist.template.current_version
    if target.pk == checklist.version_id:
        raise ValidationError(f"This checklist already uses the current version (v{target.number}).")
    new_items = {item.key: item for item in target.items.all()}
    for response in checklist.responses.filter(item__version_id=checklist.version_id).select_related("item"):
        new_item = new_items.get(response.item.key)
        if new_item is None:
            continue
        response.item = new_item
        if new_item.is_select:
            offered = {option["key"] for option in new_item.options}
            response.selected_options = [key for key in response.selected_options if key in offered]
            if new_item.kind == ItemKind.SINGLE_SELECT:
                response.selected_options = response.selected_options[:1]
        else:
            response.selected_options = []
        if response.status == ResponseStatus.DONE and new_item.is_select and not response.selected_options:
            response.status = ResponseStatus.IN_PROGRESS
            response.completed_by = response.completed_at = None
        response.updated_by = actor
        response.full_clean(validate_unique=False)
        response.save()
    checklist.version = target
    checklist.save(update_fields=["version", "updated_at"])
    project_records_changed(project=checklist.project)
    return checklist


# --- Item responses ----------------------------------------------------------------


def _is_member(project: Project, user) -> bool:
    return project_members(project=project).filter(pk=user.pk).exists()


def _item_of(checklist: ProjectChecklist, item: TemplateItem) -> TemplateItem:
    if item.version_id != checklist.version_id:
        raise ValidationError("This item is not part of the checklist's template version.")
    return item


def _response_for_update(checklist: ProjectChecklist, item: TemplateItem) -> ItemResponse:
    _item_of(checklist, item)
    response, _ = ItemResponse.objects.select_for_update().get_or_create(
        checklist=checklist, item=item, defaults={"project_id": checklist.project_id}
    )
    response.item = item
    response.checklist = checklist
    return response


def _checked_options(item: TemplateItem, selected, errors: dict) -> list[str]:
    keys = [key for key in dict.fromkeys(selected or []) if key]
    if not item.is_select:
        if keys:
            errors["selected_options"] = "This item is a tick box: it has no options to select."
        return []
    offered = {option["key"] for option in item.options}
    unknown = [key for key in keys if key not in offered]
    if unknown:
        errors["selected_options"] = f"Not an option of this question: {', '.join(unknown)}."
    elif item.kind == ItemKind.SINGLE_SELECT and len(keys) > 1:
        errors["selected_options"] = (
            f"“{item.title}” is a single-select question: choose exactly one option, not {len(keys)}."
        )
    return keys


@transaction.atomic
def item_response_update(
    *,
    actor,
    checklist: ProjectChecklist,
    item: TemplateItem,
    status: str | Unset = UNSET,
    owner=UNSET,
    justification: str | Unset = UNSET,
    selected_options: list[str] | Unset = UNSET,
) -> ItemResponse:
    """Change an item's status, owner, justification or selected options (only the ones given)."""
    ensure_project_writable(checklist.project)
    project_lock(checklist.project_id)
    response = _response_for_update(checklist, item)
    previous_status = response.status
    errors: dict[str, str] = {}
    if owner is not UNSET:
        if owner is not None and not _is_member(checklist.project, owner):
            errors["owner"] = f"{owner} is not a member of this project; only members own its items."
        else:
            response.owner = owner
    if justification is not UNSET:
        response.justification = (justification or "").strip()
    if selected_options is not UNSET:
        response.selected_options = _checked_options(item, selected_options, errors)
    if status is not UNSET:
        if status not in ResponseStatus.values:
            errors["status"] = f"'{status}' is not a status ({', '.join(ResponseStatus.values)})."
        else:
            response.status = status
    if errors:
        raise ValidationError(errors)

    if response.status == ResponseStatus.NOT_APPLICABLE and not response.justification:
        errors["justification"] = (
            "An item is marked not applicable only with a justification: say why it does not apply to this project."
        )
    if response.status == ResponseStatus.DONE and response.owner_id is None:
        errors["owner"] = "Unowned items do not get done: choose an owner before marking this item done."
    if response.status == ResponseStatus.DONE and item.is_select and not response.selected_options:
        errors["selected_options"] = "Choose the answer (option) before marking this question done."
    if response.status == ResponseStatus.DONE and item.evidence_required and not response.evidence.exists():
        errors["status"] = (
            f"“{item.title}” needs evidence to be done: add a link, a note or a file first (the reviewer checks it)."
        )
    if errors:
        raise ValidationError(errors)

    if response.status in COMPLETE_STATUSES:
        if previous_status != response.status or response.completed_at is None:
            # A new completion: it needs its own peer review.
            response.completed_by = actor
            response.completed_at = timezone.now()
    else:
        response.completed_by = None
        response.completed_at = None
    response.updated_by = actor
    response.full_clean(validate_unique=False)
    response.save()
    project_records_changed(project=checklist.project)
    return response


@transaction.atomic
def item_review(*, actor, checklist: ProjectChecklist, item: TemplateItem, note: str = "") -> ItemReview:
    """Record that `actor`, a member other than the completer, reviewed the item's latest completion."""
    ensure_project_writable(checklist.project)
    project_lock(checklist.project_id)
    _item_of(checklist, item)
    response = (
        ItemResponse.objects.select_for_update(of=("self",))
        .select_related("completed_by")
        .filter(checklist=checklist, item=item)
        .first()
    )
    if response is None or not response.is_complete:
        state = response.get_status_display().lower() if response else "open"
        raise ValidationError(f"Only a done or not-applicable item can be reviewed; this one is {state}.")
    if response.completed_by_id == actor.pk:
        raise ValidationError("You completed this item, so a different project member must review it.")
    if not _is_member(checklist.project, actor):
        raise PermissionDenied("Only members of the project review its items.")
    existing = response.current_review
    if existing is not None:
        raise ValidationError(f"This item was already reviewed by {existing.reviewer} after it was completed.")
    review = ItemReview(
        project_id=checklist.project_id,
        response=response,
        reviewer=actor,
        completed_by=response.completed_by,
        status_reviewed=response.status,
        note=(note or "").strip(),
    )
    review.full_clean()
    review.save()
    project_records_changed(project=checklist.project)
    return review


# --- Evidence and comments ---------------------------------------------------------


@transaction.atomic
def evidence_add(
    *,
    actor,
    checklist: ProjectChecklist,
    item: TemplateItem,
    kind: str,
    url: str = "",
    note: str = "",
    upload: UploadedFile | None = None,
) -> Evidence:
    """Attach a link, a note or a file (type and size checked) to an item."""
    ensure_project_writable(checklist.project)
    response = _response_for_update(checklist, item)
    evidence = Evidence(project_id=checklist.project_id, response=response, kind=kind, added_by=actor)
    if kind == EvidenceKind.LINK:
        evidence.url = (url or "").strip()
        if not evidence.url.lower().startswith(("https://", "http://")):
            raise ValidationError({"url": "Give the full address of the evidence, starting with https://."})
    elif kind == EvidenceKind.NOTE:
        evidence.note = (note or "").strip()
        if not evidence.note:
            raise ValidationError({"note": "Write the note: what shows that this item is done?"})
    elif kind == EvidenceKind.FILE:
        if upload is None:
            raise ValidationError({"file": "Choose a file to upload."})
        checked = check_upload(upload)
        evidence.file_name, evidence.file_size = checked.name, checked.size
        with stored_upload(evidence.file, checked):
            evidence.full_clean()
            evidence.save()
        return evidence
    else:
        raise ValidationError({"kind": f"'{kind}' is not a kind of evidence (link, note or file)."})
    evidence.full_clean()
    evidence.save()
    return evidence


@transaction.atomic
def evidence_remove(*, actor, evidence: Evidence) -> None:
    """Remove evidence; only the person who added it may (the audit trail keeps the record)."""
    ensure_project_writable(evidence.project)
    if evidence.added_by_id != actor.pk:
        raise PermissionDenied("Only the person who added this evidence can remove it.")
    response = ItemResponse.objects.select_related("item").get(pk=evidence.response_id)
    if (
        response.status == ResponseStatus.DONE
        and response.item.evidence_required
        and not Evidence.objects.filter(response=response).exclude(pk=evidence.pk).exists()
    ):
        raise ValidationError(
            "This is the only evidence of an item that is done and needs evidence: "
            "add other evidence first, or set the item back to in progress."
        )
    evidence.delete()


@transaction.atomic
def item_comment_add(*, actor, checklist: ProjectChecklist, item: TemplateItem, body: str) -> ItemComment:
    ensure_project_writable(checklist.project)
    response = _response_for_update(checklist, item)
    comment = ItemComment(project_id=checklist.project_id, response=response, author=actor, body=(body or "").strip())
    if not comment.body:
        raise ValidationError({"body": "Write a comment first."})
    comment.full_clean()
    comment.save()
    return comment


# --- Demo data ---------------------------------------------------------------------


DEMO_PROGRESS = {
    # template key -> [(item key, status, owner username, justification, options)]
    "production-ml-gates": [
        ("pre-01-problem-success-metrics", ResponseStatus.DONE, "priya.owner", "", []),
        ("pre-02-baseline-performance", ResponseStatus.DONE, "sam.ds", "", []),
        ("pre-03-data-availability-quality", ResponseStatus.IN_PROGRESS, "diego.de", "", []),
        (
            "pre-06-timeline-compute-budget",
            ResponseStatus.NOT_APPLICABLE,
            "lena.pm",
            "Compute runs on the shared analytics cluster under an existing budget line; no separate approval.",
            [],
        ),
    ],
    "ai-engineering-master-workflow": [
        ("q0-1-ai-use-case", ResponseStatus.DONE, "sam.ds", "", None),
    ],
    "enterprise-ai-ml": [
        ("md-01-model-architecture", ResponseStatus.DONE, "sam.ds", "", []),
        ("md-02-training-pipeline", ResponseStatus.IN_PROGRESS, "sam.ds", "", []),
        ("ef-01-fairness-bias-detection", ResponseStatus.BLOCKED, "noor.ethics", "", []),
    ],
}


def demo_checklists_seed(*, project: Project, people: dict, reviewer_username: str = "lena.pm") -> None:
    """Apply the defaults to a demo project and fill in a few answers (idempotent)."""
    owner = project.created_by
    checklists_apply_defaults(actor=owner, project=project)
    members = set(project_members(project=project).values_list("username", flat=True))
    for checklist in ProjectChecklist.objects.filter(project=project).select_related("template", "version"):
        items = {item.key: item for item in checklist.version.items.all()}
        for key, status, username, justification, options in DEMO_PROGRESS.get(checklist.template.key, []):
            item = items.get(key)
            if item is None or username not in members or checklist.responses.filter(item=item).exists():
                continue
            if options is None:  # the project profile answers the use-case question
                options = [project.use_case]
            actor = people[username]
            if status == ResponseStatus.DONE and item.evidence_required:
                evidence_add(
                    actor=actor,
                    checklist=checklist,
                    item=item,
                    kind=EvidenceKind.LINK,
                    url=f"https://wiki.example.com/ml/{project.slug}/{item.key}",
                )
            item_response_update(
                actor=actor,
                checklist=checklist,
                item=item,
                status=status,
                owner=actor,
                justification=justification,
                selected_options=options,
            )
            if status in COMPLETE_STATUSES and reviewer_username in members and reviewer_username != username:
                item_review(actor=people[reviewer_username], checklist=checklist, item=item, note="Checked in review.")
