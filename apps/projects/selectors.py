"""Reads of projects, already restricted to what the user may see."""

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .access import visible_projects
from .choices import Role
from .filters import ProjectFilter
from .models import Membership, Project


def project_list(*, user, filters: dict | None = None) -> QuerySet[Project]:
    """Projects the user may see, with member counts and the user's own roles (`my_memberships`)."""
    # A correlated count rather than a join and GROUP BY: the page's 25 rows are counted, not all visible projects.
    members = (
        Membership.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(n=Count("user", distinct=True))
        .values("n")
    )
    queryset = (
        visible_projects(user)
        .annotate(member_count=Coalesce(Subquery(members), 0))
        .prefetch_related(Prefetch("memberships", Membership.objects.filter(user=user), to_attr="my_memberships"))
        .order_by("name")
    )
    return ProjectFilter(filters or {}, queryset=queryset).qs


def _memberships(project, roles: Iterable[str] | None) -> QuerySet[Membership]:
    lookup = "project__in" if isinstance(project, QuerySet) else "project"
    memberships = Membership.objects.filter(**{lookup: project}, user__is_active=True)
    return memberships if roles is None else memberships.filter(role__in=list(roles))


def project_members(*, project, roles: Iterable[str] | None = None) -> QuerySet:
    """The people of a project (each once, active ones only, by name): the one "members of this project" query.

    `roles`: only people holding at least one of them. `project` may also be a
    queryset of projects (people of any of them: the cross-project owner filters).
    Owner pickers, membership checks (`.filter(pk=user.pk).exists()`) and
    recipient lists all start here.
    """
    return (
        get_user_model()
        .objects.filter(pk__in=_memberships(project, roles).values("user_id"))
        .order_by("first_name", "last_name", "username")
    )


def project_role_holders(*, project, roles: Iterable[str] | None = None) -> dict[str, list]:
    """Who holds which role: {role: [active members by name]}, one query; roles nobody holds are absent."""
    holders: dict[str, list] = defaultdict(list)
    memberships = _memberships(project, roles).select_related("user")
    for membership in memberships.order_by("user__first_name", "user__last_name", "user__username", "role"):
        holders[membership.role].append(membership.user)
    return dict(holders)


def member_roles(*, project, user) -> set[str]:
    """The roles `user` holds on `project` (empty for an outsider or a deactivated account)."""
    return set(_memberships(project, None).filter(user=user).values_list("role", flat=True))


def role_holders_by_project(*, projects, roles: Iterable[str] | None = None) -> dict[int, dict[str, list]]:
    """`project_role_holders` of many projects in one query (for periodic sweeps): {project id: {role: [people]}}."""
    holders: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    memberships = _memberships(Project.objects.filter(pk__in=list(projects)), roles).select_related("user")
    for membership in memberships.order_by("user__first_name", "user__last_name", "user__username", "role"):
        holders[membership.project_id][membership.role].append(membership.user)
    return {project_id: dict(by_role) for project_id, by_role in holders.items()}


def members_by_project(*, projects, roles: Iterable[str] | None = None) -> dict[int, list]:
    """Active members holding one of `roles`, per project id, each once, in one query (for periodic sweeps)."""
    people: dict[int, dict] = defaultdict(dict)
    memberships = _memberships(Project.objects.filter(pk__in=list(projects)), roles).select_related("user")
    for membership in memberships.order_by("user_id"):
        people[membership.project_id][membership.user_id] = membership.user
    return {project_id: list(users.values()) for project_id, users in people.items()}


def project_roster(*, project: Project) -> list[dict]:
    """Members of a project for the members page: one row per person with all their roles, in role order."""
    role_order = {role: index for index, role in enumerate(Role.values)}
    by_user: dict[int, dict] = defaultdict(lambda: {"user": None, "memberships": []})
    for membership in project.memberships.select_related("user"):
        row = by_user[membership.user_id]
        row["user"] = membership.user
        row["memberships"].append(membership)
    rows = list(by_user.values())
    for row in rows:
        row["memberships"].sort(key=lambda m: role_order[m.role])
    rows.sort(key=lambda row: (min(role_order[m.role] for m in row["memberships"]), row["user"].display_name))
    return rows
