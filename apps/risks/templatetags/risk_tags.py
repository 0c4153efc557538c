"""Template helpers of the risk register."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def score_badge(score, band):
    """A score with its band's colour and name (the band is never only a colour).

    A tag rather than an included template: the register renders two per row.
    """
    return format_html(
        '<span class="score-badge band-{}" title="{} band">{} <span class="band-word">{}</span></span>',
        band.value,
        band.label,
        score,
        band.label,
    )
