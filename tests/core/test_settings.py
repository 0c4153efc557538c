import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter with no service URLs in its environment."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "SECRET_KEY": "k" * 20 + "Zq8!x2@Lm#9v$Rt4%Yp6^Wn0&Hb3*Jc5(Gd7)Fe1",
            "ALLOWED_HOSTS": "governance.example.com",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_the_embedded_default_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **{k: v for k, v in os.environ.items() if k != "SECRET_KEY"},
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "ALLOWED_HOSTS": "x.example",
        },
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_embedded_default_needs_neither_postgresql_nor_redis():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='portal.settings.base'; django.setup(); "
        "from django.conf import settings as s; from portal.celery import app; "
        "print(s.DATABASES['default']['ENGINE'], app.conf.broker_url, s.CACHES['default']['BACKEND'])"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    engine, broker, cache = result.stdout.split()
    assert (engine, broker) == ("django.db.backends.sqlite3", "filesystem://")
    assert cache.endswith("LocMemCache")


def test_beat_schedule_is_in_code_with_expiry():
    entry = settings.CELERY_BEAT_SCHEDULE["verify-audit-chain-nightly"]
    assert entry["task"] == "apps.audit.tasks.verify_audit_chain"
    assert entry["options"]["expires"] == 6 * 60 * 60  # stale runs are dropped before the next night


def test_no_page_asset_comes_from_outside_the_portal(client, project):
    import re

    client.force_login(project.owner)
    for url in ("/accounts/login/", "/projects/", f"/projects/{project.slug}/", "/audit/"):
        page = client.get(url).content.decode()
        for ref in re.findall(r'(?:src|href)="([^"]+)"', page):
            assert not re.match(r"^(https?:)?//", ref), f"{url} loads {ref}"


def test_pages_carry_a_content_security_policy(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_health_endpoint_answers_without_login(client, db):
    assert client.get("/healthz/").json() == {"status": "ok"}


def test_every_model_has_an_admin_page(admin_client):
    from django.apps import apps
    from django.contrib import admin

    # Framework internals, auditlog's swapped-out entry, guardian's generic tables (projects use FK tables).
    skipped_apps = {"admin", "auditlog", "contenttypes", "sessions", "guardian"}
    # axes keeps an attempt's expiry in a side table shown inline on the attempt's own admin page.
    skipped_models = {"auth.Permission", "django_celery_beat.PeriodicTasks", "axes.AccessAttemptExpiration"}
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label not in skipped_apps
        and model._meta.label not in skipped_models
        and not admin.site.is_registered(model)
    ]
    assert missing == []
    for model in admin.site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert admin_client.get(url).status_code == 200, url
