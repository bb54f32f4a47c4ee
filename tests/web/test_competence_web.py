"""Completion, gating, reveal policies, near misses and per-model feedback, as the pages show them.

The fixture course: intro → basics → scope; the quiz scope-check (2 attempts) completes scope and opens once
basics is complete.  PARTIAL scores 5 of 11 (45.5, not passed); PERFECT 11 of 11.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from courseware.core.quiz import Quiz, QuizBank
from courseware.persistence.models import User
from courseware.services import cohorts
from courseware.state import state_of
from tests.conftest import PASSWORD, QUIZ_PREREQUISITES, read_modules

PARTIAL = {"q__q1": "pm", "q__q2__t1": "pm", "q__q2__t2": "am", "q__q2__t3": "am", "q__q3__am": "I",
           "q__q3__pm": "R", "q__q3__pmo": "C", "q__q4": ["a", "b"], "q__q5": "a"}
PERFECT = {"q__q1": "am", "q__q2__t1": "pm", "q__q2__t2": "pm", "q__q2__t3": "am", "q__q2__t4": "pm",
           "q__q3__am": "I", "q__q3__pm": "A", "q__q3__pmo": "C", "q__q4": ["a", "c"], "q__q5": "a"}
# What a result page holds only when keys are shown: explanations, feedback, a key's words, the misroute key,
# and "Read more" links to a heading (headings often name the owner; while hidden the link goes to the module).
KEY_TEXTS = ["Client-driven change is handled strategically by the AM.", "Execution is the PM's; on a small hybrid account",
             "One voice per message, agreed up front.", "Agree channels at kickoff", "under the separate model it is",
             "<th>Key</th>", 'href="/modules/scope#change-requests"']


def sign_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    return client


def take(client: FlaskClient, answers: dict) -> str:  # type: ignore[type-arg]
    """Start (or resume) the fixture quiz and submit ``answers``; the attempt's URL."""
    started = client.post("/quizzes/scope-check/start")
    assert started.status_code == 302 and started.location.startswith("/attempts/"), started.location
    assert client.post(started.location, data=answers).status_code == 302
    return started.location


def edit_quiz(app: Flask, change: Callable[[Quiz], Quiz]) -> None:
    state = state_of(app)
    state.quizzes = QuizBank(tuple(change(q) if q.id == "scope-check" else q for q in state.quizzes))


def rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return list(csv.reader(io.StringIO(response.data.decode())))


def column(table: list[list[str]], name: str, row: int = 1) -> str:
    return table[row][table[0].index(name)]


@pytest.fixture
def red(db: Session, people) -> int:  # type: ignore[no-untyped-def]
    """learner@ in cohort Red, mentored by mentor@."""
    cohort = cohorts.create_cohort(db, name="Red", start_date=date(2026, 9, 1))
    learner = db.get(User, people["learner"].id)
    cohorts.set_cohort(db, learner, cohort.id)  # type: ignore[arg-type]
    cohorts.assign_mentor(db, db.get(User, people["mentor"].id), learner)  # type: ignore[arg-type]
    db.commit()
    return cohort.id


def test_completion_is_one_rule_on_every_page_and_csv(app: Flask, people, red: int) -> None:  # type: ignore[no-untyped-def]
    learner_id = people["learner"].id
    learner = sign_in(app, "learner@example.com")
    for module_id in ("intro", "basics", "scope"):  # marks all three, scope included
        learner.post(f"/modules/{module_id}/complete")
    take(learner, PARTIAL)  # 45.5: not passed

    def everywhere() -> dict[str, str]:
        mentor, admin = sign_in(app, "mentor@example.com"), sign_in(app, "admin@example.com")
        my_path = learner.get("/").data.decode()
        table = mentor.get("/mentor/").data.decode()
        mentee = mentor.get(f"/mentor/mentees/{learner_id}").data.decode()
        heatmap = unescape(mentor.get(f"/mentor/cohorts/{red}").data.decode())
        overview = rows(admin.get("/admin/overview.csv"))
        return {
            "my path": re.search(r"(\d) of 3 modules complete", my_path).group(1),  # type: ignore[union-attr]
            "mentor table": re.search(r"(\d) / 3 modules</span>", table).group(1),  # type: ignore[union-attr]
            "mentor csv": column(rows(mentor.get("/mentor/export.csv")), "Modules completed"),
            "mentee page": re.search(r"<strong>(\d) / 3</strong> modules completed", mentee).group(1),  # type: ignore[union-attr]
            "heatmap": str(heatmap.count(": complete\"")),
            "overview csv": column(overview, "Modules completed"),  # Red's row: its one learner
            "finished": column(overview, "Finished the path"),
            "scope cell": re.search(r'title="Scope: ([a-z ]+)"', heatmap).group(1),  # type: ignore[union-attr]
        }

    # intro and basics are marked; scope's mark counts for nothing until scope-check is passed.
    assert everywhere() == {"my path": "2", "mentor table": "2", "mentor csv": "2", "mentee page": "2", "heatmap": "2",
                            "overview csv": "2", "finished": "0", "scope cell": "in progress"}
    take(learner, PERFECT)
    assert everywhere() == {"my path": "3", "mentor table": "3", "mentor csv": "3", "mentee page": "3", "heatmap": "3",
                            "overview csv": "3", "finished": "1", "scope cell": "complete"}


def test_a_quiz_opens_once_its_modules_prerequisites_are_complete(app: Flask, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    learner = sign_in(app, "learner@example.com")
    intro = unescape(learner.get("/quizzes/scope-check").data.decode())
    assert "Not open yet. Finish “The basics” first." in intro and "Start the quiz" not in intro
    refused = learner.post("/quizzes/scope-check/start", follow_redirects=True)
    assert "Finish “The basics” first." in unescape(refused.data.decode())
    listing = unescape(learner.get("/quizzes").data.decode())
    assert "Locked" in listing and "Finish “The basics” first." in listing
    read_modules(db, people["learner"].id, *QUIZ_PREREQUISITES)
    assert "Start the quiz" in learner.get("/quizzes/scope-check").data.decode()
    assert learner.post("/quizzes/scope-check/start").location.startswith("/attempts/")


@pytest.fixture
def ready(people, db: Session) -> None:  # type: ignore[no-untyped-def]
    read_modules(db, people["learner"].id, *QUIZ_PREREQUISITES)


def test_after_passing_hides_keys_until_passed(app: Flask, people, ready: None) -> None:  # type: ignore[no-untyped-def]
    edit_quiz(app, lambda q: replace(q, reveal="after-passing"))
    learner = sign_in(app, "learner@example.com")
    first = take(learner, PARTIAL)
    page = unescape(learner.get(first).data.decode())
    assert "45.5 %" in page and "5 of 11 points" in page
    assert re.search(r"<span>Budget</span><strong>66\.7 %</strong>", page)  # the areas stay
    assert "You routed “Re-forecast the production budget” to Account Manager, which is not its owner." in page
    assert "Keys, feedback and explanations appear once you pass this quiz or have no attempt left." in page
    assert 'Read more: <a href="/modules/scope">Scope</a>' in page
    for text in KEY_TEXTS:
        assert text not in page, text
    take(learner, PERFECT)  # passed: every result shows its keys now, the first one included
    page = unescape(learner.get(first).data.decode())
    for text in KEY_TEXTS:
        assert text in page, text


def test_after_passing_shows_keys_once_no_attempt_is_left(app: Flask, people, ready: None) -> None:  # type: ignore[no-untyped-def]
    edit_quiz(app, lambda q: replace(q, reveal="after-passing"))
    learner = sign_in(app, "learner@example.com")
    first = take(learner, PARTIAL)
    second_start = learner.post("/quizzes/scope-check/start").location  # the last attempt, open
    assert "<th>Key</th>" not in learner.get(first).data.decode()  # an open last attempt: still hidden
    learner.post(second_start, data=PARTIAL)
    assert "<th>Key</th>" in learner.get(first).data.decode()  # none left: shown


def test_never_shows_keys_to_the_learner_but_their_mentor_sees_them(app: Flask, people, red: int, ready: None) -> None:  # type: ignore[no-untyped-def]
    edit_quiz(app, lambda q: replace(q, reveal="never"))
    learner = sign_in(app, "learner@example.com")
    url = take(learner, PERFECT)
    page = unescape(learner.get(url).data.decode())
    assert "Passed" in page and "This quiz never shows its keys" in page
    for text in KEY_TEXTS[:3] + ["<th>Key</th>"]:
        assert text not in page, text
    attempt_id = url.rsplit("/", 1)[1]
    mentor_view = unescape(sign_in(app, "mentor@example.com").get(
        f"/mentor/mentees/{people['learner'].id}/attempts/{attempt_id}").data.decode())
    assert "<th>Key</th>" in mentor_view and KEY_TEXTS[0] in mentor_view


def test_always_shows_keys_after_the_first_attempt(app: Flask, people, ready: None) -> None:  # type: ignore[no-untyped-def]
    learner = sign_in(app, "learner@example.com")  # the fixture quiz says reveal: always
    page = unescape(learner.get(take(learner, PARTIAL)).data.decode())
    for text in KEY_TEXTS:
        assert text in page, text


def test_near_miss_reads_partly_right_with_its_reason(app: Flask, people, ready: None) -> None:  # type: ignore[no-untyped-def]
    credits = state_of(app).catalog.registry.near_miss_credits
    edit_quiz(app, lambda q: replace(q, near_miss=True, questions=tuple(replace(x, near_miss=credits)
                                                                          for x in q.questions)))
    learner = sign_in(app, "learner@example.com")
    # q1 shared for am: 0.5 of 1; q2 t3 shared for am: 0.5 of the task's 1 point.  The rest as PERFECT: 10 of 11.
    page = unescape(learner.get(take(learner, {**PERFECT, "q__q1": "shared", "q__q2__t3": "shared"})).data.decode())
    assert "10 of 11 points" in page and "90.9 %" in page
    assert page.count("Partly right (50% of the points): Shared (AM and PM) is close, but the work belongs to "
                      "Account Manager.") == 2
    assert "≈ Shared (AM and PM)" in page


def test_per_model_feedback_reaches_only_its_learners(app: Flask, people, db: Session, ready: None) -> None:  # type: ignore[no-untyped-def]
    def add_variants(quiz: Quiz) -> Quiz:
        q1 = replace(quiz.question("q1"), feedback_by_model={"hybrid": {"pm": "Hybrid: the AM runs it all."}},  # type: ignore[arg-type]
                     explanation_by_model={"hybrid": "Hybrid: the AM owns the change."})
        return replace(quiz, questions=tuple(q1 if q.id == "q1" else q for q in quiz.questions))

    edit_quiz(app, add_variants)
    learner = sign_in(app, "learner@example.com")
    separate = unescape(learner.get(take(learner, PARTIAL)).data.decode())
    assert "The PM sizes it; the AM takes it to the client." in separate  # q1's feedback for pm
    assert "Hybrid:" not in separate
    user = db.get(User, people["learner"].id)
    user.operating_model = "hybrid"  # type: ignore[union-attr]
    db.commit()
    hybrid = unescape(learner.get(take(learner, PARTIAL)).data.decode())
    assert "Hybrid: the AM runs it all." in hybrid and "Hybrid: the AM owns the change." in hybrid
    assert "The PM sizes it; the AM takes it to the client." not in hybrid
    assert "Client-driven change is handled strategically by the AM." not in hybrid


def test_raci_rule_breaks_are_flagged_on_the_result_page(app: Flask, people, ready: None) -> None:  # type: ignore[no-untyped-def]
    learner = sign_in(app, "learner@example.com")
    page = unescape(learner.get(take(learner, {**PARTIAL, "q__q3__am": "A", "q__q3__pm": "A"})).data.decode())
    assert "RACI rule:</strong> 2 roles are Accountable (Account Manager, Project Manager): a RACI has exactly one A." in page


def test_a_hidden_key_keeps_the_rule_that_would_reveal_it_off_the_page(app: Flask, people, ready: None) -> None:  # type: ignore[no-untyped-def]
    def with_an_r(quiz: Quiz) -> Quiz:
        q3 = replace(quiz.question("q3"), answer={"am": "R", "pm": "A", "pmo": "C"})  # type: ignore[arg-type]
        return replace(quiz, reveal="after-passing", questions=tuple(q3 if q.id == "q3" else q for q in quiz.questions))

    edit_quiz(app, with_an_r)
    learner = sign_in(app, "learner@example.com")
    url = take(learner, {**PARTIAL, "q__q3__am": "A", "q__q3__pm": "A", "q__q3__pmo": "C"})
    hidden = unescape(learner.get(url).data.decode())
    assert "2 roles are Accountable (Account Manager, Project Manager)" in hidden  # a rule of every RACI
    assert "No role is Responsible" not in hidden  # it applies only because the key has an R: hidden with the key
    take(learner, PERFECT | {"q__q3__am": "R"})  # passed: keys shown
    assert "No role is Responsible: someone has to do the work." in unescape(learner.get(url).data.decode())
