"""Route table rows for the quiz pages: (method, url, endpoint, {role: status}).

URLs may use {learner}, {mentor}, {admin} (the people fixture ids) and any key that
`tests/web/route_fixtures.py:route_ids` returns.
"""

from __future__ import annotations

from tests.web.routes_foundation import LOGIN, SIGNED_IN


def _everyone(status: int) -> dict[str, int]:
    """Every signed-in role gets ``status`` (quizzes are open to all); anonymous users sign in."""
    return {"anonymous": LOGIN, **{role: status for role in SIGNED_IN}}


def _own(status: int) -> dict[str, int]:
    """Only the learner who owns the attempt gets ``status``; for everyone else it does not exist."""
    return {**_everyone(404), "learner": status}


ROUTES: list[tuple[str, str, str, dict[str, int]]] = [
    ("GET", "/quizzes", "quiz.index", _everyone(200)),
    ("GET", "/quizzes/scope-check", "quiz.intro", _everyone(200)),
    ("GET", "/quizzes/nope", "quiz.intro", _everyone(404)),
    ("GET", "/attempts/{learner_attempt}", "quiz.attempt", _own(200)),
    ("POST", "/attempts/{learner_attempt}", "quiz.attempt", _own(302)),
    ("GET", "/attempts/999999", "quiz.attempt", _everyone(404)),
    ("POST", "/quizzes/scope-check/start", "quiz.start", _everyone(302)),
    ("POST", "/quizzes/nope/start", "quiz.start", _everyone(404)),
    # A submitted attempt ({learner_result}): its result page, and flagging one of its questions.
    ("GET", "/attempts/{learner_result}", "quiz.attempt", _own(200)),
    ("POST", "/attempts/{learner_result}/flag", "quiz.flag", _own(422)),  # no comment: the page again
    ("POST", "/attempts/{learner_attempt}/flag", "quiz.flag", _own(422)),  # submitted by the POST row above
    ("POST", "/attempts/999999/flag", "quiz.flag", _everyone(404)),
    # learner@ has now submitted both attempts the quiz allows: the request goes to their mentor.  Nobody else has
    # used every attempt: the intro again, saying so.
    ("POST", "/quizzes/scope-check/request-attempt", "quiz.request_attempt", {**_everyone(422), "learner": 302}),
    ("POST", "/quizzes/nope/request-attempt", "quiz.request_attempt", _everyone(404)),
]
