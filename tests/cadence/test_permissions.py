"""Who may do what in the cadence, view by view and endpoint by endpoint (moves onto tests/permission_suite.py).

anonymous -> login redirect (pages) / 401 (API); outsider -> 404; Compliance Auditor -> reads 200,
writes 403; a member without "Manage reviews" (Data Scientist) -> reads 200, writes 403; a Product
Manager -> allowed.
"""

import pytest

from .conftest import TODAY

pytestmark = pytest.mark.django_db

DAY = TODAY.isoformat()


def _pages(series):
    base = f"/projects/{series.project.slug}/reviews/"
    return {
        "reads": [base, f"{base}{series.pk}/", f"{base}{series.pk}/{DAY}/", "/calendar/", "/calendar/feeds/"],
        "writes": [
            ("get", f"{base}new/"),
            ("post", f"{base}new/"),
            ("get", f"{base}{series.pk}/edit/"),
            ("post", f"{base}{series.pk}/pause/"),
            ("post", f"{base}{series.pk}/schedule/"),
            ("get", f"{base}{series.pk}/{DAY}/record/"),
            ("post", f"{base}{series.pk}/{DAY}/record/"),
            ("post", f"{base}{series.pk}/{DAY}/decision/"),
            ("post", f"{base}{series.pk}/{DAY}/action/"),
            ("post", f"{base}{series.pk}/{DAY}/attest/"),
        ],
    }


def _api(series):
    base = f"/api/v1/projects/{series.project.slug}/review-series/"
    occurrence = f"{base}{series.pk}/occurrences/{DAY}/"
    return {
        "reads": [
            base,
            f"{base}{series.pk}/",
            f"{base}{series.pk}/occurrences/",
            occurrence,
            f"/api/v1/projects/{series.project.slug}/review-records/",
        ],
        "writes": [
            ("post", base),
            ("patch", f"{base}{series.pk}/"),
            ("post", f"{base}{series.pk}/pause/"),
            ("post", f"{base}{series.pk}/resume/"),
            ("post", f"{occurrence}record/"),
            ("post", f"{occurrence}decisions/"),
            ("post", f"{occurrence}actions/"),
            ("post", f"{occurrence}attest/"),
        ],
    }


@pytest.fixture
def people(team, outsider, auditor):
    return {"outsider": outsider, "auditor": auditor, "attendee": team["scientist"], "manager": team["pm"]}


def test_anonymous_is_sent_to_login_or_gets_401(client, api_client, weekly, today):
    for url in _pages(weekly)["reads"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url in _api(weekly)["reads"]:
        assert api_client.get(url).status_code == 401, url


def test_outsider_gets_404_everywhere_in_the_project(client, api_client, weekly, people, today):
    client.force_login(people["outsider"])
    project_reads = [url for url in _pages(weekly)["reads"] if "/projects/" in url]
    for url in project_reads:
        assert client.get(url).status_code == 404, url
    for method, url in _pages(weekly)["writes"]:
        assert getattr(client, method)(url).status_code == 404, url
    api_client.force_authenticate(people["outsider"])
    for url in _api(weekly)["reads"]:
        assert api_client.get(url).status_code == 404, url
    for method, url in _api(weekly)["writes"]:
        assert getattr(api_client, method)(url, {}).status_code == 404, url


@pytest.mark.parametrize("who", ["auditor", "attendee"])
def test_readers_read_and_every_write_is_403(client, api_client, weekly, people, who, today):
    user = people[who]
    client.force_login(user)
    for url in _pages(weekly)["reads"]:
        assert client.get(url).status_code == 200, url
    for method, url in _pages(weekly)["writes"]:
        assert getattr(client, method)(url).status_code == 403, (method, url)
    api_client.force_authenticate(user)
    for url in _api(weekly)["reads"]:
        assert api_client.get(url).status_code == 200, url
    for method, url in _api(weekly)["writes"]:
        response = getattr(api_client, method)(url, {})
        assert response.status_code == 403, (method, url)
        assert response.json()["error"]["status"] == 403


def test_manager_may_write(client, api_client, weekly, people, today):
    client.force_login(people["manager"])
    for method, url in _pages(weekly)["writes"]:
        assert getattr(client, method)(url).status_code in (200, 302), (method, url)
    api_client.force_authenticate(people["manager"])
    assert api_client.post(f"{_api(weekly)['reads'][0]}{weekly.pk}/pause/").status_code == 400  # paused above
    assert api_client.post(f"{_api(weekly)['reads'][0]}{weekly.pk}/resume/").status_code == 200
