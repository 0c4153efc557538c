"""Playwright on Debian's Chromium (`playwright install` cannot download here)."""

import os
import re
import shutil

import pytest
from django.conf import settings

# Where signing in lands: the "What needs me" dashboard at the site root.
DASHBOARD = re.compile(r"^https?://[^/]+/$")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser journeys (all of them live in this package)."""
    chromium = settings.CHROMIUM_PATH
    if not shutil.which(chromium):
        if settings.REQUIRE_BROWSER:
            pytest.fail(f"REQUIRE_BROWSER is set but Chromium is not installed at {chromium}")
        pytest.skip(f"Chromium not installed at {chromium} (.ci/run installs it and sets REQUIRE_BROWSER)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the ORM calls
    # that tests make meanwhile are ordinary synchronous calls. Only for this package.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context; fails the test on any console error, failed request or 5xx.

    A request the browser itself abandons (an htmx count still in flight when the test
    navigates away) is not a failure of the portal, so `net::ERR_ABORTED` is ignored.
    A test that expects an error page empties `page.problems` after checking it.
    """
    context = browser.new_context(viewport={"width": 1366, "height": 860}, base_url=live_server.url)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda msg: msg.type == "error" and page.problems.append(msg.text))
    page.on(
        "requestfailed",
        lambda request: (
            request.failure != "net::ERR_ABORTED" and page.problems.append(f"failed: {request.url} ({request.failure})")
        ),
    )
    page.on(
        "response",
        lambda response: response.status >= 500 and page.problems.append(f"{response.status}: {response.url}"),
    )
    yield page
    context.close()
    assert page.problems == [], page.problems


def open_projects(page):
    """From the dashboard to the project list, by the sidebar as a person would."""
    page.get_by_role("link", name="Projects", exact=True).click()
    page.wait_for_url("**/projects/")


@pytest.fixture
def login(page):
    def sign_in(username, password):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(DASHBOARD)  # signing in lands on "What needs me"
        open_projects(page)

    return sign_in
