"""Admin for the risk register: read-only. Risks change through the register's pages and API,
whose services keep codes, decisions and review dates consistent."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import (
    AgingNotice,
    AgingSweep,
    Risk,
    RiskAcceptance,
    RiskAcceptanceProposal,
    RiskImport,
    RiskRegister,
    RiskReview,
)


@admin.register(Risk)
class RiskAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "project",
        "category",
        "inherent_score",
        "residual_score",
        "status",
        "owner",
        "next_review_on",
    )
    list_filter = ("status", "category", "review_frequency", "project")
    search_fields = ("title", "description", "project__name")
    list_select_related = ("project", "owner")


@admin.register(RiskRegister)
class RiskRegisterAdmin(ReadOnlyAdmin):
    list_display = ("project", "acceptance_threshold", "last_number")
    list_select_related = ("project",)


@admin.register(RiskReview)
class RiskReviewAdmin(ReadOnlyAdmin):
    list_display = ("risk", "reviewed_by", "created_at")
    list_select_related = ("risk__project", "reviewed_by")


@admin.register(RiskAcceptance)
class RiskAcceptanceAdmin(ReadOnlyAdmin):
    list_display = ("risk", "accepted_by", "residual_score", "threshold", "expires_on", "created_at")
    list_select_related = ("risk__project", "accepted_by")


@admin.register(RiskAcceptanceProposal)
class RiskAcceptanceProposalAdmin(ReadOnlyAdmin):
    list_display = ("risk", "proposed_by", "residual_score", "threshold", "expires_on", "created_at")
    list_select_related = ("risk__project", "proposed_by")


@admin.register(RiskImport)
class RiskImportAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "project", "state", "uploaded_by", "created_at", "decided_by")
    list_filter = ("state",)
    search_fields = ("file_name", "project__name")
    list_select_related = ("project", "uploaded_by", "decided_by")
    exclude = ("rows",)


@admin.register(AgingSweep)
class AgingSweepAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "ran_on", "started_at")


@admin.register(AgingNotice)
class AgingNoticeAdmin(ReadOnlyAdmin):
    list_display = ("risk", "step", "period", "sweep")
    list_filter = ("step",)
    list_select_related = ("risk__project", "sweep")
