"""factory_boy factories. Projects and memberships go through the services, so
permissions and audit entries are exactly what production creates."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from apps.accounts.choices import PortalGroup
from apps.projects import services
from apps.projects.choices import LatencyClass, Objective, Role, Stage, UseCase
from apps.projects.models import Project
from apps.risks import services as risk_services
from apps.risks.choices import Category

PASSWORD = "a-test-password-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def creator(user, create, extracted, **kwargs):
        """UserFactory(creator=True) may start projects."""
        if create and extracted:
            services.portal_groups_ensure()
            user.groups.add(Group.objects.get(name=PortalGroup.PROJECT_CREATORS))
        if create:
            user.save()


def auditor_user(**fields):
    services.portal_groups_ensure()
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=PortalGroup.COMPLIANCE_AUDITORS))
    return user


class ProjectFactory(factory.django.DjangoModelFactory):
    """ProjectFactory(owner=..., **fields) creates through services.project_create;
    the owner (a new Project Creator by default) is its Product Owner."""

    class Meta:
        model = Project

    owner = factory.SubFactory(UserFactory, creator=True)
    name = factory.Sequence(lambda n: f"Project {n}")
    problem_statement = "Retention cannot tell who will cancel next month."
    use_case = UseCase.CLASSIFICATION
    objective = Objective.PREDICTIVE
    latency_class = LatencyClass.BATCH
    primary_metric = "AUC-ROC"
    guardrail_metrics = factory.LazyFunction(lambda: ["Precision@10% ≥ 0.6"])
    minimum_threshold = "AUC-ROC ≥ 0.80"
    annual_benefit = Decimal("480000")
    annual_cost = Decimal("300000")
    initial_investment = Decimal("150000")
    current_stage = Stage.SCOPING

    @classmethod
    def _create(cls, model_class, owner, **fields):
        project = services.project_create(actor=owner, **fields)
        project.owner = owner
        return project


def add_member(project, user, role=Role.DATA_SCIENTIST):
    """Give `user` a role on `project`, as its Product Owner would."""
    return services.membership_add(actor=project.owner, project=project, user=user, role=role)


def record_risk(project, *, actor=None, **fields):
    """A risk recorded on `project` through the register's service (by its Product Owner unless `actor`)."""
    values = {
        "title": "Upstream schema change breaks ingestion",
        "category": Category.DEPENDENCY_FRAGILITY,
        "impact": 4,
        "likelihood": 3,
        **fields,
    }
    return risk_services.risk_create(actor=actor or project.owner, project=project, **values)


def edit_form_data(project, **changes):
    """The project edit form as its page fills it in, with `changes` applied."""
    data = {
        "name": project.name,
        "problem_statement": project.problem_statement,
        "use_case": project.use_case,
        "objective": project.objective,
        "latency_class": project.latency_class,
        "primary_metric": project.primary_metric,
        "guardrail_metrics": "\n".join(project.guardrail_metrics),
        "minimum_threshold": project.minimum_threshold,
        "baseline_description": "",
        "baseline_metrics": "",
        "business_kpis": "",
        "annual_benefit": "480000",
        "annual_cost": "300000",
        "initial_investment": "150000",
        "status": project.status,
    }
    data.update(changes)
    return data
