import pytest
from django.template.defaultfilters import truncatechars

from apps.core.templatetags.portal_text import clip

COMBINING_ACUTE = "\u0301"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "short",
        "x" * 80,
        "x" * 81,
        "a long before value, " * 10,
        "e" + COMBINING_ACUTE,  # not NFC: comes back composed, as from truncatechars
        ("e" + COMBINING_ACUTE) * 60,  # 120 code points, 60 characters: fits
        ("e" + COMBINING_ACUTE) * 90,
    ],
)
def test_clip_answers_as_truncatechars(text):
    assert clip(text, 80) == truncatechars(text, 80)


def test_clip_takes_what_truncatechars_takes():
    assert clip(None, 10) == truncatechars(None, 10) == "None"
    assert clip(12345, 3) == truncatechars(12345, 3)
    assert clip("x" * 20, "10") == truncatechars("x" * 20, "10")  # a length given as text
    assert clip("x" * 20, "ten") == truncatechars("x" * 20, "ten") == "x" * 20
