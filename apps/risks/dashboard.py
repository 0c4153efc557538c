"""The risk register on the dashboard: risks you own that are due for review, and the portfolio posture
(residual heat map, aging and escalated risks, acceptances ending soon) for compliance."""

import datetime
from dataclasses import asdict

from django.db.models import Q

from apps.dashboard.registry import QueueItem, QueueSection, Viewer, lines, section

from . import selectors
from .choices import RiskStatus
from .models import Risk

ACCEPTANCE_WINDOW_DAYS = 30


def _line(risk: Risk, today, detail: str, *, due_on=None) -> QueueItem:
    due_on = due_on or risk.next_review_on
    return QueueItem(
        title=risk.title,
        url=risk.get_absolute_url(),
        project_name=risk.project.name,
        project_key=risk.project.key,
        due_on=due_on,
        overdue=due_on < today,
        detail=f"{risk.display_code} · {detail}",
    )


def _residual(risk: Risk) -> str:
    return f"residual {risk.residual} {risk.residual_band.label}"


def risks_due(viewer: Viewer) -> QueueSection:
    """Live risks you own whose review is overdue or due within the week, most overdue first."""
    risks = (
        Risk.objects.live()
        .filter(owner=viewer.user, project__in=viewer.workable, next_review_on__lte=viewer.horizon)
        .select_related("project")
        .order_by("next_review_on", "-residual_score", "id")
    )
    return section(
        risks, lambda r: _line(r, viewer.today, f"review · {_residual(r)}"), overdue=Q(next_review_on__lt=viewer.today)
    )


def _cell(cell) -> dict:
    return {
        **asdict(cell),
        "score": cell.score,
        "band": cell.band.value,
        "band_label": cell.band.label,
        "impact_label": cell.impact_label,
        "likelihood_label": cell.likelihood_label,
    }


def risk_posture(viewer: Viewer, projects) -> dict:
    """The posture of the risks of `projects`: six queries whatever their number."""
    risks = Risk.objects.filter(project__in=projects)
    escalated = (
        risks.escalated(today=viewer.today)
        .select_related("project")
        .order_by("next_review_on", "-residual_score", "id")
    )
    expiring = (
        risks.filter(
            status=RiskStatus.ACCEPTED,
            accepted_until__gte=viewer.today,
            accepted_until__lte=viewer.today + datetime.timedelta(days=ACCEPTANCE_WINDOW_DAYS),
        )
        .select_related("project")
        .order_by("accepted_until", "id")
    )
    return {
        "summary": selectors.risk_summary(risks),
        "residual_heat_map": [[_cell(cell) for cell in row] for row in selectors.heat_maps(risks)["residual"]],
        "escalated": escalated.count(),
        "escalated_items": lines(
            escalated, lambda r: _line(r, viewer.today, f"{r.days_overdue} days overdue · {_residual(r)}"), limit=5
        ),
        "acceptances_expiring": expiring.count(),
        "acceptances_expiring_items": lines(
            expiring,
            lambda r: _line(r, viewer.today, f"acceptance ends · {_residual(r)}", due_on=r.accepted_until),
            limit=5,
        ),
        "acceptance_window_days": ACCEPTANCE_WINDOW_DAYS,
    }
