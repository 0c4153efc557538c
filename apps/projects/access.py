"""Authorization through the project, built once for every project-scoped record.

A view or API endpoint declares which project permission each HTTP method needs;
this module resolves the project from the URL (404 when the user may not see
it) and refuses the method when the permission is missing (403).

Reads accept portal-wide permissions (the Compliance Auditors group reads every
project); a write needs the permission granted on the project itself, through a
role. So a portal-wide reader gets 403 on every write, even on the writes that
only need `view_project` because a service decides the rest (sign-offs,
deliverable owners), and never a redirect or a form.

A retired project is read-only for everyone: its members keep only the read
permissions (so pages hide every write action) and every non-safe method is
refused here, for every app's views and endpoints, before a service is reached.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission

from apps.core.permissions import object_grants, object_perms, objects_for

from . import roles
from .models import Project

READ_ONLY = {method: roles.VIEW for method in SAFE_METHODS}
READ_PERMISSIONS = frozenset({roles.VIEW, roles.VIEW_AUDIT})


def retired_refusal(project: Project) -> str:
    return f"“{project.name}” is retired: it is read-only, kept with its records for audit."


def effective_perms(user, project: Project) -> set[str]:
    """The user's permissions on the project; only the read ones once it is retired."""
    perms = object_perms(user, project)
    return perms & READ_PERMISSIONS if project.is_retired else perms


def visible_projects(user, perm: str = roles.VIEW) -> QuerySet[Project]:
    """Projects on which `user` holds `perm`; everything else does not exist for them."""
    return objects_for(user, f"projects.{perm}", Project.objects.all())


def project_allows(user, project: Project, perm: str, method: str) -> bool:
    """Whether `user` may use `method` where it needs `perm` on `project` (see the module docstring)."""
    if method in SAFE_METHODS:
        return perm in object_perms(user, project)
    return perm in object_grants(user, project)


def project_of(obj) -> Project:
    """The project that authorizes `obj`: the project itself or the one it belongs to."""
    return obj if isinstance(obj, Project) else obj.project


class ProjectAccessMixin(LoginRequiredMixin):
    """For views under /projects/<project_slug>/...: sets self.project and self.project_perms.

    `permission_required` maps HTTP methods to project permissions; it is also the list
    of methods the view answers: HEAD follows GET, any other method not listed answers
    405 (a FormView's PUT would otherwise run its POST under a permission nobody chose).
    """

    project_url_kwarg = "project_slug"
    permission_required: dict[str, str] = READ_ONLY
    writable_when_retired = False  # only the project's delete page says otherwise

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.project = get_object_or_404(visible_projects(request.user), slug=kwargs[self.project_url_kwarg])
        needed = self.permission_required.get("GET" if request.method == "HEAD" else request.method)
        if needed is None:
            return self.http_method_not_allowed(request, *args, **kwargs)
        if self.writable_when_retired:
            self.project_perms = object_perms(request.user, self.project)
        else:
            self.project_perms = effective_perms(request.user, self.project)
            if self.project.is_retired and request.method not in SAFE_METHODS:
                raise PermissionDenied(retired_refusal(self.project))
        # Reads reuse the permissions computed for the templates; writes need a grant on the project.
        granted = self.project_perms if request.method in SAFE_METHODS else object_grants(request.user, self.project)
        if needed not in granted:
            raise PermissionDenied(f"Your project roles do not allow this ({roles.ACTION_LABELS[needed]}).")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.project, project_perms=self.project_perms, **kwargs)


class ProjectPermission(BasePermission):
    """DRF permission: the view's `project_permission_required[method]` on the object's project.

    Checks GET too (DRF's DjangoObjectPermissions does not); objects the user may
    not see never reach this check because list querysets are restricted and
    unknown objects answer 404.
    """

    message = "Your project roles do not allow this action."

    def _needed(self, request, view) -> str:
        return view.project_permission_required.get(request.method, roles.CHANGE)

    def _allowed(self, request, view, project) -> bool:
        if (
            project.is_retired
            and request.method not in SAFE_METHODS
            and request.method not in getattr(view, "methods_allowed_when_retired", ())
        ):
            raise exceptions.PermissionDenied(retired_refusal(project))
        return project_allows(request.user, project, self._needed(request, view), request.method)

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        project = getattr(view, "parent_project", None)
        if project is None:
            return True
        return self._allowed(request, view, project)

    def has_object_permission(self, request, view, obj):
        return self._allowed(request, view, project_of(obj))


class ProjectScopedAPIMixin:
    """For API views nested under /projects/{project_slug}/: the parent project, resolved once."""

    project_permission_required: dict[str, str] = READ_ONLY

    @cached_property
    def parent_project(self) -> Project:
        return get_object_or_404(visible_projects(self.request.user), slug=self.kwargs["project_slug"])
