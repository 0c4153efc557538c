"""One permission suite for every project-scoped page and API endpoint (NetBox ViewTestCases style).

An app declares its views once, as a list of `page(...)` and `api(...)` endpoints: the URL name,
the URL kwargs (built from the shared `PermissionWorld`), the HTTP method, and the project
permission it needs (a constant of apps/projects/roles.py). `permission_cases(ENDPOINTS)`
turns the list into one test per endpoint and person:

- anonymous: pages redirect to the login page, the API answers 401;
- outsider (signed in, no role on the project): 404, the project does not exist for them;
- Compliance Auditor (portal-wide reader): reads 200 (pages needing a write permission, like an
  edit form, 403), every write 403, never a redirect;
- each of the ten project roles: allowed (reads 200; writes anything but 401/403/404/5xx)
  exactly when ROLE_PERMISSIONS grants the permission, 403 otherwise.

Usage, in tests/<app>/test_permissions.py:

    ENDPOINTS = [
        page("risks:risk-detail", risk_code=lambda w: w.risk.code),
        page("risks:risk-update", "post", roles.MANAGE_RISKS, risk_code=lambda w: w.risk.code),
        api("project-risk-list", "post", roles.MANAGE_RISKS, data={"title": "Drift"}),
    ]

    @pytest.mark.parametrize(("endpoint", "who"), permission_cases(ENDPOINTS))
    def test_permissions(endpoint, who, permission_world):
        assert_access(endpoint, who, permission_world)

The world (one project with every role staffed, an outsider, an auditor and one record of each
kind) is built once per test module (`permission_world` in tests/conftest.py) and every test's
writes are rolled back, so the suite stays fast. A module that needs records of its own defines
`PERMISSION_OBJECTS = lambda world: {"card": ...}`; they are built with the world and read as
`world.card`. tests/test_permission_coverage.py fails when a project-scoped URL name and method
is not declared in some suite.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.projects import roles
from apps.projects.choices import Role
from tests.factories import ProjectFactory, UserFactory, add_member, auditor_user

ANONYMOUS, OUTSIDER, AUDITOR = "anonymous", "outsider", "auditor"
PEOPLE = [ANONYMOUS, OUTSIDER, AUDITOR, *Role.values]
READ_METHODS = {"get", "head", "options"}
AUDITOR_PROJECT_PERMISSIONS = {
    perm.split(".", 1)[1] for perm in roles.AUDITOR_PERMISSIONS if perm.startswith("projects.")
}

# Every declaration made through permission_cases(), for the coverage meta-test.
DECLARED: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Endpoint:
    """A project-scoped URL, one HTTP method, and the project permission that method needs.

    `allowed_roles` replaces the ROLE_PERMISSIONS lookup only where a rule beyond the project
    permission decides who may act (the sign-off engine: approvers decide, the requester
    withdraws; only the author removes evidence); say why next to it.
    """

    name: str
    method: str = "get"
    perm: str = roles.VIEW
    kwargs: dict[str, Any] = field(default_factory=dict)
    data: dict | Callable[[PermissionWorld], dict] | None = None
    allowed_roles: frozenset[str] | None = None
    is_api: bool = False

    @property
    def is_write(self) -> bool:
        return self.method not in READ_METHODS

    def url(self, world: PermissionWorld) -> str:
        kwargs = {"project_slug": lambda w: w.project.slug, **self.kwargs}
        resolved = {key: value(world) if callable(value) else value for key, value in kwargs.items()}
        return reverse(self.name, kwargs=resolved)

    def payload(self, world: PermissionWorld) -> dict:
        data = self.data(world) if callable(self.data) else self.data
        return dict(data or {})

    @property
    def auditor_reads(self) -> bool:
        """Compliance Auditors read what their portal-wide permissions cover, and write nothing."""
        return not self.is_write and self.perm in AUDITOR_PROJECT_PERMISSIONS

    def allows(self, role: str) -> bool:
        if self.allowed_roles is not None:
            return role in self.allowed_roles
        return self.perm in roles.ROLE_PERMISSIONS[role]

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name}"


def page(name: str, method: str = "get", perm: str = roles.VIEW, *, data=None, allowed_roles=None, **kwargs):
    """A browser page or form endpoint (`app:name`)."""
    return Endpoint(name, method, perm, kwargs, data, allowed_roles and frozenset(allowed_roles), is_api=False)


def api(name: str, method: str = "get", perm: str = roles.VIEW, *, data=None, allowed_roles=None, **kwargs):
    """A REST endpoint under /api/v1/ (the router's name, e.g. `project-risk-detail`)."""
    return Endpoint(name, method, perm, kwargs, data, allowed_roles and frozenset(allowed_roles), is_api=True)


def permission_cases(endpoints: Iterable[Endpoint]) -> list:
    """One pytest param per endpoint and person, ids like `POST risks:risk-update-data_scientist`."""
    cases = []
    for endpoint in endpoints:
        DECLARED.add((endpoint.name, endpoint.method))
        cases.extend(pytest.param(endpoint, who, id=f"{endpoint}-{who}") for who in PEOPLE)
    return cases


class PermissionWorld:
    """One staffed project and a record of each kind, shared by a module's permission tests.

    `project.owner` is the Product Owner; `people[role]` holds each role (alone on it); the
    `bare_project` has the same staff but no governance records (for deletions).
    """

    def __init__(self, extra: Callable[[PermissionWorld], dict] | None = None):
        self.project = ProjectFactory(name="Permission suite project")
        self.people = {Role.PRODUCT_OWNER: self.project.owner}
        for role in Role.values:
            if role != Role.PRODUCT_OWNER:
                self.people[role] = UserFactory(username=f"perm-{role}")
                add_member(self.project, self.people[role], role)
        self.bare_project = ProjectFactory(name="Permission suite bare project", owner=self.project.owner)
        for role, person in self.people.items():
            if role != Role.PRODUCT_OWNER:
                add_member(self.bare_project, person, role)
        self.outsider = UserFactory(username="perm-outsider")
        self.auditor = auditor_user(username="perm-auditor")
        self.newcomer = UserFactory(username="perm-newcomer")  # not a member: the one members add
        self._build_records()
        for key, value in (extra(self) if extra else {}).items():
            setattr(self, key, value)

    def user(self, who: str):
        """A fresh copy of the person: no permission cache survives from an earlier test."""
        person = {OUTSIDER: self.outsider, AUDITOR: self.auditor}.get(who) or self.people[who]
        return type(person).objects.get(pk=person.pk)

    def _build_records(self) -> None:
        from apps.checklists import services as checklists
        from apps.checklists.models import ChecklistTemplate
        from apps.deliverables import services as deliverables
        from apps.gates import services as gates
        from apps.gates.selectors import gate_for
        from apps.projects import services as projects
        from apps.projects.choices import Stage
        from apps.projects.models import Membership
        from apps.risks import services as risks
        from apps.signoffs.models import SignoffRequest
        from tests.checklists.conftest import template_document

        owner = self.project.owner
        self.membership = Membership.objects.get(
            project=self.project, user=self.people[Role.DOMAIN_SME], role=Role.DOMAIN_SME
        )

        # An approved Scoping gate (for its certificate), approved through the API as an approver would;
        # first, while no checklist or deliverable of the stage is open yet.
        projects.project_update(actor=owner, project=self.project, baseline_description="Manual calls, 8% saved.")
        self.project.refresh_from_db()
        gate = gates.gate_update_criteria(
            actor=owner, gate=gate_for(project=self.project, stage=Stage.SCOPING), go_no_go_criteria="AUC >= 0.75"
        )
        request = gates.gate_submit(actor=owner, gate=gate)
        sponsor = APIClient()
        sponsor.force_authenticate(self.people[Role.EXECUTIVE_SPONSOR])
        decided = sponsor.post(
            f"/api/v1/projects/{self.project.slug}/signoffs/{request.pk}/decide/", {"approve": True}, format="json"
        )
        assert decided.status_code == 200, decided.content
        self.gate_stage = Stage.SCOPING

        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "perm.yaml").write_text(yaml.safe_dump(template_document("perm"), sort_keys=False))
            checklists.templates_load_library(directory=Path(folder))
        template = ChecklistTemplate.objects.get(key="perm")
        self.checklist = checklists.checklist_apply(actor=owner, project=self.project, template=template)
        self.item_key = "ck-01-check"
        item = self.checklist.version.items.get(key=self.item_key)
        self.evidence = checklists.evidence_add(
            actor=owner,
            checklist=self.checklist,
            item=item,
            kind="file",
            upload=SimpleUploadedFile("notes.txt", b"Evaluation notes", content_type="text/plain"),
        )

        deliverables.registry_load()
        deliverables.project_deliverables_setup(actor=owner, project=self.project)
        # Owned by the Product Owner, so for everyone else the managers' permission decides.
        self.deliverable = deliverables.project_deliverable_update(
            actor=owner, project_deliverable=self.project.deliverables.order_by("pk").first(), owner=owner
        )
        self.deliverable = deliverables.project_deliverable_attach_file(
            actor=owner,
            project_deliverable=self.deliverable,
            upload=SimpleUploadedFile("charter.txt", b"Project charter", content_type="text/plain"),
        )

        # An open sign-off: a Data Scientist proposes accepting a risk above the threshold, so the
        # Product Owner and the Compliance Officer must approve it.
        self.risk = risks.risk_create(
            actor=owner,
            project=self.project,
            title="Upstream schema change breaks ingestion",
            category="dependency_fragility",
            impact=4,
            likelihood=3,
            residual_impact=4,
            residual_likelihood=3,
            mitigation="Schema alerts",
        )
        self.signoff = risks.risk_accept(
            actor=self.people[Role.DATA_SCIENTIST],
            risk=self.risk,
            expires_on=timezone.localdate() + datetime.timedelta(days=90),
            note="Revenue impact is capped by the offer limit",
        )
        assert isinstance(self.signoff, SignoffRequest), self.signoff


def assert_access(endpoint: Endpoint, who: str, world: PermissionWorld) -> None:
    """Call `endpoint` as `who` and assert the one answer the permission rules allow."""
    client = APIClient() if endpoint.is_api else Client()
    if who != ANONYMOUS and endpoint.is_api:
        client.force_authenticate(world.user(who))
    elif who != ANONYMOUS:
        client.force_login(world.user(who))
    url, data = endpoint.url(world), endpoint.payload(world)
    call = getattr(client, endpoint.method)
    if endpoint.is_api and endpoint.is_write:
        uploads = any(isinstance(value, SimpleUploadedFile) for value in data.values())
        response = call(url, data, format="multipart" if uploads else "json")
    else:
        response = call(url, data)
    status = response.status_code
    where = f"{endpoint} as {who}: HTTP {status}"

    if who == ANONYMOUS:
        if endpoint.is_api:
            assert status == 401, where
        else:
            assert status == 302 and response["Location"].startswith(reverse("accounts:login")), where
    elif who == OUTSIDER:
        assert status == 404, where
    elif who == AUDITOR:
        assert status == (200 if endpoint.auditor_reads else 403), where
    elif not endpoint.allows(who):
        assert status == 403, where
    elif endpoint.is_write:
        assert status not in (401, 403, 404) and status < 500, where
    else:
        assert status == 200, where
