"""Concurrent writers on real PostgreSQL: revision numbers and submissions are taken under the model's row lock."""

import pytest
from django.core.exceptions import ValidationError

from apps.modelcards import services
from apps.modelcards.models import CardRevision
from apps.signoffs.models import SignoffRequest
from tests.concurrency import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_revisions_saved_at_the_same_moment_get_distinct_numbers(imported, team):
    def save(index):
        content = dict(imported.content, contact=f"team-{index}@example.test")
        return lambda: services.card_revision_create(actor=team["scientist"], model=imported.model, content=content)

    assert race(*[save(index) for index in range(6)]) == []
    assert sorted(CardRevision.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6, 7]
    imported.model.refresh_from_db()
    assert imported.model.last_number == 7


def test_two_submissions_at_the_same_moment_open_one_signoff(imported, team):
    def submit():
        services.card_revision_submit(actor=team["mlops"], revision=imported)

    errors = race(submit, submit)
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert SignoffRequest.objects.count() == 1


def test_an_edit_racing_a_submission_never_leaves_an_older_revision_submitted_behind_a_newer_one(imported, team):
    content = dict(imported.content, owner="churn-squad")
    errors = race(
        lambda: services.card_revision_submit(actor=team["mlops"], revision=imported),
        lambda: services.card_revision_create(actor=team["scientist"], model=imported.model, content=content),
    )
    submitted = SignoffRequest.objects.exists()
    if submitted:  # the submission took the lock first: the edit came after it, as revision 2
        assert errors == []
    else:  # the edit came first: revision 1 was no longer the latest
        assert len(errors) == 1 and "not the latest" in str(errors[0])
    assert CardRevision.objects.count() == 2


def test_the_last_approval_racing_an_edit_of_the_deliverable_deadlocks_nothing(project, imported, team):
    from apps.deliverables import services as deliverable_services
    from apps.deliverables.models import ProjectDeliverable
    from apps.signoffs.services import signoff_decide

    deliverable_services.registry_load()
    deliverable_services.project_deliverables_setup(actor=project.owner, project=project)
    deliverable = ProjectDeliverable.objects.get(project=project, deliverable__key="model-card")
    signoff = services.card_revision_submit(actor=team["mlops"], revision=imported)
    for person in ("scientist", "ethics"):
        signoff_decide(actor=team[person], signoff=signoff, approve=True, note="Fine.")
    errors = race(
        lambda: signoff_decide(actor=team["compliance"], signoff=signoff, approve=True, note="Fine."),
        lambda: deliverable_services.project_deliverable_update(
            actor=project.owner, project_deliverable=deliverable, link="https://wiki.example.test/card"
        ),
    )
    assert errors == []
    deliverable.refresh_from_db()
    signoff.refresh_from_db()
    assert signoff.state == "approved" and deliverable.status == "approved"
