"""TEMP stub of the platform's cadence vocabulary (replaced by p-core at merge)."""

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


def cadence_delta(cadence):
    return _DELTAS[cadence]


def next_after(cadence, start, after):
    k = 0
    while True:
        day = start + cadence_delta(cadence) * k
        if day > after:
            return day
        k += 1


def cadence_rrule(cadence, dtstart):
    if cadence == Cadence.WEEKLY:
        return rrule(WEEKLY, dtstart=dtstart)
    days = [d for d in (28, 29, 30, 31) if d <= dtstart.day] or [dtstart.day]
    if dtstart.day < 28:
        days = [dtstart.day]
    interval = {Cadence.MONTHLY: 1, Cadence.QUARTERLY: 3, Cadence.ANNUALLY: 12}[cadence]
    return rrule(MONTHLY, interval=interval, dtstart=dtstart, bymonthday=days, bysetpos=-1 if len(days) > 1 else None)
