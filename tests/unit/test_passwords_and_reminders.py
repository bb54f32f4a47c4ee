"""The new-password rule, which reminder an assignment calls for, and the outbox's retry delays."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from courseware.core.errors import InvalidInput
from courseware.core.passwords import check_new_password, common_passwords
from courseware.core.schedule import local_now, reminder_kind
from courseware.services.outbox import RetryPolicy


@pytest.mark.parametrize("password", ["courseware-demo", "correct-horse-battery", "x" * 12, "pâte à crêpes!"])
def test_long_uncommon_passwords_are_accepted_without_composition_rules(password: str) -> None:
    assert check_new_password(password) == password


@pytest.mark.parametrize(("password", "message"), [
    ("short-pass1", "Use at least 12 characters"),  # 11 characters
    ("", "Use at least 12 characters"),
    ("x" * 201, "Use at most 200 characters"),
    ("qwerty123456", "list of common passwords"),
    ("Password1234", "list of common passwords"),  # the list is compared without regard to case
    ("1q2w3e4r5t6y", "list of common passwords"),
])
def test_short_long_or_common_passwords_are_refused(password: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_new_password(password)
    assert message in str(caught.value) and caught.value.field == "password"


def test_the_email_address_is_refused_and_the_list_is_the_whole_file() -> None:
    with pytest.raises(InvalidInput, match="email address"):
        check_new_password("Lee.Long@example.com", email="lee.long@example.com")
    assert len(common_passwords()) == 19640  # Django's 19,646 lines, six of which differ only in letter case


TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(("due", "kind"), [
    (date(2026, 12, 4), None),  # 4 days away
    (date(2026, 12, 3), "due_soon"),  # 3 days away
    (date(2026, 12, 1), "due_soon"),
    (date(2026, 11, 30), "due_today"),
    (date(2026, 11, 29), "overdue"),  # the day after the due date
    (date(2025, 1, 1), "overdue"),
])
def test_reminder_kind(due: date, kind: str | None) -> None:
    assert reminder_kind(due, TODAY) == kind


def test_local_now_prefers_the_persons_zone_then_the_organisations() -> None:
    now = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)
    assert local_now(now, "Asia/Tokyo", "Europe/London").hour == 8
    assert local_now(now, None, "America/New_York").hour == 18
    assert local_now(now, "Not/AZone", None).hour == 23


def test_retry_delays_double_from_30_seconds_up_to_an_hour() -> None:
    policy = RetryPolicy()
    assert [policy.delay(n).total_seconds() for n in range(1, 10)] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    # Eight tries: the last comes 30+60+...+1920 s = 3810 s (63.5 minutes) after the first.
    assert sum((policy.delay(n) for n in range(1, policy.max_attempts)), timedelta()) == timedelta(seconds=3810)
