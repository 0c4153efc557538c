"""A portfolio for the dashboard tests: staffed projects with records of every kind, made through the services.

`dashboard_world.grow(n)` adds `n` projects, each with: a Scoping gate submitted for sign-off (the
sponsor is an approver), three risks owned by the data scientist (one aging past escalation, one
accepted until the coming week, one High residual), an incident with an overdue action item and a
reviewed meeting with an overdue follow-up (both the scientist's), an unrecorded review meeting
ten days ago, a checklist with a Scoping item the scientist owns, and the registry's deliverables
(one overdue, owned by the PM). The same people hold the same roles on every project.
"""

import datetime

import pytest
import yaml
from django.db import transaction
from django.utils import timezone

from apps.cadence import services as cadence
from apps.cadence.choices import ReviewKind
from apps.checklists import services as checklists
from apps.checklists.models import ChecklistTemplate
from apps.deliverables import services as deliverables
from apps.deliverables.models import ProjectDeliverable
from apps.gates import services as gates
from apps.gates.selectors import gate_for
from apps.incidents import services as incidents
from apps.incidents.choices import Category as IncidentCategory
from apps.incidents.choices import Severity
from apps.projects import services as projects
from apps.projects.choices import Role, Stage
from apps.risks import services as risks
from apps.risks.choices import Category
from apps.risks.models import Risk
from tests.checklists.conftest import template_document
from tests.factories import ProjectFactory, UserFactory, add_member, auditor_user


class DashboardWorld:
    def __init__(self):
        self.today = timezone.localdate()
        self.owner = UserFactory(username="dash-owner", creator=True)
        self.people = {
            Role.COMPLIANCE_OFFICER: UserFactory(username="dash-compliance", first_name="Rita"),
            Role.PRODUCT_MANAGER: UserFactory(username="dash-pm", first_name="Lena"),
            Role.EXECUTIVE_SPONSOR: UserFactory(username="dash-sponsor", first_name="Marcus"),
            Role.DATA_SCIENTIST: UserFactory(username="dash-scientist", first_name="Sam"),
            Role.MLOPS_ENGINEER: UserFactory(username="dash-mlops"),
        }
        self.auditor = auditor_user(username="dash-auditor")
        self.outsider = UserFactory(username="dash-outsider")
        self.projects = []
        # An organisation template: not applied to new projects by default, so it cannot hold back their gates.
        admin = UserFactory(username="dash-admin", is_superuser=True, is_staff=True)
        checklists.template_upload(
            actor=admin, content=yaml.safe_dump(template_document("dash"), sort_keys=False), file_name="dash.yaml"
        )
        self.template = ChecklistTemplate.objects.get(key="dash")
        deliverables.registry_load()  # every new project starts with the registry's deliverables

    def person(self, role):
        return self.people[role]

    def grow(self, count: int) -> None:
        for _ in range(count):
            self.projects.append(self._project(len(self.projects)))

    def _project(self, index: int):
        scientist = self.people[Role.DATA_SCIENTIST]
        project = ProjectFactory(owner=self.owner, name=f"Dashboard project {index:03d}")
        for role, person in self.people.items():
            add_member(project, person, role)
        # The Scoping gate, submitted once its deliverables are approved (before the checklist is applied).
        projects.project_update(actor=self.owner, project=project, baseline_description="Manual triage.")
        project.refresh_from_db()
        for scoping in project.deliverables.filter(deliverable__primary_stage=Stage.SCOPING):
            deliverables.project_deliverable_update(
                actor=self.owner, project_deliverable=scoping, status="approved", link="https://docs.example.test/d"
            )
        gate = gates.gate_update_criteria(
            actor=self.owner, gate=gate_for(project=project, stage=Stage.SCOPING), go_no_go_criteria="AUC >= 0.75"
        )
        gates.gate_submit(actor=self.owner, gate=gate)
        risk_fields = {"category": Category.DATA_AVAILABILITY, "owner": scientist, "mitigation": "Alerts"}
        aging = risks.risk_create(
            actor=self.owner, project=project, title="Aging risk", impact=3, likelihood=3,
            residual_impact=2, residual_likelihood=3, **risk_fields,
        )  # fmt: skip
        # No service ages a risk (it takes waiting): the review date is moved back, as the demo does.
        Risk.objects.filter(pk=aging.pk).update(next_review_on=self.today - datetime.timedelta(days=10))
        accepted = risks.risk_create(
            actor=self.owner, project=project, title="Accepted risk", impact=2, likelihood=2,
            residual_impact=1, residual_likelihood=2, **risk_fields,
        )  # fmt: skip
        risks.risk_accept(
            actor=self.owner, risk=accepted, expires_on=self.today + datetime.timedelta(days=5), note="Low, capped."
        )
        risks.risk_create(
            actor=self.owner, project=project, title="High risk", impact=5, likelihood=4,
            residual_impact=4, residual_likelihood=4, **risk_fields,
        )  # fmt: skip
        incident = incidents.incident_create(
            actor=self.people[Role.MLOPS_ENGINEER], project=project, title="Drift alert",
            severity=Severity.P2, category=IncidentCategory.MODEL_DEGRADATION,
        )  # fmt: skip
        incidents.action_item_create(
            actor=self.people[Role.MLOPS_ENGINEER], incident=incident, title="Add a schema check",
            owner=scientist, due_on=self.today - datetime.timedelta(days=1),
        )  # fmt: skip
        series = cadence.series_create(
            actor=self.owner, project=project, kind=ReviewKind.AD_HOC, title="Incident review",
            starts_on=self.today - datetime.timedelta(days=30), chair_role=Role.PRODUCT_OWNER,
            attendee_roles=[Role.DATA_SCIENTIST],
        )  # fmt: skip
        cadence.occurrence_schedule(
            actor=self.owner, series=series, scheduled_on=self.today - datetime.timedelta(days=10)
        )
        held_on = self.today - datetime.timedelta(days=20)
        cadence.occurrence_schedule(actor=self.owner, series=series, scheduled_on=held_on)
        follow_up = {
            "title": "Re-run the fairness audit",
            "owner": scientist,
            "due_on": self.today - datetime.timedelta(days=2),
        }
        cadence.occurrence_record(
            actor=self.owner, series=series, scheduled_on=held_on, held_on=held_on, attendees=[scientist],
            actions=[follow_up],
        )  # fmt: skip
        checklist = checklists.checklist_apply(actor=self.owner, project=project, template=self.template)
        checklists.item_response_update(
            actor=self.owner, checklist=checklist, item=checklist.version.items.get(key="ck-01-check"), owner=scientist
        )
        first = project.deliverables.exclude(deliverable__primary_stage=Stage.SCOPING).order_by("pk").first()
        deliverables.project_deliverable_update(
            actor=self.owner, project_deliverable=first, owner=self.people[Role.PRODUCT_MANAGER]
        )
        # Due dates come from the cadence and the last update; an overdue one is made by moving it back.
        ProjectDeliverable.objects.filter(pk=first.pk).update(next_due_on=self.today - datetime.timedelta(days=3))
        return project


@pytest.fixture
def dashboard_world(db):
    return DashboardWorld()


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """One DashboardWorld for a whole module, rolled back after it (see `permission_world`)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield DashboardWorld()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def world(shared_world, django_db_blocker):
    """The module's world with one project (tests change it only inside their own savepoint)."""
    with django_db_blocker.unblock():
        shared_world.grow(1)
    return shared_world


def dashboard_of(user, **kwargs):
    """The dashboard of a fresh copy of `user` (no permission cache from an earlier call)."""
    from apps.dashboard.selectors import dashboard_for

    return dashboard_for(user=type(user).objects.get(pk=user.pk), **kwargs)


def queue_of(user, key):
    return dict((source.key, section) for source, section in dashboard_of(user).queue)[key]


def panel_of(user, key):
    return dict((panel.key, data) for panel, data in dashboard_of(user).panels).get(key)
