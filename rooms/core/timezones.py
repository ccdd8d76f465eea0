"""Time zones by IANA name, and the conversions the programme needs."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

from rooms.core.errors import Invalid


@functools.cache
def _known() -> frozenset[str]:
    # Computed once: it walks the tz database.
    return frozenset(zoneinfo.available_timezones())


def zone(name: str, field: str = "timezone") -> zoneinfo.ZoneInfo:
    if name not in _known():
        raise Invalid(code="invalid-timezone",
                      message=f"Unknown time zone {name!r}; use an IANA name like Europe/Amsterdam.", field=field)
    return zoneinfo.ZoneInfo(name)


def aware_utc(value: dt.datetime, field: str) -> dt.datetime:
    """Times enter the domain with an offset and are kept in UTC."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise Invalid(code="naive-datetime", message="A time needs a UTC offset, e.g. 2026-06-15T17:00:00Z.",
                      field=field)
    return value.astimezone(dt.UTC)


def local_date(value: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.date:
    return value.astimezone(tz).date()
