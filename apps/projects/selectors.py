"""Reads of projects, already restricted to what the user may see."""

from collections import defaultdict

from django.db.models import Count, Prefetch, QuerySet

from .access import visible_projects
from .choices import Role
from .filters import ProjectFilter
from .models import Membership, Project


def project_list(*, user, filters: dict | None = None) -> QuerySet[Project]:
    """Projects the user may see, with member counts and the user's own roles (`my_memberships`)."""
    queryset = (
        visible_projects(user)
        .annotate(member_count=Count("memberships__user", distinct=True))
        .prefetch_related(Prefetch("memberships", Membership.objects.filter(user=user), to_attr="my_memberships"))
        .order_by("name")
    )
    return ProjectFilter(filters or {}, queryset=queryset).qs


def project_members(*, project: Project) -> list[dict]:
    """Members of a project, one row per person with all their roles, in role order."""
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
