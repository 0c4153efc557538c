"""Cadence pages and API through the permission suite (tests/permission_suite.py).

Reads need `view_project`; every write needs `manage_reviews` (Product Owner, Product Manager,
Security / Compliance Officer): attending a review gives no right to record it.
"""

import datetime

import pytest
from django.utils import timezone

from apps.cadence import services
from apps.cadence.choices import ReviewKind
from apps.projects import roles
from apps.projects.choices import Role
from tests.permission_suite import api, assert_access, page, permission_cases

pytestmark = pytest.mark.django_db


def _objects(world):
    today = timezone.localdate()
    owner = world.project.owner
    series = services.series_create(
        actor=owner,
        project=world.project,
        kind=ReviewKind.WEEKLY,
        title="Weekly experiment review",
        starts_on=today - datetime.timedelta(days=7),
        chair_role=Role.PRODUCT_OWNER,
        rule="FREQ=WEEKLY",
    )
    held = services.occurrence_record(
        actor=owner,
        series=series,
        scheduled_on=series.starts_on,
        held_on=series.starts_on,
        attendees=[owner],
        decisions=["Keep going"],
        actions=[{"title": "Write it up", "owner": owner, "due_on": today}],
    )
    return {"series": series, "held_day": held.scheduled_on, "review_action": held.actions.get()}


PERMISSION_OBJECTS = _objects

SERIES = {"pk": lambda w: w.series.pk}
OCCURRENCE = {"series_pk": lambda w: w.series.pk, "day": lambda w: w.held_day}
API_SERIES = {"pk": lambda w: w.series.pk}
NEW_SERIES = {"kind": "monthly", "title": "Drift audit", "chair_role": "product_manager", "starts_on": "2027-01-31"}
RECORD_FORM = {
    "held_on": lambda w: w.held_day.isoformat(),
    "attendees": lambda w: [w.project.owner.pk],
    "actions-TOTAL_FORMS": "0",
    "actions-INITIAL_FORMS": "0",
}


def _record_form(world):
    return {key: value(world) if callable(value) else value for key, value in RECORD_FORM.items()}


def _record_api(world):
    return {"held_on": world.held_day.isoformat(), "attendees": [world.project.owner.pk]}


def _action(world):
    return {"title": "Follow up", "owner": world.project.owner.pk, "due_on": timezone.localdate().isoformat()}


MANAGE = roles.MANAGE_REVIEWS
# Marking an action done: its owner (here the Product Owner) or anyone who manages reviews.
ACTION_DONE_BY = {role for role, perms in roles.ROLE_PERMISSIONS.items() if MANAGE in perms} | {Role.PRODUCT_OWNER}

ENDPOINTS = [
    page("cadence:reviews"),
    page("cadence:series-create", "get", MANAGE),
    page("cadence:series-create", "post", MANAGE, data=NEW_SERIES),
    page("cadence:series-detail", **SERIES),
    page("cadence:series-update", "get", MANAGE, **SERIES),
    page("cadence:series-update", "post", MANAGE, data={"title": "Renamed"}, **SERIES),
    page("cadence:series-pause", "post", MANAGE, **SERIES),
    page("cadence:series-resume", "post", MANAGE, **SERIES),
    page("cadence:series-schedule", "post", MANAGE, data={"scheduled_on": "2027-01-05"}, **SERIES),
    page("cadence:occurrence-detail", **OCCURRENCE),
    page("cadence:occurrence-record", "get", MANAGE, **OCCURRENCE),
    page("cadence:occurrence-record", "post", MANAGE, data=_record_form, **OCCURRENCE),
    page("cadence:occurrence-decision", "post", MANAGE, data={"text": "Ship it"}, **OCCURRENCE),
    page("cadence:occurrence-action", "post", MANAGE, data=_action, **OCCURRENCE),
    page("cadence:occurrence-attest", "post", MANAGE, **OCCURRENCE),
    page(
        "cadence:action-complete",
        "post",
        roles.VIEW,
        allowed_roles=ACTION_DONE_BY,
        pk=lambda w: w.review_action.pk,
    ),
    api("project-review-series-list"),
    api("project-review-series-list", "post", MANAGE, data=NEW_SERIES),
    api("project-review-series-detail", **API_SERIES),
    api("project-review-series-detail", "put", MANAGE, data=NEW_SERIES, **API_SERIES),
    api("project-review-series-detail", "patch", MANAGE, data={"title": "Renamed"}, **API_SERIES),
    api("project-review-series-pause", "post", MANAGE, **API_SERIES),
    api("project-review-series-resume", "post", MANAGE, **API_SERIES),
    api("project-review-series-schedule", "post", MANAGE, data={"scheduled_on": "2027-01-05"}, **API_SERIES),
    api("project-review-series-occurrences", **API_SERIES),
    api("review-occurrence", **OCCURRENCE),
    api("review-occurrence-record", "post", MANAGE, data=_record_api, **OCCURRENCE),
    api("review-occurrence-decisions", "post", MANAGE, data={"text": "Ship it"}, **OCCURRENCE),
    api("review-occurrence-actions", "post", MANAGE, data=_action, **OCCURRENCE),
    api("review-occurrence-attest", "post", MANAGE, **OCCURRENCE),
    api("review-records"),
]


@pytest.mark.parametrize(("endpoint", "who"), permission_cases(ENDPOINTS))
def test_cadence_permissions(endpoint, who, permission_world):
    assert_access(endpoint, who, permission_world)
