"""KeysFirstPaginator: the same pages as Django's Paginator, read as keys first, deep pages from the end."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.core.pagination import KeysFirstPaginator
from tests.factories import UserFactory


@pytest.fixture
def people(db):
    """23 people whose first names repeat (ties in the sort), plus whoever the migrations made."""
    for n in range(23):
        UserFactory(first_name=["Ada", "Bo", "Cy"][n % 3], last_name=f"{n:02d}")
    return User.objects.order_by("-first_name")


@pytest.mark.parametrize("per_page, orphans", [(5, 0), (5, 2), (7, 0)])
def test_every_page_holds_the_rows_django_paginator_gives_for_the_total_order(people, per_page, orphans):
    expected = Paginator(people.order_by("-first_name", "pk"), per_page, orphans=orphans)
    paginator = KeysFirstPaginator(people, per_page, orphans=orphans)
    assert paginator.num_pages == expected.num_pages >= 4
    for number in expected.page_range:
        # Pages past the middle are read from the end in reverse order: they must meet the others exactly.
        assert list(paginator.page(number)) == list(expected.page(number)), number


def test_a_page_is_two_queries_when_the_count_is_known(people):
    paginator = KeysFirstPaginator(people, 5, count=people.count())
    with CaptureQueriesContext(connection) as captured:
        rows = list(paginator.page(paginator.num_pages))
    assert len(captured) == 2 and len(rows) == paginator.count - 5 * (paginator.num_pages - 1)


def test_an_empty_list_has_one_empty_page(db):
    page = KeysFirstPaginator(User.objects.none().order_by("pk"), 5).page(1)
    assert list(page) == [] and page.paginator.num_pages == 1
