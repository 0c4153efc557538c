"""Every project-scoped URL and HTTP method is declared in some permission suite (tests/permission_suite.py)."""

import importlib
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

from tests.permission_suite import DECLARED

SKIPPED_METHODS = {"head", "options"}  # answered by Django and DRF themselves, like the GET they follow


def _patterns(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + str(pattern.pattern), f"{namespace}{pattern.name}", pattern.callback


def _methods(callback) -> set[str]:
    if getattr(callback, "actions", None):  # a DRF viewset route (DRF adds HEAD once it has served a GET)
        return set(callback.actions) - SKIPPED_METHODS
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view is None:
        return {"get"}
    handled = {method for method in view.http_method_names if hasattr(view, method)}
    # ProjectAccessMixin answers only the methods its permission map lists (405 for the others).
    listed = {method.lower() for method in getattr(view, "permission_required", {})} or handled
    return (handled & listed) - SKIPPED_METHODS


def project_scoped_routes() -> set[tuple[str, str]]:
    return {
        (name, method)
        for route, name, callback in _patterns(get_resolver().url_patterns)
        if "project_slug" in route
        for method in _methods(callback)
    }


def test_every_project_scoped_url_and_method_is_in_a_permission_suite():
    for module in sorted(Path(__file__).parent.glob("*/test_permissions.py")):
        importlib.import_module(f"tests.{module.parent.name}.test_permissions")
    missing = sorted(project_scoped_routes() - DECLARED)
    assert missing == [], f"declare these in tests/<app>/test_permissions.py: {missing}"


def test_the_route_list_sees_pages_and_api_endpoints():
    routes = project_scoped_routes()
    assert ("risks:risk-update", "post") in routes
    assert ("project-risk-detail", "delete") in routes
    assert ("risks:risk-review", "get") not in routes  # POST-only views declare only what they answer
    assert ("risks:risk-update", "put") not in routes  # not in the view's permission map: 405


def test_a_method_missing_from_a_views_permission_map_answers_405(client, project):
    client.force_login(project.owner)
    response = client.put(f"/projects/{project.slug}/members/", "user=1&role=domain_sme")
    assert response.status_code == 405
