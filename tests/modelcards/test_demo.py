"""The demo seed: the checklist's example card approved, a draft with a changed metric, the gate criterion met."""

import pytest

from apps.gates.criteria import gate_evidence
from apps.gates.selectors import gate_for
from apps.modelcards import selectors
from apps.modelcards.demo import demo_modelcards_seed
from apps.modelcards.diffing import diff_values
from apps.modelcards.models import CardRevision, MLModel
from apps.projects.choices import Role, Stage
from tests.factories import ProjectFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db


def test_demo_seed_gives_the_churn_project_an_approved_card_and_a_draft_and_runs_once():
    people = {"priya.owner": UserFactory(username="priya.owner", creator=True)}
    project = ProjectFactory(owner=people["priya.owner"], slug="customer-churn-predictor", name="Customer Churn")
    for username, role in (
        ("sam.ds", Role.DATA_SCIENTIST),
        ("noor.ethics", Role.ETHICS_REVIEWER),
        ("rita.compliance", Role.COMPLIANCE_OFFICER),
    ):
        people[username] = UserFactory(username=username)
        add_member(project, people[username], role)
    projects = {project.slug: project}

    assert "revision 1 (v2.1.0) approved" in demo_modelcards_seed(people=people, projects=projects)
    assert demo_modelcards_seed(people=people, projects=projects) == "Model cards: already seeded"

    model = MLModel.objects.get(project=project)
    rows = selectors.revision_rows(model=model)
    assert [(row.revision.number, row.state) for row in rows] == [(2, "draft"), (1, "approved")]
    first, second = (CardRevision.objects.get(model=model, number=n) for n in (1, 2))
    assert ("metrics.primary[AUC-ROC].value", 0.847, 0.861) in [
        (c.path, c.before, c.after) for c in diff_values(first.content, second.content)
    ]
    criteria = {c.key: c for c in gate_evidence(gate_for(project=project, stage=Stage.DEPLOYMENT)).criteria}
    assert criteria["model-card"].met is True
