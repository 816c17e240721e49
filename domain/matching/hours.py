"""Shared working hours of two people in different time zones.

Each person works 09:00-18:00 local time. Their overlap is measured on a reference date
(so daylight saving time is what it is on that day), against the other person's window on
the same local date and on the days either side, since across the date line someone's
Wednesday morning is someone else's Tuesday afternoon. Time zones are IANA names, read with
`zoneinfo` (the `tzdata` package supplies the data where the system has none).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WORK_START = time(9)
WORK_END = time(18)
WORKING_DAY_HOURS = 9.0  # the longest possible overlap


class InvalidTimeZone(ValueError):
    """Not an IANA time zone name."""


@cache
def check_timezone(name: str) -> ZoneInfo:
    """The zone for an IANA name like `Europe/Berlin`; InvalidTimeZone for anything else."""
    if not isinstance(name, str) or not name or len(name) > 64:
        raise InvalidTimeZone(f"not an IANA time zone name: {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidTimeZone(f"not an IANA time zone name: {name!r}") from None


def working_window(zone: str, on: date) -> tuple[datetime, datetime]:
    """The 09:00-18:00 window of a local date in a zone, as UTC datetimes."""
    tz = check_timezone(zone)
    start = datetime.combine(on, WORK_START, tzinfo=tz).astimezone(UTC)
    end = datetime.combine(on, WORK_END, tzinfo=tz).astimezone(UTC)
    return start, end


def overlap_hours(zone_a: str, zone_b: str, on: date) -> float:
    """Hours both people are at work on the reference date (0 to 9)."""
    a_start, a_end = working_window(zone_a, on)
    best = timedelta(0)
    for shift in (-1, 0, 1):
        b_start, b_end = working_window(zone_b, on + timedelta(days=shift))
        best = max(best, min(a_end, b_end) - max(a_start, b_start))
    return best.total_seconds() / 3600
