"""Against the Redis that CI provides: the cache and the Celery broker."""

import pytest
from django.conf import settings
from django.core.cache import cache
from kombu import Connection

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="Redis not reachable (embedded-default run)")


def test_redis_backs_the_cache():
    cache.set("portal-test-key", {"ok": True}, 30)
    assert cache.get("portal-test-key") == {"ok": True}


def test_celery_broker_is_redis_and_answers():
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=3) as connection:
        connection.ensure_connection(max_retries=1)
        assert connection.transport.driver_type == "redis"
