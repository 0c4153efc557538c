"""Time the portfolio risk register (page, API, exports) at 5,000 risks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_risks .venv/bin/python scripts/benchmark_risks.py

Everything it creates (two projects, their people and risks) is rolled back at
the end: the database is left as it was. Not a test: it prints timings (median
and slowest of --repeat runs, after one warm-up) and query counts, for a person
to compare before and after a change.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.accounts.models import User  # noqa: E402
from apps.projects import services as project_services  # noqa: E402
from apps.projects.choices import LatencyClass, Objective, Role, UseCase  # noqa: E402
from apps.risks.choices import Category  # noqa: E402
from apps.risks.models import Risk  # noqa: E402


class Rollback(Exception):
    """Leaves the benchmark's data behind nowhere."""


def make_world(count: int) -> User:
    """Two projects with `count` risks between them; returns their Security / Compliance Officer."""
    suffix = timezone.now().strftime("%H%M%S%f")
    owner = User.objects.create(username=f"bench-owner-{suffix}", first_name="Bench", last_name="Owner")
    officer = User.objects.create(username=f"bench-officer-{suffix}", first_name="Bench", last_name="Officer")
    owner.user_permissions.add(*_creator_permissions())
    owner = User.objects.get(pk=owner.pk)  # fresh permission cache
    rng = random.Random(5)
    today = timezone.localdate()
    for index, share in enumerate((count // 2, count - count // 2)):
        project = project_services.project_create(
            actor=owner,
            slug=f"bench-{suffix}-{index}",
            name=f"Benchmark project {index}",
            problem_statement="Benchmark.",
            use_case=UseCase.CLASSIFICATION,
            objective=Objective.PREDICTIVE,
            latency_class=LatencyClass.BATCH,
            primary_metric="AUC",
            guardrail_metrics=["Precision"],
            minimum_threshold="AUC ≥ 0.8",
        )
        project_services.membership_add(actor=owner, project=project, user=officer, role=Role.COMPLIANCE_OFFICER)
        rows = []
        for number in range(1, share + 1):
            impact, likelihood = rng.randint(1, 5), rng.randint(1, 5)
            rows.append(
                Risk(
                    project=project,
                    number=number,
                    title=f"Benchmark risk {number}",
                    description="A risk that exists to be counted.",
                    category=rng.choice(Category.values),
                    impact=impact,
                    likelihood=likelihood,
                    residual_impact=rng.randint(1, impact),
                    residual_likelihood=rng.randint(1, likelihood),
                    owner=rng.choice([owner, officer, None]),
                    mitigation="Monitor and review weekly.",
                    next_review_on=today + datetime.timedelta(days=rng.randint(-20, 30)),
                )
            )
        Risk.objects.bulk_create(rows, batch_size=1000)
    return officer


def _creator_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="projects", codename="add_project")


def measure(client: Client, url: str, params: dict, repeat: int) -> tuple[float, float, int, int]:
    """(median ms, slowest ms, queries, bytes) of GET url."""
    response = client.get(url, params)  # warm-up
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url, params)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), max(timings), len(queries), len(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--risks", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    cases = [
        ("Portfolio page, default sort", "/risks/", {}),
        ("Portfolio page, high residual", "/risks/", {"residual_band": "high", "status": "live"}),
        ("Portfolio page, last page", "/risks/", {"page": "last", "sort": "title"}),
        ("API /api/v1/risks/ (50)", "/api/v1/risks/", {}),
        ("API /api/v1/risks/ (500, overdue)", "/api/v1/risks/", {"page_size": 500, "overdue": "true"}),
        ("CSV export, all", "/risks/export/csv/", {}),
        ("XLSX export, all", "/risks/export/xlsx/", {}),
        ("PDF export, high residual + overdue", "/risks/export/pdf/", {"residual_band": "high", "overdue": "on"}),
    ]
    print(f"database: {connection.vendor} · {args.risks:,} risks · {args.repeat} runs per case after a warm-up\n")
    print(f"{'case':<40}{'median ms':>11}{'slowest ms':>12}{'queries':>9}{'bytes':>12}")
    try:
        with transaction.atomic():
            officer = make_world(args.risks)
            client = Client()
            client.force_login(officer)
            for label, url, params in cases:
                repeat = 3 if "export" in url else args.repeat
                median, slowest, queries, size = measure(client, url, params, repeat)
                print(f"{label:<40}{median:>11.1f}{slowest:>12.1f}{queries:>9}{size:>12,}")
            raise Rollback
    except Rollback:
        print("\n(benchmark data rolled back)")


if __name__ == "__main__":
    main()
