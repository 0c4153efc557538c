"""The grid's cell options: sixteen per cell and 370 cells a matrix, so built once per value, not per cell."""

from functools import cache

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from ..choices import CELL_VALUES

register = template.Library()


@cache
def _options(selected: str) -> SafeString:
    # An option without a value attribute submits its text: only the empty cell needs one.
    empty = format_html('<option value=""{}>—</option>', " selected" if not selected else "")
    return empty + format_html_join(
        "", "<option{}>{}</option>", ((" selected" if value == selected else "", value) for value in CELL_VALUES[1:])
    )


@register.simple_tag
def raci_options(letters: str) -> SafeString:
    """The <option>s of a cell's select, `letters` selected."""
    return _options(letters or "")


@register.filter
def raci_tone(letters: str) -> str:
    """The letter that colours a cell: A when present (it matters most), else the first letter."""
    if not letters:
        return ""
    return "A" if "A" in letters else letters[0]
