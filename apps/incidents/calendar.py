"""Business days for review deadlines: weekends and a configurable holiday calendar skipped.

The calendar comes from settings (decision 0012): INCIDENT_HOLIDAY_COUNTRY (ISO code; empty for
weekends only), INCIDENT_HOLIDAY_SUBDIVISION and INCIDENT_EXTRA_HOLIDAYS (ISO dates of company days off).
"""

import datetime
from functools import lru_cache

import holidays
from django.conf import settings


@lru_cache(maxsize=16)
def _calendar(country: str, subdivision: str, extra: tuple[str, ...]) -> holidays.HolidayBase:
    calendar = holidays.country_holidays(country, subdiv=subdivision or None) if country else holidays.HolidayBase()
    calendar.update({datetime.date.fromisoformat(day): "Company holiday" for day in extra})
    return calendar


def holiday_calendar() -> holidays.HolidayBase:
    return _calendar(
        getattr(settings, "INCIDENT_HOLIDAY_COUNTRY", ""),
        getattr(settings, "INCIDENT_HOLIDAY_SUBDIVISION", ""),
        tuple(getattr(settings, "INCIDENT_EXTRA_HOLIDAYS", ())),
    )


def is_business_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in holiday_calendar()


def add_business_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` business days after `start` (`start` itself does not count)."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_business_day(day):
            remaining -= 1
    return day
