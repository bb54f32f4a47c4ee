"""LTI 1.3 against a platform simulated here: its own key pair, key set, token and line-item endpoints on a real
loopback HTTP server.  Launches are signed with PyJWT; the tool must accept only the genuine, fresh, unused one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.core.quiz import QuizBank
from courseware.jobs import jobs_of
from courseware.passback import deliver_scores
from courseware.persistence.base import utcnow
from courseware.persistence.models import AuditEntry, LtiGradeOutbox, LtiPlatform, LtiUserLink, Mentorship, User
from courseware.services import attempt_grants, lti
from courseware.services.attempts import start_attempt, submit_attempt
from courseware.services.regrade import regrade_quiz
from courseware.state import state_of
from tests.conftest import PASSWORD, QUIZ_PREREQUISITES, read_modules, run_queued_jobs
from tests.peers.lti_platform import CLAIM, CLIENT_ID, ISSUER, PlatformPeer, new_key

PERFECT = {"q1": "am", "q2": {"t1": "pm", "t2": "pm", "t3": "am", "t4": "pm"}, "q3": {"am": "I", "pm": "A", "pmo": "C"},
           "q4": ["a", "c"], "q5": "a"}
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


@pytest.fixture
def platform(app: Flask, people: dict[str, User]) -> Iterator[PlatformPeer]:
    """The simulated platform, registered by the admin on /admin/lti/new."""
    peer = PlatformPeer()
    peer.start()
    admin = app.test_client()
    admin.post("/login", data={"email": "admin@example.com", "password": PASSWORD})
    response = admin.post("/admin/lti/new", data=peer.registration)
    assert response.status_code == 302, response.get_data(as_text=True)
    peer.tool_jwks = app.test_client().get("/lti/jwks").get_json()
    yield peer
    peer.stop()


def _login(client: FlaskClient) -> tuple[str, str]:
    """The platform's login initiation; the tool answers with a redirect carrying a state and a nonce."""
    response = client.get("/lti/login", query_string={"iss": ISSUER, "login_hint": "hint", "client_id": CLIENT_ID,
                                                      "target_link_uri": "http://localhost/lti/launch"})
    assert response.status_code == 302
    assert response.location.startswith(ISSUER + "/auth?")
    query = parse_qs(urlsplit(response.location).query)
    assert query["redirect_uri"] == ["http://localhost/lti/launch"] and query["client_id"] == [CLIENT_ID]
    return query["state"][0], query["nonce"][0]


def _launch(client: FlaskClient, platform: PlatformPeer, **claims: Any):  # type: ignore[no-untyped-def]
    state, nonce = _login(client)
    data = {"state": state, "id_token": platform.id_token(nonce, **claims)}
    return client.post("/lti/launch", data=data), data


def _signed_in_as(client: FlaskClient) -> str | None:
    response = client.get("/account")
    if response.status_code != 200:
        return None
    return response.get_data(as_text=True)


def test_the_key_set_publishes_the_tools_public_key(client: FlaskClient) -> None:
    keys = client.get("/lti/jwks").get_json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256" and keys[0]["kid"]
    assert "d" not in keys[0]  # never the private part
    assert client.get("/lti/jwks").get_json()["keys"] == keys  # made once, kept


def test_registering_a_platform_is_audited_and_checked(app: Flask, platform: PlatformPeer, db: Session) -> None:
    assert [p.issuer for p in db.scalars(select(LtiPlatform))] == [ISSUER]
    assert db.scalar(select(AuditEntry.kind).where(AuditEntry.target_type == "lti_platform")) == "lti.platform_create"
    admin = app.test_client()
    admin.post("/login", data={"email": "admin@example.com", "password": PASSWORD})
    again = admin.post("/admin/lti/new", data=platform.registration)
    assert again.status_code == 200 and "already registered" in again.get_data(as_text=True)
    bad = admin.post("/admin/lti/new", data={**platform.registration, "client_id": "other", "key_set_url": "ftp://x"})
    assert bad.status_code == 200 and "full http(s) address" in bad.get_data(as_text=True)


def test_a_valid_launch_signs_the_learner_in_on_the_module(client: FlaskClient, platform: PlatformPeer,
                                                           db: Session) -> None:
    response, _ = _launch(client, platform, custom={"module": "intro"}, email="pat@platform.example.org")
    assert response.status_code == 302 and response.location.endswith("/modules/intro")
    assert client.get("/modules/intro").status_code == 200
    assert "pat@platform.example.org" in (_signed_in_as(client) or "")
    link = db.scalars(select(LtiUserLink)).one()
    user = db.get(User, link.user_id)
    assert link.subject == "platform-user-1" and user is not None and user.access_roles == {"learner"}
    # The same platform user launching again is the same account (matched by issuer + sub, not by email).
    other = client.application.test_client()
    response, _ = _launch(other, platform, custom={"quiz": "scope-check"}, email="someone-else@example.com")
    assert response.status_code == 302 and response.location.endswith("/quizzes/scope-check")
    assert "pat@platform.example.org" in (_signed_in_as(other) or "")
    assert db.scalar(select(User).where(User.email == "someone-else@example.com")) is None


def test_a_launch_cannot_take_over_an_account_by_its_email(client: FlaskClient, platform: PlatformPeer,
                                                           db: Session) -> None:
    response, _ = _launch(client, platform, sub="evil", email="admin@example.com", roles=("Administrator",))
    assert response.status_code == 302
    page = _signed_in_as(client) or ""
    assert "admin@example.com" not in page and "@lti.invalid" in page
    user = db.get(User, db.scalars(select(LtiUserLink.user_id)).one())
    assert user is not None and user.access_roles == {"manager"}  # Administrator on the platform: manager, never admin


def test_a_forged_launch_is_refused(client: FlaskClient, platform: PlatformPeer) -> None:
    response, _ = _launch(client, platform, key=new_key())  # signed by a key the platform never published
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "This launch was refused" in page and "Signature verification failed" in page
    assert _signed_in_as(client) is None


def test_an_expired_launch_is_refused(client: FlaskClient, platform: PlatformPeer) -> None:
    response, _ = _launch(client, platform, expires_in=-60)
    assert response.status_code == 403 and "Signature has expired" in response.get_data(as_text=True)
    assert _signed_in_as(client) is None


def test_a_replayed_launch_is_refused(app: Flask, client: FlaskClient, platform: PlatformPeer) -> None:
    response, data = _launch(client, platform)
    assert response.status_code == 302
    client.post("/logout")
    replay = client.post("/lti/launch", data=data)  # the same id_token, state and state cookie again
    assert replay.status_code == 403 and "Invalid Nonce" in replay.get_data(as_text=True)
    thief = app.test_client()
    thief.set_cookie(data["state"], data["state"])  # pylti1p3's cookie name is "lti1p3-" + state
    thief.set_cookie("lti1p3-" + data["state"], data["state"])
    assert thief.post("/lti/launch", data=data).status_code == 403
    assert _signed_in_as(thief) is None


def test_a_launch_without_a_login_is_refused(app: Flask, platform: PlatformPeer) -> None:
    client = app.test_client()
    token = platform.id_token("never-issued")
    response = client.post("/lti/launch", data={"state": "state-made-up", "id_token": token})
    assert response.status_code == 403 and "State not found" in response.get_data(as_text=True)


def test_roles_and_the_mentors_mentees(app: Flask, platform: PlatformPeer, db: Session) -> None:
    _launch(app.test_client(), platform, sub="learner-7")
    _launch(app.test_client(), platform, sub="learner-8")
    response, _ = _launch(app.test_client(), platform, sub="mentor-1", roles=("Mentor",),
                          extra={CLAIM + "role_scope_mentor": ["learner-7", "unknown-9"]})
    assert response.status_code == 302
    ids = {link.subject: link.user_id for link in db.scalars(select(LtiUserLink))}
    mentor = db.get(User, ids["mentor-1"])
    assert mentor is not None and mentor.access_roles == {"mentor"}
    assert {(m.mentor_id, m.mentee_id) for m in db.scalars(select(Mentorship))} == {(ids["mentor-1"], ids["learner-7"])}
    response, _ = _launch(app.test_client(), platform, sub="teacher", roles=("Instructor",))
    assert response.status_code == 302, response.get_data(as_text=True)
    db.rollback()
    teacher = db.get(User, db.scalar(select(LtiUserLink.user_id).where(LtiUserLink.subject == "teacher")))
    assert teacher is not None and teacher.access_roles == {"manager"}


def _deep_link_settings(platform: PlatformPeer) -> dict[str, Any]:
    return {DL + "deep_linking_settings": {"deep_link_return_url": platform.url + "/deep-link-return",
                                           "accept_types": ["ltiResourceLink"],
                                           "accept_presentation_document_targets": ["window", "iframe"],
                                           "data": "platform-opaque-42", "title": "AM/PM onboarding"}}


def test_deep_linking_answers_with_a_signed_jwt(client: FlaskClient, platform: PlatformPeer) -> None:
    response, _ = _launch(client, platform, sub="builder", roles=("Instructor",), message_type="LtiDeepLinkingRequest",
                          extra=_deep_link_settings(platform))
    assert response.status_code == 302 and response.location.endswith("/lti/deep-link")
    page = client.get("/lti/deep-link")
    assert page.status_code == 200 and "scope-check" in page.get_data(as_text=True)
    answer = client.post("/lti/deep-link", data={"item": "quiz:scope-check"})
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert f'action="{platform.url}/deep-link-return"' in html and 'src="/static/js/lti-deep-link.js"' in html
    assert "<script>" not in html  # no inline code
    assert f"form-action 'self' {platform.url}" in answer.headers["Content-Security-Policy"]
    token = html.split('name="JWT" value="', 1)[1].split('"', 1)[0]
    keys = client.get("/lti/jwks").get_json()["keys"]
    public = RSAAlgorithm.from_jwk(json.dumps(keys[0]))
    body = jwt.decode(token, public, algorithms=["RS256"], audience=ISSUER)  # type: ignore[arg-type]
    assert body["iss"] == CLIENT_ID and body[CLAIM + "message_type"] == "LtiDeepLinkingResponse"
    assert body[CLAIM + "deployment_id"] == "deployment-1" and body[DL + "data"] == "platform-opaque-42"
    [item] = body[DL + "content_items"]
    assert item["type"] == "ltiResourceLink" and item["url"] == "http://localhost/lti/launch"
    assert item["custom"] == {"quiz": "scope-check"} and item["lineItem"]["scoreMaximum"] == 100
    assert jwt.get_unverified_header(token)["kid"] == keys[0]["kid"]
    assert client.get("/lti/deep-link").status_code == 404  # used once


def test_a_learner_cannot_pick_content(client: FlaskClient, platform: PlatformPeer) -> None:
    response, _ = _launch(client, platform, message_type="LtiDeepLinkingRequest", extra=_deep_link_settings(platform))
    assert response.status_code == 403 and "instructor" in response.get_data(as_text=True)


def _take_quiz(app: Flask, db: Session, user_id: int) -> None:
    state = state_of(app)
    read_modules(db, user_id, *QUIZ_PREREQUISITES)
    quiz = state.quizzes.get("scope-check")
    assert quiz is not None
    attempt = start_attempt(db, quiz, user_id, "separate", catalog=state.catalog, rule=state.completion)
    submit_attempt(db, quiz, attempt, PERFECT)
    db.commit()


def test_grade_passback_by_the_worker_and_again_after_a_regrade_and_a_reset(
        app: Flask, client: FlaskClient, platform: PlatformPeer, db: Session, people: dict[str, User]) -> None:
    response, _ = _launch(client, platform, sub="learner-5", custom={"quiz": "scope-check"},
                          lineitem="/lineitems/7/lineitem")
    assert response.status_code == 302
    user_id = db.scalar(select(LtiUserLink.user_id).where(LtiUserLink.subject == "learner-5"))
    assert user_id is not None
    _take_quiz(app, db, user_id)
    assert [r.status for r in db.scalars(select(LtiGradeOutbox))] == ["pending"]  # written with the grade

    platform.fail_scores = 1  # the platform is down for the first try, which the worker's task makes
    jobs_of(app).kick()
    assert run_queued_jobs(app) >= 1  # the delivery, and the retry it scheduled (not due yet: nothing sent)
    db.rollback()
    row = db.scalars(select(LtiGradeOutbox)).one()
    assert row.status == "pending" and row.attempts == 1 and "503" in (row.last_error or "")
    assert platform.scores == []
    assert deliver_scores(app, utcnow()).sent == []  # not due yet: the retry waits 30 s
    assert deliver_scores(app, row.next_attempt_at).sent == [row.id]
    [score] = platform.scores
    assert score["path"] == "/lineitems/7/lineitem/scores"
    assert score["content_type"] == "application/vnd.ims.lis.v1.score+json"
    assert score["authorization"].startswith("Bearer token-")
    assert score["body"]["userId"] == "learner-5" and score["body"]["scoreGiven"] == 100.0
    assert score["body"]["scoreMaximum"] == 100.0 and score["body"]["gradingProgress"] == "FullyGraded"
    assert platform.token_requests[0]["grant_type"] == "client_credentials"

    # An author fixes q1's key (am -> pm): the regrade changes the grade (11 of 11 -> 10 of 11), which is sent again.
    db.rollback()
    state = state_of(app)
    quiz = state.quizzes.get("scope-check")
    assert quiz is not None
    fixed = replace(quiz, questions=tuple(replace(q, answer="pm") if q.id == "q1" else q for q in quiz.questions))
    state.quizzes = QuizBank((fixed,))
    report = regrade_quiz(db, fixed)
    db.commit()
    assert len(report.changed) == 1
    assert len(deliver_scores(app, utcnow() + timedelta(minutes=5)).sent) == 1
    assert platform.scores[-1]["body"]["scoreGiven"] == pytest.approx(90.9, abs=0.01)

    # A mentor's reset starts the learner again: the platform's gradebook gets 0.
    db.rollback()
    attempt_grants.reset_quiz(db, fixed, learner_id=user_id, actor_id=people["admin"].id, reason="Start again")
    db.commit()
    assert len(deliver_scores(app, utcnow() + timedelta(minutes=5)).sent) == 1
    assert platform.scores[-1]["body"]["scoreGiven"] == 0.0
    assert len(platform.scores) == 3


def test_the_platforms_pages_are_the_admins(app: Flask, platform: PlatformPeer, db: Session) -> None:
    admin = app.test_client()
    admin.post("/login", data={"email": "admin@example.com", "password": PASSWORD})
    listing = admin.get("/admin/lti")
    assert listing.status_code == 200 and ISSUER in listing.get_data(as_text=True)
    platform_id = db.scalars(select(LtiPlatform.id)).one()
    edit = admin.post(f"/admin/lti/{platform_id}", data={**platform.registration, "deployment_ids": "d1\nd2"})
    assert edit.status_code == 302
    db.rollback()
    assert db.get(LtiPlatform, platform_id).deployment_ids == ["d1", "d2"]  # type: ignore[union-attr]
    assert admin.post(f"/admin/lti/{platform_id}/delete").status_code == 302
    db.rollback()
    assert lti.platforms(db) == []


def test_a_score_that_fails_for_good_is_listed_for_the_admin_to_retry(
        app: Flask, client: FlaskClient, platform: PlatformPeer, db: Session) -> None:
    app.config["LTI_MAX_ATTEMPTS"] = 1
    _launch(client, platform, sub="learner-6", custom={"quiz": "scope-check"}, lineitem="/lineitems/9/lineitem")
    user_id = db.scalar(select(LtiUserLink.user_id).where(LtiUserLink.subject == "learner-6"))
    assert user_id is not None
    _take_quiz(app, db, user_id)
    platform.fail_scores = 1
    report = deliver_scores(app)
    assert len(report.failed) == 1 and platform.scores == []
    admin = app.test_client()
    admin.post("/login", data={"email": "admin@example.com", "password": PASSWORD})
    page = admin.get("/admin/lti").get_data(as_text=True)
    assert "0 scores sent" in page and "1 failed" in page and "503" in page
    assert admin.post(f"/admin/lti/scores/{report.failed[0]}/retry").status_code == 302
    assert deliver_scores(app).sent == report.failed
    assert platform.scores[0]["body"]["scoreGiven"] == 100.0
