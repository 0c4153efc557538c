"""Writes to the deliverables registry and to project deliverables.

Rules, enforced here for the browser, the API and the admin alike:

* Product Owners and Product Managers (`manage_deliverables`) set deliverables up, assign owners and approve;
* a deliverable's owner updates its status, link, file and last-updated date;
* owners are project members; an approved deliverable has a link or a file;
* the next due date follows from the cadence: calendar cadences count from the last update (or from
  when the project started tracking the deliverable), event-driven cadences have no date.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_bulk_create
from apps.core.cadence import Cadence, cadence_delta
from apps.core.permissions import object_perms
from apps.core.sentinels import UNSET, Unset
from apps.core.uploads import check_upload, stored_upload
from apps.core.yamlload import load_yaml
from apps.projects import roles
from apps.projects.changes import project_records_changed
from apps.projects.choices import Role, Stage
from apps.projects.models import Project
from apps.projects.selectors import project_members, project_role_holders
from apps.projects.services import ensure_project_writable, project_lock

from .choices import CADENCE_VALUES, DeliverableStatus
from .models import Deliverable, ProjectDeliverable
from .owners import owner_roles

REGISTRY_FILE = Path(__file__).resolve().parent / "data" / "registry.yaml"
ENTRY_KEYS = ("key", "name", "primary_stage", "owner_role", "cadence", "cadence_label", "purpose")


# --- The registry ------------------------------------------------------------------------


def parse_registry(text: str | bytes, *, file_name: str) -> list[dict]:
    """Check the registry file; raise one ValidationError naming the file and every problem."""
    problems: list[str] = []
    try:
        data = load_yaml(text)
    except yaml.YAMLError as error:
        raise ValidationError(f"{file_name}: not valid YAML ({error})") from None
    entries = data.get("deliverables") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ValidationError(f"{file_name}: expected a mapping with a non-empty 'deliverables' list")
    vocabularies = {"primary_stage": Stage.values, "owner_role": Role.values, "cadence": CADENCE_VALUES}
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"deliverables[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where} must be a mapping")
            continue
        where = f"deliverable '{entry.get('key', index)}'"
        for name in sorted(set(entry) - set(ENTRY_KEYS)):
            problems.append(f"{where}: unknown key '{name}'")
        for name in ENTRY_KEYS:
            value = entry.get(name)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{where}: '{name}' is missing or empty")
            elif name in vocabularies and value not in vocabularies[name]:
                problems.append(f"{where}: {name} '{value}' is not one of: {', '.join(vocabularies[name])}")
        if entry.get("key") in seen:
            problems.append(f"{where}: key is used twice")
        seen.add(entry.get("key"))
    if problems:
        raise ValidationError(f"{file_name}: " + "; ".join(problems))
    return [{name: entry[name].strip() for name in ENTRY_KEYS} for entry in entries]


@dataclass
class RegistryReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged."


@transaction.atomic
def registry_load(*, path: Path = REGISTRY_FILE) -> RegistryReport:
    """Load the registry file (idempotent): new keys are created, changed entries updated in place."""
    path = Path(path)
    entries = parse_registry(path.read_bytes(), file_name=path.name)
    existing = {d.key: d for d in Deliverable.objects.select_for_update()}
    report = RegistryReport()
    for position, entry in enumerate(entries, start=1):
        deliverable = existing.get(entry["key"])
        if deliverable is None:
            deliverable = Deliverable(position=position, **entry)
            deliverable.full_clean()
            deliverable.save()
            report.created.append(entry["key"])
            continue
        wanted = {**entry, "position": position}
        if all(getattr(deliverable, name) == value for name, value in wanted.items()):
            report.unchanged.append(entry["key"])
            continue
        for name, value in wanted.items():
            setattr(deliverable, name, value)
        deliverable.full_clean()
        deliverable.save()
        report.updated.append(entry["key"])
    return report


# --- Due dates -------------------------------------------------------------------------


def next_due_date(cadence: str, base: date) -> date | None:
    """One calendar step (apps.core.cadence) after `base`; None for event-driven cadences."""
    if cadence not in Cadence.values:
        return None
    return base + cadence_delta(cadence)


def _refresh_due(project_deliverable: ProjectDeliverable) -> None:
    started = (
        timezone.localdate(project_deliverable.created_at) if project_deliverable.created_at else timezone.localdate()
    )
    base = project_deliverable.last_updated_on or started
    project_deliverable.next_due_on = next_due_date(project_deliverable.deliverable.cadence, base)


# --- Project deliverables -------------------------------------------------------------


def _default_owners(project: Project) -> dict[str, object]:
    """The first member (by name) holding each role: a deliverable's initial owner."""
    return {role: people[0] for role, people in project_role_holders(project=project).items()}


@transaction.atomic
def project_deliverables_setup(*, actor, project: Project) -> list[ProjectDeliverable]:
    """Give the project every registry deliverable it lacks, and an owner to each unowned one whose
    default owner role a member holds (the registry's initial owner role, or the roles an app names
    through `owners.register_owner_roles_provider`). Idempotent; returns the deliverables it created."""
    ensure_project_writable(project)
    project_lock(project.pk)
    owners = _default_owners(project)
    named = owner_roles(project)  # roles other apps name per deliverable (RACI: its Responsible roles)
    have = {pd.deliverable_id: pd for pd in ProjectDeliverable.objects.filter(project=project).select_for_update()}
    created = []
    for deliverable in Deliverable.objects.all():
        current = have.get(deliverable.pk)
        roles_in_turn = named.get(deliverable.key, [deliverable.owner_role])
        default_owner = next((owners[role] for role in roles_in_turn if role in owners), None)
        if current is None:
            current = ProjectDeliverable(
                project=project, deliverable=deliverable, owner=default_owner, updated_by=actor
            )
            _refresh_due(current)
            # Project, deliverable and people were just read: checking each foreign key would cost queries;
            # the constraints (one row per deliverable, a known status) are the database's.
            current.full_clean(
                exclude=["project", "deliverable", "owner", "updated_by"],
                validate_unique=False,
                validate_constraints=False,
            )
            created.append(current)
        elif current.owner_id is None and default_owner is not None:
            current.owner = default_owner
            current.updated_by = actor
            current.save(update_fields=["owner", "updated_by", "updated_at"])
    created = audit_bulk_create(ProjectDeliverable, created)  # one audit entry each, a few statements
    project_records_changed(project=project)
    return created


def _may_manage(actor, project: Project) -> bool:
    return roles.MANAGE_DELIVERABLES in object_perms(actor, project)


def _check_editor(actor, project_deliverable: ProjectDeliverable) -> bool:
    """Managers edit every deliverable, owners their own; returns whether the actor manages."""
    manages = _may_manage(actor, project_deliverable.project)
    if not manages and project_deliverable.owner_id != actor.pk:
        raise PermissionDenied(
            "Only the deliverable's owner, or a Product Owner or Product Manager of the project, can update it."
        )
    return manages


@transaction.atomic
def project_deliverable_update(
    *,
    actor,
    project_deliverable: ProjectDeliverable,
    owner=UNSET,
    status: str | Unset = UNSET,
    link: str | Unset = UNSET,
    last_updated_on: date | None | Unset = UNSET,
) -> ProjectDeliverable:
    """Change owner, status, link or last-updated date (only the ones given) and recompute the due date."""
    ensure_project_writable(project_deliverable.project)
    project_lock(project_deliverable.project_id)
    pd = (
        ProjectDeliverable.objects.select_for_update()
        .select_related("project", "deliverable")
        .get(pk=project_deliverable.pk)
    )
    manages = _check_editor(actor, pd)
    errors: dict[str, str] = {}
    content_changed = False
    if owner is not UNSET and owner != pd.owner:
        if not manages:
            errors["owner"] = "Only a Product Owner or Product Manager of the project reassigns deliverables."
        elif owner is not None and not project_members(project=pd.project).filter(pk=owner.pk).exists():
            errors["owner"] = f"{owner} is not a member of this project; only members own its deliverables."
        else:
            pd.owner = owner
    if status is not UNSET and status != pd.status:
        if status not in DeliverableStatus.values:
            errors["status"] = f"'{status}' is not a status ({', '.join(DeliverableStatus.values)})."
        elif status == DeliverableStatus.APPROVED and not manages:
            errors["status"] = "Only a Product Owner or Product Manager approves a deliverable."
        else:
            pd.status = status
            content_changed = True
    if link is not UNSET and (link or "").strip() != pd.link:
        pd.link = (link or "").strip()
        if pd.link and not pd.link.lower().startswith(("https://", "http://")):
            errors["link"] = "Give the full address of the document, starting with https://."
        content_changed = True
    if last_updated_on is not UNSET:
        if last_updated_on is not None and last_updated_on > timezone.localdate():
            errors["last_updated_on"] = "The last update cannot be in the future."
        pd.last_updated_on = last_updated_on
    elif content_changed:
        pd.last_updated_on = timezone.localdate()
    if pd.status == DeliverableStatus.APPROVED and not (pd.link or pd.file):
        errors["status"] = "An approved deliverable needs its document: add a link or a file first."
    if errors:
        raise ValidationError(errors)
    _refresh_due(pd)
    pd.updated_by = actor
    pd.full_clean(validate_unique=False)
    pd.save()
    project_records_changed(project=pd.project)
    return pd


@transaction.atomic
def project_deliverable_attach_file(*, actor, project_deliverable: ProjectDeliverable, upload: UploadedFile):
    """Store the deliverable's document (type and size checked); it counts as updated today."""
    ensure_project_writable(project_deliverable.project)
    project_lock(project_deliverable.project_id)
    pd = (
        ProjectDeliverable.objects.select_for_update()
        .select_related("project", "deliverable")
        .get(pk=project_deliverable.pk)
    )
    _check_editor(actor, pd)
    checked = check_upload(upload)
    pd.file_name, pd.file_size = checked.name, checked.size
    pd.last_updated_on = timezone.localdate()
    _refresh_due(pd)
    pd.updated_by = actor
    with stored_upload(pd.file, checked):
        pd.full_clean(validate_unique=False)
        pd.save()
    project_records_changed(project=pd.project)
    return pd


@transaction.atomic
def project_deliverable_signed_off(*, actor, project: Project, key: str, link: str) -> ProjectDeliverable | None:
    """Another app's sign-off approved this deliverable's document (a model card revision...).

    The approval is the sign-off's, so no deliverable-manager permission is asked of
    `actor`: the deliverable becomes approved, links to what was signed and counts as
    updated today. Returns None when the project does not track the deliverable.
    """
    pd = (
        ProjectDeliverable.objects.select_for_update()
        .select_related("project", "deliverable")
        .filter(project=project, deliverable__key=key)
        .first()
    )
    if pd is None:
        return None
    pd.status, pd.link, pd.updated_by = DeliverableStatus.APPROVED, link, actor
    pd.last_updated_on = timezone.localdate()
    _refresh_due(pd)
    pd.full_clean(validate_unique=False)
    pd.save()
    return pd


# --- Demo data -------------------------------------------------------------------------

DEMO_STATES = {
    # deliverable key -> (status, days since last update, link)
    "project-charter": (DeliverableStatus.APPROVED, 40, "https://wiki.example.com/ml/charter"),
    "baseline-kpi-sheet": (DeliverableStatus.APPROVED, 120, "https://wiki.example.com/ml/kpis"),
    "feasibility-report": (DeliverableStatus.APPROVED, 90, "https://wiki.example.com/ml/feasibility"),
    "data-availability-snapshot": (DeliverableStatus.DRAFT, 45, "https://wiki.example.com/ml/data-snapshot"),
}


def demo_deliverables_seed(*, project: Project) -> None:
    """Set up a demo project's deliverables and date a few of them (idempotent: only untouched rows change)."""
    actor = project.created_by
    project_deliverables_setup(actor=actor, project=project)
    today = timezone.localdate()
    rows = ProjectDeliverable.objects.filter(
        project=project, deliverable__key__in=DEMO_STATES, last_updated_on__isnull=True
    ).select_related("deliverable")
    for pd in rows:
        status, age, link = DEMO_STATES[pd.deliverable.key]
        project_deliverable_update(
            actor=actor, project_deliverable=pd, status=status, link=link, last_updated_on=today - timedelta(days=age)
        )
