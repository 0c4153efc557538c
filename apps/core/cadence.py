"""The portal's one cadence vocabulary and its calendar arithmetic (python-dateutil).

A month is a calendar month everywhere: 31 January + 1 month = 28 (or 29) February,
and occurrences are counted from the start (start + k × cadence), so a monthly
series that starts on the 31st returns to the 31st whenever a month has one.
"""

import datetime

from dateutil.relativedelta import relativedelta
from dateutil.rrule import MONTHLY, WEEKLY, YEARLY, rrule
from django.db import models


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUALLY = "annually", "Annually"


_DELTAS = {
    Cadence.WEEKLY: relativedelta(weeks=1),
    Cadence.MONTHLY: relativedelta(months=1),
    Cadence.QUARTERLY: relativedelta(months=3),
    Cadence.ANNUALLY: relativedelta(years=1),
}
# rrule frequency and interval of each cadence
_RULES = {
    Cadence.WEEKLY: (WEEKLY, 1),
    Cadence.MONTHLY: (MONTHLY, 1),
    Cadence.QUARTERLY: (MONTHLY, 3),
    Cadence.ANNUALLY: (YEARLY, 1),
}


def cadence_delta(cadence) -> relativedelta:
    """One step of the cadence; `ValueError` for anything that is not a Cadence."""
    return _DELTAS[Cadence(cadence)]


def next_after(cadence, start: datetime.date, after: datetime.date) -> datetime.date:
    """The first occurrence of `start + k × cadence` (k = 0, 1, ...) strictly after `after`."""
    if start > after:
        return start
    delta = cadence_delta(cadence)
    if Cadence(cadence) == Cadence.WEEKLY:
        steps = (after - start).days // 7
    else:
        months_per_step = delta.years * 12 + delta.months
        steps = ((after.year - start.year) * 12 + after.month - start.month) // months_per_step
    # `steps` lands on or just before `after`; at most one more step is needed.
    while start + delta * steps <= after:
        steps += 1
    return start + delta * steps


def cadence_rrule(cadence, dtstart) -> rrule:
    """The occurrences as a dateutil rrule (datetimes; a date starts at midnight), equal to `start + k × cadence`.

    A plain RFC 5545 monthly rule skips months that lack the start's day (a series
    on the 31st has no February); here such a month takes its last day instead,
    as `cadence_delta` does.
    """
    if not isinstance(dtstart, datetime.datetime):
        dtstart = datetime.datetime.combine(dtstart, datetime.time())
    freq, interval = _RULES[Cadence(cadence)]
    if freq == WEEKLY or dtstart.day <= 28:
        return rrule(freq, interval=interval, dtstart=dtstart)
    # The largest of 28..day that the month has: the day itself, or the month's last day.
    clamp = {"bymonthday": tuple(range(28, dtstart.day + 1)), "bysetpos": -1}
    if freq == YEARLY:
        clamp["bymonth"] = dtstart.month
    return rrule(freq, interval=interval, dtstart=dtstart, **clamp)
