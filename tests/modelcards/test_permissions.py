"""Model card pages and API through the permission suite (tests/permission_suite.py)."""

import pytest

from apps.modelcards import services
from apps.projects import roles
from apps.projects.choices import Role
from tests.permission_suite import api, assert_access, page, permission_cases

from .conftest import SEED_YAML

pytestmark = pytest.mark.django_db


def PERMISSION_OBJECTS(world):  # noqa: N802 - the suite's hook name
    """The seed card as revision 1 of the churn predictor, imported by the MLOps engineer."""
    revision = services.card_import(
        actor=world.people[Role.MLOPS_ENGINEER], project=world.project, data=SEED_YAML, fmt="yaml"
    )
    return {"card": revision}


MODEL = {"model_key": lambda w: w.card.model.key}
REVISION = {**MODEL, "number": lambda w: w.card.number}
NEW_MODEL = {"name": "Churn challenger", "key": "", "promoted_version": "1.0.0"}
SETTINGS = {"name": "Churn predictor", "is_current": "on", "promoted_version": "2.1.0"}


def _edited_content(world):
    content = dict(world.card.content, owner="churn-squad")
    return {"content": content, "note": "New owner"}


def _yaml_edit(world):
    return {"card_yaml": SEED_YAML.replace('owner: "ml-platform-team"', 'owner: "churn-squad"', 1), "note": "Owner"}


def _import(world):
    return {"format": "yaml", "text": SEED_YAML.replace('version: "2.1.0"', 'version: "2.1.1"'), "note": ""}


def _submit(world):
    # The approvers are named so that every allowed submitter leaves an eligible person in each slot.
    return {"roles": [Role.ETHICS_REVIEWER, Role.COMPLIANCE_OFFICER], "due_on": "2099-01-01", "note": "Please"}


ENDPOINTS = [
    page("modelcards:model-list"),
    page("modelcards:model-create", "get", roles.MANAGE_MODEL_CARDS),
    page("modelcards:model-create", "post", roles.MANAGE_MODEL_CARDS, data=NEW_MODEL),
    page("modelcards:card-import", "get", roles.MANAGE_MODEL_CARDS),
    page("modelcards:card-import", "post", roles.MANAGE_MODEL_CARDS, data=_import),
    page("modelcards:card-detail", **MODEL),
    page("modelcards:model-update", "get", roles.MANAGE_MODEL_CARDS, **MODEL),
    page("modelcards:model-update", "post", roles.MANAGE_MODEL_CARDS, data=SETTINGS, **MODEL),
    page("modelcards:card-edit", "get", roles.MANAGE_MODEL_CARDS, **MODEL),
    page("modelcards:card-edit", "post", roles.MANAGE_MODEL_CARDS, data=_yaml_edit, **MODEL),
    page("modelcards:card-compare", **MODEL),
    page("modelcards:revision-detail", **REVISION),
    page("modelcards:revision-submit", "get", roles.MANAGE_MODEL_CARDS, **REVISION),
    page("modelcards:revision-submit", "post", roles.MANAGE_MODEL_CARDS, data=_submit, **REVISION),
    page("modelcards:revision-export", fmt="yaml", **REVISION),
    page("modelcards:revision-export", fmt="pdf", **REVISION),
    api("project-model-list"),
    api("project-model-list", "post", roles.MANAGE_MODEL_CARDS, data={"name": "Churn challenger"}),
    api("project-model-detail", **MODEL),
    api("project-model-detail", "patch", roles.MANAGE_MODEL_CARDS, data={"promoted_version": "2.1.0"}, **MODEL),
    api("project-model-card", **MODEL),
    api("project-model-revisions", **MODEL),
    api("project-model-revisions", "post", roles.MANAGE_MODEL_CARDS, data=_edited_content, **MODEL),
    api("project-model-revision", **REVISION),
    api("project-model-diff", **MODEL),
    api("project-model-submit", "post", roles.MANAGE_MODEL_CARDS, data=_submit, **REVISION),
    api("project-model-export", fmt="mct", **REVISION),
    api("project-model-import-card", "post", roles.MANAGE_MODEL_CARDS, data=_import),
]


@pytest.mark.parametrize(("endpoint", "who"), permission_cases(ENDPOINTS))
def test_model_card_permissions(endpoint, who, permission_world):
    assert_access(endpoint, who, permission_world)
