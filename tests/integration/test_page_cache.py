"""Cached pages are never another person's and never older than the last committed write — across two app
instances on one database (as two app servers behind a load balancer), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from courseware.app import create_app
from courseware.persistence.db import make_session_factory
from courseware.services import accounts, cohorts
from courseware.state import state_of
from courseware.web.page_cache import PageCache, PlaceholderUser, page_cache
from tests.conftest import PASSWORD, make_config, make_user

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _app(database_url: str, tmp_path: Path, name: str) -> Flask:
    return create_app(make_config(database_url, WTF_CSRF_ENABLED=True, JOBS_FILE=str(tmp_path / f"{name}.sqlite3"),
                                  MAIL_DIR=str(tmp_path / "mail")))


@pytest.fixture
def pair(app: Flask, database_url: str, tmp_path: Path) -> Iterator[tuple[Flask, Flask]]:
    """Two app instances on the same database, each with its own page cache; CSRF checked as in production."""
    first, second = _app(database_url, tmp_path, "one"), _app(database_url, tmp_path, "two")
    yield first, second
    for instance in (first, second):
        state_of(instance).engine.dispose()


@pytest.fixture
def people(app: Flask) -> dict[str, int]:
    session = make_session_factory(state_of(app).engine)()
    try:
        ann = make_user(session, "ann@example.com", name="Ann Alpha")
        bob = make_user(session, "bob@example.com", name="Bob <Beta>")
        mentor = make_user(session, "mia@example.com", roles=("mentor",), name="Mia Mentor")
        for learner in (ann, bob):
            cohorts.assign_mentor(session, mentor, learner)
        session.commit()
        return {"ann": ann.id, "bob": bob.id, "mentor": mentor.id}
    finally:
        session.close()


def signed_in(instance: Flask, email: str) -> FlaskClient:
    client = instance.test_client()
    page = client.get("/login").data.decode()
    response = client.post("/login", data={"email": email, "password": PASSWORD,
                                           "csrf_token": TOKEN.search(page).group(1)})  # type: ignore[union-attr]
    assert response.status_code == 302, response.data
    return client


def token(page: str) -> str:
    found = TOKEN.search(page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def test_a_shared_lesson_page_carries_each_reader_s_own_name_and_token(pair: tuple[Flask, Flask], people) -> None:  # type: ignore[no-untyped-def]
    one, _ = pair
    ann, bob = signed_in(one, "ann@example.com"), signed_in(one, "bob@example.com")
    first = ann.get("/modules/intro").data.decode()
    cache = page_cache(one)
    hits = cache.hits
    second = bob.get("/modules/intro").data.decode()
    assert cache.hits == hits + 1  # the same module in the same state: Bob got Ann's rendering, filled in for him
    assert "Ann Alpha" in first and "Bob" not in first
    assert "Bob &lt;Beta&gt;" in second and "Ann" not in second and "<Beta>" not in second  # escaped as Jinja would
    assert "bob@example.com" in second and "ann@example.com" not in second
    assert token(first) != token(second)
    # Bob's token is his own: his form posts; Ann's token in Bob's session is refused.
    assert bob.post("/modules/intro/complete", data={"csrf_token": token(first)}).status_code == 400
    assert bob.post("/modules/intro/complete", data={"csrf_token": token(second)}).status_code == 302


def test_a_signed_csrf_token_is_reused_only_within_its_own_session_and_still_validates(
        pair: tuple[Flask, Flask], people, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from courseware.web import page_cache as module

    one, _ = pair
    ann, bob = signed_in(one, "ann@example.com"), signed_in(one, "bob@example.com")
    clock = [1000.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: clock[0])
    signed: list[str] = []
    real = module.generate_csrf

    def counting() -> str:
        signed.append(real())
        return signed[-1]

    monkeypatch.setattr(module, "generate_csrf", counting)
    first, again = token(ann.get("/modules/intro").data.decode()), token(ann.get("/modules/intro").data.decode())
    assert again == first and len(signed) == 1  # signed once, handed out again within the minute
    bobs = token(bob.get("/modules/intro").data.decode())
    assert bobs != first and len(signed) == 2  # another session never gets it: Bob's is signed for him
    clock[0] += module.CSRF_REUSE + 1
    later = token(ann.get("/modules/intro").data.decode())
    assert len(signed) == 3 and later == signed[-1]  # a minute on, Ann's is signed afresh
    # The reused token and the fresh one both validate for Ann; Ann's never validates for Bob.
    assert bob.post("/modules/intro/complete", data={"csrf_token": first}).status_code == 400
    assert ann.post("/modules/intro/complete", data={"csrf_token": first}).status_code == 302
    assert ann.post("/welcome/dismiss", data={"csrf_token": later}).status_code == 302


def test_a_write_on_one_instance_shows_on_the_other_at_once(pair: tuple[Flask, Flask], people) -> None:  # type: ignore[no-untyped-def]
    one, two = pair
    ann_one, ann_two = signed_in(one, "ann@example.com"), signed_in(two, "ann@example.com")
    mentor_two = signed_in(two, "mia@example.com")
    before = ann_two.get("/").data.decode()
    hits = page_cache(two).hits
    assert ann_two.get("/").data.decode() == before and page_cache(two).hits == hits + 1  # cached on instance two
    home_before = mentor_two.get("/mentor/").data.decode()
    assert "0 / 3 modules" in home_before
    # Her lesson page on instance two, opened twice: the second time its state comes from the memo.
    ann_two.get("/modules/intro")
    assert "Mark as complete" in ann_two.get("/modules/intro").data.decode()
    # Ann completes a module on instance one...
    module = ann_one.get("/modules/intro").data.decode()
    assert ann_one.post("/modules/intro/complete", data={"csrf_token": token(module)}).status_code == 302
    # ...and instance two's next pages show it, for her and for her mentor.
    after = ann_two.get("/").data.decode()
    assert after != before
    assert 'aria-label="Ann Alpha: 1 of 3 modules"' in mentor_two.get("/mentor/").data.decode()
    # Her lesson page on instance two says complete (its key is her state, read on every request).
    assert "You completed this module" in ann_two.get("/modules/intro").data.decode()


def test_an_audited_write_and_a_renamed_mentee_reach_every_cached_page(pair: tuple[Flask, Flask], people,  # type: ignore[no-untyped-def]
                                                                       app: Flask) -> None:
    one, two = pair
    mentor_two = signed_in(two, "mia@example.com")
    assert "Ann Alpha" in mentor_two.get("/mentor/").data.decode()
    # Ann renames herself on instance one (a learner's own write: her version and her mentors' are bumped).
    ann_one = signed_in(one, "ann@example.com")
    account = ann_one.get("/account").data.decode()
    ann_one.post("/account/profile", data={"csrf_token": token(account), "display_name": "Ann Renamed", "time_zone": ""})
    assert "Ann Renamed" in mentor_two.get("/mentor/").data.decode()
    # An administrative write through the services (audited: the organisation's version) on a third handle.
    session = make_session_factory(state_of(app).engine)()
    try:
        accounts.set_display_name(session, accounts.get_user(session, people["bob"]), "Bob Second")
        session.commit()
    finally:
        session.close()
    page = mentor_two.get("/mentor/").data.decode()
    assert "Bob Second" in page and "Bob &lt;Beta&gt;" not in page


def test_no_page_is_another_person_s(pair: tuple[Flask, Flask], people) -> None:  # type: ignore[no-untyped-def]
    one, two = pair
    for email, name, other in (("ann@example.com", "Ann Alpha", "Bob"), ("bob@example.com", "Bob &lt;Beta&gt;", "Ann")):
        for instance in (one, two, one):
            client = signed_in(instance, email)
            for url in ("/", "/modules/intro", "/modules/basics"):
                page = client.get(url).data.decode()
                assert name in page and other not in page, (email, url)


def test_the_cache_is_bounded_least_recently_used_first() -> None:
    cache = PageCache(max_entries=2, max_chars=10)
    cache.put("a", "1234")
    cache.put("b", "5678")
    assert cache.get("a") == "1234"  # a is now the most recent
    cache.put("c", "90")
    assert cache.get("b") is None and cache.get("a") == "1234" and len(cache) == 2
    cache.put("d", "123456789")  # 4 + 9 characters: over the bound, so a goes too
    assert cache.get("a") is None and cache.get("d") == "123456789" and cache.chars == 9
    cache.put("huge", "x" * 11)  # larger than the whole cache: never kept
    assert cache.get("huge") is None


def test_a_shared_rendering_may_not_show_who_it_is_for() -> None:
    user = PlaceholderUser(frozenset({"learner"}))
    assert user.has_access_role("learner") and not user.has_access_role("admin")
    with pytest.raises(AttributeError):
        _ = user.id


def test_flashed_messages_are_never_cached(pair: tuple[Flask, Flask], people, db: Session) -> None:  # type: ignore[no-untyped-def]
    one, _ = pair
    ann = signed_in(one, "ann@example.com")
    module = ann.get("/modules/intro").data.decode()
    ann.post("/modules/intro/complete", data={"csrf_token": token(module)})
    flashed = ann.get("/modules/basics").data.decode()
    assert "is complete" in flashed
    assert "is complete" not in ann.get("/modules/basics").data.decode()
    assert "is complete" not in signed_in(one, "bob@example.com").get("/modules/basics").data.decode()
