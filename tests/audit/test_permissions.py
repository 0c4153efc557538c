"""The portal-wide audit endpoints: who reads the chain's verifications.

Not project-scoped, so outside the per-project suite (tests/permission_suite.py): the chain is one
for the whole portal. Its readers are the portal-wide Compliance Auditors and whoever holds a role
that reads some project's audit trail (roles.VIEW_AUDIT); anyone else signed in gets 403.
"""

import pytest
from rest_framework.test import APIClient

from apps.projects import roles
from tests.permission_suite import ANONYMOUS, AUDITOR, OUTSIDER, PEOPLE

pytestmark = pytest.mark.django_db

VERIFICATIONS = "/api/v1/audit-chain-verifications/"


def _expected(who: str) -> int:
    if who == ANONYMOUS:
        return 401
    if who == OUTSIDER:
        return 403
    if who == AUDITOR:
        return 200
    return 200 if roles.VIEW_AUDIT in roles.ROLE_PERMISSIONS[who] else 403


@pytest.mark.parametrize("who", PEOPLE)
def test_chain_verifications_are_read_by_auditors_and_trail_readers_only(who, permission_world):
    client = APIClient()
    if who != ANONYMOUS:
        client.force_authenticate(permission_world.user(who))
    response = client.get(VERIFICATIONS)
    assert response.status_code == _expected(who), f"{who}: {response.status_code}"
    if response.status_code == 403:
        assert "audit trail" in response.json()["error"]["message"]
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(VERIFICATIONS, {}).status_code in (401, 403, 405)
