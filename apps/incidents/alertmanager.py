"""Prometheus Alertmanager webhook payloads (version 4) -> incidents.

One incident per alert fingerprint while it is live (detected, acknowledged or
mitigated): a repeated notification updates it; an alert that fires again after
its incident was resolved opens a new one. A "resolved" notification records
when the alert ended on the timeline; people still confirm the resolution.

The payload is bounded before and while it is read (see views) and validated
here; every problem is a ValidationError, answered in the API's error shape.
"""

import datetime
import hashlib
import io
import json
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from apps.core.api.parsers import BoundedJSONParser
from apps.projects.models import Project
from apps.projects.services import ensure_project_writable

from .choices import Category, EntryKind, Severity, categories_for, severity_from
from .models import Incident
from .services import incident_counter_get, incident_insert, timeline_record

MAX_BODY_BYTES = 256 * 1024
MAX_ALERTS = 100
MAX_LABELS = 64
MAX_VALUE_CHARS = 2000
FINGERPRINT = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
DEFAULT_SEVERITY = Severity.P3
DEFAULT_CATEGORY = Category.MODEL_DEGRADATION


@dataclass
class Outcome:
    code: str
    fingerprint: str
    action: str  # "created", "updated", "resolved", "ignored"

    def as_dict(self) -> dict:
        return {"incident": self.code, "fingerprint": self.fingerprint, "action": self.action}


def parse_body(body: bytes) -> dict:
    """The JSON object in `body`, read by the API's bounded parser (depth, NUL characters, constants, an object)."""
    return BoundedJSONParser().parse(io.BytesIO(body), parser_context={"encoding": "utf-8"})


def _strings(value, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > MAX_LABELS:
        raise ValidationError({where: f"Expected an object of at most {MAX_LABELS} string values."})
    if not all(isinstance(k, str) and isinstance(v, str) and len(v) <= MAX_VALUE_CHARS for k, v in value.items()):
        raise ValidationError({where: f"Every value is a string of at most {MAX_VALUE_CHARS} characters."})
    return value


def _time(value, where: str) -> datetime.datetime | None:
    if value in (None, "") or str(value).startswith("0001-01-01"):
        return None  # Alertmanager's zero time: "not ended yet"
    parsed = parse_datetime(str(value)) if isinstance(value, str) else None
    if parsed is None or parsed.tzinfo is None:
        raise ValidationError({where: "Expected an RFC 3339 time with a time zone."})
    return parsed


def _alerts(payload: dict) -> list[dict]:
    alerts = payload.get("alerts")
    if not isinstance(alerts, list) or not alerts:
        raise ValidationError({"alerts": "Expected a non-empty list of alerts."})
    if len(alerts) > MAX_ALERTS:
        raise ValidationError({"alerts": f"At most {MAX_ALERTS} alerts per notification."})
    common = _strings(payload.get("commonLabels"), "commonLabels")
    parsed = []
    for index, alert in enumerate(alerts):
        where = f"alerts[{index}]"
        if not isinstance(alert, dict):
            raise ValidationError({where: "Expected an object."})
        status = alert.get("status", payload.get("status"))
        if status not in ("firing", "resolved"):
            raise ValidationError({f"{where}.status": "Expected “firing” or “resolved”."})
        labels = {**common, **_strings(alert.get("labels"), f"{where}.labels")}
        fingerprint = (
            alert.get("fingerprint") or hashlib.sha256(json.dumps(labels, sort_keys=True).encode()).hexdigest()[:16]
        )
        if not isinstance(fingerprint, str) or not FINGERPRINT.match(fingerprint):
            raise ValidationError({f"{where}.fingerprint": "Expected up to 64 letters, digits, - or _."})
        parsed.append(
            {
                "status": status,
                "labels": labels,
                "annotations": _strings(alert.get("annotations"), f"{where}.annotations"),
                "starts_at": _time(alert.get("startsAt"), f"{where}.startsAt"),
                "ends_at": _time(alert.get("endsAt"), f"{where}.endsAt"),
                "fingerprint": fingerprint,
            }
        )
    return parsed


def _incident_fields(project: Project, alert: dict) -> dict:
    labels, annotations = alert["labels"], alert["annotations"]
    name = labels.get("alertname", "Alert")
    category = labels.get("category", "")
    now = timezone.now()
    starts_at = alert["starts_at"] if alert["starts_at"] and alert["starts_at"] <= now else now
    return {
        "title": (annotations.get("summary") or name)[:200],
        "description": annotations.get("description", ""),
        "severity": severity_from(labels.get("priority") or labels.get("severity"), default=DEFAULT_SEVERITY),
        "category": category if category in dict(categories_for(project)) else DEFAULT_CATEGORY,
        "trigger_metric": (labels.get("metric") or name)[:200],
        "trigger_observed_value": (annotations.get("value") or labels.get("value", ""))[:100],
        "trigger_threshold": (annotations.get("threshold") or labels.get("threshold", ""))[:100],
        "trigger_at": alert["starts_at"],
        "affected_model_version": (labels.get("model_version") or "")[:120],
        "detected_at": starts_at,
    }


def _receive_one(*, project: Project, alert: dict) -> Outcome:
    fingerprint, now = alert["fingerprint"], timezone.now()
    live = Incident.objects.filter(project=project, alert_fingerprint=fingerprint).live().first()
    name = alert["labels"].get("alertname", "Alert")
    if alert["status"] == "resolved":
        incident = live or (
            Incident.objects.filter(project=project, alert_fingerprint=fingerprint, alert_resolved_at__isnull=True)
            .order_by("-number")
            .first()
        )
        if incident is None or incident.alert_resolved_at is not None:
            return Outcome(incident.code if incident else "", fingerprint, "ignored")
        incident.alert_resolved_at = alert["ends_at"] or now
        incident.alert_last_received_at = now
        incident.save(update_fields=["alert_resolved_at", "alert_last_received_at", "updated_at"])
        timeline_record(
            incident=incident,
            text=f"Alertmanager: {name} resolved. Confirm the resolution here when the metrics are stable.",
            kind=EntryKind.ALERT,
            at=min(incident.alert_resolved_at, now),
        )
        return Outcome(incident.code, fingerprint, "resolved")
    if live is not None:
        refired = live.alert_resolved_at is not None
        live.alert_labels = alert["labels"]
        live.alert_last_received_at = now
        live.alert_resolved_at = None
        live.save(update_fields=["alert_labels", "alert_last_received_at", "alert_resolved_at", "updated_at"])
        if refired:
            timeline_record(incident=live, text=f"Alertmanager: {name} is firing again.", kind=EntryKind.ALERT)
        return Outcome(live.code, fingerprint, "updated")
    counter = incident_counter_get(project=project, lock=True)
    fields = _incident_fields(project, alert)
    incident = incident_insert(
        actor=None,
        project=project,
        counter=counter,
        alert_fingerprint=fingerprint,
        alert_labels=alert["labels"],
        alert_last_received_at=now,
        **fields,
    )
    observed = ""
    if incident.trigger_observed_value:
        observed = f" {incident.trigger_metric} = {incident.trigger_observed_value}"
        observed += f" (threshold {incident.trigger_threshold})." if incident.trigger_threshold else "."
    timeline_record(
        incident=incident,
        text=f"Alertmanager: {name} firing.{observed} Incident opened automatically.",
        kind=EntryKind.ALERT,
        at=incident.detected_at,
    )
    return Outcome(incident.code, fingerprint, "created")


@transaction.atomic
def alertmanager_receive(*, project: Project, payload: dict) -> list[Outcome]:
    """Open or update the project's incidents from one Alertmanager notification.

    The project's counter row is locked first, so two notifications of one alert
    arriving at once are handled one after the other and open one incident.
    """
    ensure_project_writable(project)
    alerts = _alerts(payload)
    incident_counter_get(project=project, lock=True)
    return [_receive_one(project=project, alert=alert) for alert in alerts]
