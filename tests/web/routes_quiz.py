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
]
