"""Racing submits over real HTTP: each attempt is graded once, and nobody sees an error."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookies import SimpleCookie

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.serving import BaseWSGIServer, make_server

from courseware.persistence.models import Attempt, AttemptItem
from courseware.services.attempts import start_attempt
from courseware.state import state_of
from tests.conftest import PASSWORD, QUIZ_PREREQUISITES, make_user, read_modules

RACERS = 6
ROUNDS = 8
ANSWERS = {"q__q1": "am", "q__q2__t1": "pm", "q__q2__t2": "am", "q__q3__pm": "A", "q__q5": "a"}
# q1 1 + q2 1 of 4 tasks → 1 + q3 1 of 3 letters → 1 + q5 1 = 4 of 11 → 36.36… → 36.4


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    srv: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join(5)


def post(url: str, data: dict[str, str], cookie: str = "") -> tuple[int, str, str]:
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=urllib.parse.urlencode(data).encode(), method="POST")
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        response = opener.open(request, timeout=60)
        return response.status, response.headers.get("Location", ""), response.headers.get("Set-Cookie", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location", ""), exc.headers.get("Set-Cookie", "")


def test_racing_submits_grade_each_attempt_once(app: Flask, db: Session, server: str) -> None:
    quiz = state_of(app).quizzes.get("scope-check")
    statuses: list[int] = []
    lock = threading.Lock()
    attempt_ids = []
    for round_ in range(ROUNDS):
        user = make_user(db, f"racer{round_}@example.com")
        status, _, set_cookie = post(f"{server}/login", {"email": user.email, "password": PASSWORD})
        assert status == 302
        cookie = "session=" + SimpleCookie(set_cookie)["session"].value
        read_modules(db, user.id, *QUIZ_PREREQUISITES)
        attempt = start_attempt(db, quiz, user.id, "separate", seed=round_, catalog=state_of(app).catalog,
                                rule=state_of(app).completion)
        db.commit()
        attempt_ids.append(attempt.id)
        barrier = threading.Barrier(RACERS)

        def race(attempt_id: int = attempt.id, cookie: str = cookie, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            status, location, _ = post(f"{server}/attempts/{attempt_id}", ANSWERS, cookie)
            with lock:
                statuses.append(status)
            assert location.endswith(f"/attempts/{attempt_id}")

        threads = [threading.Thread(target=race) for _ in range(RACERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert statuses == [302] * (RACERS * ROUNDS)  # no error for the losers: they are sent to the result
    db.rollback()
    per_attempt = db.execute(
        select(AttemptItem.attempt_id, func.count()).group_by(AttemptItem.attempt_id).order_by(AttemptItem.attempt_id)
    ).all()
    assert [tuple(r) for r in per_attempt] == [(a, 10) for a in attempt_ids]  # one graded set each, never two
    scores = db.execute(select(Attempt.state, Attempt.score)).all()
    assert [tuple(s) for s in scores] == [("submitted", 36.4)] * ROUNDS
