"""Project deliverable pages and API through the permission suite (tests/permission_suite.py).

The access code lets every member post to a deliverable; the service lets its owner and the
managers change it. The world's deliverable belongs to the Product Owner, so for everyone else
the managers' permission (MANAGE_DELIVERABLES) decides.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.projects import roles
from tests.permission_suite import api, assert_access, page, permission_cases

pytestmark = pytest.mark.django_db

DELIVERABLE = {"pk": lambda w: w.deliverable.pk}
MANAGE = roles.MANAGE_DELIVERABLES


def _upload(world):
    return {"file": SimpleUploadedFile("charter-v2.txt", b"Project charter v2", content_type="text/plain")}


ENDPOINTS = [
    page("deliverables:project-deliverable-list"),
    page("deliverables:project-deliverable-setup", "post", MANAGE),
    page("deliverables:project-deliverable-edit", **DELIVERABLE),
    page("deliverables:project-deliverable-edit", "post", MANAGE, data={"status": "draft"}, **DELIVERABLE),
    page("deliverables:project-deliverable-inline", "post", MANAGE, data={"status": "draft"}, **DELIVERABLE),
    page("deliverables:project-deliverable-download", **DELIVERABLE),
    api("project-deliverable-list"),
    api("project-deliverable-setup", "post", MANAGE),
    api("project-deliverable-detail", **DELIVERABLE),
    api("project-deliverable-detail", "patch", MANAGE, data={"status": "draft"}, **DELIVERABLE),
    api("project-deliverable-file", **DELIVERABLE),
    api("project-deliverable-file", "post", MANAGE, data=_upload, **DELIVERABLE),
]


@pytest.mark.parametrize(("endpoint", "who"), permission_cases(ENDPOINTS))
def test_deliverable_permissions(endpoint, who, permission_world):
    assert_access(endpoint, who, permission_world)
