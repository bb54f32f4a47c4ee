"""Route table rows for attempt drafts and the landing pages: (method, url, endpoint, {role: status}).

They run after the quiz rows (``routes_quiz.py``), which submit {learner_attempt}.
"""

from __future__ import annotations

from tests.web.routes_foundation import LOGIN, SIGNED_IN

ROUTES: list[tuple[str, str, str, dict[str, int]]] = [
    # "/" lands each role on its page (learners: My path, above); everyone's own path is at /path.
    ("GET", "/path", "learner.my_path", {"anonymous": LOGIN, **{role: 200 for role in SIGNED_IN}}),
    ("POST", "/welcome/dismiss", "learner.dismiss_welcome", {"anonymous": LOGIN, **{role: 302 for role in SIGNED_IN}}),
    # The mentoring track (audience: mentor in the fixture registry) is not there for a learner.
    ("GET", "/tracks/mentoring", "learner.track", {"anonymous": LOGIN, **{role: 200 for role in SIGNED_IN},
                                                   "learner": 404}),
    # Submitted by then: the draft is refused and the learner goes back to the attempt (its result); an attempt
    # of someone else does not exist; signed out without the page's draft key, sign in.
    ("POST", "/attempts/{learner_attempt}/draft", "quiz.save_draft",
     {"anonymous": LOGIN, **{role: 404 for role in SIGNED_IN}, "learner": 302}),
    ("POST", "/attempts/999999/draft", "quiz.save_draft", {"anonymous": LOGIN, **{role: 404 for role in SIGNED_IN}}),
]
