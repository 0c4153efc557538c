"""Recurrence rules: stored as RFC 5545 text, expanded with dateutil, bounded against hostile input."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.cadence import rules
from apps.cadence.choices import KIND_CADENCE, ReviewKind
from apps.core.cadence import next_after

D = datetime.date


@pytest.mark.parametrize("rule", ["FREQ=SECONDLY", "FREQ=DAILY", "FREQ=WEEKLY;DTSTART=20260101", "x" * 300, "<b>"])
def test_rule_outside_the_allowed_shape_is_refused(rule):
    with pytest.raises(ValidationError):
        rules.parse_rule(rule, D(2026, 1, 1))


def test_weekly_rule_expands_on_its_weekday():
    assert rules.expand("FREQ=WEEKLY;BYDAY=MO", D(2026, 11, 29), D(2026, 11, 1), D(2026, 12, 14)) == [
        D(2026, 11, 30),
        D(2026, 12, 7),
        D(2026, 12, 14),
    ]


@pytest.mark.parametrize("kind", [ReviewKind.MONTHLY, ReviewKind.QUARTERLY])
@pytest.mark.parametrize("anchor", [D(2026, 1, 31), D(2026, 8, 31), D(2026, 11, 29), D(2027, 5, 30), D(2026, 3, 15)])
def test_default_rule_keeps_calendar_months_at_month_end(kind, anchor):
    """The default rule gives start + k calendar months (clamped), as the platform cadence does."""
    rule = rules.default_rule(kind, anchor)
    dates = rules.expand(rule, anchor, anchor, anchor + datetime.timedelta(days=800))
    expected, day = [anchor], anchor
    while True:
        day = next_after(KIND_CADENCE[kind], anchor, day)
        if day > dates[-1]:
            break
        expected.append(day)
    assert dates == expected


def test_ad_hoc_has_no_rule():
    assert rules.default_rule(ReviewKind.AD_HOC, D(2026, 1, 1)) == ""
    assert rules.expand("", D(2026, 1, 1), D(2026, 1, 1), D(2027, 1, 1)) == []


def test_expansion_is_bounded():
    dates = rules.expand("FREQ=WEEKLY", D(2000, 1, 3), D(2000, 1, 1), D(2100, 1, 1))
    assert len(dates) == rules.MAX_DATES
