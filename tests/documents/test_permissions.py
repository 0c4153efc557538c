"""Who may see and request a project's generated documents, through the shared permission suite.

Reading needs the kind's permission (the echo kind of conftest.py: `view_project`); requesting
writes nothing to the project, so any member with the kind's permission may, and portal-wide
readers (Compliance Auditors) are refused like every write.
"""

import pytest

from apps.documents import services
from tests.documents.conftest import ECHO
from tests.permission_suite import api, assert_access, page, permission_cases


def PERMISSION_OBJECTS(world):  # noqa: N802 - the suite's hook name
    document = services.document_request(actor=world.project.owner, project=world.project, kind=ECHO, params={})
    return {"document": services.document_build(document_id=document.pk)}


def pk(world):
    return world.document.pk


ENDPOINTS = [
    page("documents:document-list"),
    page("documents:document-detail", pk=pk),
    page("documents:document-download", pk=pk),
    page("documents:document-manifest", pk=pk),
    api("project-document-list"),
    api("project-document-list", "post", data={"kind": ECHO, "params": {"word": "hi"}}),
    api("project-document-detail", pk=pk),
    api("project-document-download", pk=pk),
]


@pytest.mark.parametrize(("endpoint", "who"), permission_cases(ENDPOINTS))
def test_permissions(endpoint, who, permission_world):
    assert_access(endpoint, who, permission_world)
