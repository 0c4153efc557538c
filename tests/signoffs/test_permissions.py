"""Sign-off pages and API through the permission suite (tests/permission_suite.py).

The world's open sign-off: a Data Scientist asked to accept a risk above the threshold; the
Product Owner and the Compliance Officer approve. Deciding and withdrawing need only a role on
the project: the engine decides who may do which, so those endpoints name the roles it lets act.
"""

import pytest

from apps.projects import roles
from apps.projects.choices import Role
from tests.permission_suite import api, assert_access, page, permission_cases

pytestmark = pytest.mark.django_db

SIGNOFF = {"pk": lambda w: w.signoff.pk}
APPROVERS = {Role.PRODUCT_OWNER, Role.COMPLIANCE_OFFICER}
REQUESTER = {Role.DATA_SCIENTIST}

ENDPOINTS = [
    page("signoffs:request-detail", **SIGNOFF),
    # The page answers a member the engine refuses with a redirect and a message, so here every
    # role is allowed; the API below holds the engine's exact rules.
    page("signoffs:request-detail", "post", roles.VIEW, data={"action": "approve", "note": "Agreed"}, **SIGNOFF),
    api("project-signoff-list"),
    api("project-signoff-detail", **SIGNOFF),
    api("project-signoff-decide", "post", roles.VIEW, data={"approve": True}, allowed_roles=APPROVERS, **SIGNOFF),
    api("project-signoff-withdraw", "post", roles.VIEW, data={"note": "Not yet"}, allowed_roles=REQUESTER, **SIGNOFF),
]


@pytest.mark.parametrize(("endpoint", "who"), permission_cases(ENDPOINTS))
def test_signoff_permissions(endpoint, who, permission_world):
    assert_access(endpoint, who, permission_world)
