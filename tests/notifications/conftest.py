import smtplib

import pytest

from apps.gates.selectors import gate_for
from apps.gates.services import gate_update_criteria
from apps.notifications.services import notify
from apps.projects import services as project_services
from apps.projects.choices import Role, Stage


class MailServerDown:
    """An e-mail backend whose server refuses every connection."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


class RefusesBadAddresses:
    """An e-mail backend that refuses recipients whose address starts with "bad", and keeps the rest."""

    sent: list = []

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        for message in messages:
            if any(address.startswith("bad") for address in message.to):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"No such user")})
            RefusesBadAddresses.sent.append(message)
        return len(messages)


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = f"{__name__}.MailServerDown"


@pytest.fixture
def mail_server_up(settings):
    def up():
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    return up


@pytest.fixture
def make_notification(project):
    """make_notification(user, **fields) -> how many rows notify() created."""
    counter = iter(range(10_000))

    def make(user, **fields):
        index = next(counter)
        options = {
            "category": "signoffs",
            "kind": "test_message",
            "subject": f"Message {index}",
            "body": "Something happened.",
            "project": project,
            "period_key": str(index),
            "url": project.get_absolute_url(),
        }
        return notify(recipients=[user], **{**options, **fields})

    return make


@pytest.fixture
def ready_gate(project, member_of):
    """A Scoping gate whose criteria are met, with a sponsor to sign it off: submitting it asks the sponsor."""
    project_services.project_update(actor=project.owner, project=project, baseline_description="Manual calls.")
    sponsor = member_of(project, Role.EXECUTIVE_SPONSOR, first_name="Vera", last_name="Sponsor")
    gate = gate_update_criteria(
        actor=project.owner, gate=gate_for(project=project, stage=Stage.SCOPING), go_no_go_criteria="Uplift ≥ 2"
    )
    gate.sponsor = sponsor
    return gate
