"""A Product Manager records this week's review and finds the next one on the calendar, in Chromium."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.cadence import services
from apps.cadence.choices import ReviewKind
from apps.cadence.models import ReviewOccurrence
from apps.projects.choices import Role
from tests.factories import PASSWORD, ProjectFactory, UserFactory, add_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def weekly_review(transactional_db):
    project = ProjectFactory(name="Churn Radar")
    pm = UserFactory(username="pm.lena", first_name="Lena", last_name="Fischer")
    scientist = UserFactory(username="ds.sam", first_name="Sam", last_name="Okafor")
    add_member(project, pm, Role.PRODUCT_MANAGER)
    add_member(project, scientist, Role.DATA_SCIENTIST)
    today = timezone.localdate()
    series = services.series_create(
        actor=project.owner,
        project=project,
        kind=ReviewKind.WEEKLY,
        title="Sprint experiment review",
        starts_on=today,
        chair_role=Role.PRODUCT_OWNER,
        attendee_roles=[Role.PRODUCT_MANAGER, Role.DATA_SCIENTIST],
        rule="FREQ=WEEKLY",
    )
    return project, series, pm, scientist, today


def test_product_manager_records_weekly_review_and_sees_next_one_on_the_calendar(weekly_review, page, login):
    project, series, pm, scientist, today = weekly_review
    login("pm.lena", PASSWORD)
    page.goto(f"/projects/{project.slug}/")
    page.get_by_role("link", name="Reviews").click()
    page.get_by_role("link", name="Sprint experiment review").click()
    page.get_by_role("link", name=f"{today:%a} {today.day} {today:%b %Y}").first.click()
    expect(page.get_by_text("Due today").first).to_be_visible()
    page.get_by_role("link", name="Record this meeting").click()

    page.get_by_label("Held on").fill(today.isoformat())
    for person in ("Lena Fischer", "Sam Okafor"):
        page.get_by_label(person, exact=True).check()
    page.get_by_label("Decisions").fill("Promote the gradient-boosted candidate to evaluation")
    page.get_by_label("Action 1").fill("Write the evaluation plan")
    page.get_by_label("Owner 1").select_option(label=str(scientist))
    page.get_by_label("Due 1").fill((today + datetime.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Save the record").click()

    next_day = today + datetime.timedelta(days=7)
    expect(page.get_by_role("alert").or_(page.locator(".alert-success"))).to_contain_text(
        f"Next meeting: {next_day.day} {next_day:%b %Y}"
    )
    expect(page.locator("#decisions")).to_contain_text("Promote the gradient-boosted candidate")
    expect(page.locator("#attendees")).to_contain_text("Sam Okafor")
    occurrence = ReviewOccurrence.objects.get(series=series, scheduled_on=today)
    assert occurrence.held_on == today and occurrence.recorded_by == pm

    page.get_by_role("link", name="Calendar").first.click()
    page.get_by_role("link", name="Agenda").click()
    row = (
        page.locator("tbody tr", has_text=f"{next_day:%a} {next_day.day} {next_day:%b %Y}")
        .filter(has_text="Governance reviews")
        .filter(has_text="Sprint experiment review")
    )
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Sprint experiment review")
    expect(row).to_contain_text("Churn Radar")
    expect(row).to_contain_text("Upcoming")
    page.screenshot(path="/tmp/cadence-journey-calendar.png", full_page=True)
