"""Shared fixtures. The header says which database and broker the run really used."""

import pytest
from django.conf import settings
from django.db import transaction
from rest_framework.test import APIClient

from apps.projects.choices import Role
from tests.factories import ProjectFactory, UserFactory, add_member, auditor_user
from tests.permission_suite import PermissionWorld


def pytest_report_header(config):
    backends = settings.TEST_BACKENDS
    database = "PostgreSQL" if backends["database"] == "postgresql" else "SQLite (PostgreSQL not reachable)"
    return [f"portal: database = {database}; redis = {backends['redis']}"]


@pytest.fixture
def project(db):
    """A project whose Product Owner is `project.owner`."""
    return ProjectFactory()


@pytest.fixture
def member_of(db):
    """member_of(project, role) -> a new user holding `role` on `project`."""

    def make(project, role=Role.DATA_SCIENTIST, **user_fields):
        user = UserFactory(**user_fields)
        add_member(project, user, role)
        return user

    return make


@pytest.fixture
def outsider(db):
    return UserFactory()


@pytest.fixture
def auditor(db):
    return auditor_user()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture(scope="module")
def permission_world(request, django_db_setup, django_db_blocker):
    """The permission suite's staffed project and records, built once per module (tests/permission_suite.py).

    Built inside a transaction that is rolled back after the module; each test runs in its own
    savepoint (the `db` fixture), so a write one test makes never reaches the next.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield PermissionWorld(getattr(request.module, "PERMISSION_OBJECTS", None))
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
