"""Template helpers of the risk register."""

from django import template
from django.template.defaultfilters import pluralize
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


@register.simple_tag
def heat_cell(cell, kind: str, cell_base: str, selected):
    """A heat-map cell (scoring.HeatCell): its count, score and band in words; a link filtering the register to it.

    A tag rather than template markup: a page draws 50 cells, and the markup spent some twenty
    template look-ups on each (a tenth of the portfolio page's time, issue 16).
    """
    band = cell.band
    if not cell.count:
        return format_html(
            '<span class="heat-cell is-empty" aria-label="No risks at impact {}, likelihood {} (score {}, {})">'
            '<span class="count">0</span><span class="cell-score" aria-hidden="true">{} · {}</span></span>',
            cell.impact,
            cell.likelihood,
            cell.score,
            band.label,
            cell.score,
            band.label,
        )
    prefix = "residual_" if kind == "residual" else ""
    query = f"{prefix}impact={cell.impact}&{prefix}likelihood={cell.likelihood}"
    is_selected = selected and selected[0] == cell.impact and selected[1] == cell.likelihood
    return format_html(
        '<a class="heat-cell band-{}{}" href="?{}#register" aria-label="{} risk{} with {} impact {} and likelihood {}:'
        ' score {}, {}"><span class="count">{}</span><span class="cell-score" aria-hidden="true">{} · {}</span></a>',
        band.value,
        " is-selected" if is_selected else "",
        f"{cell_base}&{query}" if cell_base else query,
        cell.count,
        pluralize(cell.count),
        kind,
        cell.impact_label,
        cell.likelihood_label,
        cell.score,
        band.label,
        cell.count,
        cell.score,
        band.label,
    )
