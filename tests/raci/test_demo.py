import io

from django.core.management import call_command

from apps.projects.models import Project
from apps.raci.selectors import approval_requests, grid_build
from apps.signoffs.choices import RequestState


def test_seed_demo_gives_each_demo_project_its_matrix_once(db):
    call_command("seed_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo", stdout=out)  # idempotent
    assert "RACI matrices for 3 projects" in out.getvalue()
    grids = {p.slug: grid_build(matrix=p.raci_matrix) for p in Project.objects.all()}
    assert {slug: len(grid.rows) for slug, grid in grids.items()} == {
        "customer-churn-predictor": 38,
        "support-knowledge-assistant": 39,
        "store-demand-forecast": 38,
    }
    churn = Project.objects.get(slug="customer-churn-predictor").raci_matrix
    assert [r.state for r in approval_requests(matrix=churn)] == [RequestState.APPROVED]
    assert grids["customer-churn-predictor"].violations == []
    gaps = grids["store-demand-forecast"].violations
    assert [row.activity.name for row in gaps] == ["Store rollout plan"]
