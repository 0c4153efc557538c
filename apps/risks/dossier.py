"""The risk register's section of the governance dossier (apps.dossier.registry)."""

from apps.dossier.registry import day, person, stamp

from .choices import LIVE_STATUSES, Band
from .models import Risk, RiskAcceptance
from .scoring import heat_map_rows


def _grid(counts: dict) -> list[dict]:
    return [
        {
            "impact": row[0].impact_label,
            "cells": [{"count": cell.count, "score": cell.score, "band": cell.band.value} for cell in row],
        }
        for row in heat_map_rows(counts)
    ]


def risks_section(project) -> dict:
    """Every risk with its scores and status, both heat maps of the live ones, and the acceptances."""
    risks = list(Risk.objects.filter(project=project).select_related("owner").order_by("number"))
    inherent: dict = {}
    residual: dict = {}
    for risk in risks:
        if risk.status in LIVE_STATUSES:
            inherent[(risk.impact, risk.likelihood)] = inherent.get((risk.impact, risk.likelihood), 0) + 1
            key = (risk.residual_impact, risk.residual_likelihood)
            residual[key] = residual.get(key, 0) + 1
    acceptances = RiskAcceptance.objects.filter(risk__project=project).select_related("risk", "accepted_by")
    return {
        "risks": [
            {
                "code": risk.code,
                "title": risk.title,
                "category": risk.get_category_display(),
                "stage": risk.get_stage_display() if risk.stage else "",
                "owner": person(risk.owner),
                "inherent": f"{risk.inherent} {risk.inherent_band.label} ({risk.impact}×{risk.likelihood})",
                "inherent_band": risk.inherent_band.value,
                "residual": f"{risk.residual} {risk.residual_band.label} "
                f"({risk.residual_impact}×{risk.residual_likelihood})",
                "residual_band": risk.residual_band.value,
                "status": risk.get_status_display(),
                "live": risk.status in LIVE_STATUSES,
                "mitigation": risk.mitigation,
                "next_review_on": day(risk.next_review_on),
                "accepted_until": day(risk.accepted_until),
            }
            for risk in risks
        ],
        "heat_maps": {"inherent": _grid(inherent), "residual": _grid(residual)},
        "acceptances": [
            {
                "risk": acceptance.risk.code,
                "accepted_by": person(acceptance.accepted_by),
                "at": stamp(acceptance.created_at),
                "residual_score": acceptance.residual_score,
                "threshold": acceptance.threshold,
                "expires_on": day(acceptance.expires_on),
            }
            for acceptance in acceptances.order_by("created_at", "pk")
        ],
    }


def risks_summary(data) -> list:
    live = [risk for risk in data["risks"] if risk["live"]]
    high = [risk for risk in live if risk["residual_band"] == Band.HIGH]
    return [
        ("Risks", f"{len(data['risks'])} recorded, {len(live)} live"),
        ("Open high residual risks", ", ".join(risk["code"] for risk in high) or "none"),
    ]
