"""Where fuyuan's clock stands: times are stored in UTC and read in Asia/Shanghai.

A due date is a calendar day in Beijing; a moment is an aware UTC time. This
module is the one place that names the zone, so "today" means the same day in
the engine, the store, the reports and the API.

Example:
    >>> import datetime as dt
    >>> local_today(dt.datetime(2023, 3, 31, 16, 30, tzinfo=dt.UTC))
    datetime.date(2023, 4, 1)
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

__all__ = ["SHANGHAI", "local_today", "utcnow"]

SHANGHAI = ZoneInfo("Asia/Shanghai")
"""The zone every day of the mechanism is counted in (Beijing time, UTC+8, no DST)."""


def utcnow() -> dt.datetime:
    """The current moment, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def local_today(now: dt.datetime | None = None) -> dt.date:
    """The calendar day in Asia/Shanghai at ``now`` (default: the current time)."""
    return (now or utcnow()).astimezone(SHANGHAI).date()
