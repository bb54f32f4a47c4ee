"""Route table rows for the quiz pages: (method, url, endpoint, {role: status}).

URLs may use {learner}, {mentor}, {admin} (the people fixture ids) and any key that
`tests/web/route_fixtures.py:route_ids` returns.
"""

from __future__ import annotations

from tests.web.routes_foundation import LOGIN

ROUTES: list[tuple[str, str, str, dict[str, int]]] = [
    ("GET", "/quizzes", "quiz.index", {"anonymous": LOGIN, "learner": 200, "mentor": 200, "admin": 200}),
    ("GET", "/quizzes/scope-check", "quiz.intro", {"anonymous": LOGIN, "learner": 200, "mentor": 200, "admin": 200}),
    ("GET", "/quizzes/nope", "quiz.intro", {"anonymous": LOGIN, "learner": 404, "mentor": 404, "admin": 404}),
    ("GET", "/attempts/{learner_attempt}", "quiz.attempt", {"anonymous": LOGIN, "learner": 200, "mentor": 404, "admin": 404}),
    ("POST", "/attempts/{learner_attempt}", "quiz.attempt", {"anonymous": LOGIN, "learner": 302, "mentor": 404, "admin": 404}),
    ("GET", "/attempts/999999", "quiz.attempt", {"anonymous": LOGIN, "learner": 404, "mentor": 404, "admin": 404}),
    ("POST", "/quizzes/scope-check/start", "quiz.start", {"anonymous": LOGIN, "learner": 302, "mentor": 302, "admin": 302}),
    ("POST", "/quizzes/nope/start", "quiz.start", {"anonymous": LOGIN, "learner": 404, "mentor": 404, "admin": 404}),
]
