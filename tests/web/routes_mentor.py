"""Route table rows for the mentor dashboards: (method, url, endpoint, {role: status}).

URLs may use {learner}, {mentor}, {admin} (the people fixture ids) and any key that
`tests/web/route_fixtures.py:route_ids` returns.  mentor@ mentors learner@ (in {cohort});
{stranger} is another mentor's mentee in {stranger_cohort}: a 404 for mentor@, like a missing id.
"""

from __future__ import annotations

from tests.web.routes_foundation import LOGIN


def _dashboard(mentor: int, admin: int | None = None, manager: int | None = None) -> dict[str, int]:
    """Mentors get ``mentor``, admins ``admin`` (default the same), managers ``manager`` (default the admin's);
    learners 403; anonymous users sign in."""
    admin = mentor if admin is None else admin
    return {"anonymous": LOGIN, "learner": 403, "mentor": mentor, "admin": admin,
            "manager": admin if manager is None else manager}


ROUTES: list[tuple[str, str, str, dict[str, int]]] = [
    ("GET", "/mentor/", "mentor.home", _dashboard(200)),
    ("GET", "/mentor/?sort=score&dir=desc&cohort={cohort}&page=3", "mentor.home", _dashboard(200)),
    ("GET", "/mentor/?sort=bogus&dir=sideways&cohort=abc&page=-1", "mentor.home", _dashboard(200)),
    ("GET", "/mentor/?cohort={stranger_cohort}", "mentor.home", _dashboard(200)),
    ("GET", "/mentor/export.csv", "mentor.export", _dashboard(200)),
    ("GET", "/mentor/export.csv?cohort=none&sort=overdue&dir=desc", "mentor.export", _dashboard(200)),
    ("GET", "/mentor/mentees/{learner}", "mentor.mentee", _dashboard(200)),
    ("GET", "/mentor/mentees/{learner}?page=9", "mentor.mentee", _dashboard(200)),
    ("GET", "/mentor/mentees/{stranger}", "mentor.mentee", _dashboard(404, 200)),
    ("GET", "/mentor/mentees/{mentor}", "mentor.mentee", _dashboard(404, 200)),  # not their mentee; admins see anyone
    ("GET", "/mentor/mentees/999999", "mentor.mentee", _dashboard(404)),
    # Managers read notes but never write them.
    ("POST", "/mentor/mentees/{learner}/notes", "mentor.add_note", _dashboard(200, manager=403)),  # empty: the form again
    ("POST", "/mentor/mentees/{stranger}/notes", "mentor.add_note", _dashboard(404, 200, manager=403)),
    ("POST", "/mentor/mentees/999999/notes", "mentor.add_note", _dashboard(404, manager=403)),
    # A note is edited or deleted by its author only; anyone else's note is a 404, like a missing one.
    ("GET", "/mentor/notes/{mentor_note}/edit", "mentor.edit_note", _dashboard(200, 404, manager=403)),
    ("GET", "/mentor/notes/{admin_note}/edit", "mentor.edit_note", _dashboard(404, 200, manager=403)),
    ("GET", "/mentor/notes/999999/edit", "mentor.edit_note", _dashboard(404, manager=403)),
    ("POST", "/mentor/notes/{mentor_note}/edit", "mentor.edit_note", _dashboard(200, 404, manager=403)),  # empty: form again
    ("POST", "/mentor/notes/{admin_note}/edit", "mentor.edit_note", _dashboard(404, 200, manager=403)),
    ("POST", "/mentor/notes/999999/delete", "mentor.delete_note", _dashboard(404, manager=403)),
    ("POST", "/mentor/notes/{admin_note}/delete", "mentor.delete_note", _dashboard(404, 302, manager=403)),
    ("POST", "/mentor/notes/{mentor_note}/delete", "mentor.delete_note", _dashboard(302, 404, manager=403)),
    ("GET", "/mentor/cohorts/{cohort}", "mentor.cohort", _dashboard(200)),
    ("GET", "/mentor/cohorts/{cohort}?page=4", "mentor.cohort", _dashboard(200)),
    ("GET", "/mentor/cohorts/{stranger_cohort}", "mentor.cohort", _dashboard(404, 200)),
    ("GET", "/mentor/cohorts/999999", "mentor.cohort", _dashboard(404)),
    # A mentee's attempt ({learner_result} is learner@'s): within scope only, submitted only.
    ("GET", "/mentor/mentees/{learner}/attempts/{learner_result}", "mentor.mentee_attempt", _dashboard(200)),
    ("GET", "/mentor/mentees/{stranger}/attempts/{learner_result}", "mentor.mentee_attempt", _dashboard(404)),
    ("GET", "/mentor/mentees/{learner}/attempts/{learner_attempt}", "mentor.mentee_attempt", _dashboard(404)),
    ("GET", "/mentor/mentees/{learner}/attempts/999999", "mentor.mentee_attempt", _dashboard(404)),
    # Feedback, extra attempts and resets: mentors (their mentees) and admins; managers only read.
    ("POST", "/mentor/mentees/{learner}/attempts/{learner_result}/feedback", "mentor.attempt_feedback",
     _dashboard(200, manager=403)),  # empty: the page again
    ("POST", "/mentor/mentees/{stranger}/attempts/{learner_result}/feedback", "mentor.attempt_feedback",
     _dashboard(404, manager=403)),
    ("POST", "/mentor/mentees/{learner}/quizzes/scope-check/grant", "mentor.grant_attempt",
     _dashboard(200, manager=403)),  # no reason: the page again
    ("POST", "/mentor/mentees/{stranger}/quizzes/scope-check/grant", "mentor.grant_attempt",
     _dashboard(404, 200, manager=403)),
    ("POST", "/mentor/mentees/{learner}/quizzes/nope/grant", "mentor.grant_attempt", _dashboard(404, manager=403)),
    ("POST", "/mentor/mentees/{learner}/quizzes/scope-check/reset", "mentor.reset_quiz", _dashboard(200, manager=403)),
    ("POST", "/mentor/mentees/{stranger}/quizzes/scope-check/reset", "mentor.reset_quiz",
     _dashboard(404, 200, manager=403)),
    ("POST", "/mentor/mentees/999999/quizzes/scope-check/reset", "mentor.reset_quiz", _dashboard(404, manager=403)),
    # Reports: the mentor's mentees, or the whole organisation.
    ("GET", "/mentor/reports", "mentor.reports", _dashboard(200)),
    ("GET", "/mentor/reports/scope-check/grades.csv", "mentor.grades_csv", _dashboard(200)),
    ("GET", "/mentor/reports/nope/grades.csv", "mentor.grades_csv", _dashboard(404)),
    ("GET", "/mentor/reports/scope-check/answers.csv", "mentor.answers_csv", _dashboard(200)),
    ("GET", "/mentor/reports/nope/answers.csv", "mentor.answers_csv", _dashboard(404)),
    ("GET", "/mentor/reports/confusion.csv", "mentor.confusion_csv_view", _dashboard(200)),
    ("GET", "/mentor/reports/confusion.csv?quiz=scope-check", "mentor.confusion_csv_view", _dashboard(200)),
    ("GET", "/mentor/reports/confusion.csv?quiz=nope", "mentor.confusion_csv_view", _dashboard(404)),
]
