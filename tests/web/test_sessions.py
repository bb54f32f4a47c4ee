"""The cookie session's cached decode: the same answers as a fresh decode, its age still enforced, no sharing."""

from __future__ import annotations

import time

from flask import Flask, flash, get_flashed_messages, session
from itsdangerous import URLSafeTimedSerializer

from courseware.web.sessions import CachedCookieSessionInterface


def _app(size: int = 2048) -> Flask:
    app = Flask(__name__)
    app.secret_key = "a-test-secret"
    app.session_interface = CachedCookieSessionInterface(size)

    @app.get("/set/<value>")
    def set_value(value: str) -> str:
        session["value"] = value
        return "ok"

    @app.get("/read")
    def read() -> str:
        return str(session.get("value"))

    @app.get("/flash/<text>")
    def add_flash(text: str) -> str:
        flash(text)
        return "ok"

    @app.get("/flashes")
    def flashes() -> str:
        return ",".join(get_flashed_messages())

    return app


def test_a_cookie_read_twice_gives_the_same_session_and_a_new_value_a_new_cookie() -> None:
    client = _app().test_client()
    client.get("/set/one")
    assert client.get("/read").text == "one"
    assert client.get("/read").text == "one"  # from the cache
    client.get("/set/two")
    assert client.get("/read").text == "two"


def test_a_forged_or_foreign_cookie_is_an_empty_session_every_time() -> None:
    client = _app().test_client()
    forged = URLSafeTimedSerializer("another-secret", salt="cookie-session", signer_kwargs={
        "key_derivation": "hmac", "digest_method": __import__("hashlib").sha1}).dumps({"value": "x"})
    for _ in range(2):
        client.set_cookie("session", forged)
        assert client.get("/read").text == "None"


def test_the_age_limit_holds_for_a_cached_cookie(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    app = _app()
    app.permanent_session_lifetime = 3600
    client = app.test_client()
    client.get("/set/one")
    assert client.get("/read").text == "one"  # now cached
    later = time.time() + 3601  # an hour and a second later the same cookie is too old
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get("/read").text == "None"


def test_flashes_are_not_shared_between_requests_that_send_the_same_cookie() -> None:
    client = _app().test_client()
    client.get("/flash/first")
    cookie = client.get_cookie("session")
    assert cookie is not None
    client.get("/flash/second")  # appends to this request's copy of the list, never the cached one
    client.set_cookie("session", cookie.value)
    assert client.get("/flashes").text == "first"


def test_the_cache_keeps_at_most_its_size() -> None:
    app = _app(size=2)
    client = app.test_client()
    for value in ("a", "b", "c"):
        client.get(f"/set/{value}")
        client.get("/read")
    interface = app.session_interface
    assert isinstance(interface, CachedCookieSessionInterface)
    assert len(interface._decoded) == 2
