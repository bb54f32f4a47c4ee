"""A stored attempt is explained from its stored items, never re-graded: hand-worked on the fixture quiz.

PARTIAL earns 5 of 11: q1 0/1 (scope) · q2 2/4 (t1 ✓ t2 ✗ t3 ✓ budget; t4 blank, time) · q3 2/3 (risk)
· q4 0/2 · q5 1/1 (communication: 1 of 3).
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from pathlib import Path

from courseware.core.catalog import load_catalog
from courseware.core.grading import ItemResult, area_percentages, grade, review
from courseware.core.questions import ChoiceQuestion, RouteQuestion, SplitQuestion
from courseware.core.quiz import Quiz, load_quizzes, make_layout

DATA = Path(__file__).parent.parent / "data"
QUIZ = load_quizzes(DATA / "quizzes", load_catalog(DATA / "content")).get("scope-check")
assert QUIZ is not None
PARTIAL = {"q1": "pm", "q2": {"t1": "pm", "t2": "am", "t3": "am"}, "q3": {"am": "I", "pm": "R", "pmo": "C"},
           "q4": ["a", "b"], "q5": "a"}
GRADE = grade(QUIZ, PARTIAL, "separate")
LAYOUT = make_layout(replace(QUIZ, shuffle=False), 0)


def with_question(quiz: Quiz, question_id: str, **changes: object) -> Quiz:
    return replace(quiz, questions=tuple(replace(q, **changes) if q.id == question_id else q for q in quiz.questions))


def points(reviewed, question_id: str) -> tuple[Fraction, Fraction]:  # type: ignore[no-untyped-def]
    found = next(q for q in reviewed.questions if q.id == question_id)
    return found.points, found.max_points


def test_area_percentages_by_hand() -> None:
    def item(area: str, earned: Fraction, available: Fraction) -> ItemResult:
        return ItemResult("q", "", "route", area, "am", "am", True, earned, available)

    # x: 1/3 + 1 of 2 → 66.7; y: 1/16 of 1 → 6.25 → 6.3 (half up)
    items = [item("x", Fraction(1, 3), Fraction(1)), item("y", Fraction(1, 16), Fraction(1)), item("x", Fraction(1), Fraction(1))]
    assert area_percentages(items) == {"x": 66.7, "y": 6.3}
    assert list(area_percentages(items)) == ["x", "y"]  # order of first appearance


def test_an_unchanged_quiz_reviews_as_it_graded() -> None:
    reviewed = review(QUIZ, GRADE.items, LAYOUT, "separate", PARTIAL)
    assert reviewed.changed is False and all(q.current for q in reviewed.questions)
    assert reviewed.areas == GRADE.areas == {"scope": 0.0, "budget": 66.7, "time": 0.0, "risk": 66.7, "communication": 33.3}
    assert reviewed.misroutes == GRADE.misroutes
    assert [(q.id, q.points, q.max_points) for q in reviewed.questions] == [
        ("q1", 0, 1), ("q2", 2, 4), ("q3", 2, 3), ("q4", 0, 2), ("q5", 1, 1)]


def test_a_key_edited_since_keeps_the_stored_points() -> None:
    edited = with_question(QUIZ, "q1", answer="pm")  # re-grading would now give q1 1 of 1 (6 of 11)
    assert grade(edited, PARTIAL, "separate").points == 6
    reviewed = review(edited, GRADE.items, LAYOUT, "separate", PARTIAL)
    assert reviewed.changed is True
    assert [q.id for q in reviewed.questions if not q.current] == ["q1"]
    assert points(reviewed, "q1") == (0, 1)
    assert sum(q.points for q in reviewed.questions) == 5
    assert reviewed.areas["scope"] == 0.0
    assert [(m.question, m.expected, m.given) for m in reviewed.misroutes][0] == ("q1", "am", "pm")  # as graded


def test_numbering_follows_the_layout_the_learner_saw() -> None:
    layout = {**LAYOUT, "questions": ["q5", "q3", "q1", "q4", "q2"]}
    reviewed = review(QUIZ, GRADE.items, layout, "separate", PARTIAL)
    assert [q.id for q in reviewed.questions] == ["q5", "q3", "q1", "q4", "q2"]
    assert [(m.question, m.task) for m in reviewed.misroutes] == [("q1", None), ("q2", "t2")]


def test_a_removed_question_keeps_its_stored_points() -> None:
    without_q4 = replace(QUIZ, questions=tuple(q for q in QUIZ.questions if q.id != "q4"))
    reviewed = review(without_q4, GRADE.items, LAYOUT, "separate", PARTIAL)
    gone = next(q for q in reviewed.questions if q.id == "q4")
    assert (gone.question, gone.current, gone.points, gone.max_points) == (None, False, 0, 2)
    assert reviewed.changed is True and reviewed.areas["communication"] == 33.3


def test_what_counts_as_a_change() -> None:
    def changed(quiz: Quiz, answers: dict = PARTIAL) -> bool:  # type: ignore[type-arg]
        return review(quiz, GRADE.items, LAYOUT, "separate", answers).changed

    q2 = QUIZ.question("q2")
    q4 = QUIZ.question("q4")
    assert isinstance(q2, SplitQuestion) and isinstance(q4, ChoiceQuestion)
    # Words only: a task's text or a prompt edited is not a change of the grade.
    reworded = (replace(q2.tasks[0], text="Keep the change log"),) + q2.tasks[1:]
    assert not changed(with_question(with_question(QUIZ, "q2", tasks=reworded), "q1", prompt="Who?"))
    assert changed(with_question(QUIZ, "q2", tasks=q2.tasks[:3]))  # a task removed
    assert changed(with_question(QUIZ, "q2", points=Fraction(8)))  # the weight changed
    assert changed(with_question(QUIZ, "q4", options=("a", "c")))  # an option removed (one the learner chose)
    assert changed(QUIZ, {**PARTIAL, "q1": "option-since-removed"})  # the stored answer no longer fits
    extra = RouteQuestion(id="q6", area="scope", points=Fraction(1), prompt="New?", options=("am", "pm"), answer="am")
    assert changed(replace(QUIZ, questions=QUIZ.questions + (extra,)))  # a question added
