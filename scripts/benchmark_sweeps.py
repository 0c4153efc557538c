"""Time every periodic sweep at 10,000 projects (target: each under 30 s, a bounded number of queries per batch).

    .venv/bin/python scripts/benchmark_sweeps.py                      # 10,000 projects
    .venv/bin/python scripts/benchmark_sweeps.py --projects 3000 --database portal_bench_sweeps_3k

Building 10,000 projects through the services takes hours, and the sweeps only read rows, so
this starts from the large benchmark data set (scripts/benchmark.py --size large: 1,000 projects
built through the services) and clones the rows the sweeps read, in bulk, until there are
`--projects` projects: projects, memberships, review series, project deliverables, risks and
their registers, gates with their sign-off requests (approvers, events), incidents. Each
incident also gets one open action item, overdue long enough to escalate, since the large set
has none. Clones bypass the audit trail and the permission grants: no sweep reads them.

The database (`--database`, default portal_bench_sweeps_<projects>, on the server of
DATABASE_URL) is made from the template once (`--template`, default portal_bench_large) and
cloned into; `--rebuild` starts again. Then scripts/benchmark.py's sweeps run twice, each time
rolled back: today, and `--days-later` days later (8 by default: the large set's weekly reviews
start a week after it was built, so the cadence sweep then writes down a meeting per project and
escalates it). Clones share the template's people (32), so a sweep that writes one message per
person writes a dozen; `--distinct-people` gives each project its own risk owner and Product Owner
and each ten projects a Compliance Officer (about 21,000 people; use its own `--database`). Not a
test: see docs/performance.md.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000, help="a multiple of the template's projects")
    parser.add_argument("--database", help="database name (default portal_bench_sweeps_<projects>)")
    parser.add_argument("--template", default="portal_bench_large", help="the data set to start from")
    parser.add_argument("--rebuild", action="store_true", help="drop the database and clone again")
    parser.add_argument("--days-later", type=int, default=8, help="the second run's day, counted from today")
    parser.add_argument("--only", help="run only the sweeps whose label contains this text")
    parser.add_argument(
        "--distinct-people",
        action="store_true",
        help="give each project its own risk owner and Product Owner, each ten a Compliance Officer (once)",
    )
    return parser.parse_args()


ARGS = parse_args()
BASE = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal"))
NAME = ARGS.database or f"portal_bench_sweeps_{ARGS.projects}"


def _ensure_database() -> None:
    import psycopg

    with psycopg.connect(urlunparse(BASE._replace(path="/postgres")), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [NAME]).fetchone()
        if exists and ARGS.rebuild:
            conn.execute(f'DROP DATABASE "{NAME}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{NAME}" TEMPLATE "{ARGS.template}"')


_ensure_database()
os.environ["DATABASE_URL"] = urlunparse(BASE._replace(path=f"/{NAME}"))
os.environ.pop("REDIS_URL", None)  # the outbox's "send soon" goes to the filesystem broker, not a worker
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
os.environ.setdefault("DEBUG", "0")  # as served: no query log, no debug checks (as scripts/benchmark.py)

import django  # noqa: E402

django.setup()

from portal.heap import freeze_startup_heap  # noqa: E402

freeze_startup_heap()  # as the served and worker processes do

import time_machine  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.cadence.models import ReviewSeries  # noqa: E402
from apps.deliverables.models import ProjectDeliverable  # noqa: E402
from apps.gates.models import Gate  # noqa: E402
from apps.incidents.models import ActionItem, Incident  # noqa: E402
from apps.projects.choices import Role  # noqa: E402
from apps.projects.models import Membership, Project  # noqa: E402
from apps.risks.models import Risk, RiskRegister  # noqa: E402
from apps.signoffs.models import Approver, SignoffEvent, SignoffRequest  # noqa: E402
from scripts.benchmark import sweeps  # noqa: E402

User = get_user_model()

BATCH = 2000


def _clone(model, rows: list, copies: int, remap: dict[str, list[dict]], change=None) -> list[dict]:
    """`copies` copies of `rows` in bulk, each foreign key in `remap` pointed at the same copy's clone.

    remap: {attname: [{old id: new id} per copy]}; change(obj, copy, index) adjusts unique fields.
    Returns, per copy, {old id: new id} for the models that point here.
    """
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    ids = []
    for copy in range(copies):
        clones = []
        for index, row in enumerate(rows):
            values = {field.attname: getattr(row, field.attname) for field in fields}
            for attname, maps in remap.items():
                if values[attname] is not None:
                    values[attname] = maps[copy][values[attname]]
            clone = model(**values)
            if change:
                change(clone, copy, index)
            clones.append(clone)
        model._default_manager.bulk_create(clones, batch_size=BATCH)
        ids.append({row.pk: clone.pk for row, clone in zip(rows, clones, strict=True)})
    return ids


def clone_portfolio(target: int) -> None:
    """Clone the template's projects and what the sweeps read until there are `target` projects."""
    sources = list(Project.objects.filter(slug__startswith="bench").order_by("pk"))
    have = Project.objects.count()
    if have >= target:
        return
    copies = (target - have) // len(sources)
    started = time.perf_counter()
    print(f"Cloning {len(sources):,} projects {copies} times into {NAME}...", flush=True)

    def new_project(project, copy, index):
        project.slug = f"{project.slug}-copy{copy + 1}"
        project.key = f"C{copy + 1:02d}{index:05d}"
        project.name = f"{project.name} copy {copy + 1}"

    projects = _clone(Project, sources, copies, {}, new_project)
    of_sources = {"project__in": sources}
    by_project = {"project_id": projects}
    _clone(Membership, list(Membership.objects.filter(**of_sources)), copies, by_project)
    _clone(ReviewSeries, list(ReviewSeries.objects.filter(**of_sources)), copies, by_project)
    _clone(ProjectDeliverable, list(ProjectDeliverable.objects.filter(**of_sources)), copies, by_project)
    _clone(RiskRegister, list(RiskRegister.objects.filter(**of_sources)), copies, by_project)
    _clone(Risk, list(Risk.objects.filter(**of_sources)), copies, by_project)
    gates = _clone(Gate, list(Gate.objects.filter(**of_sources)), copies, by_project)
    requests = _clone(
        SignoffRequest,
        list(SignoffRequest.objects.filter(**of_sources)),
        copies,
        {"project_id": projects, "target_id": gates},
    )
    approvers = _clone(
        Approver, list(Approver.objects.filter(request__project__in=sources)), copies, {"request_id": requests}
    )
    _clone(
        SignoffEvent,
        list(SignoffEvent.objects.filter(request__project__in=sources)),
        copies,
        {"request_id": requests, "approver_id": approvers},
    )
    _clone(Incident, list(Incident.objects.filter(**of_sources)), copies, by_project)
    overdue = timezone.localdate() - datetime.timedelta(days=5)
    owners = {
        membership.project_id: membership.user_id
        for membership in Membership.objects.filter(role=Role.DATA_SCIENTIST).order_by("-pk")
    }
    ActionItem.objects.bulk_create(
        [
            ActionItem(incident=incident, title="Add a check", owner_id=owners[incident.project_id], due_on=overdue)
            for incident in Incident.objects.filter(action_items__isnull=True)
        ],
        batch_size=BATCH,
    )
    with connection.cursor() as cursor:  # planner statistics for the bulk rows
        cursor.execute("ANALYZE")
    print(f"  cloned in {time.perf_counter() - started:.0f} s", flush=True)


@transaction.atomic
def distinct_people() -> None:
    """Each project's risks owned by a person of its own, its own Product Owner, a Compliance Officer per
    ten projects (the risk owners also join their project as Data Engineers)."""
    if User.objects.filter(username="bench.riskowner0").exists():
        return
    projects = list(Project.objects.order_by("pk").values_list("pk", flat=True))

    def people(kind: str, count: int) -> list[int]:
        User.objects.bulk_create(
            [
                User(username=f"bench.{kind}{n}", email=f"{kind}{n}@bench.example", first_name=kind, last_name=str(n))
                for n in range(count)
            ],
            batch_size=BATCH,
        )
        made = User.objects.filter(username__startswith=f"bench.{kind}").order_by("pk")
        return list(made.values_list("pk", flat=True))

    owners, product_owners = people("riskowner", len(projects)), people("productowner", len(projects))
    officers = people("complianceofficer", -(-len(projects) // 10))
    for n, project in enumerate(projects):
        Risk.objects.filter(project_id=project, owner__isnull=False).update(owner_id=owners[n])
    memberships = Membership.objects.all()
    for n, project in enumerate(projects):
        memberships.filter(project_id=project, role=Role.PRODUCT_OWNER).update(user_id=product_owners[n])
        memberships.filter(project_id=project, role=Role.COMPLIANCE_OFFICER).update(user_id=officers[n // 10])
    Membership.objects.bulk_create(
        [Membership(project_id=p, user_id=owners[n], role=Role.DATA_ENGINEER) for n, p in enumerate(projects)],
        batch_size=BATCH,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    clone_portfolio(ARGS.projects)
    if ARGS.distinct_people:
        distinct_people()
    print(
        f"\n{Project.objects.count():,} projects · {Risk.objects.count():,} risks · "
        f"{ProjectDeliverable.objects.count():,} project deliverables · "
        f"{SignoffRequest.objects.count():,} sign-off requests · {ActionItem.objects.count():,} incident actions\n"
    )
    later = timezone.now() + datetime.timedelta(days=ARGS.days_later)
    for when, travel in (("today", None), (f"{ARGS.days_later} days later", later)):
        print(f"{'sweep, ' + when:<40}{'queries':>9}{'seconds':>9}  (what it queued or sent)")
        if travel is None:
            results = sweeps(ARGS.only)
        else:
            with time_machine.travel(travel, tick=True):
                results = sweeps(ARGS.only)
        for label, elapsed, queries, result in results:
            print(f"{label:<40}{queries:>9}{elapsed / 1000:>9.1f}  ({result})", flush=True)
        print()


if __name__ == "__main__":
    main()
