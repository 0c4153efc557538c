"""What the model-card app tells the card's team, through the notification outbox (category "model_cards").

The approvers hear about a submission from the sign-off engine ("signoffs"); these
messages go to the people who keep the card: members whose roles may manage model
cards, except whoever acted. Stored in the caller's transaction, sent after commit,
once per revision and kind.
"""

from django.template.loader import render_to_string

from apps.notifications.services import notify
from apps.projects import roles
from apps.projects.selectors import project_members

from . import schema
from .choices import is_generative

CATEGORY = "model_cards"
CARD_KEEPERS = [role for role, perms in roles.ROLE_PERMISSIONS.items() if roles.MANAGE_MODEL_CARDS in perms]


def card_keepers(project, *, besides=None):
    people = project_members(project=project, roles=CARD_KEEPERS)
    return people.exclude(pk=besides.pk) if besides is not None else people


def notify_card(revision, *, kind: str, headline: str, actor=None, note: str = "") -> int:
    """One message per keeper of the card about `revision` (submitted, approved, rejected)."""
    missing = schema.missing_requirements(revision.content, generative=is_generative(revision.project))
    return notify(
        recipients=card_keepers(revision.project, besides=actor),
        category=CATEGORY,
        kind=f"model_card_{kind}",
        subject=f"{headline}: {revision.model.name} v{revision.version}",
        body=render_to_string(
            "modelcards/email/card.txt", {"revision": revision, "headline": headline, "missing": missing, "note": note}
        ),
        target=revision,
        project=revision.project,
        url=revision.get_absolute_url(),
    )
