"""Filter building blocks shared by every list page and list endpoint (django-filter)."""

from collections.abc import Mapping, Sequence

import django_filters
from django.db.models import F, OrderBy
from django_filters.fields import ChoiceField


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
    ordering ends with `tiebreak`, so pages are stable. One key at a time: the
    page's select and column headers set one, and a form field keeps its value.
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
        self.field_class = ChoiceField  # one key, not django-filter's CSV list ("a,-b")

    def ordering(self, param: str | None) -> list:
        """The order_by() terms of one sort key ("residual", "-due"); the default when none is given."""
        param = param or self.default
        descending = param.startswith("-")
        terms = [_descending(term) if descending else term for term in self.sorts.get(param.lstrip("-"), ())]
        return terms + list(self.tiebreak)

    def filter(self, qs, value):
        return qs.order_by(*self.ordering(value))
