"""The post-incident review as a document: one context, rendered to PDF (apps.core.pdf) or Markdown.

The Markdown follows guide 002's template section by section, so a review can be
pasted into a wiki or a ticket. User text is written as it is, on its own lines.
"""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from .models import PostIncidentReview
from .selectors import incident_action_items, incident_timeline, review_signoffs

PDF_TEMPLATE = "incidents/pdf/review.html"
MARKDOWN_TEMPLATE = "incidents/review.md"


def filename(review: PostIncidentReview) -> str:
    incident = review.incident
    return f"incident-review-{slugify(incident.project.slug)}-{incident.code.lower()}"


def duration_words(span) -> str:
    if span is None:
        return "not resolved"
    minutes = int(span.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} hours {minutes} minutes"


def review_context(*, review: PostIncidentReview) -> dict:
    incident = review.incident
    signoffs = review_signoffs(review=review)
    approved = next((s for s in signoffs if s.state == "approved"), None)
    return {
        "review": review,
        "incident": incident,
        "project": incident.project,
        "pdf_scope": incident.project.name,
        "pdf_title": f"Incident review {incident.code}",
        "duration": duration_words(incident.duration),
        "timeline": list(incident_timeline(incident=incident)),
        "action_items": list(incident_action_items(incident=incident)),
        "went_well": PostIncidentReview.lines(review.went_well),
        "went_poorly": PostIncidentReview.lines(review.went_poorly),
        "approval": approved,
        "approvals": [e for e in approved.events.all() if e.kind == "approved"] if approved else [],
        "exported_at": timezone.now(),
    }


def review_markdown(context: dict) -> str:
    return render_to_string(MARKDOWN_TEMPLATE, context)
