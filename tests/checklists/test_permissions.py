"""Checklist pages and API through the permission suite (tests/permission_suite.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.projects import roles
from apps.projects.choices import Role
from tests.permission_suite import api, assert_access, page, permission_cases

pytestmark = pytest.mark.django_db

CHECKLIST = {"checklist_id": lambda w: w.checklist.pk}
ITEM = {**CHECKLIST, "item_key": lambda w: w.item_key}
EVIDENCE = {"evidence_id": lambda w: w.evidence.pk}
# Only the person who added evidence removes it (the service's rule): in the world, the Product Owner.
EVIDENCE_AUTHOR = {Role.PRODUCT_OWNER}
NOTE = {"kind": "note", "note": "Checked with the data owner"}


def _upload(world):
    return {"kind": "file", "file": SimpleUploadedFile("more.txt", b"More notes", content_type="text/plain")}


ENDPOINTS = [
    page("checklists:checklist-overview"),
    page("checklists:checklist-overview", "post", roles.MANAGE_CHECKLISTS, data={"template": "perm"}),
    page("checklists:checklist-apply-defaults", "post", roles.MANAGE_CHECKLISTS),
    page("checklists:checklist-detail", **CHECKLIST),
    page("checklists:checklist-upgrade", **CHECKLIST),
    page("checklists:checklist-upgrade", "post", roles.MANAGE_CHECKLISTS, **CHECKLIST),
    page("checklists:checklist-remove", "post", roles.MANAGE_CHECKLISTS, **CHECKLIST),
    page("checklists:item-detail", **ITEM),
    page("checklists:item-detail", "post", roles.WORK_CHECKLISTS, data={"status": "in_progress"}, **ITEM),
    page("checklists:item-inline", "post", roles.WORK_CHECKLISTS, data={"status": "in_progress"}, **ITEM),
    page("checklists:item-review", "post", roles.WORK_CHECKLISTS, **ITEM),
    page("checklists:evidence-add", "post", roles.WORK_CHECKLISTS, data=NOTE, **ITEM),
    page("checklists:comment-add", "post", roles.WORK_CHECKLISTS, data={"body": "Looks fine"}, **ITEM),
    page("checklists:evidence-download", **EVIDENCE),
    page("checklists:evidence-remove", "post", roles.WORK_CHECKLISTS, allowed_roles=EVIDENCE_AUTHOR, **EVIDENCE),
    api("project-checklist-list"),
    api("project-checklist-list", "post", roles.MANAGE_CHECKLISTS, data={"template": "perm"}),
    api("project-checklist-apply-defaults", "post", roles.MANAGE_CHECKLISTS),
    api("project-checklist-progress"),
    api("project-checklist-detail", **CHECKLIST),
    api("project-checklist-detail", "delete", roles.MANAGE_CHECKLISTS, **CHECKLIST),
    api("project-checklist-upgrade", "post", roles.MANAGE_CHECKLISTS, **CHECKLIST),
    api("project-evidence-detail", pk=lambda w: w.evidence.pk),
    api(
        "project-evidence-detail",
        "delete",
        roles.WORK_CHECKLISTS,
        allowed_roles=EVIDENCE_AUTHOR,
        pk=lambda w: w.evidence.pk,
    ),
    api("project-evidence-download", pk=lambda w: w.evidence.pk),
    api("checklist-item-list", **CHECKLIST),
    api("checklist-item-detail", **ITEM),
    api("checklist-item-detail", "patch", roles.WORK_CHECKLISTS, data={"status": "in_progress"}, **ITEM),
    api("checklist-item-comments", **ITEM),
    api("checklist-item-comments", "post", roles.WORK_CHECKLISTS, data={"body": "Looks fine"}, **ITEM),
    api("checklist-item-evidence", **ITEM),
    api("checklist-item-evidence", "post", roles.WORK_CHECKLISTS, data=_upload, **ITEM),
    api("checklist-item-review", "post", roles.WORK_CHECKLISTS, **ITEM),
]


@pytest.mark.parametrize(("endpoint", "who"), permission_cases(ENDPOINTS))
def test_checklist_permissions(endpoint, who, permission_world):
    assert_access(endpoint, who, permission_world)
