"""Sign-in throttling: per address, per account-and-address pair, a 429 page with Retry-After, no lock-out everywhere."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from courseware.app import create_app
from courseware.state import state_of
from courseware.web.throttle import backoff_seconds, limiter
from tests.conftest import PASSWORD, make_config, make_user

REDIS_URL = os.environ.get("COURSEWARE_TEST_REDIS_URL")
STORES = ["memory"] + (["redis"] if REDIS_URL else [])
A, B = "203.0.113.7", "198.51.100.9"


@pytest.fixture(params=STORES)
def throttled(request: pytest.FixtureRequest, database_url: str, app: Flask) -> Iterator[Flask]:
    """An app with throttling on (memory storage, or Redis when COURSEWARE_TEST_REDIS_URL is set)."""
    overrides: dict[str, object] = {"RATELIMIT_ENABLED": True}
    if request.param == "redis":
        overrides["REDIS_URL"] = REDIS_URL
    application = create_app(make_config(database_url, **overrides))  # a fresh memory store with each app
    if request.param == "redis":
        limiter.reset()  # the test Redis database starts empty: no counts from an earlier test
    yield application
    state_of(application).engine.dispose()


def client_from(app: Flask, address: str) -> FlaskClient:
    """A test client whose requests come from ``address``."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def sign_in(client: FlaskClient, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/login", data={"email": email, "password": password})


def test_the_21st_attempt_from_one_address_is_refused_and_another_address_still_signs_in(throttled: Flask, db) -> None:  # type: ignore[no-untyped-def]
    make_user(db, "lee@example.com")
    attacker = client_from(throttled, A)
    # 20 wrong passwords, spread over two accounts so that the pair limit (10) is not what stops them.
    for n in range(20):
        response = sign_in(attacker, "lee@example.com" if n % 2 else "kim@example.com", f"guess-{n}")
        assert response.status_code == 200, n
        assert b"do not match an active account" in response.data
    refused = sign_in(attacker, "lee@example.com", "guess-21")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert b"Too many attempts from your address. Wait " in refused.data and b"Error 429" in refused.data
    # Even the right password is refused from that address for now...
    assert sign_in(attacker, "lee@example.com", PASSWORD).status_code == 429
    # ...but the account is not locked: from another address the right password works at once.
    response = sign_in(client_from(throttled, B), "lee@example.com", PASSWORD)
    assert response.status_code == 302 and response.location.endswith("/")
    # GETs are never counted: the sign-in page still shows from the busy address.
    assert attacker.get("/login").status_code == 200


def test_ten_failures_for_one_account_from_one_address_block_that_pair_only(throttled: Flask, db) -> None:  # type: ignore[no-untyped-def]
    make_user(db, "lee@example.com")
    make_user(db, "kim@example.com")
    attacker = client_from(throttled, A)
    for n in range(10):
        assert sign_in(attacker, "Lee@Example.com ", f"guess-{n}").status_code == 200, n
    refused = sign_in(attacker, "lee@example.com", PASSWORD)  # the 11th try for the pair: refused, right or wrong
    assert refused.status_code == 429
    assert 55 <= int(refused.headers["Retry-After"]) <= 60  # the first window: one minute
    assert b"Too many failed attempts for this account from your address. Wait 1 minute" in refused.data
    # The same address may still sign in to another account (11 POSTs so far, under the 20 a minute)...
    assert sign_in(attacker, "kim@example.com", PASSWORD).status_code == 302
    # ...and the same account from another address.
    assert sign_in(client_from(throttled, B), "lee@example.com", PASSWORD).status_code == 302


def test_a_success_clears_the_pair_failures(throttled: Flask, db) -> None:  # type: ignore[no-untyped-def]
    make_user(db, "lee@example.com")
    person = client_from(throttled, A)
    for n in range(9):
        assert sign_in(person, "lee@example.com", f"typo-{n}").status_code == 200
    assert sign_in(person, "lee@example.com", PASSWORD).status_code == 302
    person.post("/logout")
    for n in range(9):  # nine more typos: the count started again after the success
        assert sign_in(person, "lee@example.com", f"typo-again-{n}").status_code == 200, n


def test_the_refusal_window_doubles_up_to_fifteen_minutes(database_url: str, app: Flask, db,  # type: ignore[no-untyped-def]
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """On the memory store, with its clock moved on by hand (Redis keeps its own clock)."""
    throttled = create_app(make_config(database_url, RATELIMIT_ENABLED=True))
    make_user(db, "lee@example.com")
    attacker = client_from(throttled, A)
    clock = [time.time()]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    for n in range(10):
        assert sign_in(attacker, "lee@example.com", f"guess-{n}").status_code == 200
    windows = []
    for _ in range(7):
        refused = sign_in(attacker, "lee@example.com", PASSWORD)
        assert refused.status_code == 429, windows
        windows.append(int(refused.headers["Retry-After"]))
        clock[0] += windows[-1] - 1
        assert sign_in(attacker, "lee@example.com", PASSWORD).status_code == 429  # a second before the end
        clock[0] += 1
        assert sign_in(attacker, "lee@example.com", "one more wrong").status_code == 200  # let through; it fails
    assert windows == [60, 120, 240, 480, 900, 900, 900]
    clock[0] += 900
    assert sign_in(attacker, "lee@example.com", PASSWORD).status_code == 302  # the right one, once the window ends
    state_of(throttled).engine.dispose()


def test_backoff_seconds() -> None:
    assert [backoff_seconds(level, 60, 900) for level in range(1, 8)] == [60, 120, 240, 480, 900, 900, 900]


def test_throttling_is_off_when_disabled(app: Flask, db) -> None:  # type: ignore[no-untyped-def]
    make_user(db, "lee@example.com")
    client = client_from(app, A)
    assert all(sign_in(client, "lee@example.com", f"guess-{n}").status_code == 200 for n in range(25))
    assert sign_in(client, "lee@example.com", PASSWORD).status_code == 302
