"""Searchable drop-downs whose choices load on demand (a portfolio has a thousand projects).

A filter page renders a lazy field as a search box and a `<select>` holding only
"All" and the chosen value; static/js/lazy-choices.js asks the page's choices
endpoint (`?field=project&q=cred`) for the first matches as the person types.
The FilterSet still validates what is submitted against its own queryset, so a
value typed into the URL by hand is checked the same way.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404, JsonResponse

LIMIT = 20


@dataclass(frozen=True)
class LazyField:
    """One lazily loaded choice field: where to search, what is submitted, what is shown."""

    search: tuple[str, ...]  # lookups searched with icontains, e.g. ("name", "key")
    value: Callable = lambda obj: obj.pk  # noqa: E731 - the submitted value (a pk, or a slug)
    label: Callable = str  # noqa: E731
    order: tuple[str, ...] = ()


# The two lazy fields of the portfolio pages: a project given by its slug, and a person.
PROJECT_BY_SLUG = LazyField(search=("name", "key"), value=lambda p: p.slug, label=lambda p: p.name, order=("name",))
PERSON = LazyField(
    search=("first_name", "last_name", "username"),
    label=lambda person: person.display_name,
    order=("first_name", "last_name", "username"),
)


def lazy_matches(queryset: QuerySet, field: LazyField, q: str, *, limit: int = LIMIT) -> list[dict]:
    """The first `limit` objects of `queryset` matching every word of `q`, as {value, label}."""
    for word in q.split()[:5]:
        condition = Q()
        for lookup in field.search:
            condition |= Q(**{f"{lookup}__icontains": word})
        queryset = queryset.filter(condition)
    if field.order:
        queryset = queryset.order_by(*field.order)
    return [{"value": str(field.value(obj)), "label": field.label(obj)} for obj in queryset[:limit]]


def lazy_choices_response(request, filterset, fields: dict[str, LazyField]) -> JsonResponse:
    """GET ?field=<name>&q=<text>: the matching choices of one of the FilterSet's lazy fields."""
    name = request.GET.get("field", "")
    if name not in fields or name not in filterset.filters:  # a project's register has no project filter
        raise Http404("No such choice list.")
    q = request.GET.get("q", "")[:100]
    # The form field's queryset: a filter's own may be a callable of the request, resolved there.
    return JsonResponse({"results": lazy_matches(filterset.form.fields[name].queryset, fields[name], q)})


def lazy_fields(filterset, fields: dict[str, LazyField]) -> list[dict]:
    """Per lazy field of the form: the bound field and the chosen object's value and label (or empty)."""
    data = filterset.form.cleaned_data if filterset.form.is_valid() else {}
    rows = []
    for name, field in fields.items():
        if name not in filterset.form.fields:
            continue
        chosen = data.get(name)
        selected = {"value": str(field.value(chosen)), "label": field.label(chosen)} if chosen else {}
        rows.append({"field": filterset.form[name], "selected": selected})
    return rows
