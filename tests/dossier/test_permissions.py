"""Who may request and verify a project's governance dossier, through the shared permission suite.

Both need `view_project_audit` (the dossier holds the audit summary). Requesting and verifying write
nothing to the project, but they are POSTs: portal-wide readers (Compliance Auditors) are refused
them like every write, and read the dossiers members generated.
"""

import json

import pytest

from apps.dossier.registry import dossier_section, section_hash
from apps.dossier.services import MANIFEST_FORMAT
from apps.projects import roles
from tests.permission_suite import api, assert_access, page, permission_cases

AUDIT = roles.VIEW_AUDIT


def manifest(world) -> dict:
    members = dossier_section("members")
    return {
        "format": MANIFEST_FORMAT,
        "project": {"slug": world.project.slug, "key": world.project.key, "name": world.project.name},
        "sections": [{"key": "members", "title": "Members", "sha256": section_hash(members.collect(world.project))}],
    }


ENDPOINTS = [
    page("dossier:dossier-request", "get", AUDIT),
    page("dossier:dossier-request", "post", AUDIT, data={"sections": ["members"]}),
    page("dossier:dossier-verify", "get", AUDIT),
    page("dossier:dossier-verify", "post", AUDIT, data=lambda w: {"text": json.dumps(manifest(w))}),
    api("project-dossier-verify", "post", AUDIT, data=lambda w: {"manifest": manifest(w)}),
]


@pytest.mark.parametrize(("endpoint", "who"), permission_cases(ENDPOINTS))
def test_permissions(endpoint, who, permission_world):
    assert_access(endpoint, who, permission_world)
