"""The attempt page on a phone and drafts: one group of radio buttons per task or role, owner roles always in the
registry's order, answers saved as they change (JSON for the page's script) or by "Save and finish later", and
kept through sign-out, an expired sign-in and a closed tab."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import unquote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from courseware.app import create_app
from courseware.persistence.models import Attempt, AttemptDraft
from courseware.state import state_of
from tests.conftest import PASSWORD, QUIZ_PREREQUISITES, make_config, make_user, read_modules

JSON = {"Accept": "application/json"}
SOME = {"q__q1": "pm", "q__q2__t1": "am", "q__q3__pm": "A", "q__q4": ["a", "c"]}
ROLE_LABELS = ["Account Manager", "Project Manager", "Shared (AM and PM)", "Delivery/PMO Manager"]  # registry order


@pytest.fixture
def learner(auth, people, db: Session):  # type: ignore[no-untyped-def]
    read_modules(db, people["learner"].id, *QUIZ_PREREQUISITES)
    auth.login("learner@example.com")
    return people["learner"]


def start(client: FlaskClient) -> str:
    response = client.post("/quizzes/scope-check/start")
    assert response.status_code == 302
    return response.location


def draft_key(page: str) -> str:
    found = re.search(r'name="draft_key" value="([0-9a-f]{64})"', page)
    assert found is not None
    return found.group(1)


def checked(page: str) -> set[tuple[str, str]]:
    """(field name, value) of every input checked on the page."""
    return {(m.group(1), m.group(2)) for m in re.finditer(r'<input checked[^>]*name="([^"]+)"[^>]*value="([^"]+)"', page)
            } | {(m.group(2), m.group(1)) for m in re.finditer(
                r'<input checked[^>]*value="([^"]+)"[^>]*name="([^"]+)"', page)}


def draft_row(db: Session, attempt_id: int) -> AttemptDraft | None:
    db.rollback()
    return db.get(AttemptDraft, attempt_id)


def attempt_id(url: str) -> int:
    return int(url.rsplit("/", 1)[1])


# ---------------------------------------------------------------- the page on a phone


def test_every_task_and_role_is_a_fieldset_of_radio_buttons_and_no_table(client: FlaskClient, learner) -> None:  # type: ignore[no-untyped-def]
    page = unescape(client.get(start(client)).data.decode())
    assert "<table" not in page  # a table was 1,012 px wide at 390 px
    legends = re.findall(r'<fieldset class="answer-group">\s*<legend>([^<]+)</legend>', page)
    # four split tasks (in the attempt's order) and three RACI roles (in the registry's order)
    assert sorted(legends[:4]) == sorted(["Update the change log", "Re-forecast the production budget",
                                          "Agree the extra fee with the client", "Brief the editor"]) or \
        sorted(legends[3:]) == sorted(["Update the change log", "Re-forecast the production budget",
                                       "Agree the extra fee with the client", "Brief the editor"])
    assert [x for x in legends if x in ROLE_LABELS] == ["Account Manager", "Project Manager", "Delivery/PMO Manager"]
    assert len(legends) == 7
    assert 'type="radio"' in page and '<label class="choice">' in page


def _role_orders(page: str) -> list[list[str]]:
    """Each group's owner-role labels, in page order (groups that offer owner roles only)."""
    groups = re.split(r'<div class="choices', page)[1:]
    orders = []
    for group in groups:
        group = group.split("</div>", 1)[0]
        labels = [x for x in re.findall(r"<span>([^<]+)</span>", group) if x in ROLE_LABELS]
        if labels:
            orders.append(labels)
    return orders


def test_owner_roles_stand_in_the_registry_order_on_every_question_of_every_attempt(
        app: Flask, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    read_modules(db, people["learner"].id, *QUIZ_PREREQUISITES)
    seen = 0
    for n in range(6):  # several learners, so several shuffled layouts (the quiz says shuffle: true)
        user = make_user(db, f"phone{n}@example.com", ("learner",))
        read_modules(db, user.id, *QUIZ_PREREQUISITES)
        client = app.test_client()
        client.post("/login", data={"email": user.email, "password": PASSWORD})
        page = unescape(client.get(start(client)).data.decode())
        orders = _role_orders(page)
        # the route question offers am, pm, shared; each of the 4 split tasks all four
        assert sorted(orders, key=len) == [ROLE_LABELS[:3]] + [ROLE_LABELS] * 4
        seen += len(orders)
    assert seen == 30


def test_the_page_loads_its_script_and_styles_from_static_with_no_inline_script(client: FlaskClient, learner) -> None:  # type: ignore[no-untyped-def]
    page = client.get(start(client)).data.decode()
    assert re.search(r'<script src="/static/js/quiz-draft\.js[^"]*" defer></script>', page)
    assert re.search(r'<link rel="stylesheet" href="/static/css/quiz\.css', page)
    assert len(re.findall(r"<script", page)) == 1
    with client.get("/static/js/quiz-draft.js") as script:
        assert script.status_code == 200


# ---------------------------------------------------------------- saving as you go


def test_a_change_saved_by_the_script_is_restored_after_sign_out_and_sign_in(
        client: FlaskClient, learner, auth, db: Session) -> None:  # type: ignore[no-untyped-def]
    url = start(client)
    page = client.get(url).data.decode()
    response = client.post(url + "/draft", data={**SOME, "draft_key": draft_key(page)}, headers=JSON)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"message", "saved_at", "label"}  # nothing about keys, points or feedback
    assert re.fullmatch(r"Saved at \d\d:\d\d", body["label"])
    row = draft_row(db, attempt_id(url))
    assert row is not None and row.answers == {"q1": "pm", "q2": {"t1": "am"}, "q3": {"pm": "A"}, "q4": ["a", "c"]}

    auth.logout()
    assert client.get(url).status_code == 302
    auth.login("learner@example.com")
    page = client.get(url).data.decode()
    assert checked(page) == {("q__q1", "pm"), ("q__q2__t1", "am"), ("q__q3__pm", "A"), ("q__q4", "a"), ("q__q4", "c")}
    assert body["label"] in page  # "Saved at 14:02"


def test_each_save_replaces_the_last(client: FlaskClient, learner, db: Session) -> None:  # type: ignore[no-untyped-def]
    url = start(client)
    client.post(url + "/draft", data=SOME, headers=JSON)
    assert client.post(url + "/draft", data={"q__q1": "am"}, headers=JSON).status_code == 200
    row = draft_row(db, attempt_id(url))
    assert row is not None and row.answers == {"q1": "am"}


def test_save_and_finish_later_without_javascript(client: FlaskClient, learner, db: Session) -> None:  # type: ignore[no-untyped-def]
    url = start(client)
    page = client.get(url).data.decode()
    assert 'formaction="' + url + '/draft"' in page and "Save and finish later" in page
    response = client.post(url + "/draft", data=SOME)
    assert response.status_code == 302 and response.location == "/quizzes/scope-check"
    intro = client.get(response.location).data.decode()
    assert "Your answers are saved (Saved at" in intro and "Resume your attempt" in intro
    assert ("q__q1", "pm") in checked(client.get(url).data.decode())


def test_submitting_grades_the_posted_answers_and_discards_the_draft(client: FlaskClient, learner, db: Session) -> None:  # type: ignore[no-untyped-def]
    url = start(client)
    client.post(url + "/draft", data=SOME, headers=JSON)
    assert client.post(url, data={"q__q1": "am"}).status_code == 302
    assert draft_row(db, attempt_id(url)) is None
    found = db.get(Attempt, attempt_id(url))
    assert found is not None and found.answers == {"q1": "am"}


def test_a_draft_for_a_submitted_attempt_is_refused(client: FlaskClient, learner, db: Session) -> None:  # type: ignore[no-untyped-def]
    url = start(client)
    client.post(url, data=SOME)
    response = client.post(url + "/draft", data={"q__q1": "am"}, headers=JSON)
    assert response.status_code == 409
    assert response.get_json() == {"message": "This attempt is already submitted: its answers can no longer change."}
    assert draft_row(db, attempt_id(url)) is None
    plain = client.post(url + "/draft", data={"q__q1": "am"})  # the button, on a stale page
    assert plain.status_code == 302 and plain.location == url


def test_an_answer_that_does_not_fit_is_refused_not_stored(client: FlaskClient, learner, db: Session) -> None:  # type: ignore[no-untyped-def]
    url = start(client)
    for bad in ({"q__q1": "ceo"}, {"q__q2__t1": "nobody"}, {"q__q3__am": "X"}, {"q__q1": "am\x00"}):
        response = client.post(url + "/draft", data=bad, headers=JSON)
        assert response.status_code == 400, bad
        assert "could not be read" in response.get_json()["message"]
    assert draft_row(db, attempt_id(url)) is None


def test_nobody_saves_a_draft_of_someone_elses_attempt(app: Flask, client: FlaskClient, learner, db: Session) -> None:  # type: ignore[no-untyped-def]
    url = start(client)
    other = app.test_client()
    other.post("/login", data={"email": "mentor@example.com", "password": PASSWORD})
    assert other.post(url + "/draft", data=SOME, headers=JSON).status_code == 404
    assert draft_row(db, attempt_id(url)) is None


# ---------------------------------------------------------------- the sign-in expires mid-quiz


def test_a_submit_after_the_sign_in_expired_keeps_the_answers_and_returns_to_the_attempt(
        app: Flask, client: FlaskClient, learner, db: Session) -> None:  # type: ignore[no-untyped-def]
    url = start(client)
    key = draft_key(client.get(url).data.decode())
    expired = app.test_client()  # the same page, its session gone (expired, or signed out in another tab)
    response = expired.post(url, data={**SOME, "draft_key": key})
    assert response.status_code == 302 and response.location.startswith("/login?next=")
    assert unquote(response.location) == f"/login?next={url}"
    found = db.get(Attempt, attempt_id(url))
    assert found is not None and found.submitted_at is None  # kept, not submitted: the learner checks first
    row = draft_row(db, attempt_id(url))
    assert row is not None and row.answers["q1"] == "pm"

    login = expired.get(response.location).data.decode()
    assert "Your sign-in expired before your answers were sent" in unescape(login)
    back = expired.post(response.location, data={"email": "learner@example.com", "password": PASSWORD})
    assert back.status_code == 302 and back.location == url
    assert ("q__q3__pm", "A") in checked(expired.get(url).data.decode())


def test_the_script_is_told_it_was_signed_out_and_its_change_kept(app: Flask, client: FlaskClient, learner,
                                                                   db: Session) -> None:  # type: ignore[no-untyped-def]
    url = start(client)
    key = draft_key(client.get(url).data.decode())
    response = app.test_client().post(url + "/draft", data={**SOME, "draft_key": key}, headers=JSON)
    assert response.status_code == 401
    assert response.get_json()["signed_out"] is True and "Your answers are saved" in response.get_json()["message"]
    assert draft_row(db, attempt_id(url)) is not None
    plain = app.test_client().post(url + "/draft", data={**SOME, "draft_key": key})
    assert plain.status_code == 302 and unquote(plain.location) == f"/login?next={url}"


def test_a_wrong_or_missing_draft_key_keeps_nothing(app: Flask, client: FlaskClient, learner, db: Session) -> None:  # type: ignore[no-untyped-def]
    url = start(client)
    key = draft_key(client.get(url).data.decode())
    stranger = app.test_client()
    for data in ({**SOME}, {**SOME, "draft_key": "0" * 64}, {**SOME, "draft_key": key[:-1] + "x"}):
        assert stranger.post(url, data=data).status_code == 302
        assert stranger.post(url + "/draft", data=data, headers=JSON).status_code == 401
    other = start_other(app, db)  # another learner's key does not open this attempt
    assert stranger.post(url, data={**SOME, "draft_key": other}).status_code == 302
    assert draft_row(db, attempt_id(url)) is None


def start_other(app: Flask, db: Session) -> str:
    user = make_user(db, "other@example.com", ("learner",))
    read_modules(db, user.id, *QUIZ_PREREQUISITES)
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    return draft_key(client.get(start(client)).data.decode())


def test_with_csrf_on_the_script_sends_the_token_and_a_forged_post_is_refused(
        database_url: str, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    read_modules(db, people["learner"].id, *QUIZ_PREREQUISITES)
    app = create_app(make_config(database_url, WTF_CSRF_ENABLED=True))

    def token(html: str) -> str:
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]

    client = app.test_client()
    client.post("/login", data={"email": "learner@example.com", "password": PASSWORD,
                                "csrf_token": token(client.get("/login").data.decode())})
    intro = client.get("/quizzes/scope-check").data.decode()
    url = client.post("/quizzes/scope-check/start", data={"csrf_token": token(intro)}).location
    page = client.get(url).data.decode()
    forged = client.post(url + "/draft", data=SOME, headers=JSON)  # another site's form: no token, no key
    assert forged.status_code == 400 and draft_row(db, attempt_id(url)) is None
    assert "security check has expired" in forged.get_json()["message"]
    ok = client.post(url + "/draft", data=SOME, headers={**JSON, "X-CSRFToken": token(page)})
    assert ok.status_code == 200 and draft_row(db, attempt_id(url)) is not None
    # An expired form token on the page: its draft key still proves the answers come from it.
    stale = client.post(url + "/draft", data={"q__q1": "am", "csrf_token": "expired", "draft_key": draft_key(page)},
                        headers=JSON)
    assert stale.status_code == 200
    row = draft_row(db, attempt_id(url))
    assert row is not None and row.answers == {"q1": "am"}
    state_of(app).engine.dispose()  # this test's own app: its pooled connections closed, not left to the collector


def test_the_last_change_sent_as_the_tab_closes_is_kept_without_a_message(client: FlaskClient, learner,
                                                                          db: Session) -> None:  # type: ignore[no-untyped-def]
    url = start(client)
    response = client.post(url + "/draft", data={**SOME, "via": "beacon"})  # navigator.sendBeacon: no Accept header
    assert response.status_code == 200 and response.get_json()["label"].startswith("Saved at")
    assert draft_row(db, attempt_id(url)) is not None
    assert "Your answers are saved (" not in client.get("/quizzes").data.decode()  # no flash left for later


def test_a_draft_for_a_reset_attempt_is_refused(client: FlaskClient, learner, db: Session) -> None:  # type: ignore[no-untyped-def]
    url = start(client)
    found = db.get(Attempt, attempt_id(url))
    assert found is not None
    found.state = "reset"
    db.commit()
    response = client.post(url + "/draft", data=SOME, headers=JSON)
    assert response.status_code == 409 and response.get_json()["message"] == "This attempt was reset: start the quiz again."
    assert draft_row(db, attempt_id(url)) is None
