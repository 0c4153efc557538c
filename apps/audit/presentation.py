"""Human-readable change rows for audit entries, resolved in bulk.

auditlog stores raw values (foreign keys as ids, choices as keys). Resolving
them entry by entry costs a query per row; this resolves a whole page at once:
one query per related model, whatever the number of entries.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
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


class _Fields:
    """Each (model, field name) of a page looked up once, with its label as a plain string:
    a page repeats the same few fields hundreds of times, and each verbose name is a lazy
    translation that would be looked up again on every use."""

    def __init__(self):
        self._seen: dict[tuple[type | None, str], tuple[Any, str, dict]] = {}

    def __call__(self, model, name) -> tuple[Any, str, dict]:
        """(field or None, label, {choice value: label})."""
        key = (model, name)
        if key not in self._seen:
            field = _field(model, name)
            label = str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else name
            choices = (
                {value: str(text) for value, text in field.flatchoices} if field is not None and field.choices else {}
            )
            self._seen[key] = (field, label, choices)
        return self._seen[key]


def _foreign_keys_wanted(entries, fields: _Fields, wanted: dict[type, set]) -> None:
    """Add to `wanted` the ids that the entries' changes hold in foreign keys, by related model."""
    for entry in entries:
        model = entry.content_type.model_class()
        for name, values in (entry.changes or {}).items():
            field, _, _ = fields(model, name)
            if field is not None and field.many_to_one and isinstance(values, list):
                wanted[field.related_model] |= {str(v) for v in values if v not in EMPTY}


def _to_pk(model, value):
    """`value` as the model's primary key, or None when it cannot be one (the record is then unknown)."""
    try:
        return model._meta.pk.to_python(value)
    except ValidationError:
        return None


def _load(wanted: dict[type, set], related: dict[type, tuple[str, ...]] | None = None) -> dict[type, dict]:
    """{model: {str(pk): object}} for the wanted ids: one query per model, joined with `related[model]`."""
    loaded: dict[type, dict] = {}
    for model, pks in wanted.items():
        ids = [pk for pk in map(partial(_to_pk, model), pks) if pk is not None]
        queryset = model._base_manager.select_related(*(related or {}).get(model, ())).filter(pk__in=ids).order_by()
        loaded[model] = {str(obj.pk): obj for obj in queryset}
    return loaded


def _collect_joined(obj, path: str, known: dict[type, dict]) -> None:
    """Add the objects that the select_related `path` brought along with `obj` to `known` (no query:
    they are cached on it), without replacing an object already there."""
    for name in path.split("__"):
        obj = getattr(obj, name)
        if obj is None:
            return
        known[type(obj)].setdefault(str(obj.pk), obj)


def _change_rows(entry, fields: _Fields, loaded: dict[type, dict]) -> list[tuple[str, str, str]]:
    model = entry.content_type.model_class()
    rows = []
    for name, values in (entry.changes or {}).items():
        field, label, choices = fields(model, name)
        if isinstance(values, dict):  # many-to-many: {"type": "m2m", "operation": "add"|"delete", "objects"}
            verb = "added" if values.get("operation") == "add" else "removed"
            rows.append((label, "", f"{verb}: {', '.join(values.get('objects', []))}"))
            continue
        before, after = (list(values) + [None, None])[:2]
        rows.append((label, _display(field, choices, before, loaded), _display(field, choices, after, loaded)))
    return rows


def attach_change_rows(entries) -> list:
    """Give each entry `change_rows`: [(field label, before, after)], for display and export."""
    entries, fields, wanted = list(entries), _Fields(), defaultdict(set)
    _foreign_keys_wanted(entries, fields, wanted)
    loaded = _load(wanted)
    for entry in entries:
        entry.change_rows = _change_rows(entry, fields, loaded)
    return entries


def _display(field, choices: dict, value, loaded) -> str:
    if value in EMPTY:
        return ""
    if field is not None and field.many_to_one:
        obj = loaded.get(field.related_model, {}).get(str(value))
        return f"#{value} (deleted)" if obj is None else str(obj)
    if choices:
        return choices.get(value, str(value))
    return str(value)


# --- Naming records as people read them -------------------------------------------------------
#
# An entry's own `object_repr` is frozen at write time and often says little ("ck-01: Done").
# A page names each record afresh, in bulk: one query per record type on the page, whatever the
# number of entries (see `present_entries`). Records deleted since keep their frozen repr.


@dataclass(frozen=True)
class RecordNamer:
    """How to name one model's records: the joins the name needs and the function that builds it."""

    related: tuple[str, ...]
    name: Callable[[Any], str]


_namers: dict[str, RecordNamer] = {}


def _verbose_name_and_str(obj) -> str:
    return f"{capfirst(obj._meta.verbose_name)}: {obj}"


def register_record_namer(
    label: str, *, related: tuple[str, ...] = (), name: Callable[[Any], str] | None = None
) -> None:
    """Name the records of model `label` ("app_label.modelname") in the audit trail.

    Without `name`, a record reads "<verbose name>: <str>" as by default, and `related` declares
    just the joins its __str__ needs (the default joins every forward relation: up to seven
    joins, planned and read for every page, for a name that needs none).

    The audit app declares the names of the portal's own records below by label, so it imports
    no higher app; a new app may call this from its AppConfig.ready() for its own models.
    """
    _namers[label.lower()] = RecordNamer(related=related, name=name or _verbose_name_and_str)


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
# Records named "<verbose name>: <str>" whose __str__ needs fewer joins than every forward relation.
for label, needs in {
    "projects.project": (),
    "raci.raciactivity": (),
    "raci.raciassignment": ("activity",),
    "modelcards.mlmodel": (),
    "modelcards.cardevent": ("model",),
    "cadence.reviewseries": ("project",),
    "incidents.incident": (),
    "incidents.timelineentry": ("incident",),
}.items():
    register_record_namer(label, related=needs)
register_record_namer(
    "projects.membership",
    related=("user", "project"),
    name=lambda m: f"Membership: {m.user} as {m.get_role_display()} — {m.project.name}",
)


def _default_namer(model) -> RecordNamer:
    """The model's verbose name and its __str__, with its forward foreign keys and one-to-one
    fields joined so that a __str__ reading one of them costs no query per entry."""
    related = tuple(
        field.name
        for field in model._meta.concrete_fields
        if (field.many_to_one or field.one_to_one) and field.related_model not in (None, model)
    )
    return RecordNamer(related=related, name=_verbose_name_and_str)


def present_entries(entries, *, project: Project | None = None) -> list:
    """Give each entry `change_rows` (see `attach_change_rows`), `record_name` (as people read it),
    `record_gone` and `project` (a Project or None).

    One query per record type named on the page, with the joins its names need, whatever the
    number of entries. The foreign keys in the changes and the entries' projects are answered from
    what is already in hand (those joins' objects, the actors, the one `project` given) and cost one
    query per other model they point to.
    """
    entries, fields = list(entries), _Fields()
    wanted: dict[type, set] = defaultdict(set)
    named: dict[type, set] = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        if model is not None and entry.action != entry.Action.DELETE:
            named[model].add(entry.object_pk)
        if entry.project_id:
            wanted[Project].add(str(entry.project_id))
    _foreign_keys_wanted(entries, fields, wanted)
    namers = {model: _namers.get(model._meta.label_lower) or _default_namer(model) for model in named}
    for model, pks in named.items():
        wanted[model] |= pks
    # Objects already in hand: the page's project, the entries' actors and record types.
    known: dict[type, dict] = defaultdict(dict)
    if project is not None:
        known[Project][str(project.pk)] = project
    for entry in entries:
        for obj in (entry.actor, entry.content_type):
            if obj is not None:
                known[type(obj)][str(obj.pk)] = obj

    def still_wanted(models) -> dict[type, set]:
        return {model: wanted[model] - known[model].keys() for model in models if wanted[model] - known[model].keys()}

    # The named records first, with the joins their names need; what those joins bring (a RACI
    # assignment's activity, a sign-off event's request) then needs no query of its own.
    named_loaded = _load(still_wanted(named), {m: n.related for m, n in namers.items()})
    for model, objects in named_loaded.items():
        known[model].update(objects)
    for model, objects in named_loaded.items():
        for obj in objects.values():
            for path in namers[model].related:
                _collect_joined(obj, path, known)
    for model, objects in _load(still_wanted(wanted.keys() - named.keys())).items():
        known[model].update(objects)
    names = {
        (model, pk): namers[model].name(known[model][pk])
        for model, pks in named.items()
        for pk in pks & known[model].keys()
    }
    projects = known[Project]
    for entry in entries:
        model = entry.content_type.model_class()
        entry.change_rows = _change_rows(entry, fields, known)
        entry.record_name = names.get((model, str(entry.object_pk))) or entry.object_repr
        entry.record_gone = (model, str(entry.object_pk)) not in names
        entry.project = projects.get(str(entry.project_id))
    return entries
