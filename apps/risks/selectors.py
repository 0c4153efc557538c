"""Reads of the risk register, already restricted to the projects the user may see."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.audit.presentation import attach_change_rows
from apps.notifications.selectors import notifications_about
from apps.projects.access import visible_projects
from apps.projects.models import Project
from apps.signoffs import targets
from apps.signoffs.choices import EventKind, RequestState
from apps.signoffs.models import Approver, SignoffEvent, SignoffRequest

from . import scoring
from .choices import LIVE_STATUSES, Band, RiskStatus
from .filters import RiskFilter
from .models import (
    Risk,
    RiskAcceptance,
    RiskAcceptanceProposal,
    RiskRegister,
    RiskReview,
    parse_code,
)


def visible_risks(*, user, project: Project | None = None) -> QuerySet[Risk]:
    """The risks `user` may see (of `project` when given), unfiltered and unsorted, with what a row shows."""
    queryset = Risk.objects.select_related("project", "owner", "last_reviewed_by")
    if project is not None:
        # The caller resolved `project` among the user's visible projects (ProjectAccessMixin).
        return queryset.filter(project=project)
    return queryset.filter(project__in=visible_projects(user))


def risk_filter(*, user, filters, project: Project | None = None, default_sort: str = "code") -> RiskFilter:
    """The register's FilterSet over the risks `user` may see (its `.qs` is the filtered, sorted list)."""
    return RiskFilter(
        filters,
        queryset=visible_risks(user=user, project=project),
        user=user,
        project=project,
        default_sort=default_sort,
    )


# What a register row shows (risks/partials/risk_rows.html and review_cell.html). A page of 50-200
# rows reads these columns rather than every column of each risk, project and person (JSON metrics,
# amounts, password hashes). A field missing here costs a query per row: the register pages' query
# count tests catch it.
REGISTER_ROW_FIELDS = (
    "number",
    "title",
    "category",
    "stage",
    "status",
    "accepted_until",
    "impact",
    "likelihood",
    "residual_impact",
    "residual_likelihood",
    "next_review_on",
    "last_reviewed_at",
    "project__slug",
    "project__name",
    "project__key",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "last_reviewed_by__username",
    "last_reviewed_by__first_name",
    "last_reviewed_by__last_name",
)


def register_rows(queryset: QuerySet[Risk]) -> QuerySet[Risk]:
    """`queryset` (a register's risks) reading only what the register's rows show."""
    return queryset.only(*REGISTER_ROW_FIELDS)


def risk_get(*, user, project: Project, code: str) -> Risk | None:
    """One risk of a project by its code, or None (unknown code, or a project the user cannot see)."""
    number = parse_code(code)
    if number is None:
        return None
    return visible_risks(user=user, project=project).filter(number=number).first()


def risk_register_settings(*, project: Project) -> RiskRegister:
    """The project's register settings, unsaved defaults when nobody has set them yet."""
    return RiskRegister.objects.filter(project=project).first() or RiskRegister(project=project)


def register_figures(queryset: QuerySet[Risk]) -> tuple[dict, dict]:
    """(heat maps, summary) of `queryset` from one grouped query (one pass over the risks, whatever their number).

    The groups are the (inherent cell, residual cell, status) combinations that occur (a few
    hundred at most); the heat maps and headline counts are sums over them.
    """
    high_low, _ = scoring.BAND_SCORE_RANGES[Band.HIGH]
    today = timezone.localdate()
    groups = (
        queryset.order_by()
        .values("impact", "likelihood", "residual_impact", "residual_likelihood", "status")
        .annotate(
            n=Count("id"),
            aging=Count("id", filter=Q(next_review_on__lt=today)),
            unowned=Count("id", filter=Q(owner__isnull=True)),
        )
    )
    inherent: dict[tuple[int, int], int] = defaultdict(int)
    residual: dict[tuple[int, int], int] = defaultdict(int)
    summary = dict.fromkeys(("total", "live", "high_residual", "aging", "unowned", "accepted"), 0)
    for group in groups:
        n = group["n"]
        summary["total"] += n
        summary["accepted"] += n if group["status"] == RiskStatus.ACCEPTED else 0
        # Closed risks are history: they are in the register but not on its heat maps.
        if group["status"] not in LIVE_STATUSES:
            continue
        inherent[(group["impact"], group["likelihood"])] += n
        residual[(group["residual_impact"], group["residual_likelihood"])] += n
        summary["live"] += n
        summary["high_residual"] += n if group["residual_impact"] * group["residual_likelihood"] >= high_low else 0
        summary["aging"] += group["aging"]
        summary["unowned"] += group["unowned"]
    maps = {"inherent": scoring.heat_map_rows(inherent), "residual": scoring.heat_map_rows(residual)}
    return maps, summary


def heat_maps(queryset: QuerySet[Risk]) -> dict:
    """Inherent and residual 5x5 grids counting the live risks of `queryset`."""
    return register_figures(queryset)[0]


def risk_summary(queryset: QuerySet[Risk]) -> dict:
    """Headline counts for `queryset`: total, live, high residual, aging, unowned, accepted."""
    return register_figures(queryset)[1]


def risk_decisions(*, risk: Risk) -> dict:
    """The risk's reviews, acceptances, acceptance sign-offs, notifications and the steps of its aging
    episodes the aging sweep announced (in its summaries, which are not about one risk), newest first."""
    return {
        "aging_notices": list(risk.aging_notices.select_related("sweep").order_by("-period", "-step")),
        "reviews": list(RiskReview.objects.filter(risk=risk).select_related("reviewed_by")),
        "acceptances": list(RiskAcceptance.objects.filter(risk=risk).select_related("accepted_by")),
        "acceptance_signoffs": risk_acceptance_signoffs(risk=risk),
        "notifications": list(notifications_about(target=risk)),
    }


def risk_acceptance_signoff_pending(*, risk: Risk) -> SignoffRequest | None:
    """The open sign-off request on an acceptance of `risk`, if there is one (at most one: risk_accept)."""
    return (
        SignoffRequest.objects.filter(risk_acceptance_proposal__risk=risk, state=RequestState.OPEN)
        .select_related("requested_by")
        .first()
    )


CLOSING_EVENTS = (EventKind.REJECTED, EventKind.WITHDRAWN, EventKind.INVALIDATED)


def risk_acceptance_signoffs(*, risk: Risk) -> list[RiskAcceptanceProposal]:
    """The risk's acceptances submitted for sign-off, newest first, in three queries.

    Each proposal carries `signoff` (its request, approvers and events prefetched),
    `waiting_for` (the approval slots not decided yet), `closing_event` (the
    rejection, withdrawal or invalidation that ended it, with its reason) and
    `stale` (an open request whose risk changed since it was submitted: approvers
    cannot decide it, the requester withdraws and submits again).
    """
    proposals = list(
        RiskAcceptanceProposal.objects.filter(risk=risk)
        .select_related("proposed_by")
        .prefetch_related(
            Prefetch(
                "signoffs",
                SignoffRequest.objects.select_related("project").prefetch_related(
                    Prefetch("approvers", Approver.objects.order_by("id")),
                    Prefetch("events", SignoffEvent.objects.select_related("actor", "approver").order_by("id")),
                ),
            )
        )
    )
    for proposal in proposals:
        proposal.risk = risk
        proposal.signoff = next(iter(proposal.signoffs.all()), None)
        events = list(proposal.signoff.events.all()) if proposal.signoff else []
        decided = {event.approver_id for event in events if event.approver_id}
        proposal.waiting_for = [
            slot for slot in (proposal.signoff.approvers.all() if proposal.signoff else []) if slot.pk not in decided
        ]
        proposal.closing_event = next((event for event in reversed(events) if event.kind in CLOSING_EVENTS), None)
        proposal.stale = bool(
            proposal.signoff
            and proposal.signoff.is_open
            and targets.fingerprint(targets.adapter_for(proposal).snapshot(proposal)) != proposal.signoff.fingerprint
        )
    return proposals


def risk_history(*, risk: Risk) -> list[AuditEntry]:
    """Every audit entry about the risk and its reviews, acceptances and notifications, newest first,
    with readable before/after values.

    Each of those records puts the risk's id in its entries' additional data
    (Risk.get_additional_data), so one indexed query on the project finds them all.
    """
    entries = (
        AuditEntry.objects.filter(project_id=risk.project_id)
        .filter(
            Q(content_type=ContentType.objects.get_for_model(Risk), object_pk=str(risk.pk))
            | Q(additional_data__risk_id=risk.pk)
        )
        .select_related("actor", "content_type")
        .order_by("-id")
    )
    return attach_change_rows(entries)
