"""The one clock: a due date is a calendar date in the organisation's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from courseware.core.errors import InvalidInput
from courseware.core.schedule import check_time_zone, is_overdue, past_due, time_zone_names, today_in

LATE_EVENING_UTC = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)


def test_today_depends_on_the_zone() -> None:
    assert today_in("UTC", LATE_EVENING_UTC) == date(2026, 11, 30)
    assert today_in("Europe/Paris", LATE_EVENING_UTC) == date(2026, 12, 1)  # 00:30 on the 1st
    assert today_in("America/New_York", LATE_EVENING_UTC) == date(2026, 11, 30)  # 18:30
    assert today_in(None, LATE_EVENING_UTC) == date(2026, 11, 30)
    assert today_in("Not/AZone", LATE_EVENING_UTC) == date(2026, 11, 30)  # a stale setting falls back to UTC


def test_overdue_is_the_day_after_the_due_date() -> None:
    due = date(2026, 11, 30)
    assert not is_overdue(due, date(2026, 11, 30), done=False)  # due today: not yet overdue
    assert is_overdue(due, date(2026, 12, 1), done=False)
    assert not is_overdue(due, date(2026, 12, 1), done=True)
    assert past_due(due, date(2026, 12, 1)) is True


def test_time_zone_names_are_checked() -> None:
    assert check_time_zone(" Europe/London ") == "Europe/London"
    assert check_time_zone("UTC") == "UTC"
    with pytest.raises(InvalidInput, match="Unknown time zone 'Mars/Olympus'") as refused:
        check_time_zone("Mars/Olympus")
    assert refused.value.field == "time_zone"
    names = time_zone_names()
    assert names[0] == "UTC" and "Europe/London" in names and names.count("UTC") == 1
