"""Template helpers of the model-card pages."""

from django import template

from ..formats import card_value_text

register = template.Library()


@register.filter
def card_value(value) -> str:
    """A card value as people read it: text as is, numbers as written, lists and mappings as compact YAML."""
    return card_value_text(value)


@register.filter
def metric_table(form, prefix: str):
    """The (metric, value) bound-field pairs of one metric list of the card form."""
    return form.metric_table(prefix)
