"""The risk register's exit criterion for the Deployment gate (registered from RisksConfig.ready())."""

from django.urls import reverse

from apps.gates.criteria import Criterion

from .choices import RiskStatus
from .models import Risk
from .scoring import MEDIUM_SCORE_MAX


def no_unaccepted_high_residual_risk(gate) -> list[Criterion]:
    """Promotion to production needs every live High residual risk mitigated below High or formally accepted."""
    high = [
        risk.code
        for risk in Risk.objects.filter(project=gate.project, residual_score__gt=MEDIUM_SCORE_MAX)
        .exclude(status__in=[RiskStatus.ACCEPTED, RiskStatus.CLOSED])
        .order_by("number")
    ]
    return [
        Criterion(
            "risk-register",
            "No High residual risk left unaccepted in the risk register",
            not high,
            f"Still High and not accepted: {', '.join(high)}." if high else "",
            reverse("risks:risk-register", kwargs={"project_slug": gate.project.slug}),
        )
    ]
