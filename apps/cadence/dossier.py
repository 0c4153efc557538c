"""Governance reviews in the governance dossier: the series (cadence) and every meeting on record.

Only stored facts: whether a past meeting counts as "missed" depends on today's date, so the dossier
prints the dates and the record (held on, chair, minutes, decisions, actions), not the derived status.
"""

from django.db.models import Prefetch

from apps.dossier.registry import day, person, stamp

from .models import ActionItem, ReviewDecision, ReviewOccurrence, ReviewSeries


def cadence_section(project) -> dict:
    series = ReviewSeries.objects.filter(project=project).order_by("starts_on", "pk")
    occurrences = (
        ReviewOccurrence.objects.filter(project=project)
        .select_related("series", "chair", "recorded_by")
        .prefetch_related(
            "attendees",
            "reviewed_risks",
            Prefetch("decisions", ReviewDecision.objects.order_by("created_at", "pk")),
            Prefetch("actions", ActionItem.objects.select_related("owner").order_by("due_on", "pk")),
        )
        .order_by("scheduled_on", "pk")
    )
    return {
        "series": [
            {
                "title": item.title,
                "kind": item.get_kind_display(),
                "rule": item.rule,
                "starts_on": day(item.starts_on),
                "paused_on": day(item.paused_on),
                "chair_role": item.get_chair_role_display(),
                "attendee_roles": [str(label) for label in item.attendee_role_labels],
            }
            for item in series
        ],
        "meetings": [
            {
                "series": occurrence.series.title,
                "scheduled_on": day(occurrence.scheduled_on),
                "held_on": day(occurrence.held_on),
                "chair": person(occurrence.chair),
                "attendees": sorted(person(user) for user in occurrence.attendees.all()),
                "reviewed_risks": sorted(risk.code for risk in occurrence.reviewed_risks.all()),
                "minutes": occurrence.minutes,
                "recorded_by": person(occurrence.recorded_by),
                "recorded_at": stamp(occurrence.recorded_at),
                "decisions": [decision.text for decision in occurrence.decisions.all()],
                "actions": [
                    {"title": a.title, "owner": person(a.owner), "due_on": day(a.due_on), "done_on": day(a.done_on)}
                    for a in occurrence.actions.all()
                ],
            }
            for occurrence in occurrences
        ],
    }


def cadence_summary(data) -> list:
    held = sum(1 for meeting in data["meetings"] if meeting["held_on"])
    return [("Governance reviews", f"{len(data['series'])} series, {held} meetings held and recorded")]
