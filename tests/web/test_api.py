"""The JSON API's behaviour: tokens, scope, the pages' access rules, pagination, ETags, problems, rate limits."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.persistence.base import utcnow
from courseware.persistence.models import ApiToken, Attempt, AttemptItem, AuditEntry, User
from courseware.services import api_tokens, cohorts
from tests.conftest import PASSWORD, make_config, make_user
from tests.web.routes_api import make_token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def staff(db: Session, people: dict[str, User]) -> dict[str, User]:
    """The people fixture plus a manager, and mentor@ mentoring learner@ (stranger@ has no mentor)."""
    manager = make_user(db, "manager@example.com", ("manager",))
    stranger = make_user(db, "stranger@example.com", ("learner",))
    mentor, learner = db.get(User, people["mentor"].id), db.get(User, people["learner"].id)
    assert mentor is not None and learner is not None
    cohorts.assign_mentor(db, mentor, learner)
    db.commit()
    return {**people, "manager": manager, "stranger": stranger}


def test_no_token_is_401_with_a_challenge_and_a_problem(client: FlaskClient) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="courseware"'
    assert response.content_type == "application/problem+json"
    assert response.get_json()["status"] == 401 and response.get_json()["title"] == "Unauthorized"


def test_a_signed_in_cookie_does_not_open_the_api(client: FlaskClient, people: dict[str, User]) -> None:
    client.post("/login", data={"email": "learner@example.com", "password": PASSWORD})
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").status_code == 401


def test_unknown_revoked_and_expired_tokens_are_refused(app: Flask, client: FlaskClient, db: Session,
                                                         people: dict[str, User]) -> None:
    token = make_token(app, "learner@example.com", scope="read")
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(token[:-2] + "xx")).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"Basic {token}"}).status_code == 401
    row = db.scalars(select(ApiToken)).one()
    assert row.token_hash != token and token not in row.token_hash  # stored hashed
    assert row.last_used_at is not None  # the first use was recorded
    db.execute(ApiToken.__table__.update().values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401 and 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    other = make_token(app, "learner@example.com", days=30)
    user = db.get(User, people["learner"].id)
    assert user is not None
    other_row = db.scalar(select(ApiToken).where(ApiToken.id != row.id))
    assert other_row is not None
    assert api_tokens.revoke(db, user, other_row.id) is True
    db.commit()
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 401


def test_a_deactivated_persons_token_stops_working(app: Flask, client: FlaskClient, db: Session,
                                                    people: dict[str, User]) -> None:
    token = make_token(app, "learner@example.com")
    db.execute(User.__table__.update().where(User.id == people["learner"].id).values(active=False))
    db.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_me_has_progress_and_attempts(app: Flask, client: FlaskClient, db: Session, people: dict[str, User]) -> None:
    from tests.conftest import read_modules

    read_modules(db, people["learner"].id, "intro")
    token = make_token(app, "learner@example.com", scope="read")
    body = client.get("/api/v1/me", headers=bearer(token)).get_json()
    assert body["user"]["email"] == "learner@example.com" and body["user"]["roles"] == ["learner"]
    assert body["progress"]["modules_completed"] == ["intro"]
    assert body["progress"]["modules_total"] >= 2
    assert body["attempts"] == []


def test_a_read_token_cannot_write_and_only_admins_write(app: Flask, client: FlaskClient, staff: dict[str, User]) -> None:
    read = make_token(app, "admin@example.com", scope="read")
    response = client.patch("/api/v1/organisation", json={"name": "Acme"}, headers=bearer(read))
    assert response.status_code == 403 and 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    manager = make_token(app, "manager@example.com")
    assert client.get("/api/v1/organisation", headers=bearer(manager)).status_code == 200
    assert client.patch("/api/v1/organisation", json={"name": "Acme"}, headers=bearer(manager)).status_code == 403
    admin = make_token(app, "admin@example.com")
    response = client.patch("/api/v1/organisation", json={"name": "Acme"}, headers=bearer(admin))
    assert response.status_code == 200 and response.get_json()["name"] == "Acme"


def test_a_mentor_sees_only_their_mentees(app: Flask, client: FlaskClient, staff: dict[str, User]) -> None:
    token = make_token(app, "mentor@example.com")
    mentees = client.get("/api/v1/mentees", headers=bearer(token)).get_json()
    assert [m["email"] for m in mentees["items"]] == ["learner@example.com"]
    assert client.get(f"/api/v1/users/{staff['learner'].id}", headers=bearer(token)).status_code == 200
    missing = client.get(f"/api/v1/users/{staff['stranger'].id}", headers=bearer(token))
    assert missing.status_code == 404 and missing.content_type == "application/problem+json"
    assert client.get("/api/v1/users", headers=bearer(token)).status_code == 403
    pairs = client.get("/api/v1/mentorships", headers=bearer(token)).get_json()["items"]
    assert [(p["mentor_id"], p["mentee_id"]) for p in pairs] == [(staff["mentor"].id, staff["learner"].id)]
    # A manager reads everyone.
    manager = make_token(app, "manager@example.com", scope="read")
    assert client.get(f"/api/v1/users/{staff['stranger'].id}", headers=bearer(manager)).status_code == 200
    learners = client.get("/api/v1/mentees", headers=bearer(manager)).get_json()["items"]
    assert {m["email"] for m in learners} == {"learner@example.com", "stranger@example.com"}


def test_cursor_pagination_follows_next_links(app: Flask, client: FlaskClient, db: Session, staff: dict[str, User]) -> None:
    for n in range(3):
        make_user(db, f"extra{n}@example.com")
    token = make_token(app, "manager@example.com", scope="read")
    seen: list[str] = []
    url: str | None = "/api/v1/users?limit=2"
    pages = 0
    while url:
        body = client.get(url, headers=bearer(token)).get_json()
        seen += [u["email"] for u in body["items"]]
        url = body["next"]
        pages += 1
        assert pages < 10
    assert pages == 4  # 8 people, 2 a page: the last page has no next link
    assert len(seen) == 8 == len(set(seen))
    bad = client.get("/api/v1/users?cursor=not-a-cursor", headers=bearer(token))
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["name"] == "cursor"
    assert client.get("/api/v1/users?limit=500", headers=bearer(token)).status_code == 422
    assert client.get("/api/v1/users?limt=5", headers=bearer(token)).status_code == 422  # a typo is not ignored


def test_reads_carry_an_etag_and_answer_304(app: Flask, client: FlaskClient, people: dict[str, User]) -> None:
    token = make_token(app, "learner@example.com", scope="read")
    first = client.get("/api/v1/me", headers=bearer(token))
    etag = first.headers["ETag"]
    again = client.get("/api/v1/me", headers={**bearer(token), "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get("/api/v1/me", headers={**bearer(token), "If-None-Match": '"other"'}).status_code == 200


def test_validation_errors_are_422_problems(app: Flask, client: FlaskClient, staff: dict[str, User]) -> None:
    token = make_token(app, "admin@example.com")
    response = client.post("/api/v1/users", json={"email": "not-an-email", "roles": ["wizard"], "extra": 1},
                           headers=bearer(token))
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    names = {e["name"] for e in response.get_json()["errors"]}
    assert {"email", "display_name", "roles.0", "extra"} <= names
    taken = client.post("/api/v1/users", json={"email": "learner@example.com", "display_name": "Lee"}, headers=bearer(token))
    assert taken.status_code == 422 and taken.get_json()["errors"][0]["name"] == "email"
    assert client.post("/api/v1/users", data="[", content_type="application/json", headers=bearer(token)).status_code == 422


def test_admin_writes_go_through_the_services_and_are_audited(app: Flask, client: FlaskClient, db: Session,
                                                              staff: dict[str, User]) -> None:
    token = make_token(app, "admin@example.com")
    made = client.post("/api/v1/users", json={"email": "New@Example.com", "display_name": "New Person"}, headers=bearer(token))
    assert made.status_code == 201 and made.get_json()["email"] == "new@example.com"
    new_id = made.get_json()["id"]
    cohort = client.get("/api/v1/cohorts", headers=bearer(token)).get_json()["items"]
    assert cohort == []
    from courseware.services.cohorts import create_cohort

    created = create_cohort(db, name="Winter", start_date=date(2026, 12, 1))
    db.commit()
    joined = client.post(f"/api/v1/cohorts/{created.id}/members", json={"user_id": new_id}, headers=bearer(token))
    assert joined.status_code == 201 and joined.get_json()["cohort_id"] == created.id
    admin_in = client.post(f"/api/v1/cohorts/{created.id}/members", json={"user_id": staff["admin"].id}, headers=bearer(token))
    assert admin_in.status_code == 422  # only learners join cohorts: the service's rule
    renamed = client.patch(f"/api/v1/users/{new_id}", json={"display_name": "Renamed", "active": False}, headers=bearer(token))
    assert renamed.get_json()["display_name"] == "Renamed" and renamed.get_json()["active"] is False
    own = client.patch(f"/api/v1/users/{staff['admin'].id}", json={"active": False}, headers=bearer(token))
    assert own.status_code == 422  # nobody deactivates their own account
    due = client.post("/api/v1/assignments", json={"kind": "module", "item_id": "intro", "due_on": "2026-12-24",
                                                   "cohort_id": created.id}, headers=bearer(token))
    assert due.status_code == 201
    nope = client.post("/api/v1/assignments", json={"kind": "module", "item_id": "nope", "due_on": "2026-12-24",
                                                    "cohort_id": created.id}, headers=bearer(token))
    assert nope.status_code == 422
    assert client.delete(f"/api/v1/assignments/{due.get_json()['id']}", headers=bearer(token)).status_code == 204
    removed = client.delete(f"/api/v1/cohorts/{created.id}/members/{new_id}", headers=bearer(token))
    assert removed.status_code == 204
    kinds = [e.kind for e in db.scalars(select(AuditEntry).where(AuditEntry.actor_id == staff["admin"].id)
                                        .order_by(AuditEntry.id))]
    assert kinds == ["api_token.create", "user.invite", "cohort.member_add", "user.name", "user.active", "assignment.create",
                     "assignment.delete", "cohort.member_remove"]


def _submitted(db: Session, user_id: int) -> int:
    attempt = Attempt(user_id=user_id, quiz_id="scope-check", number=1, state="submitted", model="separate", seed=1,
                      layout={"questions": ["q1"]}, answers={"q1": "pm"}, started_at=utcnow(), submitted_at=utcnow(),
                      points=0.0, max_points=1.0, score=0.0, passed=False)
    db.add(attempt)
    db.flush()
    db.add(AttemptItem(attempt_id=attempt.id, user_id=user_id, quiz_id="scope-check", question_id="q1", item_id="",
                       kind="route", area="scope", expected="am", given="pm", correct=False, misrouted=True,
                       points=0.0, max_points=1.0))
    db.commit()
    return attempt.id


def test_attempts_show_graded_items_and_keys_only_when_submitted(app: Flask, client: FlaskClient, db: Session,
                                                                 staff: dict[str, User]) -> None:
    attempt_id = _submitted(db, staff["learner"].id)
    open_attempt = Attempt(user_id=staff["learner"].id, quiz_id="scope-check", number=2, state="open", model="separate",
                           seed=2, layout={"questions": ["q1"]}, started_at=utcnow())
    db.add(open_attempt)
    db.commit()
    learner = make_token(app, "learner@example.com", scope="read")
    body = client.get(f"/api/v1/attempts/{attempt_id}", headers=bearer(learner)).get_json()
    assert body["score"] == 0.0 and body["passed"] is False
    assert body["items"] == [{"question_id": "q1", "item_id": "", "kind": "route", "area": "scope", "given": "pm",
                              "expected": "am", "correct": False, "points": 0.0, "max_points": 1.0}]  # reveal: always
    opened = client.get(f"/api/v1/attempts/{open_attempt.id}", headers=bearer(learner)).get_json()
    assert opened["state"] == "open" and opened["items"] == [] and opened["score"] is None
    assert "layout" not in opened and "answers" not in opened
    stranger = make_token(app, "stranger@example.com", scope="read")
    assert client.get(f"/api/v1/attempts/{attempt_id}", headers=bearer(stranger)).status_code == 404
    mentor = make_token(app, "mentor@example.com", scope="read")
    listed = client.get(f"/api/v1/users/{staff['learner'].id}/attempts", headers=bearer(mentor)).get_json()["items"]
    assert [a["id"] for a in listed] == [attempt_id, open_attempt.id]


def test_the_learners_keys_follow_the_quizs_reveal_policy(app: Flask, client: FlaskClient, db: Session,
                                                          staff: dict[str, User]) -> None:
    from dataclasses import replace

    from courseware.core.quiz import QuizBank
    from courseware.state import state_of

    state = state_of(app)
    state.quizzes = QuizBank(tuple(replace(q, reveal="never") if q.id == "scope-check" else q for q in state.quizzes))
    attempt_id = _submitted(db, staff["learner"].id)
    learner = make_token(app, "learner@example.com", scope="read")
    item = client.get(f"/api/v1/attempts/{attempt_id}", headers=bearer(learner)).get_json()["items"][0]
    assert item["expected"] is None and item["given"] == "pm"
    mentor = make_token(app, "mentor@example.com", scope="read")
    item = client.get(f"/api/v1/attempts/{attempt_id}", headers=bearer(mentor)).get_json()["items"][0]
    assert item["expected"] == "am"  # as on the mentor's attempt page


def test_the_rate_limit_is_per_token(database_url: str, tmp_path: Any, people: dict[str, User]) -> None:
    from courseware.app import create_app
    from courseware.state import state_of

    limited = create_app(make_config(database_url, RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute",
                                     RATELIMIT_KEY_PREFIX=f"api-test-{tmp_path.name}", JOBS_FILE=str(tmp_path / "j.sqlite3")))
    try:
        first, second = make_token(limited, "learner@example.com"), make_token(limited, "mentor@example.com")
        client = limited.test_client()
        assert [client.get("/api/v1/me", headers=bearer(first)).status_code for _ in range(3)] == [200, 200, 200]
        refused = client.get("/api/v1/me", headers=bearer(first))
        assert refused.status_code == 429 and refused.content_type == "application/problem+json"
        assert int(refused.headers["Retry-After"]) >= 1
        assert client.get("/api/v1/me", headers=bearer(second)).status_code == 200  # another token, its own budget
    finally:
        state_of(limited).engine.dispose()


def test_the_document_describes_every_api_route(app: Flask, client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    described = {(method.upper(), "/api/v1" + path) for path, item in document["paths"].items() for method in item}
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint not in ("api.openapi_json", "api.reference"):
            path = rule.rule.replace("<int:", "{").replace(">", "}")
            routed |= {(method, path) for method in rule.methods or () if method not in ("HEAD", "OPTIONS")}
    assert routed == described


def test_the_curl_examples_of_docs_api_md_name_documented_operations(client: FlaskClient) -> None:
    import re
    from pathlib import Path

    page = (Path(__file__).parents[2] / "docs" / "api.md").read_text()
    document = client.get("/api/v1/openapi.json").get_json()
    calls = re.findall(r"curl -s (?:-X (\w+) )?.*?https://courseware\.agency\.example/api/v1(/[\w/]+)", page, re.S)
    assert len(calls) == 3
    for method, path in calls:
        assert (method or "get").lower() in document["paths"][path]
