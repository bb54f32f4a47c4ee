"""Route table rows for attempt drafts and the landing pages: (method, url, endpoint, {role: status}).

They run after the quiz rows (``routes_quiz.py``), which submit {learner_attempt}.
"""

from __future__ import annotations

from tests.web.routes_foundation import LOGIN, SIGNED_IN

ROUTES: list[tuple[str, str, str, dict[str, int]]] = [
    # Submitted by then: the draft is refused and the learner goes back to the attempt (its result); an attempt
    # of someone else does not exist; signed out without the page's draft key, sign in.
    ("POST", "/attempts/{learner_attempt}/draft", "quiz.save_draft",
     {"anonymous": LOGIN, **{role: 404 for role in SIGNED_IN}, "learner": 302}),
    ("POST", "/attempts/999999/draft", "quiz.save_draft", {"anonymous": LOGIN, **{role: 404 for role in SIGNED_IN}}),
]
