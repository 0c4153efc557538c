"""Time the risk register PDF: render N risks (default 1,000) and report seconds and peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_x .venv/bin/python scripts/benchmark_risk_pdf.py --risks 1000

The risks are created in one transaction that is rolled back at the end (the database is left as it
was). It renders through the same code the background document uses (`exports.register_pdf_bytes`),
and prints: rows, seconds for each stage, wall and CPU time (on a busy machine the wall time
is the CPU time plus waiting), the PDF's size and pages, and the process's peak resident
memory (ru_maxrss) before and after rendering.
"""

import argparse
import io
import os
import random
import resource
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

from django.contrib.auth.models import Permission  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from apps.accounts.models import User  # noqa: E402
from apps.projects import services as project_services  # noqa: E402
from apps.projects.choices import Role  # noqa: E402
from apps.risks import exports, selectors  # noqa: E402
from apps.risks.models import Risk  # noqa: E402
from scripts.benchdata import bench_risk, project_fields  # noqa: E402


class Rollback(Exception):
    """Leaves the benchmark's data behind nowhere."""


def make_world(count: int) -> User:
    """Two projects with `count` risks between them; returns their Security / Compliance Officer."""
    suffix = timezone.now().strftime("%H%M%S%f")
    owner = User.objects.create(username=f"bench-owner-{suffix}", first_name="Bench", last_name="Owner")
    officer = User.objects.create(username=f"bench-officer-{suffix}", first_name="Bench", last_name="Officer")
    owner.user_permissions.add(*Permission.objects.filter(content_type__app_label="projects", codename="add_project"))
    owner = User.objects.get(pk=owner.pk)  # fresh permission cache
    rng = random.Random(5)
    today = timezone.localdate()
    for index, share in enumerate((count // 2, count - count // 2)):
        project = project_services.project_create(
            actor=owner, slug=f"bench-{suffix}-{index}", **project_fields(f"Benchmark project {index}")
        )
        project_services.membership_add(actor=owner, project=project, user=officer, role=Role.COMPLIANCE_OFFICER)
        rows = []
        for number in range(1, share + 1):
            rows.append(bench_risk(project=project, number=number, rng=rng, owners=[owner, officer, None], today=today))
        Risk.objects.bulk_create(rows, batch_size=1000)
    return officer


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--risks", type=int, default=1000)
    args = parser.parse_args()
    print(f"database: {connection.vendor} · {args.risks:,} risks")
    try:
        with transaction.atomic():
            officer = make_world(args.risks)
            queryset = selectors.risk_filter(user=officer, filters={}, default_sort="-residual").qs
            context = exports.ExportContext(scope="Portfolio", filters=[], user=officer, portfolio=True)
            before = peak_mb()
            steps = []
            start, cpu_start = time.perf_counter(), time.process_time()
            pdf = exports.register_pdf_bytes(
                queryset, context, progress=lambda percent, step: steps.append((step, time.perf_counter()))
            )
            total, cpu = time.perf_counter() - start, time.process_time() - cpu_start
            after = peak_mb()
            previous = start
            for step, at in steps:
                print(f"  until “{step}”: {at - previous:.2f} s")
                previous = at
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            print(
                f"rendered {args.risks:,} risks in {total:.2f} s ({cpu:.2f} s of CPU) · "
                f"{len(pdf) / 1024:,.0f} KB, {pages} pages · load average {os.getloadavg()[0]:.1f}"
            )
            print(f"peak RSS: {before:,.0f} MB before rendering, {after:,.0f} MB after")
            raise Rollback
    except Rollback:
        print("(benchmark data rolled back)")


if __name__ == "__main__":
    main()
