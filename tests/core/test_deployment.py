"""What docker-compose relies on, tested without Docker: health checks, the Celery folders, start order."""

import json
import subprocess

import yaml

from tests.core.test_settings import ROOT, run_python


def test_healthz_answers_a_host_that_allowed_hosts_refuses_over_plain_http(client, db, settings):
    settings.ALLOWED_HOSTS = ["governance.example.com"]  # the documented .env
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz/", HTTP_HOST="127.0.0.1:8000")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_every_other_path_still_refuses_a_host_outside_allowed_hosts(client, db, settings):
    settings.ALLOWED_HOSTS = ["governance.example.com"]
    assert client.get("/accounts/login/", HTTP_HOST="127.0.0.1:8000").status_code == 400
    assert client.get("/healthz/extra", HTTP_HOST="127.0.0.1:8000").status_code == 400


def test_the_filesystem_transport_keeps_every_folder_under_var_celery():
    code = (
        "import json, django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings.base'; django.setup();"
        "from django.conf import settings; print(json.dumps(settings.CELERY_BROKER_TRANSPORT_OPTIONS))"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    options = json.loads(result.stdout)
    folders = {key: value for key, value in options.items() if key.endswith("_folder") or "folder_" in key}
    assert set(folders) == {"data_folder_in", "data_folder_out", "processed_folder", "control_folder"}
    assert {key: value.removeprefix(str(ROOT / "var" / "celery")) for key, value in folders.items()} == {
        "data_folder_in": "/queue",
        "data_folder_out": "/queue",
        "processed_folder": "/processed",
        "control_folder": "/control",
    }


def test_no_celery_control_folder_is_committed():
    tracked = subprocess.run(["git", "ls-files", "control"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert tracked.stdout == ""


def test_compose_runs_migrations_once_before_web_worker_and_beat():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert services["migrate"]["command"] == (
        'sh -c "python manage.py migrate --noinput && python manage.py grant_runtime_role portal_app"'
    )
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["environment"]["DATABASE_URL"].startswith("postgres://portal:")
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
        assert "migrate" not in services[name]["command"], name
        # The runtime role owns no table (docs/security.md): only the migrate service connects as the owner.
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://portal_app:"), name


def test_compose_health_checks_use_what_the_image_has():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    # python:3.11-slim has Python and celery (requirements), no curl, wget, pgrep or ps.
    for name in ("web", "beat"):
        assert services[name]["healthcheck"]["test"][:2] == ["CMD", "python"], name
    assert services["worker"]["healthcheck"]["test"][1].startswith("celery ")


def test_the_image_owns_the_media_mount_point_for_the_portal_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    volumes = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["x-portal"]["volumes"]
    assert volumes == ["media:/app/var/media"]
    assert "mkdir -p /app/var/media" in dockerfile and "chown -R portal:portal /app/var" in dockerfile
    assert dockerfile.index("chown -R portal:portal /app/var") < dockerfile.index("USER portal")


def test_served_and_worker_processes_freeze_their_start_up_heap():
    """Full collections must not walk Django's start-up objects mid-request (portal/heap.py)."""
    for module, check in (
        ("portal.wsgi", ""),
        ("portal.asgi", ""),
        ("portal.celery", "from celery.signals import worker_process_init; worker_process_init.send(sender=None);"),
    ):
        code = (
            "import gc, json, os, sys; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings.base';"
            f"import django; django.setup(); import {module}; {check}"
            "print(json.dumps([gc.get_freeze_count(), 'apps.risks.views' in sys.modules]))"
        )
        result = run_python(code)
        assert result.returncode == 0, result.stderr
        frozen, views_loaded = json.loads(result.stdout.strip().splitlines()[-1])
        assert frozen > 50_000, module  # Django, the apps and the URLconf: about 150,000 objects
        assert views_loaded, module
