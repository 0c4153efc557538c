"""Applying templates and the audit trail of checklist work. Who may call which page or endpoint:
tests/checklists/test_permissions.py, on the shared permission suite."""

import pytest
from django.urls import reverse

from apps.audit.models import AuditEntry
from apps.checklists import services
from apps.checklists.models import ProjectChecklist
from apps.projects.choices import Role
from tests.checklists.conftest import item

pytestmark = pytest.mark.django_db


def _pages(checklist):
    slug = checklist.project.slug
    return [
        reverse("checklists:checklist-overview", args=[slug]),
        reverse("checklists:checklist-detail", args=[slug, checklist.pk]),
        reverse("checklists:item-detail", args=[slug, checklist.pk, "ck-01-check"]),
        reverse("checklists:checklist-upgrade", args=[slug, checklist.pk]),
        f"/api/v1/projects/{slug}/checklists/",
        f"/api/v1/projects/{slug}/checklists/progress/",
        f"/api/v1/projects/{slug}/checklists/{checklist.pk}/",
        f"/api/v1/projects/{slug}/checklists/{checklist.pk}/items/",
        f"/api/v1/projects/{slug}/checklists/{checklist.pk}/items/ck-01-check/",
    ]


def _writes(checklist):
    slug, pk = checklist.project.slug, checklist.pk
    api = f"/api/v1/projects/{slug}/checklists/{pk}/items/ck-01-check/"
    return [
        ("post", reverse("checklists:item-inline", args=[slug, pk, "ck-01-check"]), {"status": "in_progress"}),
        ("post", reverse("checklists:item-detail", args=[slug, pk, "ck-01-check"]), {"status": "in_progress"}),
        ("post", reverse("checklists:evidence-add", args=[slug, pk, "ck-01-check"]), {"kind": "note", "note": "x"}),
        ("post", reverse("checklists:comment-add", args=[slug, pk, "ck-01-check"]), {"body": "x"}),
        ("post", reverse("checklists:checklist-apply-defaults", args=[slug]), {}),
        ("post", reverse("checklists:checklist-remove", args=[slug, pk]), {}),
        ("patch", api, {"status": "in_progress"}),
        ("post", f"{api}comments/", {"body": "x"}),
        ("post", f"{api}evidence/", {"kind": "note", "note": "x"}),
        ("post", f"/api/v1/projects/{slug}/checklists/apply-defaults/", {}),
        ("delete", f"/api/v1/projects/{slug}/checklists/{pk}/", {}),
    ]


def _call(client, method, url, data):
    if url.startswith("/api/"):
        return getattr(client, method)(url, data, format="json")
    return client.post(url, data)


def test_only_product_owners_and_managers_apply_templates(api_client, project, mini_template, team, member_of):
    url = f"/api/v1/projects/{project.slug}/checklists/"
    api_client.force_authenticate(team["ds"])
    assert api_client.post(url, {"template": "mini"}, format="json").status_code == 403
    # The project was created before the mini template existed, so it is not one of its defaults.
    assert not ProjectChecklist.objects.filter(project=project, template=mini_template).exists()
    api_client.force_authenticate(member_of(project, Role.PRODUCT_MANAGER))
    applied = api_client.post(url, {"template": "mini"}, format="json")
    assert applied.status_code == 201, applied.content
    assert ProjectChecklist.objects.filter(project=project, template=mini_template).count() == 1


def test_every_change_to_an_item_lands_in_the_audit_trail_under_its_project(checklist, team):
    target = item(checklist, "ck-01-check")
    services.item_response_update(actor=team["ds"], checklist=checklist, item=target, owner=team["ds"], status="done")
    services.item_review(actor=team["ds2"], checklist=checklist, item=target)
    services.item_comment_add(actor=team["ds2"], checklist=checklist, item=target, body="Fine by me.")
    models = set(
        AuditEntry.objects.filter(project_id=checklist.project_id).values_list("content_type__model", flat=True)
    )
    assert {"projectchecklist", "itemresponse", "itemreview", "itemcomment"} <= models
