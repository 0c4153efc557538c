"""Guide 003's incident runbook template (YAML) -> an incident's fields, artifacts and planned steps.

The document is read with the portal's bounded YAML loader (apps.core.yamlload: no
aliases, nesting and node count limited), at most 64 KB. `<placeholders>` are left as the template's blanks.
People in `roles` are project members given by username, e-mail or full name.
Severity SEV1-SEV3 is mapped onto P1-P4 (choices.SEVERITY_ALIASES).
"""

import datetime
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.utils.dateparse import parse_datetime

from apps.core.yamlload import load_yaml
from apps.projects.models import Project
from apps.projects.selectors import project_members
from apps.projects.services import ensure_project_writable

from .choices import INCIDENT_ROLE_FIELDS, ArtifactKind, Category, EntryKind, IncidentRole, severity_from
from .models import Incident, IncidentArtifact
from .services import incident_create, incident_lock, incident_update, timeline_record

MAX_RUNBOOK_BYTES = 64 * 1024
TEMPLATE_FILE = Path(__file__).parent / "data" / "runbook-template.yaml"
ARTIFACT_KEYS = {
    "logs": ArtifactKind.LOGS,
    "metrics_snapshot": ArtifactKind.METRICS_SNAPSHOT,
    "diff": ArtifactKind.DIFF,
}


def _blank(value) -> bool:
    text = str(value).strip() if value is not None else ""
    return not text or (text.startswith("<") and text.endswith(">"))


def _text(value, limit: int) -> str:
    return "" if _blank(value) else str(value).strip()[:limit]


def runbook_load(text: str) -> dict:
    """The runbook document in `text`, or a ValidationError saying what is wrong with it."""
    try:
        document = load_yaml(text, max_bytes=MAX_RUNBOOK_BYTES)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise ValidationError({"runbook": f"The runbook cannot be read{where}: {problem}."}) from None
    if not isinstance(document, dict):
        raise ValidationError({"runbook": "A runbook is a YAML mapping (title:, severity:, trigger:, ...)."})
    return document


def _section(document: dict, key: str) -> dict:
    value = document.get(key) or {}
    if not isinstance(value, dict):
        raise ValidationError({"runbook": f"“{key}” is a mapping of names to values."})
    return value


def _person(project: Project, value: str):
    name = value.split("/")[0].strip()
    users = (
        project_members(project=project)
        .annotate(full=Concat("first_name", Value(" "), "last_name"))
        .filter(Q(username__iexact=name) | Q(email__iexact=name) | Q(full__iexact=name))
    )
    return users.first() if users.count() == 1 else None


def runbook_fields(*, project: Project, document: dict) -> tuple[dict, list[tuple[str, str]], dict]:
    """(incident fields, artifacts as (kind, reference), what to keep as the incident's runbook)."""
    fields: dict = {}
    errors: dict[str, str] = {}
    if not _blank(document.get("title")):
        fields["title"] = _text(document["title"], 200)
    if not _blank(document.get("severity")):
        severity = severity_from(document["severity"])
        if severity is None:
            errors["severity"] = f"Unknown severity “{document['severity']}”: use SEV1-SEV3 or P1-P4."
        else:
            fields["severity"] = severity
    if not _blank(document.get("category")):
        if document["category"] in Category.values:
            fields["category"] = document["category"]
        else:
            errors["category"] = f"Unknown category “{document['category']}”."
    trigger = _section(document, "trigger")
    for key, field, limit in (
        ("metric", "trigger_metric", 200),
        ("observed_value", "trigger_observed_value", 100),
        ("threshold", "trigger_threshold", 100),
    ):
        if not _blank(trigger.get(key)):
            fields[field] = _text(trigger[key], limit)
    if not _blank(trigger.get("timestamp")):
        stamp = trigger["timestamp"]
        parsed = stamp if isinstance(stamp, datetime.datetime) else parse_datetime(str(stamp))
        if parsed is None:
            errors["trigger.timestamp"] = "Give the trigger's time as an ISO 8601 UTC time."
        else:
            fields["trigger_at"] = parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)
    rollback = _section(document, "rollback")
    for key, field, limit in (
        ("previous_model_version", "rollback_target_version", 120),
        ("rollback_command_ref", "rollback_command_ref", 300),
        ("validation_post_rollback", "rollback_validation", 5000),
    ):
        if not _blank(rollback.get(key)):
            fields[field] = _text(rollback[key], limit)
    channels = _section(document, "communication_channels")
    for key, field, limit in (
        ("slack", "channel_slack", 120),
        ("email", "channel_email", 254),
        ("status_page", "channel_status_page", 300),
    ):
        if not _blank(channels.get(key)):
            fields[field] = _text(channels[key], limit)
    for key, value in _section(document, "roles").items():
        if key not in IncidentRole.values:
            errors[f"roles.{key}"] = "Unknown incident role."
        elif not _blank(value):
            person = _person(project, str(value))
            if person is None:
                errors[f"roles.{key}"] = f"No single member of {project} is “{value}” (use a username)."
            else:
                fields[INCIDENT_ROLE_FIELDS[IncidentRole(key)]] = person
    artifacts = []
    for item in document.get("artifacts_to_collect") or []:
        pairs = item.items() if isinstance(item, dict) else [("other", item)]
        for key, value in pairs:
            if not _blank(value):
                artifacts.append((ARTIFACT_KEYS.get(key, ArtifactKind.OTHER), _text(value, 500)))
    if errors:
        raise ValidationError(errors)
    steps = _section(document, "timeline")
    postmortem = _section(document, "postmortem")
    kept = {
        "steps": [[str(offset), _text(text, 500)] for offset, text in steps.items() if not _blank(text)],
        "postmortem": {key: _text(value, 200) for key, value in postmortem.items() if not _blank(value)},
    }
    return fields, artifacts, kept


def _artifacts_add(*, actor, incident: Incident, artifacts) -> None:
    for kind, reference in artifacts:
        artifact = IncidentArtifact(incident=incident, kind=kind, reference=reference, added_by=actor)
        artifact.full_clean()
        artifact.save()


@transaction.atomic
def incident_runbook_import(*, actor, incident: Incident, text: str) -> Incident:
    """Apply a runbook to an incident: what it fills in replaces the incident's values; its steps are kept."""
    fields, artifacts, kept = runbook_fields(project=incident.project, document=runbook_load(text))
    incident = incident_update(actor=actor, incident=incident, **fields)
    incident = incident_lock(incident)
    incident.runbook = kept
    incident.save(update_fields=["runbook", "updated_at"])
    _artifacts_add(actor=actor, incident=incident, artifacts=artifacts)
    timeline_record(incident=incident, text="Runbook imported.", kind=EntryKind.NOTE, author=actor)
    return incident


@transaction.atomic
def incident_create_from_runbook(*, actor, project: Project, text: str) -> Incident:
    """Open an incident from a filled-in runbook (title, severity and category are needed)."""
    ensure_project_writable(project)
    fields, artifacts, kept = runbook_fields(project=project, document=runbook_load(text))
    missing = [name for name in ("title", "severity", "category") if name not in fields]
    if missing:
        raise ValidationError({"runbook": f"The runbook must give {', '.join(missing)} to open an incident."})
    incident = incident_create(actor=actor, project=project, **fields)
    incident.runbook = kept
    incident.save(update_fields=["runbook", "updated_at"])
    _artifacts_add(actor=actor, incident=incident, artifacts=artifacts)
    return incident
