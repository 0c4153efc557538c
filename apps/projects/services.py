"""Writes to projects and memberships. Views and the API call these, nothing else writes."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import URLResolver, get_resolver
from django.utils import timezone
from django.utils.text import slugify

from apps.accounts.choices import PortalGroup
from apps.core.permissions import set_object_perms

from .changes import project_records_changed
from .choices import ProjectStatus, Role
from .defaults import project_defaults_apply
from .governance import governance_records
from .models import Membership, Project
from .roles import AUDITOR_PERMISSIONS, CREATOR_PERMISSIONS, permissions_for_roles

PROJECT_EDITABLE_FIELDS = (
    "name",
    "problem_statement",
    "use_case",
    "objective",
    "latency_class",
    "primary_metric",
    "guardrail_metrics",
    "minimum_threshold",
    "baseline_description",
    "baseline_metrics",
    "business_kpis",
    "annual_benefit",
    "annual_cost",
    "initial_investment",
    "status",
)
# A project starts at any stage (an initiative already under way: the earlier stages show as passed with no
# sign-off on record); after that the stage moves only through an approved gate (project_stage_move).
PROJECT_CREATE_FIELDS = (*PROJECT_EDITABLE_FIELDS, "current_stage")
STAGE_MOVES_THROUGH_GATES = (
    "The lifecycle stage moves only through an approved gate: submit the current stage's gate for sign-off. "
    "An administrator can override it, with a reason, in the admin."
)


class ProjectHasGovernanceRecords(ValidationError):
    """project_delete's refusal: the project holds governance records, so it is retired instead."""


def project_lock(project_id: int) -> Project:
    """Lock the project row for the rest of the transaction.

    Locks are taken in one order everywhere: row locks first, then the audit
    chain's (taken by the first audited write). A write path that may change the
    project row — a gate decision advancing the stage, a No-Go putting it on hold —
    calls this before its first audited write, so it can never hold the chain while
    waiting for the project, which a concurrent project edit holds while waiting for
    the chain. NO KEY UPDATE: inserting records that point at the project still goes on.
    """
    return Project.objects.select_for_update(no_key=True).get(pk=project_id)


def ensure_project_writable(project: Project) -> None:
    """Refuse any write to a retired project's records: it is kept read-only, for the record."""
    if project.is_retired:
        raise ValidationError(
            f"“{project.name}” is retired: it is read-only, kept with its records for audit.", code="project_retired"
        )


def _url_words(patterns, prefix: str = ""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern).replace("^", "").replace("\\", "")
        if isinstance(pattern, URLResolver):
            yield from _url_words(pattern.url_patterns, route)
        else:
            match = re.match(r"(?:api/v\d+/)?projects/([-\w]+)/", route)
            if match:
                yield match.group(1)


def reserved_slugs() -> frozenset[str]:
    """Words that follow /projects/ in a route of their own (`new`, ...): a project with that slug would be
    unreachable, its pages shadowed by the route. Read from the URL configuration, so new routes count too."""
    return frozenset(_url_words(get_resolver().url_patterns))


def _check_slug(slug: str) -> None:
    if slug in reserved_slugs():
        raise ValidationError(
            {"slug": f"“{slug}” is reserved: /projects/{slug}/ is a page of the portal. Choose another slug."}
        )


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "project"
    reserved = reserved_slugs()
    slug, n = base, 2
    while slug in reserved or Project.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _sync_member_permissions(*, project: Project, user) -> None:
    roles = Membership.objects.filter(project=project, user=user).values_list("role", flat=True)
    set_object_perms(user, project, permissions_for_roles(roles))


def _membership_create(*, project: Project, user, role: str, added_by) -> Membership:
    if Membership.objects.filter(project=project, user=user, role=role).exists():
        raise ValidationError({"role": f"{user} already holds the role {Role(role).label} on this project."})
    if not user.is_active:
        raise ValidationError({"user": f"{user} is deactivated and cannot join a project."})
    membership = Membership(project=project, user=user, role=role, added_by=added_by)
    membership.full_clean()
    membership.save()
    _sync_member_permissions(project=project, user=user)
    return membership


@transaction.atomic
def project_create(*, actor, slug: str = "", **fields) -> Project:
    """Create a project; its creator becomes its first Product Owner."""
    if not all(actor.has_perm(perm) for perm in CREATOR_PERMISSIONS):
        raise PermissionDenied("You may not start projects (ask to join the Project Creators group).")
    unknown = set(fields) - set(PROJECT_CREATE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown project fields: {', '.join(sorted(unknown))}.")
    if fields.get("status") == ProjectStatus.RETIRED:
        raise ValidationError({"status": "A new project cannot start retired."})
    if slug:
        _check_slug(slug)
    project = Project(slug=slug or _unique_slug(fields.get("name", "")), created_by=actor, **fields)
    project.full_clean()
    project.save()
    _membership_create(project=project, user=actor, role=Role.PRODUCT_OWNER, added_by=actor)
    # What a new project starts with (checklists, deliverables, ...) is registered by the apps that own it.
    project_defaults_apply(actor=actor, project=project)
    return project


@transaction.atomic
def project_update(*, actor, project: Project, **fields) -> Project:
    """Change profile fields; the audit trail records each field's before and after.

    The stage is not a profile field: it moves through an approved gate (project_stage_move). Whatever was
    signed off on the project's records is re-checked in this transaction (project_records_changed).
    """
    if "current_stage" in fields:
        raise ValidationError({"current_stage": STAGE_MOVES_THROUGH_GATES})
    unknown = set(fields) - set(PROJECT_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    project = project_lock(project.pk)
    ensure_project_writable(project)
    if fields.get("status") == ProjectStatus.RETIRED:
        raise ValidationError({"status": "Retire a project with “Retire project”: it asks why, and cannot be undone."})
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean()
    project.save()
    project_records_changed(project=project)
    return project


@transaction.atomic
def project_stage_move(*, actor, project: Project, stage: str) -> Project:
    """Set the project's lifecycle stage. Only the gate workflow calls this: an approved gate moving the
    project on, or an administrator's override with its reason (apps.gates.services)."""
    project = project_lock(project.pk)
    ensure_project_writable(project)
    project.current_stage = stage
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_delete(*, actor, project: Project) -> None:
    """Delete a project that holds no governance records; one that does must be retired (project_retire)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    held = governance_records(project)
    if held:
        what = ", ".join(f"{count} {label}" for label, count in held)
        raise ProjectHasGovernanceRecords(
            f"“{project.name}” cannot be deleted: it holds governance records ({what}), which are kept. "
            "Retire it instead: it becomes read-only and stays visible and auditable.",
            code="has_governance_records",
        )
    project.delete()


@transaction.atomic
def project_retire(*, actor, project: Project, reason: str) -> Project:
    """Retire a project: read-only from now on, kept with every record, still visible and auditable."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.is_retired:
        raise ValidationError(f"“{project.name}” is already retired.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the project is retired."})
    project.status = ProjectStatus.RETIRED
    project.retired_at = timezone.now()
    project.retired_by = actor
    project.retirement_reason = reason.strip()
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def membership_add(*, actor, project: Project, user, role: str) -> Membership:
    """Give `user` a role on `project` and the permissions that come with it."""
    ensure_project_writable(project)
    return _membership_create(project=project, user=user, role=role, added_by=actor)


@transaction.atomic
def membership_remove(*, actor, membership: Membership) -> None:
    """Take a role away; a project always keeps at least one Product Owner."""
    project = Project.objects.select_for_update().get(pk=membership.project_id)
    ensure_project_writable(project)
    if (
        membership.role == Role.PRODUCT_OWNER
        and not Membership.objects.filter(project=project, role=Role.PRODUCT_OWNER).exclude(pk=membership.pk).exists()
    ):
        raise ValidationError("A project needs at least one Product Owner: add another before removing this one.")
    user = membership.user
    membership.delete()
    _sync_member_permissions(project=project, user=user)


@transaction.atomic
def project_permissions_resync() -> int:
    """Recompute every member's per-project grants from roles.py (after the role table changed)."""
    pairs = Membership.objects.values_list("project_id", "user_id").distinct()
    projects = Project.objects.in_bulk({project_id for project_id, _ in pairs})
    users = get_user_model().objects.in_bulk({user_id for _, user_id in pairs})
    for project_id, user_id in pairs:
        _sync_member_permissions(project=projects[project_id], user=users[user_id])
    return len(pairs)


@transaction.atomic
def portal_groups_ensure() -> None:
    """Create the portal-wide groups with exactly their permissions (idempotent)."""
    for name, perms in (
        (PortalGroup.COMPLIANCE_AUDITORS, AUDITOR_PERMISSIONS),
        (PortalGroup.PROJECT_CREATORS, CREATOR_PERMISSIONS),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        wanted = [
            Permission.objects.get(content_type__app_label=perm.split(".")[0], codename=perm.split(".")[1])
            for perm in perms
        ]
        group.permissions.set(wanted)
