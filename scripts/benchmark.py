"""Time every list page and list endpoint of the portal at portfolio scale.

    .venv/bin/python scripts/benchmark.py --size small     # 100 projects, 1,000 risks
    .venv/bin/python scripts/benchmark.py --size large     # 1,000 projects, 10,000 risks

It builds its data set once into its own PostgreSQL database (`portal_bench_<size>` on the
server of DATABASE_URL; `--rebuild` starts it again), then prints one table: per page or
endpoint the query count and the median and 95th percentile of the in-process time (Django's
test Client, signed in as a Security / Compliance Officer who is a member of every project),
the risks API's throughput with 8 concurrent clients against gunicorn, the time of creating a
project with its defaults, and the time and query count of the periodic sweeps.

Not a test: speed stays out of the test suite (the query counts are in it). See
docs/performance.md for what it measures, how the data is built, and the results.
"""

import argparse
import datetime
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SIZES = {"small": (100, 1_000), "large": (1_000, 10_000)}  # (projects, risks)


def _bench_database_url(size: str, name: str | None) -> str:
    base = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal"))
    if not base.scheme.startswith("postgres"):
        sys.exit("The benchmark needs PostgreSQL: set DATABASE_URL to a postgres:// URL (its server is used).")
    return urlunparse(base._replace(path=f"/{name or f'portal_bench_{size}'}"))


def _ensure_database(url: str, *, rebuild: bool) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and rebuild:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=SIZES, default="small")
    parser.add_argument("--database", help="database name (default portal_bench_<size>)")
    parser.add_argument("--rebuild", action="store_true", help="drop and build the data set again")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per case, after one warm-up")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the concurrent API run")
    parser.add_argument("--port", type=int, default=8103, help="gunicorn's port for the concurrent run")
    parser.add_argument("--only", help="run only the cases whose label contains this text")
    return parser.parse_args()


ARGS = parse_args() if __name__ == "__main__" else None
if ARGS is not None:
    BENCH_URL = _bench_database_url(ARGS.size, ARGS.database)
    _ensure_database(BENCH_URL, rebuild=ARGS.rebuild)
    os.environ["DATABASE_URL"] = BENCH_URL
    os.environ.pop("REDIS_URL", None)  # the outbox's "send soon" goes to the filesystem broker, not a worker
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
    os.environ.setdefault("DEBUG", "0")  # as served: no query log, no debug checks

import django  # noqa: E402

django.setup()

from portal.heap import freeze_startup_heap  # noqa: E402

freeze_startup_heap()  # as the served and worker processes do

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.accounts.choices import PortalGroup  # noqa: E402
from apps.accounts.models import User  # noqa: E402
from scripts.benchdata import bench_risk, project_fields  # noqa: E402

MARKER = "bench-done"  # the slug of the last project built: the data set is complete
PASSWORD = "bench-password-2026"  # noqa: S105 - the benchmark database's own user


# --- Building the data set -------------------------------------------------------------


def _people():
    creator, _ = User.objects.get_or_create(
        username="bench.creator", defaults={"first_name": "Bench", "last_name": "Creator", "email": "c@example.org"}
    )
    creator.groups.add(Group.objects.get(name=PortalGroup.PROJECT_CREATORS))
    officer, _ = User.objects.get_or_create(
        username="bench.officer", defaults={"first_name": "Bench", "last_name": "Officer", "email": "o@example.org"}
    )
    officer.set_password(PASSWORD)
    officer.save()
    owners = []
    for n in range(30):
        owner, _ = User.objects.get_or_create(
            username=f"bench.owner{n:02d}",
            defaults={"first_name": "Owner", "last_name": f"{n:02d}", "email": f"owner{n}@example.org"},
        )
        owners.append(owner)
    return User.objects.get(pk=creator.pk), officer, owners


def build(projects: int, risks: int) -> None:
    """Projects, members, sign-offs, incidents and models through the services; risks in bulk."""
    from apps.gates.models import Gate
    from apps.incidents.services import incident_create
    from apps.modelcards.services import ml_model_create
    from apps.projects import services as project_services
    from apps.projects.choices import Role
    from apps.projects.models import Project
    from apps.risks.models import Risk, RiskRegister
    from apps.signoffs.approvers import ApproverSpec
    from apps.signoffs.services import signoff_request

    call_command("migrate", verbosity=0)
    if Project.objects.filter(slug=MARKER).exists():
        return
    call_command("load_checklist_templates", verbosity=0)
    call_command("load_deliverables_registry", verbosity=0)
    creator, officer, owners = _people()
    rng = random.Random(16)
    today = timezone.localdate()
    started = time.perf_counter()
    for index in range(projects):
        slug = MARKER if index == projects - 1 else f"bench-{index:04d}"
        if Project.objects.filter(slug=slug).exists():
            continue
        with transaction.atomic():
            fields = project_fields(f"Benchmark project {index:04d}")
            project = project_services.project_create(actor=creator, slug=slug, **fields)
            project_services.membership_add(actor=creator, project=project, user=officer, role=Role.COMPLIANCE_OFFICER)
            for owner in rng.sample(owners, 3):
                project_services.membership_add(actor=creator, project=project, user=owner, role=Role.DATA_SCIENTIST)
            if index % 5 == 0:
                gate, _ = Gate.objects.get_or_create(project=project, stage=project.current_stage)
                signoff_request(
                    actor=creator,
                    target=gate,
                    due_on=today,
                    approvers=ApproverSpec(people=(officer,)),
                    note="Benchmark sign-off.",
                )
            if index % 4 == 0:
                incident_create(
                    actor=creator,
                    project=project,
                    title=f"Benchmark incident {index}",
                    severity="P3",
                    category="data_issue",
                )
            if index % 3 == 0:
                ml_model_create(actor=creator, project=project, name=f"Model {index}")
        if index % 50 == 0:
            print(f"  {index:>5} projects built ({time.perf_counter() - started:.0f} s)", flush=True)
    # Risks in bulk: through risk_create, 10,000 risks would take most of an hour for no extra insight.
    rows, per_project = [], risks // projects
    bench_projects = list(Project.objects.filter(slug__startswith="bench").order_by("id"))
    for project in bench_projects:
        for number in range(1, per_project + 1):
            rows.append(
                bench_risk(
                    project=project,
                    number=number,
                    rng=rng,
                    owners=[*owners[:10], None],
                    today=today,
                    created_by=creator,
                )
            )
    Risk.objects.bulk_create(rows, batch_size=2000)
    RiskRegister.objects.bulk_create(
        [RiskRegister(project=p, last_number=per_project) for p in bench_projects], ignore_conflicts=True
    )
    RiskRegister.objects.filter(project__in=bench_projects).update(last_number=per_project)
    with connection.cursor() as cursor:  # planner statistics for the bulk rows, as autovacuum would in time
        cursor.execute("ANALYZE")
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)


# --- Measuring ---------------------------------------------------------------------------


class QueryCounter:
    """Counts the queries run inside it (CaptureQueriesContext's log stops at 9,000)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(client: Client, url: str, repeat: int) -> tuple[float, float, int]:
    """(median ms, p95 ms, queries) of GET url."""
    response = client.get(url)  # warm-up
    assert response.status_code == 200, (url, response.status_code)
    timings, queries = [], 0
    for _ in range(repeat):
        with QueryCounter() as captured:
            start = time.perf_counter()
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            timings.append((time.perf_counter() - start) * 1000)
        queries = captured.count
    return statistics.median(timings), _p95(timings), queries


def cases() -> list[tuple[str, str]]:
    from apps.projects.models import Project

    project = Project.objects.get(slug="bench-0000")
    p = f"/projects/{project.slug}"
    api = f"/api/v1/projects/{project.slug}"
    return [
        ("Dashboard", "/"),
        ("Projects list", "/projects/"),
        ("API projects", "/api/v1/projects/"),
        ("Project page", f"{p}/"),
        ("Checklists overview", f"{p}/checklists/"),
        ("API checklists", f"{api}/checklists/"),
        ("Deliverables registry", "/deliverables/"),
        ("API deliverable registry", "/api/v1/deliverable-registry/"),
        ("Project deliverables", f"{p}/deliverables/"),
        ("Risk portfolio page", "/risks/"),
        ("Risk portfolio, sort by project", "/risks/?sort=project"),
        ("Risk portfolio, last page", "/risks/?page=last"),
        ("API risks page 1", "/api/v1/risks/"),
        ("API risks, sort by title", "/api/v1/risks/?ordering=title"),
        ("Project risk register", f"{p}/risks/"),
        ("Audit trail", "/audit/"),
        ("API audit entries", "/api/v1/audit-entries/"),
        ("Project audit trail", f"{p}/audit/"),
        ("Sign-off inbox", "/signoffs/"),
        ("API sign-off inbox", "/api/v1/signoffs/inbox/"),
        ("Notifications", "/notifications/"),
        ("API notifications", "/api/v1/notifications/"),
        ("Model card portfolio", "/model-cards/"),
        ("Incidents portfolio", "/incidents/"),
        ("API incidents", "/api/v1/incidents/"),
        ("RACI matrix", f"{p}/raci/"),
        ("API RACI matrix", f"{api}/raci/"),
        ("Documents (portfolio)", "/documents/"),
        ("Project documents", f"{p}/documents/"),
        ("Calendar (cadence)", "/calendar/"),
        ("Project reviews (cadence)", f"{p}/reviews/"),
    ]


def time_sweep(label: str, run) -> tuple[str, float, int, str]:
    with QueryCounter() as captured:
        start = time.perf_counter()
        result = run()
        elapsed = (time.perf_counter() - start) * 1000
    return label, elapsed, captured.count, str(result)


def sweeps(only: str | None = None) -> list[tuple[str, float, int, str]]:
    """Each periodic sweep once (those whose label contains `only`), rolled back: the next run finds the same
    backlog."""
    from apps.cadence.reminders import reminders_send
    from apps.incidents.reminders import send_action_item_reminders
    from apps.notifications.services import notifications_send
    from apps.risks.tasks import escalate_aging_risks
    from apps.signoffs.notifications import send_overdue_signoff_reminders

    later = timezone.localdate() + datetime.timedelta(days=3)  # the sign-offs built today are overdue then
    runs = {
        "Risk-aging sweep (plan + send)": escalate_aging_risks,  # the task's body, run here
        "Sign-off reminder sweep": lambda: send_overdue_signoff_reminders(today=later),
        "Cadence reminder sweep": reminders_send,
        "Incident action-item sweep": send_action_item_reminders,
        "Notification sender": notifications_send,
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with transaction.atomic():
        results = [time_sweep(label, run) for label, run in runs.items() if (only or "").lower() in label.lower()]
        transaction.set_rollback(True)
    return results


def project_creation(repeat: int) -> tuple[float, float, int]:
    from apps.projects import services as project_services

    creator = User.objects.get(username="bench.creator")
    timings, queries = [], 0
    with transaction.atomic():
        for n in range(repeat + 1):
            with QueryCounter() as captured:
                start = time.perf_counter()
                project_services.project_create(actor=creator, **project_fields(f"Benchmark project {90_000 + n:04d}"))
                elapsed = (time.perf_counter() - start) * 1000
            if n:  # the first one warms up
                timings.append(elapsed)
                queries = captured.count
        transaction.set_rollback(True)
    return statistics.median(timings), _p95(timings), queries


# --- Throughput against gunicorn ------------------------------------------------------------


def api_throughput(port: int, seconds: float, *, cache_seconds: str, clients: int = 8) -> tuple[float, int, int, float]:
    """(requests/s, requests, errors, p50 ms) of mixed reads of the risks API by `clients` at once.

    The workers share their cache in Redis as in production (BENCH_REDIS_URL, db 14 by default,
    emptied first) when it answers, and keep one each in memory otherwise.
    """
    from knox.models import AuthToken

    officer = User.objects.get(username="bench.officer")
    _, token = AuthToken.objects.create(officer)
    env = {
        **os.environ,
        "API_THROTTLE_USER": "1000000/minute",
        "API_LIST_CACHE_SECONDS": cache_seconds,
        **_shared_cache(),
    }
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    paths = [
        "/api/v1/risks/",
        "/api/v1/risks/?ordering=-residual_score",
        "/api/v1/risks/?status=open",
        "/api/v1/risks/?page=5",
        "/api/v1/risks/?ordering=title",
    ]
    results: list[tuple[int, float]] = []
    lock = threading.Lock()
    try:
        _wait_for(port)
        deadline = time.perf_counter() + seconds

        def client(seed: int):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            n = seed
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                try:
                    conn.request("GET", paths[n % len(paths)], headers={"Authorization": f"Token {token}"})
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException):
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    status = 0
                with lock:
                    results.append((status, (time.perf_counter() - start) * 1000))
                n += 1

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(10)
    errors = sum(1 for status, _ in results if status != 200)
    return len(results) / elapsed, len(results), errors, statistics.median(ms for _, ms in results)


def _shared_cache() -> dict[str, str]:
    import redis

    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.RedisError:
        return {}
    return {"REDIS_URL": url}


def _wait_for(port: int) -> None:
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def main() -> None:
    from apps.projects.models import Project
    from apps.risks.models import Risk

    projects, risks = SIZES[ARGS.size]
    print(f"Building the {ARGS.size} data set ({projects:,} projects, {risks:,} risks) if needed...", flush=True)
    build(projects, risks)
    from apps.audit.models import AuditEntry

    print(
        f"\n{ARGS.size}: {Project.objects.count():,} projects · {Risk.objects.count():,} risks · "
        f"{AuditEntry.objects.count():,} audit entries · {ARGS.repeat} timed runs per page after a warm-up\n"
    )
    client = Client()
    client.force_login(User.objects.get(username="bench.officer"))
    print(f"{'case':<36}{'queries':>9}{'median ms':>11}{'p95 ms':>9}")
    for label, url in cases():
        if ARGS.only and ARGS.only.lower() not in label.lower():
            continue
        median, p95, queries = measure(client, url, ARGS.repeat)
        print(f"{label:<36}{queries:>9}{median:>11.1f}{p95:>9.1f}", flush=True)
        if url.startswith("/api/v1/risks/"):  # cached while the audit chain stands still: the work itself too
            with override_settings(API_LIST_CACHE_SECONDS=0):
                median, p95, queries = measure(client, url, ARGS.repeat)
            print(f"{'  the same, list cache off':<36}{queries:>9}{median:>11.1f}{p95:>9.1f}", flush=True)
    for label, elapsed, queries, result in sweeps(ARGS.only):
        print(f"{label:<36}{queries:>9}{elapsed:>11.1f}{'':>9}  ({result})", flush=True)
    if not ARGS.only or ARGS.only.lower() in "new project with defaults":
        median, p95, queries = project_creation(min(ARGS.repeat, 10))
        print(f"{'New project with defaults':<36}{queries:>9}{median:>11.1f}{p95:>9.1f}")
    if ARGS.only:
        return
    print("\nRisks API, 8 concurrent clients, gunicorn (4 workers), mixed list reads:")
    for label, cache_seconds in (("list cache on (the default)", "300"), ("list cache off", "0")):
        rate, count, errors, p50 = api_throughput(ARGS.port, ARGS.seconds, cache_seconds=cache_seconds)
        print(f"  {label}: {rate:.0f} requests/s ({count} in {ARGS.seconds:.0f} s, {errors} errors, p50 {p50:.0f} ms)")


if __name__ == "__main__":
    main()
