"""Time the governance dossier: the churn demo project, and a large project built through the services.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_x .venv/bin/python scripts/benchmark_dossier.py

The large project has 200 risks, at least 500 checklist items (the library's templates, topped up with
a generated one), 5 model cards and 20 incidents (half resolved, with reviews and action items).
Everything is created in one transaction that is rolled back at the end; the churn case needs
`manage.py seed_demo` to have run (it is skipped otherwise). For each case it prints the pages, the
seconds to collect the sections and to print them, wall and CPU time (on a busy machine the wall time
is the CPU time plus waiting) and the process's peak resident memory after the build.
"""

import argparse
import datetime
import io
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
os.environ.setdefault("DEBUG", "0")  # as served: no query log, no debug checks

import django  # noqa: E402

django.setup()

from portal.heap import freeze_startup_heap  # noqa: E402

freeze_startup_heap()  # as the served and worker processes do

import yaml  # noqa: E402
from django.contrib.auth.models import Permission  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from apps.accounts.models import User  # noqa: E402
from apps.checklists import services as checklists  # noqa: E402
from apps.checklists.models import ChecklistTemplate, TemplateItem  # noqa: E402
from apps.deliverables import services as deliverables  # noqa: E402
from apps.documents.models import GeneratedDocument  # noqa: E402
from apps.dossier.services import KIND, dossier_build, dossier_clean_params  # noqa: E402
from apps.incidents import services as incidents  # noqa: E402
from apps.modelcards import services as modelcards  # noqa: E402
from apps.modelcards.demo import SEED_CARD  # noqa: E402
from apps.projects import services as projects  # noqa: E402
from apps.projects.choices import LatencyClass, Objective, Role, UseCase  # noqa: E402
from apps.projects.models import Project  # noqa: E402
from apps.risks import services as risks  # noqa: E402
from apps.risks.choices import Category  # noqa: E402


class Rollback(Exception):
    """Leaves the benchmark's data behind nowhere."""


def synthetic_template(key: str, items: int) -> dict:
    """A valid checklist template of `items` tick-box items (every third Required) across three stages."""
    stages = ["scoping", "feasibility", "data_preparation"]
    return {
        "key": key,
        "name": "Benchmark checklist",
        "description": "Generated to reach the benchmark's item count.",
        "source": "scripts/benchmark_dossier.py",
        "gate": False,
        "applies_to": "all",
        "sections": [
            {
                "key": "bench",
                "title": "Benchmark items",
                "items": [
                    {
                        "key": f"bench-{n:04d}",
                        "title": f"Benchmark check number {n}",
                        "stage": stages[n % 3],
                        "requirement": "required" if n % 3 == 0 else "suggested",
                        "kind": "check",
                        "evidence_required": False,
                    }
                    for n in range(1, items + 1)
                ],
            }
        ],
    }


def large_project(*, risk_count: int, item_count: int, cards: int, incident_count: int) -> tuple[Project, User]:
    suffix = timezone.now().strftime("%H%M%S%f")
    owner = User.objects.create(username=f"dossier-owner-{suffix}", first_name="Bench", last_name="Owner")
    owner.user_permissions.add(Permission.objects.get(content_type__app_label="projects", codename="add_project"))
    owner = User.objects.get(pk=owner.pk)
    checklists.templates_load_library()
    deliverables.registry_load()
    project = projects.project_create(
        actor=owner,
        slug=f"dossier-bench-{suffix}",
        name=f"Dossier benchmark {suffix}",
        problem_statement="A large project for the dossier benchmark.",
        use_case=UseCase.CLASSIFICATION,
        objective=Objective.PREDICTIVE,
        latency_class=LatencyClass.BATCH,
        primary_metric="AUC",
        guardrail_metrics=["Precision"],
        minimum_threshold="AUC ≥ 0.8",
    )
    people = {}
    for role in (Role.COMPLIANCE_OFFICER, Role.DATA_SCIENTIST, Role.MLOPS_ENGINEER):
        people[role] = User.objects.create(username=f"dossier-{role}-{suffix}", first_name="Bench", last_name=role)
        projects.membership_add(actor=owner, project=project, user=people[role], role=role)
    applied = {c.template_id for c in project.checklists.all()}
    for template in ChecklistTemplate.objects.exclude(pk__in=applied):
        try:
            checklists.checklist_apply(actor=owner, project=project, template=template)
        except ValidationError:  # a template for other use cases (LLM, RAG)
            continue

    def items_now() -> int:
        return TemplateItem.objects.filter(version__project_checklists__project=project).count()

    if items_now() < item_count:
        with tempfile.TemporaryDirectory() as folder:
            document = synthetic_template(f"bench-{suffix}", item_count - items_now())
            (Path(folder) / f"bench-{suffix}.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
            checklists.templates_load_library(directory=Path(folder))
        template = ChecklistTemplate.objects.get(key=f"bench-{suffix}")
        checklists.checklist_apply(actor=owner, project=project, template=template)

    rng = random.Random(7)
    scientist = people[Role.DATA_SCIENTIST]
    for number in range(1, risk_count + 1):
        impact, likelihood = rng.randint(1, 5), rng.randint(1, 5)
        risks.risk_create(
            actor=owner,
            project=project,
            title=f"Benchmark risk {number}: a dependency may change without notice",
            category=rng.choice(Category.values),
            impact=impact,
            likelihood=likelihood,
            residual_impact=rng.randint(1, impact),
            residual_likelihood=rng.randint(1, likelihood),
            mitigation="Monitor the dependency and review the contract every month.",
            owner=rng.choice([owner, scientist]),
        )

    first = modelcards.card_import(actor=scientist, project=project, data=SEED_CARD.read_bytes(), fmt="yaml")
    for index in range(2, cards + 1):
        model = modelcards.ml_model_create(actor=scientist, project=project, name=f"Benchmark model {index}")
        modelcards.card_revision_create(actor=scientist, model=model, content=first.content, note="Copied")

    mlops = people[Role.MLOPS_ENGINEER]
    for number in range(1, incident_count + 1):
        incident = incidents.incident_create(
            actor=mlops, project=project, title=f"Benchmark incident {number}", severity="P3", category="data_issue"
        )
        if number % 2:
            incident = incidents.incident_transition(actor=mlops, incident=incident, to="resolved")
            incidents.action_item_create(
                actor=mlops,
                incident=incident,
                title="Add a range check",
                owner=mlops,
                due_on=timezone.localdate() + datetime.timedelta(days=14),
            )
    return project, people[Role.COMPLIANCE_OFFICER]


def measure(label: str, project: Project, user: User) -> None:
    document = GeneratedDocument(project=project, kind=KIND, title=label, requested_by=user, pk=0)
    document.params = dossier_clean_params(project, {})
    marks = []
    start, cpu = time.perf_counter(), time.process_time()
    built = dossier_build(document, lambda percent, step: marks.append((percent, time.perf_counter())))
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    collected = next(at for percent, at in marks if percent == 65) - start
    pages = len(PdfReader(io.BytesIO(built.content)).pages)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{label:<34}{pages:>6}{collected:>10.2f}{wall - collected:>9.2f}{wall:>9.2f}{cpu:>9.2f}{peak:>10.0f}"
        f"{len(built.content) / 1024:>9.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--risks", type=int, default=200)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--cards", type=int, default=5)
    parser.add_argument("--incidents", type=int, default=20)
    args = parser.parse_args()
    reverse("projects:project-list")  # a worker has its URL resolver built before its first dossier
    print(f"database: {connection.vendor} · load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print(f"{'case':<34}{'pages':>6}{'collect s':>10}{'print s':>9}{'wall s':>9}{'CPU s':>9}{'peak MB':>10}{'KB':>9}")
    churn = Project.objects.filter(slug="customer-churn-predictor").first()
    if churn is not None:
        measure("churn demo project", churn, User.objects.get(username="rita.compliance"))
    else:
        print("churn demo project: not seeded (manage.py seed_demo), skipped")
    try:
        with transaction.atomic():
            project, officer = large_project(
                risk_count=args.risks, item_count=args.items, cards=args.cards, incident_count=args.incidents
            )
            label = f"large: {args.risks} risks, {args.items} items, {args.cards} cards, {args.incidents} inc."
            measure(label[:33], project, officer)
            raise Rollback
    except Rollback:
        print("\n(benchmark data rolled back)")


if __name__ == "__main__":
    main()
