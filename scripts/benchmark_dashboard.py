"""Time the "What needs me" dashboard per role at 200 projects and 10,000 risks (target: under 300 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_dash .venv/bin/python scripts/benchmark_dashboard.py

Projects and memberships are made through the services (the new-project defaults run: the
registry's deliverables, the default review series; checklists when the library is loaded).
Risks, gate states, incidents with action items and deliverable due dates are written in bulk:
through the services each risk takes the audit chain's lock and a counter row (about 10,000
audited writes, many minutes), and the dashboard reads the same rows either way. Everything is
rolled back at the end: the database is left as it was. Not a test: it prints the median and
95th percentile of --repeat requests per person (after one warm-up), with the query count.
"""

import argparse
import datetime
import logging
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
os.environ.setdefault("DEBUG", "0")  # as served: no query log, no debug checks

import django  # noqa: E402

django.setup()

from portal.heap import freeze_startup_heap  # noqa: E402

freeze_startup_heap()  # as the served and worker processes do

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.accounts.choices import PortalGroup  # noqa: E402
from apps.accounts.models import User  # noqa: E402
from apps.deliverables import services as deliverable_services  # noqa: E402
from apps.deliverables.models import ProjectDeliverable  # noqa: E402
from apps.gates.choices import GateState  # noqa: E402
from apps.gates.models import Gate  # noqa: E402
from apps.incidents.choices import Category as IncidentCategory  # noqa: E402
from apps.incidents.choices import Severity, Status  # noqa: E402
from apps.incidents.models import ActionItem, Incident  # noqa: E402
from apps.projects import services as project_services  # noqa: E402
from apps.projects.choices import Role, Stage  # noqa: E402
from apps.risks.choices import RiskStatus  # noqa: E402
from apps.risks.models import Risk  # noqa: E402
from scripts.benchdata import bench_risk, project_fields  # noqa: E402

PEOPLE = {
    "compliance officer": Role.COMPLIANCE_OFFICER,
    "product manager": Role.PRODUCT_MANAGER,
    "executive sponsor": Role.EXECUTIVE_SPONSOR,
    "data scientist": Role.DATA_SCIENTIST,
}


class Rollback(Exception):
    """Leaves the benchmark's data behind nowhere."""


def make_world(projects: int, risks: int) -> dict[str, User]:
    """`projects` projects staffed by the same four people, `risks` risks spread over them."""
    suffix = timezone.now().strftime("%H%M%S%f")
    project_services.portal_groups_ensure()
    owner = User.objects.create(username=f"bench-owner-{suffix}", first_name="Bench", last_name="Owner")
    owner.groups.add(Group.objects.get(name=PortalGroup.PROJECT_CREATORS))
    owner = User.objects.get(pk=owner.pk)  # fresh permission cache
    people = {
        label: User.objects.create(username=f"bench-{role}-{suffix}", first_name=label.split()[0].title())
        for label, role in PEOPLE.items()
    }
    auditor = User.objects.create(username=f"bench-auditor-{suffix}", first_name="Auditor")
    auditor.groups.add(Group.objects.get(name=PortalGroup.COMPLIANCE_AUDITORS))
    people["compliance auditor"] = auditor
    deliverable_services.registry_load()
    rng = random.Random(15)
    today = timezone.localdate()
    created = []
    started = time.perf_counter()
    for index in range(projects):
        project = project_services.project_create(
            actor=owner,
            slug=f"bench-{suffix}-{index}",
            **project_fields(
                f"Benchmark project {index:03d}",
                annual_benefit=rng.randint(100, 900) * 1000,
                annual_cost=rng.randint(50, 600) * 1000,
                initial_investment=rng.randint(50, 500) * 1000,
                current_stage=rng.choice(Stage.values),
            ),
        )
        for label, role in PEOPLE.items():
            project_services.membership_add(actor=owner, project=project, user=people[label], role=role)
        created.append(project)
    print(f"{projects} projects through the services in {time.perf_counter() - started:.0f} s")

    scientist = people["data scientist"]
    rows = []
    for index in range(risks):
        status = rng.choice(
            [RiskStatus.OPEN, RiskStatus.OPEN, RiskStatus.MITIGATING, RiskStatus.ACCEPTED, RiskStatus.CLOSED]
        )
        accepted_until = today + datetime.timedelta(days=rng.randint(1, 90)) if status == RiskStatus.ACCEPTED else None
        rows.append(
            bench_risk(
                project=created[index % projects],
                number=index // projects + 1,
                rng=rng,
                owners=[scientist, owner, None],
                today=today,
                review_days=(-30, 30),
                status=status,
                accepted_until=accepted_until,
            )
        )
    Risk.objects.bulk_create(rows, batch_size=2000)
    Gate.objects.bulk_create(
        Gate(project=project, stage=stage, state=rng.choice(GateState.values))
        for project in created
        for stage in Stage.values[: Stage.values.index(project.current_stage) + 1]
        if stage != Stage.FEASIBILITY  # a Feasibility decision needs its rationale: left at its initial state
    )
    incidents = Incident.objects.bulk_create(
        Incident(
            project=project,
            number=1,
            title="Benchmark incident",
            severity=rng.choice(Severity.values),
            category=IncidentCategory.MODEL_DEGRADATION,
            status=rng.choice([Status.DETECTED, Status.ACKNOWLEDGED, Status.MITIGATED]),
        )
        for project in created[::2]
    )
    ActionItem.objects.bulk_create(
        ActionItem(incident=incident, title="Benchmark action", owner=scientist, due_on=today) for incident in incidents
    )
    ProjectDeliverable.objects.bulk_update(
        [
            ProjectDeliverable(pk=pk, next_due_on=today + datetime.timedelta(days=rng.randint(-40, 40)),
                               owner=rng.choice([people["product manager"], scientist, None]))
            for pk in ProjectDeliverable.objects.filter(project__in=created).values_list("pk", flat=True)
        ],
        ["next_due_on", "owner"],
        batch_size=2000,
    )  # fmt: skip
    return people


def measure(client: Client, url: str, repeat: int) -> tuple[float, float, int]:
    """(median ms, 95th percentile ms, queries) of GET url."""
    assert client.get(url).status_code == 200  # warm-up
    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    timings.sort()
    return statistics.median(timings), timings[max(0, round(0.95 * len(timings)) - 1)], len(queries)


def main() -> None:
    logging.getLogger("axes").setLevel(logging.WARNING)  # one sign-in per person: not news
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--risks", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(f"database: {connection.vendor} · {args.projects} projects · {args.risks:,} risks")
    try:
        with transaction.atomic():
            people = make_world(args.projects, args.risks)
            print(f"\n{args.repeat} requests per case after a warm-up; target: median and p95 under 300 ms\n")
            print(f"{'who':<22}{'what':<7}{'median ms':>11}{'p95 ms':>9}{'queries':>9}")
            for label, person in people.items():
                client = Client()
                client.force_login(person)
                for what, url in (("page", "/"), ("API", "/api/v1/dashboard/")):
                    median, p95, queries = measure(client, url, args.repeat)
                    flag = "" if p95 < 300 else "  ← over target"
                    print(f"{label:<22}{what:<7}{median:>11.1f}{p95:>9.1f}{queries:>9}{flag}")
            raise Rollback
    except Rollback:
        print("\n(benchmark data rolled back)")


if __name__ == "__main__":
    main()
