"""How an outbox row becomes an e-mail: the one place that makes portal links absolute."""

import re

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

# Line breaks of every kind (CR, LF, VT, FF, NEL, LS, PS) and other control characters.
_HEADER_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")
SUBJECT_MAX_LENGTH = 250


def clean_header(text: str, *, max_length: int = SUBJECT_MAX_LENGTH) -> str:
    """`text` made safe for a mail header: no line break or control character, one line, bounded."""
    one_line = " ".join(_HEADER_BREAKS.sub(" ", str(text)).split())
    return one_line[: max_length - 1] + "…" if len(one_line) > max_length else one_line


def absolute_url(path: str) -> str:
    """A portal path as a link that works from an e-mail, on the configured PORTAL_BASE_URL."""
    if not path:
        return ""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}/{path.lstrip('/')}"


def render_email(notification) -> tuple[str, str]:
    """(subject, text body) of the e-mail for `notification`."""
    body = render_to_string(
        "notifications/email/message.txt",
        {
            "notification": notification,
            "link": absolute_url(notification.url),
            "preferences_link": absolute_url(reverse("notifications:preferences")),
        },
    )
    return clean_header(notification.subject), body
