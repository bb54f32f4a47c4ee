"""After an attempt, on the web: asking for and granting another attempt, resets, mentor feedback, flags, reports.

learner@ (cohort Red) is mentor@'s mentee; olive@ is other@'s.  The fixture quiz allows 2 attempts and shows
its keys at once (reveal: always).
"""

from __future__ import annotations

from datetime import date
from html import unescape

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.persistence.models import Attempt, AuditEntry, User
from courseware.services import cohorts
from tests.conftest import QUIZ_PREREQUISITES, make_user, read_modules
from tests.web.test_competence_web import PARTIAL, PERFECT, rows, sign_in, take


@pytest.fixture
def org(db: Session, people) -> dict[str, int]:  # type: ignore[no-untyped-def]
    learner = db.get(User, people["learner"].id)
    learner.display_name = "Lee Learner"  # type: ignore[union-attr]
    red = cohorts.create_cohort(db, name="Red", start_date=date(2026, 9, 1))
    cohorts.set_cohort(db, learner, red.id)  # type: ignore[arg-type]
    cohorts.assign_mentor(db, db.get(User, people["mentor"].id), learner)  # type: ignore[arg-type]
    other = make_user(db, "other@example.com", ("mentor",), name="Other Mentor")
    olive = make_user(db, "olive@example.com", name="Olive")
    cohorts.assign_mentor(db, other, olive)
    db.commit()
    read_modules(db, learner.id, *QUIZ_PREREQUISITES)  # type: ignore[union-attr]
    read_modules(db, olive.id, *QUIZ_PREREQUISITES)
    return {"learner": people["learner"].id, "olive": olive.id, "other": other.id}


def test_ask_grant_and_reset_another_attempt(app: Flask, org: dict[str, int], db: Session) -> None:
    learner = sign_in(app, "learner@example.com")
    take(learner, PARTIAL)
    take(learner, PARTIAL)
    intro = learner.get("/quizzes/scope-check").data.decode()
    assert "You have used every attempt at this quiz." in intro and "Ask my mentor for another attempt" in intro
    asked = learner.post("/quizzes/scope-check/request-attempt", data={"message": "I was ill"}, follow_redirects=True)
    assert "Your mentor has your request for another attempt." in asked.data.decode()
    assert "You asked for another attempt; your mentor will answer." in asked.data.decode()

    mentor = sign_in(app, "mentor@example.com")
    home = unescape(mentor.get("/mentor/").data.decode())
    assert "Lee Learner</a> has used every attempt at “Scope: who owns it?” and asks for another" in home
    assert "“I was ill”" in home
    assert "Asking for another attempt" not in unescape(sign_in(app, "other@example.com").get("/mentor/").data.decode())
    grant_url = f"/mentor/mentees/{org['learner']}/quizzes/scope-check/grant"
    empty = mentor.post(grant_url, data={"reason": " "})
    assert empty.status_code == 200 and "Give a reason: the learner and the audit log see it." in empty.data.decode()
    granted = unescape(mentor.post(grant_url, data={"reason": "Ill during the deadline"}, follow_redirects=True)
                       .data.decode())
    assert "One more attempt at “Scope: who owns it?” granted. They had already seen the keys, and this quiz has no " \
           "question pools: the same questions come back." in granted
    assert "Asks for another attempt" not in granted  # the request is answered
    assert "Asking for another attempt" not in mentor.get("/mentor/").data.decode()

    my_path = unescape(learner.get("/").data.decode())
    assert "Another attempt" in my_path and "“Ill during the deadline” — Mentor" in my_path  # reason, mentor's name
    assert "1</strong> of 3 attempts left (1 extra granted)" in learner.get("/quizzes/scope-check").data.decode()
    take(learner, PERFECT)

    reset = mentor.post(f"/mentor/mentees/{org['learner']}/quizzes/scope-check/reset",
                        data={"reason": "The key of q1 changed"}, follow_redirects=True)
    assert "“Scope: who owns it?” reset: every attempt is theirs again." in unescape(reset.data.decode())
    db.rollback()
    assert sorted(db.scalars(select(Attempt.state))) == ["reset", "reset", "reset"]
    kinds = db.execute(select(AuditEntry.kind, AuditEntry.reason).where(AuditEntry.kind.like("attempt.%"))
                       .order_by(AuditEntry.id)).all()  # the set-up's people and cohorts are audited too
    assert [tuple(k) for k in kinds] == [("attempt.grant", "Ill during the deadline"),
                                         ("attempt.reset", "The key of q1 changed")]
    assert "2</strong> of 2 attempts left" in learner.get("/quizzes/scope-check").data.decode()
    assert "Fresh start" in learner.get("/").data.decode()


def test_a_mentor_reviews_an_attempt_and_the_learner_reads_it(app: Flask, org: dict[str, int]) -> None:
    learner = sign_in(app, "learner@example.com")
    url = take(learner, PARTIAL)
    attempt_id = url.rsplit("/", 1)[1]
    review_url = f"/mentor/mentees/{org['learner']}/attempts/{attempt_id}"
    mentor = sign_in(app, "mentor@example.com")
    mentee_page = mentor.get(f"/mentor/mentees/{org['learner']}").data.decode()
    assert f'href="{review_url}"' in mentee_page
    page = unescape(mentor.get(review_url).data.decode())
    assert "45.5 %" in page and "Feedback for Lee Learner" in page and "<th>Key</th>" in page
    assert sign_in(app, "other@example.com").get(review_url).status_code == 404  # not their mentee
    bad = mentor.post(review_url + "/feedback", data={"body": ""})
    assert bad.status_code == 200 and "Write your feedback first." in bad.data.decode()
    sent = mentor.post(review_url + "/feedback", data={"body": "Budget is the PM's. <script>alert(1)</script>"})
    assert sent.status_code == 302
    result = learner.get(url).data.decode()
    assert "Feedback from your mentor" in result and "Budget is the PM&#39;s. &lt;script&gt;" in result
    assert "<script>alert(1)</script>" not in result
    assert "Budget is the PM&#39;s." in learner.get("/").data.decode()  # on My path too


def test_flags_are_grouped_by_question_and_answered(app: Flask, org: dict[str, int], db: Session) -> None:
    learner = sign_in(app, "learner@example.com")
    url = take(learner, PARTIAL)
    attempt_id = url.rsplit("/", 1)[1]
    missing = learner.post(f"/attempts/{attempt_id}/flag", data={"question_id": "q1", "comment": ""})
    assert missing.status_code == 422 and "Say what you think is wrong." in missing.data.decode()
    other = learner.post(f"/attempts/{attempt_id}/flag", data={"question_id": "q9", "comment": "?"})
    assert other.status_code == 422 and "Flag a question of this attempt." in other.data.decode()
    assert learner.post(f"/attempts/{attempt_id}/flag",
                        data={"question_id": "q1", "comment": "The PM talks to the client here"}).status_code == 302
    twice = learner.post(f"/attempts/{attempt_id}/flag", data={"question_id": "q1", "comment": "Again"})
    assert "You have already flagged this question" in twice.data.decode()
    olive = sign_in(app, "olive@example.com")
    olive_url = take(olive, PARTIAL)
    olive.post(f"/attempts/{olive_url.rsplit('/', 1)[1]}/flag", data={"question_id": "q1", "comment": "Same doubt"})
    assert sign_in(app, "olive@example.com").post(f"/attempts/{attempt_id}/flag",
                                                  data={"question_id": "q1", "comment": "x"}).status_code == 404

    admin = sign_in(app, "admin@example.com")
    flags = unescape(admin.get("/admin/flags").data.decode())
    assert "Scope: who owns it? · q1" in flags and "2 open flags" in flags
    assert "<strong>Key:</strong> Account Manager" in flags  # the same under both models: one line
    assert "“The PM talks to the client here”" in flags and "“Same doubt”" in flags
    resolve = "/admin/flags/scope-check/q1/resolve"
    assert "Write the reply the learners will read." in admin.post(resolve, data={"reply": ""}).data.decode()
    done = admin.post(resolve, data={"reply": "The key stands: the AM owns client-driven change."}, follow_redirects=True)
    assert "2 flags resolved; the learners see your reply." in done.data.decode()
    assert admin.post(resolve, data={"reply": "again"}).status_code == 404  # nothing open any more
    result = learner.get(url).data.decode()
    assert "Reply:</strong> The key stands: the AM owns client-driven change." in result
    assert "Reply</span>" in learner.get("/").data.decode()
    db.rollback()
    entry = db.scalar(select(AuditEntry).where(AuditEntry.kind == "flag.resolve"))
    assert entry is not None and entry.before == {"open_flags": 2}


def test_reports_csv_by_hand(app: Flask, org: dict[str, int]) -> None:
    learner = sign_in(app, "learner@example.com")
    take(learner, {**PERFECT, "q__q1": "pm"})  # 10 of 11: 90.9, passed; q1 (scope) wrong
    take(learner, PARTIAL)  # 45.5
    take(sign_in(app, "olive@example.com"), PERFECT)
    mentor, admin = sign_in(app, "mentor@example.com"), sign_in(app, "admin@example.com")

    grades = rows(mentor.get("/mentor/reports/scope-check/grades.csv"))
    assert grades[0] == ["Name", "Email", "Cohort", "Attempts", "Best score", "Last score", "Passed",
                         "Scope (best attempt)", "Time (best attempt)", "Risk (best attempt)", "Budget (best attempt)",
                         "Communication (best attempt)"]
    assert grades[1:] == [["Lee Learner", "learner@example.com", "Red", "2", "90.9", "45.5", "yes",
                           "0.0", "100.0", "100.0", "100.0", "100.0"]]  # olive@ is not mentor@'s mentee
    everyone = rows(admin.get("/mentor/reports/scope-check/grades.csv"))
    assert [r[0] for r in everyone[1:]] == ["Lee Learner", "Olive"]  # an admin: the whole organisation
    assert everyone[2][3:7] == ["1", "100.0", "100.0", "yes"]

    answers = rows(mentor.get("/mentor/reports/scope-check/answers.csv"))
    by_item = {(r[0], r[2], r[4]): (r[6], r[7], r[8]) for r in answers[1:]}
    assert by_item[("q1", "", "pm")] == ("2", "100.0", "no")
    assert by_item[("q2", "t2", "pm")] == ("1", "50.0", "yes") and by_item[("q2", "t2", "am")] == ("1", "50.0", "no")
    assert by_item[("q2", "t4", "")] == ("1", "50.0", "no")  # left unanswered once
    assert by_item[("q3", "pm", "R")] == ("1", "50.0", "no") and by_item[("q4", "", "a,c")] == ("1", "50.0", "yes")
    assert [r[0] for r in answers[1:]] == sorted(r[0] for r in answers[1:])  # the quiz's order, q1 … q5
    assert answers[1][5] == "Project Manager"  # the answer in words

    confusion = rows(mentor.get("/mentor/reports/confusion.csv"))
    assert confusion[0] == ["Area", "Key", "Account Manager", "Project Manager", "Shared (AM and PM)",
                            "Delivery/PMO Manager", "Not answered", "Answers", "Correct (%)"]
    assert confusion[1:] == [
        ["All areas", "Account Manager", "2", "2", "0", "0", "0", "4", "50.0"],  # q1 pm twice; t3 am twice
        ["All areas", "Project Manager", "1", "4", "0", "0", "1", "6", "66.7"],  # t1 ×2, t2, t4 pm; t2 am; t4 blank
        ["Scope", "Account Manager", "0", "2", "0", "0", "0", "2", "0.0"],
        ["Time", "Project Manager", "0", "1", "0", "0", "1", "2", "50.0"],
        ["Budget", "Account Manager", "2", "0", "0", "0", "0", "2", "100.0"],
        ["Budget", "Project Manager", "1", "3", "0", "0", "0", "4", "75.0"],
    ]
    reports_page = mentor.get("/mentor/reports").data.decode()
    assert "Every report covers your mentees only." in reports_page
