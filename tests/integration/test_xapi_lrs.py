"""xAPI statements to a real LRS (Ralph, started here): read back through its API; an LRS down for a while loses
nothing and duplicates nothing once it is back; a regrade or a reset voids what was said and says it again.

Hand-worked on the fixture quiz: PARTIAL earns 5 of 11 (failed, scaled 0.4545), PERFECT 11 of 11 (passed, 1.0);
with q1's key changed to pm, PARTIAL earns 6 of 11 (scaled 0.5455).  An attempt makes 7 statements (attempted,
passed/failed, 5 answered); completing a module makes 1.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from courseware.app import create_app
from courseware.core.quiz import QuizBank
from courseware.interop.delivery import deliver_due
from courseware.persistence.base import utcnow
from courseware.persistence.models import IntegrationMessage
from courseware.services import attempt_grants, organisation, progress
from courseware.services.attempts import start_attempt, submit_attempt
from courseware.services.regrade import regrade_quiz
from courseware.state import state_of
from tests.conftest import _empty_tables, make_config, make_user
from tests.lrs_peer import Ralph

PARTIAL = {"q1": "pm", "q2": {"t1": "pm", "t2": "am", "t3": "am"}, "q3": {"am": "I", "pm": "R", "pmo": "C"},
           "q4": ["a", "b"], "q5": "a"}
PERFECT = {"q1": "am", "q2": {"t1": "pm", "t2": "pm", "t3": "am", "t4": "pm"}, "q3": {"am": "I", "pm": "A", "pmo": "C"},
           "q4": ["a", "c"], "q5": "a"}
BASE = "https://cw.example.com"


@pytest.fixture
def lrs(tmp_path: Path) -> Iterator[Ralph]:
    """A running Ralph LRS with an empty store."""
    peer = Ralph(tmp_path / "ralph")
    peer.start()
    yield peer
    peer.stop()


@pytest.fixture
def xapi_app(database_url: str, tmp_path: Path, lrs: Ralph) -> Iterator[Flask]:
    """The app sending statements to the test's LRS, three to a batch."""
    application = create_app(make_config(database_url, JOBS_FILE=str(tmp_path / "jobs.sqlite3"), BASE_URL=BASE,
                                         XAPI_ENDPOINT=lrs.endpoint, XAPI_AUTH=lrs.auth, XAPI_BATCH=3))
    yield application
    state_of(application).engine.dispose()
    _empty_tables(database_url)


@pytest.fixture
def session(xapi_app: Flask) -> Iterator[Session]:
    """A session of the app's own factory (the one that records statements)."""
    with state_of(xapi_app).sessions() as s:
        yield s


def _learner_takes_quiz(app: Flask, db: Session, email: str, answers: dict) -> int:  # type: ignore[type-arg]
    """The learner completes intro and basics (2 statements) and submits the quiz (7): its attempt id."""
    state = state_of(app)
    user = make_user(db, email)
    for module_id in ("intro", "basics"):
        progress.complete_module(db, state.catalog, user.id, module_id, rule=state.completion)
    db.commit()
    quiz = state.quizzes.get("scope-check")
    assert quiz is not None
    attempt = start_attempt(db, quiz, user.id, "separate", catalog=state.catalog, rule=state.completion)
    submit_attempt(db, quiz, attempt, answers)
    db.commit()
    return attempt.id


def _rows(db: Session) -> list[IntegrationMessage]:
    db.rollback()
    db.expire_all()
    return list(db.scalars(select(IntegrationMessage).order_by(IntegrationMessage.id)))


def _by_id(lrs: Ralph) -> dict[str, dict]:  # type: ignore[type-arg]
    statements = lrs.statements()
    found = {s["id"]: s for s in statements}
    assert len(found) == len(statements), "the LRS holds a duplicate"
    return found


def _put_directly(lrs: Ralph, statement: dict) -> None:  # type: ignore[type-arg]
    request = urllib.request.Request(f"{lrs.endpoint}statements?statementId={statement['id']}",
                                     data=json.dumps(statement).encode(), method="PUT", headers={
                                         "Content-Type": "application/json", "X-Experience-API-Version": "1.0.3",
                                         "Authorization": "Basic Y291cnNld2FyZTpscnMtc2VjcmV0LTE="})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 204


def test_statements_reach_the_lrs_and_an_outage_loses_and_duplicates_nothing(xapi_app: Flask, lrs: Ralph,
                                                                              session: Session) -> None:
    lee_attempt = _learner_takes_quiz(xapi_app, session, "lee@example.com", PARTIAL)
    rows = _rows(session)
    assert [r.kind for r in rows] == ["completed", "completed", "attempted", "failed", "answered", "answered",
                                      "answered", "answered", "answered"]
    assert {r.status for r in rows} == {"pending"} and {r.subject for r in rows[2:]} == {f"attempt:{lee_attempt}"}
    # The LRS already holds a different statement under the id of Lee's 'attempted' one: its 409 counts as delivered.
    other = {**rows[2].payload, "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"}}
    _put_directly(lrs, other)

    now = utcnow()
    report = deliver_due(xapi_app, now)
    assert sorted(report.sent) == [r.id for r in rows] and report.failed == []
    held = _by_id(lrs)
    assert set(held) == {r.ref for r in rows}
    assert held[rows[2].ref]["verb"]["id"] == "http://adlnet.gov/expapi/verbs/experienced"  # the LRS kept its own
    assert "409" in (_rows(session)[2].last_error or "")
    failed = held[rows[3].ref]
    assert failed["verb"]["id"] == "http://adlnet.gov/expapi/verbs/failed"
    assert failed["actor"]["mbox"] == "mailto:lee@example.com"
    assert failed["result"]["score"]["scaled"] == 0.4545 and failed["result"]["success"] is False
    assert failed["context"]["extensions"][f"{BASE}/xapi/extensions/operating-model"] == "separate"
    q2 = next(s for s in held.values() if s["object"]["id"].endswith("/questions/q2"))
    assert q2["object"]["definition"]["interactionType"] == "matching"
    assert q2["result"]["response"] == "t1[.]pm[,]t2[.]am[,]t3[.]am"

    # The LRS goes down; Pat's statements wait, each try pushed back (30 s, then 60 s).
    lrs.stop()
    _learner_takes_quiz(xapi_app, session, "pat@example.com", PERFECT)
    waiting = [r.id for r in _rows(session) if r.status == "pending"]
    assert len(waiting) == 9
    later = utcnow()  # every row is due from here on
    down = deliver_due(xapi_app, later + timedelta(seconds=1))
    assert down.sent == [] and down.failed == []
    assert down.retry_at == {i: later + timedelta(seconds=31) for i in waiting[:3]}  # the pass stops at the first batch
    first = {r.id: r for r in _rows(session)}
    assert all("could not be reached" in (first[i].last_error or "") for i in waiting[:3])
    assert deliver_due(xapi_app, later + timedelta(seconds=31)).retry_at == {
        i: later + timedelta(seconds=91) for i in waiting[:3]}
    assert {first[i].status for i in waiting} == {"pending"}

    # Back on the same port: everything goes, once.
    lrs.start()
    back = deliver_due(xapi_app, later + timedelta(seconds=91))
    assert sorted(back.sent) == waiting
    rows = _rows(session)
    assert {r.status for r in rows} == {"sent"}
    held = _by_id(lrs)
    assert set(held) == {r.ref for r in rows} and len(held) == 18
    passed = next(s for s in held.values() if s["verb"]["id"].endswith("/passed"))
    assert passed["actor"]["mbox"] == "mailto:pat@example.com" and passed["result"]["score"]["scaled"] == 1.0

    # A worker that stopped after the LRS took a batch, before recording it: sent again, still one copy each.
    session.execute(update(IntegrationMessage).where(IntegrationMessage.id.in_(waiting[:3]))
                    .values(status="sending", claimed_at=later))
    session.commit()
    again = deliver_due(xapi_app, later + timedelta(hours=1))
    assert sorted(again.sent) == waiting[:3]
    assert len(_by_id(lrs)) == 18
    assert deliver_due(xapi_app, later + timedelta(hours=2)).sent == []


def test_a_regrade_and_a_reset_void_what_was_said(xapi_app: Flask, lrs: Ralph, session: Session) -> None:
    state = state_of(xapi_app)
    attempt_id = _learner_takes_quiz(xapi_app, session, "lee@example.com", PARTIAL)
    deliver_due(xapi_app)
    first = {r.ref: r for r in _rows(session) if r.subject == f"attempt:{attempt_id}"}
    assert len(first) == 7

    quiz = state.quizzes.get("scope-check")
    assert quiz is not None
    fixed = replace(quiz, questions=tuple(replace(q, answer="pm") if q.id == "q1" else q for q in quiz.questions))
    state.quizzes = QuizBank((fixed,))
    session.rollback()
    report = regrade_quiz(session, fixed)
    session.commit()
    assert [c.attempt_id for c in report.changed] == [attempt_id]
    rows = [r for r in _rows(session) if r.subject == f"attempt:{attempt_id}"]
    voids = [r for r in rows if r.kind == "voided"]
    assert sorted(v.payload["object"]["id"] for v in voids) == sorted(first)
    assert all(r.superseded for r in rows if r.ref in first)
    new = [r for r in rows if r.revision == 1 and r.kind != "voided"]
    assert len(new) == 7 and not {r.ref for r in new} & set(first)

    deliver_due(xapi_app)
    held = _by_id(lrs)
    assert len(held) == 2 + 7 + 7 + 7
    regraded = next(s for s in held.values() if s["id"] in {r.ref for r in new} and s["verb"]["id"].endswith("/failed"))
    assert regraded["result"]["score"]["scaled"] == 0.5455
    voiding = [s for s in held.values() if s["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided"]
    assert sorted(s["object"]["id"] for s in voiding) == sorted(first)
    assert {s["object"]["objectType"] for s in voiding} == {"StatementRef"}

    session.rollback()  # a fresh transaction: the worker wrote since this one read
    admin = make_user(session, "admin@example.com", ("admin",))
    attempt_grants.reset_quiz(session, fixed, learner_id=new[0].user_id or 0, actor_id=admin.id, reason="New start")
    session.commit()
    deliver_due(xapi_app)
    held = _by_id(lrs)
    assert len(held) == 2 + 7 + 7 + 7 + 7
    voided_now = {s["object"]["id"] for s in held.values() if s["verb"]["id"].endswith("/voided")}
    assert voided_now == set(first) | {r.ref for r in new}
    assert {r.status for r in _rows(session)} == {"sent"}


def test_without_an_endpoint_nothing_is_recorded(app: Flask, db: Session) -> None:
    state = state_of(app)
    with state.sessions() as session:
        user = make_user(session, "lee@example.com")
        assert progress.complete_module(session, state.catalog, user.id, "intro", rule=state.completion) is True
        session.commit()
        assert session.scalars(select(IntegrationMessage)).all() == []


def test_the_agency_may_name_learners_by_account(database_url: str, tmp_path: Path) -> None:
    app = create_app(make_config(database_url, JOBS_FILE=str(tmp_path / "jobs.sqlite3"), BASE_URL=BASE,
                                 XAPI_ENDPOINT="http://127.0.0.1:9/xAPI/"))  # never delivered in this test
    state = state_of(app)
    try:
        with state.sessions() as session:
            organisation.update_organisation(session, name="Agency", default_model="hybrid", xapi_actor="account")
            user = make_user(session, "lee@example.com")
            progress.complete_module(session, state.catalog, user.id, "intro", rule=state.completion)
            session.commit()
            row = session.scalars(select(IntegrationMessage)).one()
            assert row.payload["actor"] == {"objectType": "Agent", "name": "Lee",
                                            "account": {"homePage": BASE, "name": str(user.id)}}
            assert row.payload["context"]["extensions"][f"{BASE}/xapi/extensions/operating-model"] == "hybrid"
            assert row.subject == f"module:{user.id}:intro" and row.kind == "completed"
    finally:
        state.engine.dispose()
        _empty_tables(database_url)
