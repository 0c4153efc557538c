"""Sign-in lockout, API tokens that expire and can be revoked, throttling, and security events."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.throttling import SimpleRateThrottle

from apps.audit.models import AuditEntry, SecurityEvent
from tests.factories import PASSWORD, UserFactory

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def throttle_rates(monkeypatch):
    """Set throttle rates for one test, with an empty throttle history (it lives in the shared cache)."""

    def set_rates(**rates):
        cache.clear()
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None, "auth": None, **rates})

    yield set_rates
    cache.clear()


def _login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_repeated_wrong_passwords_lock_the_account_even_for_the_right_one(client, db, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, user.username, "wrong").status_code == 200
    assert _login(client, user.username, "wrong").status_code == 429  # the failure that reaches the limit
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert "locked for 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILED, username=user.username).count() >= 5


def test_lockout_ends_after_the_cool_off(client, db, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.username, "wrong")
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)):
        assert _login(client, user.username, PASSWORD).status_code == 302


def test_the_token_endpoint_is_locked_out_too(api_client, db, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert api_client.post(TOKEN_URL, {"username": user.username, "password": "x"}).status_code == 400
    assert api_client.post(TOKEN_URL, {"username": user.username, "password": "x"}).status_code == 429
    response = api_client.post(TOKEN_URL, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"
    assert not AuthToken.objects.filter(user=user).exists()


def test_the_token_endpoint_is_throttled_per_address(api_client, db, throttle_rates):
    throttle_rates(auth="3/minute")
    statuses = [api_client.post(TOKEN_URL, {"username": f"nobody{i}", "password": "x"}).status_code for i in range(4)]
    assert statuses == [400, 400, 400, 429]


def test_api_reads_are_throttled_per_user_with_the_error_shape(api_client, db, throttle_rates):
    throttle_rates(user="2/minute")
    api_client.force_authenticate(UserFactory())
    assert [api_client.get("/api/v1/me/").status_code for _ in range(2)] == [200, 200]
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"


def test_tokens_expire(api_client, db, settings):
    user = UserFactory()
    key = api_client.post(TOKEN_URL, {"username": user.username, "password": PASSWORD}).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/me/").status_code == 200
    later = timezone.now() + settings.REST_KNOX["TOKEN_TTL"] + datetime.timedelta(minutes=1)
    with time_machine.travel(later):
        assert api_client.get("/api/v1/me/").status_code == 401


def test_owner_lists_and_revokes_tokens_and_logout_revokes_the_current_one(api_client, db):
    user = UserFactory()
    first = api_client.post(TOKEN_URL, {"username": user.username, "password": PASSWORD}).json()
    second = api_client.post(TOKEN_URL, {"username": user.username, "password": PASSWORD}).json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {second['token']}")
    listed = api_client.get("/api/v1/auth/tokens/").json()["results"]
    assert {row["token_key"] for row in listed} == {first["token_key"], second["token_key"]}
    assert all("token" not in row for row in listed)

    assert api_client.delete(f"/api/v1/auth/tokens/{first['token_key']}/").status_code == 204
    assert api_client.post("/api/v1/auth/logout/").status_code == 204
    assert not AuthToken.objects.filter(user=user).exists()
    assert api_client.get("/api/v1/me/").status_code == 401
    kinds = list(SecurityEvent.objects.filter(user=user).values_list("kind", flat=True))
    assert kinds.count(SecurityEvent.Kind.TOKEN_ISSUED) == 2
    assert kinds.count(SecurityEvent.Kind.TOKEN_REVOKED) == 2


def test_nobody_revokes_someone_elses_token(api_client, db):
    owner, other = UserFactory(), UserFactory()
    instance, _ = AuthToken.objects.create(user=owner)
    api_client.force_authenticate(other)
    response = api_client.delete(f"/api/v1/auth/tokens/{instance.token_key}/")
    assert response.status_code == 404
    assert AuthToken.objects.filter(user=owner).count() == 1


def test_sign_in_and_sign_out_are_in_the_audit_trail(client, db):
    user = UserFactory()
    _login(client, user.username, PASSWORD)
    client.post(reverse("accounts:logout"))
    kinds = [e.kind for e in SecurityEvent.objects.filter(user=user).order_by("id")]
    assert kinds == [SecurityEvent.Kind.LOGIN, SecurityEvent.Kind.LOGOUT]
    entry = AuditEntry.objects.filter(content_type__model="securityevent").order_by("-id").first()
    assert entry.object_repr == f"Signed out: {user.username}"
    assert entry.remote_addr == "127.0.0.1" or entry.changes["ip_address"][1] == "127.0.0.1"


def test_group_and_direct_permission_grants_are_audited(db):
    user = UserFactory()
    group = Group.objects.create(name="Reviewers")
    permission = Permission.objects.get(codename="add_project")
    group.permissions.add(permission)
    user.user_permissions.add(permission)
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).order_by("id")
    group_entry = entries.filter(content_type__model="group", object_pk=str(group.pk)).last()
    assert group_entry.changes["permissions"]["operation"] == "add"
    assert group_entry.changes["permissions"]["objects"] == [str(permission)]
    user_entry = entries.filter(content_type__model="user", object_pk=str(user.pk)).last()
    assert user_entry.changes["user_permissions"]["operation"] == "add"


@pytest.mark.parametrize("password", ["wrong", PASSWORD])
def test_the_admin_login_is_covered_by_the_same_lockout(client, db, settings, password):
    admin = UserFactory(is_staff=True, is_superuser=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("admin:login"), {"username": admin.username, "password": "wrong"})
    response = client.post(reverse("admin:login"), {"username": admin.username, "password": password})
    assert response.status_code == 429
