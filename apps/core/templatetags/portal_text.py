"""Text filters shared by the portal's templates."""

import unicodedata

from django import template
from django.template.defaultfilters import stringfilter
from django.utils.text import Truncator

register = template.Library()


@register.filter(is_safe=True)
@stringfilter
def clip(value: str, length: int | str) -> str:
    """Django's `truncatechars`, without its cost for text that already fits.

    Truncator looks up its ellipsis in the translation catalogue and walks the text on every
    call; a page of audit entries calls it for every before and after value (hundreds a page),
    and most of them are short. Text of at most `length` characters cannot be cut (combining
    characters count for nothing), so it comes back as Truncator would return it: NFC-normalised.
    """
    try:
        length = int(length)
    except ValueError:
        return value  # as truncatechars: fail silently
    if len(value) <= length:
        return unicodedata.normalize("NFC", value)
    return Truncator(value).chars(length)
