"""Issue 9, "Workflow integrity": the API cannot skip gates, and no project slug is shadowed by a route."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import URLResolver, get_resolver

from apps.projects import services
from apps.projects.choices import Role, Stage
from tests.factories import UserFactory


def test_a_product_manager_patching_current_stage_gets_a_400_in_the_error_shape_and_no_gate_is_skipped(
    api_client, project, member_of
):
    api_client.force_authenticate(member_of(project, Role.PRODUCT_MANAGER))
    url = f"/api/v1/projects/{project.slug}/"
    response = api_client.patch(url, {"current_stage": Stage.DEPLOYMENT}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and "only through an approved gate" in error["fields"]["current_stage"][0]
    project.refresh_from_db()
    assert project.current_stage == Stage.SCOPING
    # Sending the stage unchanged (a PUT of what GET returned) is fine.
    body = api_client.get(url).json()
    assert api_client.put(url, body, format="json").status_code == 200


def test_project_update_refuses_the_stage_whoever_calls_it(project):
    with pytest.raises(ValidationError, match="only through an approved gate"):
        services.project_update(actor=project.owner, project=project, current_stage=Stage.DEPLOYMENT)


def _literal_words_after_projects():
    """Every literal first segment after /projects/ (browser and API), read independently of the service."""
    words = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
                continue
            for marker in ("projects/", "^projects/"):
                head, _, rest = route.partition(marker)
                word = rest.split("/", 1)[0]
                if head in ("", "api/v1/") and "/" in rest and word and not any(c in word for c in "<(^$\\."):
                    words.add(word)

    walk(get_resolver().url_patterns)
    return words


def test_every_word_a_route_puts_after_projects_is_reserved():
    reserved = services.reserved_slugs()
    assert "new" in reserved
    assert _literal_words_after_projects() <= reserved


@pytest.mark.parametrize("slug", ["new"])
def test_an_explicit_reserved_slug_is_refused_with_a_clear_message_in_the_api(api_client, db, slug):
    api_client.force_authenticate(UserFactory(creator=True))
    body = {
        "slug": slug,
        "name": "New",
        "problem_statement": "x",
        "use_case": "classification",
        "objective": "predictive",
        "latency_class": "batch",
        "primary_metric": "AUC",
        "guardrail_metrics": ["FPR ≤ 5%"],
        "minimum_threshold": "AUC ≥ 0.8",
    }
    response = api_client.post("/api/v1/projects/", body, format="json")
    assert response.status_code == 400
    assert f"/projects/{slug}/ is a page of the portal" in response.json()["error"]["fields"]["slug"][0]


def test_a_generated_slug_steps_around_a_reserved_word_and_the_project_is_reachable(client, db):
    owner = UserFactory(creator=True)
    project = services.project_create(
        actor=owner,
        name="New",
        problem_statement="x",
        use_case="classification",
        objective="predictive",
        latency_class="batch",
        primary_metric="AUC",
        guardrail_metrics=["FPR ≤ 5%"],
        minimum_threshold="AUC ≥ 0.8",
    )
    assert project.slug == "new-2"
    client.force_login(owner)
    page = client.get(f"/projects/{project.slug}/")
    assert page.status_code == 200 and "New" in page.content.decode()
