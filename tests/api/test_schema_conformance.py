"""The OpenAPI schema tells the truth: generated requests against every operation (schemathesis).

Each operation of /api/schema/ is one test. Schemathesis generates requests from the schema
(valid and invalid bodies, query strings and path values), sends them to the Django app in
process (WSGI) as a member holding every project permission, and checks each answer:

- not_a_server_error: never a 5xx;
- status_code_conformance: the status is one the operation documents;
- content_type_conformance: the body's media type is the documented one;
- response_schema_conformance: the body matches the documented schema (nullable fields,
  pages versus bare lists, the error shape of every 4xx).

The world is the permission suite's (tests/permission_suite.py): one staffed project with a
record of each kind. Path parameters are pointed at those records, so operations reach real
data instead of answering 404 to random ids; writes that fail validation are fine (400 is
documented), writes that succeed are rolled back after each operation. Bounded and
deterministic: a few examples per operation, derandomised, no shrinking.
"""

import pytest
import schemathesis
from django.contrib.auth.models import Group
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from knox.models import AuthToken
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from apps.accounts.choices import PortalGroup
from apps.audit.models import AuditEntry
from apps.notifications.services import notify
from apps.projects.services import portal_groups_ensure

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 5
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True, database="none")
# The coverage phase sends every boundary value of every field regardless of MAX_EXAMPLES (minutes on
# the risk and project writes); the CLI runs it when hunting (docs/testing.md).
schema.config.phases.coverage.enabled = False


def PERMISSION_OBJECTS(world):
    """The caller: the Product Owner (every project permission), who may also start projects."""
    caller = world.project.owner
    portal_groups_ensure()
    caller.groups.add(Group.objects.get(name=PortalGroup.PROJECT_CREATORS))
    notify(
        recipients=[caller],
        category="risks",
        kind="schema-conformance",
        subject="A risk needs a review",
        body="R-001 is due for review.",
        target=world.risk,
        project=world.project,
    )
    _, token = AuthToken.objects.create(user=caller)
    spare, _ = AuthToken.objects.create(user=caller)
    return {
        "caller": caller,
        "token": token,
        "spare_token_key": spare.token_key,
        "notification": caller.notifications.get(kind="schema-conformance"),
    }


@pytest.fixture
def wsgi_keeps_test_connection():
    """Django's WSGI handler closes the database connection after each request, and with it the
    test's transaction; its test client disconnects the same signal handler."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _record_ids(world) -> dict[str, int]:
    """`{id}` in a path, by the collection it follows."""
    return {
        "audit-entries": AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first(),
        "deliverables": world.deliverable.pk,
        "evidence": world.evidence.pk,
        "members": world.membership.pk,
        "notifications": world.notification.pk,
        "signoffs": world.signoff.pk,
    }


def path_values(world, path: str) -> dict:
    """Real values for the path parameters the schema names (one not listed here stays generated:
    the operation then mostly answers its documented 404)."""
    segments = path.strip("/").split("/")
    values = {
        "project_slug": world.project.slug,
        "checklist_id": world.checklist.pk,
        "item_key": world.item_key,
        "stage": world.gate_stage,
        "risk_code": world.risk.code,
        "template_key": world.checklist.template.key,
        "number": world.checklist.version.number,
        "key": world.deliverable.deliverable.key,
        "token_key": world.spare_token_key,
    }
    if "{id}" in segments:
        collection = segments[segments.index("{id}") - 1]
        if collection in (ids := _record_ids(world)):
            values["id"] = ids[collection]
    return values


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_as_documented(case, permission_world, wsgi_keeps_test_connection):
    world = permission_world
    for name, value in path_values(world, case.operation.path).items():
        if case.path_parameters and name in case.path_parameters:
            case.path_parameters[name] = value
    case.call_and_validate(headers={"Authorization": f"Token {world.token}"}, checks=CHECKS)
