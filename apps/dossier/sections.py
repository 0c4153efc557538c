"""The sections the dossier app draws from the lower apps itself: summary, profile, members, audit summary."""

from django.db.models import Count, Max, Min

from apps.audit.models import AuditEntry
from apps.projects.choices import Role
from apps.projects.selectors import project_roster

from .registry import person, register_dossier_section, stamp


def _money(value) -> str:
    return f"{value:,.2f}" if value is not None else ""


def summary_section(project) -> dict:
    roi = project.roi
    payback = project.payback_months
    return {
        "project": project.name,
        "key": project.key,
        "stage": project.get_current_stage_display(),
        "status": project.get_status_display(),
        "problem_statement": project.problem_statement,
        "business_case": {
            "annual_benefit": _money(project.annual_benefit),
            "annual_cost": _money(project.annual_cost),
            "initial_investment": _money(project.initial_investment),
            "roi_percent": f"{roi * 100:.1f}" if roi is not None else "",
            "payback_months": str(payback) if payback is not None else "",
        },
    }


def profile_section(project) -> dict:
    return {
        "use_case": project.get_use_case_display(),
        "objective": project.get_objective_display(),
        "latency_class": project.get_latency_class_display(),
        "primary_metric": project.primary_metric,
        "minimum_threshold": project.minimum_threshold,
        "guardrail_metrics": list(project.guardrail_metrics),
        "business_kpis": list(project.business_kpis),
        "baseline_description": project.baseline_description,
        "baseline_metrics": project.baseline_metrics,
        "created_at": stamp(project.created_at),
        "retired_at": stamp(project.retired_at),
        "retirement_reason": project.retirement_reason,
    }


def members_section(project) -> dict:
    return {
        "members": [
            {
                "name": person(row["user"]),
                "username": row["user"].username,
                "job_title": row["user"].job_title,
                "active": row["user"].is_active,
                "roles": [Role(m.role).label for m in row["memberships"]],
                "since": stamp(min(m.created_at for m in row["memberships"])),
            }
            for row in project_roster(project=project)
        ]
    }


def members_summary(data) -> list:
    return [("Members", str(len(data["members"])))]


def audit_section(project, *, chain_head_id: int | None) -> dict:
    """What the project's audit trail held at the chain head (counts by record type and action)."""
    entries = AuditEntry.objects.filter(project_id=project.pk, id__lte=chain_head_id or 0)
    span = entries.aggregate(first=Min("timestamp"), last=Max("timestamp"), last_id=Max("id"), total=Count("id"))
    rows = (
        entries.values("content_type__app_label", "content_type__model", "action")
        .annotate(count=Count("id"))
        .order_by("content_type__app_label", "content_type__model", "action")
    )
    actions = dict(AuditEntry.Action.choices)
    by_type: dict[str, dict] = {}
    for row in rows:
        label = f"{row['content_type__app_label']}.{row['content_type__model']}"
        counts = by_type.setdefault(label, {"record": label, "create": 0, "update": 0, "delete": 0, "other": 0})
        name = str(actions.get(row["action"], "other")).lower()
        counts[name if name in counts else "other"] += row["count"]
    last = entries.filter(id=span["last_id"]).values_list("entry_hash", flat=True).first() if span["total"] else ""
    actors = entries.exclude(actor=None).values("actor").distinct().count()
    return {
        "entries": span["total"],
        "first": stamp(span["first"]),
        "last": stamp(span["last"]),
        "last_entry_id": span["last_id"],
        "last_entry_hash": last or "",
        "actors": actors,
        "by_record": list(by_type.values()),
    }


def audit_summary(data) -> list:
    return [("Audit trail", f"{data['entries']:,} entries by {data['actors']} people")]


def register_core_sections() -> None:
    register_dossier_section(
        "summary",
        "Executive summary",
        10,
        collect=summary_section,
        template="dossier/sections/summary.html",
        required=True,
    )
    register_dossier_section(
        "profile", "Profile and success criteria", 20, collect=profile_section, template="dossier/sections/profile.html"
    )
    register_dossier_section(
        "members",
        "Members",
        30,
        collect=members_section,
        template="dossier/sections/members.html",
        summary=members_summary,
    )
    register_dossier_section(
        "audit",
        "Audit summary",
        900,
        collect=audit_section,
        template="dossier/sections/audit.html",
        summary=audit_summary,
        as_of_chain_head=True,
    )
