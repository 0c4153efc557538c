"""A long checklist reads a section at a time, with counts per section; the filters stay in the URL."""

import pytest
from django.urls import reverse

from apps.checklists import services
from tests.checklists.conftest import item


@pytest.fixture
def page_url(checklist):
    return reverse("checklists:checklist-detail", args=[checklist.project.slug, checklist.pk])


def rows_on(response) -> list[str]:
    return [row.item.key for _, rows in response.context["sections"] for row in rows]


def test_the_page_shows_the_first_section_with_open_items_and_a_bar_of_every_section(client, checklist, team, page_url):
    client.force_login(team["ds"])
    response = client.get(page_url)
    assert rows_on(response) == ["ck-01-check", "ck-02-check", "ck-03-check"]
    tabs = response.context["section_tabs"]
    assert [(t.section.key, len(t.rows), t.open_count, t.active) for t in tabs] == [
        ("checks", 3, 3, True),
        ("questions", 2, 2, False),
    ]
    html = response.content.decode()
    assert "Define AI Use Case" not in html  # the other section's items are one click away
    assert 'href="?section=questions"' in html and "3 items, 3 open" in html


def test_a_finished_section_gives_way_to_the_next_one_with_open_items(client, checklist, team, page_url):
    for key in ("ck-01-check", "ck-02-check", "ck-03-check"):
        services.item_response_update(
            actor=team["ds"],
            checklist=checklist,
            item=item(checklist, key),
            owner=team["ds"],
            status="not_applicable",
            justification="Not for this project.",
        )
    client.force_login(team["ds"])
    assert rows_on(client.get(page_url)) == ["q-01-use-case", "q-02-tools"]
    assert rows_on(client.get(page_url, {"section": "checks"}))[0] == "ck-01-check"


def test_section_links_keep_the_filters_and_every_section_can_be_shown(client, checklist, team, page_url):
    client.force_login(team["ds"])
    response = client.get(page_url, {"requirement": "required", "section": "questions"})
    assert rows_on(response) == ["q-01-use-case"]
    html = response.content.decode()
    assert 'href="?requirement=required&amp;section=checks"' in html
    assert 'href="?requirement=required&amp;section=all"' in html
    everything = client.get(page_url, {"requirement": "required", "section": "all"})
    assert rows_on(everything) == ["ck-01-check", "ck-03-check", "q-01-use-case"]


def test_an_unknown_section_falls_back_to_the_default(client, checklist, team, page_url):
    client.force_login(team["ds"])
    assert rows_on(client.get(page_url, {"section": "nope"}))[0] == "ck-01-check"
