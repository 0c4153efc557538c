"""Recurrence rules: RFC 5545 RRULE text, stored as written and expanded with dateutil.

A series keeps its rule (``FREQ=MONTHLY;INTERVAL=3;...``) and its start date; dates
are computed from them when needed, never stored in advance. Rules come from
people and from the API, so they are bounded before dateutil sees them: short,
no DTSTART of their own, and no frequency finer than weekly (a secondly rule would
expand to millions of dates).
"""

import datetime
import functools
import re

from dateutil.rrule import rrule, rrulestr
from django.core.exceptions import ValidationError

from apps.core.cadence import cadence_rrule

from .choices import KIND_CADENCE

MAX_RULE_LENGTH = 200
ALLOWED_FREQUENCIES = {"WEEKLY", "MONTHLY", "YEARLY"}
# Bounds an expansion even when a range is wide: a weekly rule over ten years is ~520 dates.
MAX_DATES = 1000
_RULE_SHAPE = re.compile(r"^[A-Z]+=[A-Z0-9,+\-]+(;[A-Z]+=[A-Z0-9,+\-]+)*$")


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time())


def rule_text(recurrence: rrule) -> str:
    """The RRULE part of a dateutil rule, without its DTSTART line (the series keeps the start)."""
    lines = [line for line in str(recurrence).splitlines() if line.startswith("RRULE:")]
    return lines[0].removeprefix("RRULE:")


def default_rule(kind: str, starts_on: datetime.date) -> str:
    """The platform cadence's rule for a recurring kind; "" for ad hoc (no recurrence)."""
    cadence = KIND_CADENCE.get(kind)
    return rule_text(cadence_rrule(cadence, _midnight(starts_on))) if cadence else ""


def parse_rule(rule: str, starts_on: datetime.date) -> rrule:
    """A dateutil rule from RRULE text, or ValidationError saying what is wrong with it."""
    text = rule.strip().upper().removeprefix("RRULE:")
    if len(text) > MAX_RULE_LENGTH or not _RULE_SHAPE.match(text):
        raise ValidationError({"rule": "Write an RFC 5545 rule such as FREQ=WEEKLY;BYDAY=MO (at most 200 characters)."})
    parts = dict(part.split("=", 1) for part in text.split(";"))
    if parts.get("FREQ") not in ALLOWED_FREQUENCIES:
        raise ValidationError({"rule": "The frequency must be WEEKLY, MONTHLY or YEARLY."})
    if "DTSTART" in parts:
        raise ValidationError({"rule": "Give the start date separately, not as DTSTART in the rule."})
    try:
        return rrulestr(text, dtstart=_midnight(starts_on))
    except (ValueError, TypeError) as error:
        raise ValidationError({"rule": f"This is not a valid RFC 5545 rule: {error}."}) from error


@functools.lru_cache(maxsize=4096)
def _parsed(rule: str, starts_on: datetime.date) -> rrule:
    """parse_rule, remembered: a page may expand the same few rules for a thousand series (only
    iterated, never changed, so sharing the object is safe)."""
    return parse_rule(rule, starts_on)


def normalise_rule(rule: str, starts_on: datetime.date) -> str:
    """The rule as dateutil writes it back (so equal rules compare equal)."""
    return rule_text(parse_rule(rule, starts_on)) if rule.strip() else ""


def expand(rule: str, starts_on: datetime.date, first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The rule's dates between `first` and `last`, both included (at most MAX_DATES)."""
    if not rule or last < first or starts_on > last:
        return []
    recurrence = _parsed(rule, starts_on)
    dates = []
    for moment in recurrence.xafter(_midnight(max(first, starts_on)), count=MAX_DATES, inc=True):
        if moment.date() > last:
            break
        dates.append(moment.date())
    return dates


def next_date(rule: str, starts_on: datetime.date, after: datetime.date) -> datetime.date | None:
    """The first date of the rule strictly after `after`, or None when the rule has ended."""
    if not rule:
        return None
    moment = parse_rule(rule, starts_on).after(_midnight(max(after, starts_on - datetime.timedelta(days=1))))
    return moment.date() if moment else None
