"""Human-readable change rows for audit entries, resolved in bulk.

auditlog stores raw values (foreign keys as ids, choices as keys). Resolving
them entry by entry costs a query per row; this resolves a whole page at once:
one query per related model, whatever the number of entries.
"""

from collections import defaultdict

from django.core.exceptions import FieldDoesNotExist

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
