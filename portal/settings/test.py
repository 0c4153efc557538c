"""Test settings: real PostgreSQL and Redis when reachable, SQLite otherwise.

DATABASE_URL / REDIS_URL win when set (CI sets them). Otherwise the local
services on their default ports are probed; `pytest` prints which backends it
uses in its header, so a run on SQLite never passes for a PostgreSQL run.
"""

import os
import shutil
import socket

from django.core.exceptions import ImproperlyConfigured


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


if "DATABASE_URL" not in os.environ and _reachable("127.0.0.1", 5432):
    os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/portal"
if "REDIS_URL" not in os.environ and _reachable("127.0.0.1", 6379):
    os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/15"

from .base import *  # noqa: E402, F403
from .base import DATABASES, REDIS_URL, REST_FRAMEWORK, VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
MEDIA_ROOT = VAR_DIR / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if os.environ.get("REQUIRE_SERVICES") and (
    DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" or not REDIS_URL
):
    raise ImproperlyConfigured("REQUIRE_SERVICES is set: this run must use PostgreSQL and Redis.")

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Lets the test runner empty tables between transactional tests (the audit TRUNCATE guard honours it).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c portal.audit_maintenance=on"

# The suite makes far more requests a minute than a person; throttling has its own tests.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "auth": None, "alertmanager": None},
}

# The browser journeys drive this Chromium. Locally they skip when it is missing; CI sets
# REQUIRE_BROWSER so that a missing browser fails the run instead of passing it with skips.
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REQUIRE_BROWSER = bool(os.environ.get("REQUIRE_BROWSER"))
if REQUIRE_BROWSER and not shutil.which(CHROMIUM_PATH):
    raise ImproperlyConfigured(f"REQUIRE_BROWSER is set: Chromium must be installed at {CHROMIUM_PATH}.")

TEST_BACKENDS = {
    "database": DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
    "redis": REDIS_URL or "not reachable",
}
