"""Progress, red flags, default sets by use case, and query counts that do not grow with the items."""

import pytest
from django.urls import reverse

from apps.checklists import selectors, services
from apps.checklists.models import ChecklistTemplate, ProjectChecklist
from apps.projects.choices import UseCase
from tests.checklists.conftest import item, template_document
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_progress_counts_done_and_not_applicable_per_checklist_stage_and_project(checklist, team):
    ds = team["ds"]
    services.item_response_update(
        actor=ds, checklist=checklist, item=item(checklist, "ck-01-check"), owner=ds, status="done"
    )
    services.item_response_update(
        actor=ds,
        checklist=checklist,
        item=item(checklist, "ck-02-check"),
        status="not_applicable",
        justification="No evaluation set in this project.",
    )
    services.item_response_update(actor=ds, checklist=checklist, item=item(checklist, "ck-03-check"), status="blocked")
    services.item_review(actor=team["ds2"], checklist=checklist, item=item(checklist, "ck-01-check"))

    progress = selectors.project_progress(project=checklist.project)
    tally = progress.checklists[0].tally
    assert (tally.total, tally.complete, tally.reviewed, tally.percent) == (5, 2, 1, 40)
    assert (tally.required, tally.required_complete) == (3, 1)  # ck-01, ck-03 and the use-case question
    stages = {key: t for key, _, t in progress.stages}
    assert (stages["scoping"].total, stages["scoping"].complete) == (3, 1)
    assert (stages["evaluation"].total, stages["evaluation"].complete) == (1, 1)
    assert progress.total.complete == 2


def test_red_flags_are_the_open_required_items_with_the_sources_warning_signs(checklist, team):
    flags = selectors.red_flags(project=checklist.project)
    assert [f.item.key for f in flags] == ["ck-01-check", "ck-03-check", "q-01-use-case"]  # stage, then position
    assert flags[0].item.red_flags == ["Nobody looked at it"]
    services.item_response_update(
        actor=team["ds"], checklist=checklist, item=item(checklist, "ck-01-check"), owner=team["ds"], status="done"
    )
    assert [f.item.key for f in selectors.red_flags(project=checklist.project, stages=["scoping"])] == [
        "ck-03-check",
        "q-01-use-case",
    ]


def test_new_projects_get_the_default_set_of_their_use_case(load_templates):
    load_templates(template_document("general"), template_document("llm-only", applies_to=["nlp_llm", "rag", "agents"]))
    classic = ProjectFactory(use_case=UseCase.CLASSIFICATION)
    rag = ProjectFactory(use_case=UseCase.RAG)
    assert set(ProjectChecklist.objects.filter(project=classic).values_list("template__key", flat=True)) == {"general"}
    assert set(ProjectChecklist.objects.filter(project=rag).values_list("template__key", flat=True)) == {
        "general",
        "llm-only",
    }
    with pytest.raises(Exception, match="is for NLP / LLM, Retrieval-augmented generation"):
        services.checklist_apply(
            actor=classic.owner, project=classic, template=ChecklistTemplate.objects.get(key="llm-only")
        )
    assert services.checklists_apply_defaults(actor=rag.owner, project=rag) == []


def test_the_real_library_gives_llm_projects_the_promotion_checklist(project):
    services.templates_load_library()
    rag = ProjectFactory(use_case=UseCase.RAG)
    keys = set(ProjectChecklist.objects.filter(project=rag).values_list("template__key", flat=True))
    assert "llm-promotion" in keys and len(keys) == 6
    services.checklists_apply_defaults(actor=project.owner, project=project)
    assert "llm-promotion" not in set(project.checklists.values_list("template__key", flat=True))


@pytest.fixture
def checklist_of(project, load_templates, team):
    """checklist_of(n) -> a checklist of about n items, a third of them answered with evidence and a review."""

    def make(n):
        key = f"size-{n}"
        load_templates(template_document(key, checks=n))
        template = ChecklistTemplate.objects.get(key=key)
        checklist = services.checklist_apply(actor=project.owner, project=project, template=template)
        for it in list(checklist.version.items.filter(kind="check"))[: n // 3]:
            services.item_response_update(
                actor=team["ds"], checklist=checklist, item=it, owner=team["ds"], status="done"
            )
            services.evidence_add(actor=team["ds"], checklist=checklist, item=it, kind="note", note="Done.")
            services.item_comment_add(actor=team["ds"], checklist=checklist, item=it, body="See note.")
            services.item_review(actor=team["ds2"], checklist=checklist, item=it)
        return checklist

    return make


CHECKLIST_PAGE_QUERIES = 18  # with the evidence shown to reviewers
ITEMS_API_QUERIES = 10
OVERVIEW_QUERIES = 17


@pytest.mark.parametrize("size", [10, 100])
def test_checklist_page_and_items_api_run_the_same_queries_for_10_or_100_items(
    client, api_client, checklist_of, team, size, django_assert_max_num_queries
):
    checklist = checklist_of(size)
    client.force_login(team["ds"])
    url = reverse("checklists:checklist-detail", args=[checklist.project.slug, checklist.pk])
    with django_assert_max_num_queries(CHECKLIST_PAGE_QUERIES):
        page = client.get(url, {"section": "all"})
    assert page.status_code == 200 and page.content.decode().count('<tr id="row-') == size + 2
    with django_assert_max_num_queries(CHECKLIST_PAGE_QUERIES):
        one_section = client.get(url)  # a section at a time: the first with open items
    assert one_section.content.decode().count('<tr id="row-') == size
    api_client.force_authenticate(team["ds"])
    with django_assert_max_num_queries(ITEMS_API_QUERIES):
        response = api_client.get(
            f"/api/v1/projects/{checklist.project.slug}/checklists/{checklist.pk}/items/?page_size=200"
        )
    assert response.json()["count"] == size + 2
    with django_assert_max_num_queries(OVERVIEW_QUERIES):
        assert client.get(reverse("checklists:checklist-overview", args=[checklist.project.slug])).status_code == 200
