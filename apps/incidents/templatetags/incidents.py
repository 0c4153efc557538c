"""Template filters of the incident pages."""

import datetime

from django import template

register = template.Library()


@register.filter
def duration_words(span: datetime.timedelta | None) -> str:
    """1 h 05 min, 12 min, 45 s, 2 d 3 h: durations as the incident pages show them."""
    if not isinstance(span, datetime.timedelta):
        return ""
    seconds = int(span.total_seconds())
    if seconds < 60:
        return f"{seconds} s"
    minutes, _ = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"
