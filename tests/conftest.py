"""Shared fixtures. The header says which database and broker the run really used."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from apps.projects.choices import Role
from tests.factories import ProjectFactory, UserFactory, add_member, auditor_user


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
