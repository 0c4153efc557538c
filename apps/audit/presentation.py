"""Human-readable change rows for audit entries, resolved in bulk.

auditlog stores raw values (foreign keys as ids, choices as keys). Resolving
them entry by entry costs a query per row; this resolves a whole page at once:
one query per related model, whatever the number of entries.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.text import capfirst

from apps.projects.models import Project

EMPTY = {None, "None", ""}


def _field(model, name):
    """The model's concrete field `name`, or None (unknown, removed since, or a relation's reverse side)."""
    try:
        field = model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None
    return field if getattr(field, "concrete", False) else None


def attach_change_rows(entries) -> list:
    """Give each entry `change_rows`: [(field label, before, after)], for display and export."""
    entries = list(entries)
    wanted: dict[type, set] = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        for name, values in (entry.changes or {}).items():
            field = _field(model, name)
            if field is not None and field.many_to_one and isinstance(values, list):
                wanted[field.related_model] |= {v for v in values if v not in EMPTY}
    resolved = {
        related: {
            str(pk): str(obj)
            for pk, obj in related._default_manager.in_bulk([pk for pk in ids if str(pk).isdigit()]).items()
        }
        for related, ids in wanted.items()
    }

    for entry in entries:
        model = entry.content_type.model_class()
        rows = []
        for name, values in (entry.changes or {}).items():
            field = _field(model, name)
            label = str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else name
            if isinstance(values, dict):  # many-to-many: {"type": "m2m", "operation": "add"|"delete", "objects"}
                verb = "added" if values.get("operation") == "add" else "removed"
                rows.append((label, "", f"{verb}: {', '.join(values.get('objects', []))}"))
                continue
            rows.append((label, *(_display(field, value, resolved) for value in (list(values) + [None, None])[:2])))
        entry.change_rows = rows
    return entries


def _display(field, value, resolved) -> str:
    if value in EMPTY:
        return ""
    if field is not None and field.many_to_one:
        return resolved.get(field.related_model, {}).get(str(value), f"#{value} (deleted)")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


# --- Naming records as people read them -------------------------------------------------------
#
# An entry's own `object_repr` is frozen at write time and often says little ("ck-01: Done").
# A page names each record afresh, in bulk: one query per record type on the page (and one for
# the projects), whatever the number of entries. Records deleted since keep their frozen repr.


@dataclass(frozen=True)
class RecordNamer:
    """How to name one model's records: the joins the name needs and the function that builds it."""

    related: tuple[str, ...]
    name: Callable[[Any], str]


_namers: dict[str, RecordNamer] = {}


def register_record_namer(label: str, *, related: tuple[str, ...] = (), name: Callable[[Any], str]) -> None:
    """Name the records of model `label` ("app_label.modelname") in the audit trail.

    The audit app declares the names of the portal's own records below by label, so it imports
    no higher app; a new app may call this from its AppConfig.ready() for its own models.
    """
    _namers[label.lower()] = RecordNamer(related=related, name=name)


def _quote(text, limit: int = 70) -> str:
    text = " ".join(str(text).split())
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"


def _checklist_item(response) -> str:
    return (
        f"checklist item {response.item.key} {_quote(response.item.title)}"
        f" — {response.project.name} / {response.checklist.version.name}"
    )


_ITEM = ("item", "checklist__version", "project")
_ON_ITEM = tuple(f"response__{path}" for path in _ITEM)
register_record_namer("checklists.itemresponse", related=_ITEM, name=lambda r: capfirst(_checklist_item(r)))
register_record_namer(
    "checklists.evidence", related=_ON_ITEM, name=lambda e: f"Evidence on {_checklist_item(e.response)}"
)
register_record_namer(
    "checklists.itemcomment", related=_ON_ITEM, name=lambda c: f"Comment on {_checklist_item(c.response)}"
)
register_record_namer(
    "checklists.itemreview", related=_ON_ITEM, name=lambda r: f"Review of {_checklist_item(r.response)}"
)
register_record_namer(
    "checklists.projectchecklist",
    related=("version", "project"),
    name=lambda c: f"Checklist {_quote(c.version.name)} — {c.project.name}",
)
register_record_namer(
    "risks.riskregister", related=("project",), name=lambda r: f"Risk register settings — {r.project.name}"
)
register_record_namer("risks.risk", related=("project",), name=lambda r: f"Risk {r.display_code} {_quote(r.title)}")
register_record_namer(
    "risks.riskreview", related=("risk__project",), name=lambda r: f"Review of risk {r.risk.display_code}"
)
register_record_namer(
    "risks.riskacceptance",
    related=("risk__project",),
    name=lambda a: f"Acceptance of risk {a.risk.display_code} until {a.expires_on:%Y-%m-%d}",
)
register_record_namer(
    "risks.riskacceptanceproposal",
    related=("risk__project",),
    name=lambda p: f"Acceptance proposal for risk {p.risk.display_code} until {p.expires_on:%Y-%m-%d}",
)
register_record_namer(
    "deliverables.projectdeliverable",
    related=("deliverable", "project"),
    name=lambda d: f"Deliverable {_quote(d.deliverable.name)} — {d.project.name}",
)
register_record_namer("signoffs.signoffrequest", name=lambda r: f"Sign-off request {_quote(r.title)}")
register_record_namer(
    "signoffs.approver", related=("request", "user"), name=lambda a: f"Approver {a} of {_quote(a.request.title)}"
)
register_record_namer(
    "signoffs.signoffevent",
    related=("request", "actor"),
    name=lambda e: f"{e.get_kind_display()} by {e.actor or 'the portal'}: sign-off {_quote(e.request.title)}",
)
register_record_namer(
    "gates.gate", related=("project",), name=lambda g: f"{g.get_stage_display()} gate — {g.project.name}"
)
register_record_namer(
    "gates.gateevent",
    related=("gate__project",),
    name=lambda e: f"{e.get_kind_display()}: {e.gate.get_stage_display()} gate — {e.gate.project.name}",
)
register_record_namer(
    "projects.membership",
    related=("user", "project"),
    name=lambda m: f"Membership: {m.user} as {m.get_role_display()} — {m.project.name}",
)


def _default_namer(model) -> RecordNamer:
    """The model's verbose name and its __str__, with its forward foreign keys joined so that
    a __str__ reading one of them costs no query per entry."""
    related = tuple(
        field.name
        for field in model._meta.concrete_fields
        if field.many_to_one and field.related_model is not None and field.related_model is not model
    )
    return RecordNamer(related=related, name=lambda obj: f"{capfirst(model._meta.verbose_name)}: {obj}")


def attach_record_names(entries, *, project: Project | None = None) -> list:
    """Give each entry `record_name` (as people read it) and `project` (a Project or None).

    One query per record type present and one for the projects (none when every entry is of
    the one `project` given), whatever the number of entries.
    """
    entries = list(entries)
    by_model: dict[type, set] = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        if model is not None and entry.action != entry.Action.DELETE:
            by_model[model].add(entry.object_pk)
    names: dict[tuple[type, str], str] = {}
    for model, pks in by_model.items():
        namer = _namers.get(model._meta.label_lower) or _default_namer(model)
        pk_field = model._meta.pk
        try:
            wanted = [pk_field.to_python(pk) for pk in pks]
        except ValidationError:
            continue
        for obj in model._base_manager.select_related(*namer.related).filter(pk__in=wanted):
            names[(model, str(obj.pk))] = namer.name(obj)
    project_ids = {entry.project_id for entry in entries if entry.project_id}
    if project is not None and project_ids <= {project.pk}:
        projects = {project.pk: project}
    else:
        projects = Project.objects.only("id", "name", "slug", "key").in_bulk(project_ids)
    for entry in entries:
        model = entry.content_type.model_class()
        entry.record_name = names.get((model, str(entry.object_pk))) or entry.object_repr
        entry.record_gone = (model, str(entry.object_pk)) not in names
        entry.project = projects.get(entry.project_id)
    return entries
