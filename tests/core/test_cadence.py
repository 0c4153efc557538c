"""One cadence vocabulary (apps.core.cadence): a month is a calendar month everywhere."""

import datetime
from itertools import islice

import pytest
from dateutil.relativedelta import relativedelta

from apps.core.cadence import Cadence, cadence_delta, cadence_rrule, next_after

D = datetime.date


@pytest.mark.parametrize(
    ("cadence", "start", "expected"),
    [
        (Cadence.WEEKLY, D(2026, 12, 29), D(2027, 1, 5)),
        (Cadence.MONTHLY, D(2026, 1, 31), D(2026, 2, 28)),
        (Cadence.MONTHLY, D(2028, 1, 31), D(2028, 2, 29)),
        (Cadence.MONTHLY, D(2026, 3, 31), D(2026, 4, 30)),
        (Cadence.QUARTERLY, D(2026, 11, 30), D(2027, 2, 28)),
        (Cadence.ANNUALLY, D(2028, 2, 29), D(2029, 2, 28)),
    ],
)
def test_one_step_is_a_calendar_step(cadence, start, expected):
    assert start + cadence_delta(cadence) == expected


def test_the_vocabulary_and_its_values():
    assert Cadence.values == ["weekly", "monthly", "quarterly", "annually"]
    assert cadence_delta("monthly") == relativedelta(months=1)
    with pytest.raises(ValueError):
        cadence_delta("fortnightly")


@pytest.mark.parametrize(
    ("cadence", "start", "after", "expected"),
    [
        (Cadence.MONTHLY, D(2026, 1, 31), D(2026, 1, 31), D(2026, 2, 28)),
        (Cadence.MONTHLY, D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31)),  # back to the 31st, no drift
        (Cadence.MONTHLY, D(2026, 1, 31), D(2026, 3, 15), D(2026, 3, 31)),
        (Cadence.MONTHLY, D(2026, 5, 10), D(2026, 1, 1), D(2026, 5, 10)),  # not started yet: the start
        (Cadence.WEEKLY, D(2026, 11, 2), D(2026, 11, 29), D(2026, 11, 30)),
        (Cadence.WEEKLY, D(2026, 11, 2), D(2026, 11, 30), D(2026, 12, 7)),
        (Cadence.QUARTERLY, D(2026, 1, 15), D(2026, 11, 29), D(2027, 1, 15)),
        (Cadence.QUARTERLY, D(2025, 11, 30), D(2026, 2, 27), D(2026, 2, 28)),
        (Cadence.ANNUALLY, D(2024, 2, 29), D(2026, 11, 29), D(2027, 2, 28)),
        (Cadence.ANNUALLY, D(2024, 2, 29), D(2027, 3, 1), D(2028, 2, 29)),
    ],
)
def test_next_after_counts_from_the_start_strictly_after(cadence, start, after, expected):
    assert next_after(cadence, start, after) == expected


@pytest.mark.parametrize("cadence", Cadence.values)
@pytest.mark.parametrize(
    "start", [D(2026, 1, 31), D(2026, 1, 30), D(2026, 1, 29), D(2024, 2, 29), D(2026, 11, 30), D(2026, 6, 15)]
)
def test_the_rrule_and_next_after_agree_with_start_plus_k_steps(cadence, start):
    delta = cadence_delta(cadence)
    expected = [start + delta * k for k in range(30)]
    occurrences = [moment.date() for moment in islice(cadence_rrule(cadence, start), 30)]
    assert occurrences == expected
    for previous, following in zip(expected, expected[1:], strict=False):
        assert next_after(cadence, start, previous) == following
        assert next_after(cadence, start, following - datetime.timedelta(days=1)) == following
