"""Due dates: the one clock every page, export and reminder reads, and the one overdue rule.

A due date is a calendar date in the organisation's time zone (a setting, UTC by default).  An
assignment is overdue once that zone's today is after its due date and it is not done
(``assignment_done`` in ``persistence/queries.py`` says what done means).  ``past_due`` is
written with a plain comparison so that the same function serves Python dates and SQL columns:
``past_due(Assignment.due_on, today)`` is the SQL condition the dashboards filter on.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .errors import InvalidInput

DEFAULT_TIME_ZONE = "UTC"


def check_time_zone(name: str | None, *, field: str = "time_zone") -> str:
    """A valid IANA time-zone name (``Europe/London``), else InvalidInput."""
    name = (name or "").strip()
    if name == DEFAULT_TIME_ZONE:
        return name
    if not name or name not in _zones():
        raise InvalidInput(f"Unknown time zone '{name}'; use a name such as Europe/London or UTC.", field=field)
    return name


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def time_zone_names() -> list[str]:
    """Every known time-zone name, UTC first, the rest sorted (for a select box)."""
    return [DEFAULT_TIME_ZONE, *sorted(_zones() - {DEFAULT_TIME_ZONE})]


def today_in(time_zone: str | None, now: datetime | None = None) -> date:
    """The calendar date in ``time_zone`` at ``now`` (an aware datetime; the current time by default)."""
    now = now or datetime.now(UTC)
    return now.astimezone(_zone(time_zone)).date()


def _zone(time_zone: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(time_zone or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def day_starts_at(day: date, time_zone: str | None) -> datetime:
    """The instant (aware, UTC) at which ``day`` begins in ``time_zone``: the bound of a date-range filter."""
    return datetime(day.year, day.month, day.day, tzinfo=_zone(time_zone)).astimezone(UTC)


def local_time(moment: datetime, time_zone: str | None) -> datetime:
    """An aware instant as the wall-clock time in ``time_zone`` (naive ones are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_zone(time_zone))


MAX_DAYS_AFTER_START = 3650


def due_after_start(start: date, days: int) -> date:
    """A relative due date resolved for one person: ``days`` after the day they start ("14 days after starting")."""
    return start + timedelta(days=days)


def past_due(due_on: Any, today: Any) -> Any:
    """Whether the due date has passed on ``today``: a bool for dates, an SQL condition for columns."""
    return due_on < today


def is_overdue(due_on: date, today: date, done: bool) -> bool:
    """An assignment not done whose due date has passed."""
    return not done and bool(past_due(due_on, today))


DUE_SOON_DAYS = 3
REMINDER_KINDS = ("due_soon", "due_today", "overdue")


def reminder_kind(due_on: date, today: date, *, soon_days: int = DUE_SOON_DAYS) -> str | None:
    """Which reminder an assignment not done calls for on ``today``: due_soon (within 3 days), due_today, overdue, or None."""
    if past_due(due_on, today):
        return "overdue"
    days = (due_on - today).days
    if days == 0:
        return "due_today"
    if days <= soon_days:
        return "due_soon"
    return None


def local_now(now: datetime, *zones: str | None) -> datetime:
    """``now`` in the first valid zone of ``zones`` (a person's own, then the organisation's), else UTC."""
    for name in zones:
        if not name:
            continue
        try:
            return now.astimezone(ZoneInfo(name))
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return now.astimezone(UTC)
