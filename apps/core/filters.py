"""Filter building blocks shared by every list page and list endpoint (django-filter)."""

from collections.abc import Mapping, Sequence

import django_filters
from django.db.models import F, OrderBy


def _descending(ordering):
    """The reverse of one ordering term; NULLs stay where the ascending term puts them."""
    if isinstance(ordering, str):
        return ordering[1:] if ordering.startswith("-") else f"-{ordering}"
    if isinstance(ordering, OrderBy):
        return OrderBy(
            ordering.expression,
            descending=not ordering.descending,
            nulls_first=ordering.nulls_first,
            nulls_last=ordering.nulls_last,
        )
    return ordering.desc() if hasattr(ordering, "desc") else F(ordering).desc()


class SortFilter(django_filters.OrderingFilter):
    """The sort parameter of a list (`?sort=residual`, `?sort=-due`), kept in the URL like every filter.

    `sorts` maps each key to (label, ordering terms: field names or expressions);
    "-key" sorts descending. With no sort given the list sorts by `default`; every
    ordering ends with `tiebreak`, so pages are stable.
    """

    def __init__(self, *args, sorts: Mapping[str, tuple[str, Sequence]], default: str, tiebreak=(), **kwargs):
        self.sorts = {key: tuple(terms) for key, (_, terms) in sorts.items()}
        self.default = default
        self.tiebreak = tuple(tiebreak)
        kwargs.setdefault("label", "Sort by")
        kwargs.setdefault("empty_label", None)
        super().__init__(
            *args,
            fields=[(key, key) for key in sorts],
            field_labels={key: label for key, (label, _) in sorts.items()},
            **kwargs,
        )

    def ordering(self, params) -> list:
        terms = []
        for param in [p for p in params or () if p] or [self.default]:
            descending = param.startswith("-")
            for term in self.sorts.get(param.lstrip("-"), ()):
                terms.append(_descending(term) if descending else term)
        return terms + list(self.tiebreak)

    def filter(self, qs, value):
        return qs.order_by(*self.ordering(value))
