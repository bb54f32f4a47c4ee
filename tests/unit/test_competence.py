"""Pools, reveal policies, near-miss credit, RACI rule breaks and per-model feedback, on a quiz worked by hand.

COMPETENCE (on the fixture course, registry near_miss: shared↔am and shared↔pm at 0.5):
r1 route am (1 pt) · r2 route shared (1 pt) · r3 route pmo (1 pt) — the pool "owners" draws 2 of them;
s1 split 3 pt (t1 am, t2 pm, t3 pm) · k1 raci 3 pt (am R, pm A, pmo I).
"""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from courseware.core.catalog import load_catalog
from courseware.core.errors import ContentError
from courseware.core.grading import AnswerError, grade, review
from courseware.core.questions import NEAR_MISS
from courseware.core.quiz import keys_visible, load_quiz_file, make_layout

DATA = Path(__file__).parent.parent / "data"
CATALOG = load_catalog(DATA / "content")

COMPETENCE = """\
id: competence
title: "Competence"
module: scope
near_miss: true
reveal: after-passing
pools:
  - id: owners
    draw: 2
    questions: [r1, r2, r3]
questions:
  - id: r1
    type: route
    area: scope
    prompt: "Who takes the change to the client?"
    options: [am, pm, shared, pmo]
    answer: am
    feedback: {shared: "Both act, but the AM owns it."}
    feedback_by_model:
      hybrid: {shared: "On a small hybrid account there is no PM to share it with."}
    explanation: "Client-driven change is the AM's."
    explanation_by_model: {hybrid: "Under the hybrid model the AM runs it all."}
  - id: r2
    type: route
    area: scope
    prompt: "Who runs the kickoff?"
    options: [am, pm, shared]
    answer: shared
  - id: r3
    type: route
    area: scope
    prompt: "Who sets the delivery standards?"
    options: [am, pm, pmo]
    answer: pmo
  - id: s1
    type: split
    area: budget
    points: 3
    prompt: "Route each task."
    options: [am, pm, shared, pmo]
    tasks:
      - {id: t1, text: "Agree the fee", answer: am}
      - id: t2
        text: "Re-forecast the budget"
        answer: pm
        feedback: "Forecasting is execution."
        feedback_by_model: {hybrid: "On a small hybrid account the AM forecasts too."}
      - {id: t3, text: "Brief the editor", answer: pm}
  - id: k1
    type: raci
    area: risk
    points: 3
    prompt: "Keeping the risk register current."
    roles: [am, pm, pmo]
    answer: {am: R, pm: A, pmo: I}
"""
ANSWERS = {"r1": "shared", "r2": "am", "s1": {"t1": "shared", "t2": "pm", "t3": "pmo"},
           "k1": {"am": "A", "pm": "A", "pmo": "I"}}


def load(tmp_path: Path, text: str = COMPETENCE):  # type: ignore[no-untyped-def]
    path = tmp_path / "competence.yaml"
    path.write_text(text)
    quiz, problems = load_quiz_file(path, CATALOG.registry, CATALOG)
    return path, quiz, [str(p) for p in problems]


def test_near_miss_credit_in_route_and_split_by_hand(tmp_path: Path) -> None:
    _, quiz, problems = load(tmp_path)
    assert problems == [] and quiz is not None and quiz.near_miss
    result = grade(quiz, ANSWERS, "separate", ["r1", "r2", "s1", "k1"])
    # r1 shared for am: 1 × 0.5; r2 am for shared: 1 × 0.5; s1 (1 point a task): t1 shared for am 0.5, t2 1, t3 pmo
    # for pm 0 (no such pair) = 1.5; k1 (1 point a role): pm and pmo right = 2.  4.5 of 8 = 56.25 → 56.3.
    assert [(q.id, q.points) for q in result.questions] == [
        ("r1", Fraction(1, 2)), ("r2", Fraction(1, 2)), ("s1", Fraction(3, 2)), ("k1", 2)]
    assert (result.points, result.max_points, result.score, result.passed) == (Fraction(9, 2), 8, 56.3, False)
    near = [(i.question_id, i.item_id, i.credit) for i in result.items if i.reason == NEAR_MISS]
    assert near == [("r1", "", Fraction(1, 2)), ("r2", "", Fraction(1, 2)), ("s1", "t1", Fraction(1, 2))]
    assert not any(i.correct for i in result.items if i.reason == NEAR_MISS)  # partly right is not right
    assert result.drawn == ("r1", "r2", "s1", "k1")
    # Without the opt-in the same answers earn nothing for those items: 0 + 0 + 1 + 2 = 3 of 8.
    plain = grade(load(tmp_path, COMPETENCE.replace("near_miss: true\n", ""))[1], ANSWERS, "separate",
                  ["r1", "r2", "s1", "k1"])
    assert (plain.points, plain.score) == (3, 37.5)


def test_grade_json_shows_credit_and_the_near_miss_reason(tmp_path: Path) -> None:
    _, quiz, _ = load(tmp_path)
    data = grade(quiz, ANSWERS, "separate", ["r1", "r2", "s1", "k1"]).to_json()
    r1 = data["questions"][0]
    assert r1["items"] == [{"item": None, "area": "scope", "expected": "am", "given": "shared", "points": 0.5,
                            "max_points": 1, "credit": 0.5, "near_miss": "partly right: 'shared' where the key is 'am'"}]
    t3 = data["questions"][2]["items"][2]
    assert (t3["credit"], "near_miss" in t3) == (0, False)
    assert data["drawn"] == ["r1", "r2", "s1", "k1"]


def test_raci_rule_breaks_by_hand(tmp_path: Path) -> None:
    _, quiz, _ = load(tmp_path)
    k1 = grade(quiz, ANSWERS, "separate", ["r1", "r2", "s1", "k1"]).question("k1")
    # Two A's (am, pm); and the key gives an R (am) while the answer gives none.  Scoring per cell is unchanged.
    assert [b.text() for b in k1.rule_breaks] == [
        "2 roles are Accountable (am, pm): a RACI has exactly one A.",
        "No role is Responsible: someone has to do the work."]
    assert k1.points == 2

    def breaks(answer: dict[str, str]) -> list[str]:
        return [b.rule for b in grade(quiz, {"k1": answer}, "separate", ["r1", "r2", "k1"]).question("k1").rule_breaks]

    assert breaks({"am": "R", "pm": "A", "pmo": "I"}) == []  # the key itself
    assert breaks({"am": "R", "pm": "C", "pmo": "I"}) == ["one-accountable"]  # no A
    assert breaks({"am": "C", "pm": "A", "pmo": "I"}) == ["someone-responsible"]  # no R where the key has one
    assert breaks({}) == []  # unanswered: no rule to break
    data = grade(quiz, {"k1": {"am": "C", "pm": "A"}}, "separate", ["r1", "r2", "k1"]).to_json()
    by_id = {q["id"]: q for q in data["questions"]}  # s1 belongs to no pool: always graded
    assert list(by_id) == ["r1", "r2", "s1", "k1"]
    assert by_id["k1"]["rule_breaks"] == ["No role is Responsible: someone has to do the work."]
    assert "rule_breaks" not in by_id["r1"]  # only question types with rules of their own list them


def test_rule_breaks_come_from_stored_items_too(tmp_path: Path) -> None:
    _, quiz, _ = load(tmp_path)
    graded = grade(quiz, ANSWERS, "separate", ["r1", "r2", "s1", "k1"])
    layout = {"questions": ["r1", "r2", "s1", "k1"]}
    reviewed = review(quiz, graded.items, layout, "separate", ANSWERS)
    assert [len(q.rule_breaks) for q in reviewed.questions] == [0, 0, 0, 2]
    assert reviewed.changed is False  # r3 was simply not drawn: the quiz has not changed


def test_per_model_feedback_and_explanations(tmp_path: Path) -> None:
    _, quiz, _ = load(tmp_path)
    r1, s1 = quiz.question("r1"), quiz.question("s1")
    registry = CATALOG.registry
    item = grade(quiz, {"r1": "shared"}, "separate", ["r1", "r2"]).question("r1").items[0]
    assert r1.describe_for(item, registry, "separate").feedback == "Both act, but the AM owns it."
    assert r1.describe_for(item, registry, "hybrid").feedback == "On a small hybrid account there is no PM to share it with."
    assert (r1.explanation_for("separate"), r1.explanation_for("hybrid")) == (
        "Client-driven change is the AM's.", "Under the hybrid model the AM runs it all.")
    t2 = grade(quiz, {"s1": {"t2": "am"}}, "separate", ["r1", "r2", "s1"]).question("s1").items[1]
    assert s1.describe_for(t2, registry, "separate").feedback == "Forecasting is execution."
    assert s1.describe_for(t2, registry, "hybrid").feedback == "On a small hybrid account the AM forecasts too."


def test_a_pool_draws_its_size_and_each_attempt_freezes_its_draw(tmp_path: Path) -> None:
    _, quiz, _ = load(tmp_path)
    draws = {tuple(make_layout(quiz, seed)["questions"]) for seed in range(40)}
    assert all(len(d) == 4 and d[-2:] == ("s1", "k1") for d in draws)  # 2 of r1-r3, then the questions of no pool
    assert {d[:2] for d in draws} == {("r1", "r2"), ("r1", "r3"), ("r2", "r3")}  # every pair turns up
    assert make_layout(quiz, 7) == make_layout(quiz, 7)
    # A learner who has seen r1 and r2 with their keys draws r3 first.
    assert all("r3" in make_layout(quiz, seed, {"r1", "r2"})["questions"] for seed in range(20))


def test_grading_without_a_layout_takes_the_draw_the_answers_imply(tmp_path: Path) -> None:
    _, quiz, _ = load(tmp_path)
    result = grade(quiz, {"r3": "pmo"}, "separate")
    assert result.drawn == ("r1", "r3", "s1", "k1")  # r3 answered; the pool topped up with r1 (file order)
    assert result.max_points == 8
    with pytest.raises(AnswerError, match=r"pool owners draws 2 of its questions; the answers give 3 \(r1, r2, r3\)"):
        grade(quiz, {"r1": "am", "r2": "am", "r3": "pmo"}, "separate")
    with pytest.raises(AnswerError, match="question r3 was not drawn in this attempt"):
        grade(quiz, {"r3": "pmo"}, "separate", ["r1", "r2", "s1", "k1"])


@pytest.mark.parametrize(("change", "expected"), [
    (("draw: 2", "draw: 4"), ":8: pool owners: draws 4 questions but holds 3"),
    (("[r1, r2, r3]", "[r1, r2, r9]"), ":9: pool owners: unknown question 'r9'"),
    (("reveal: after-passing", "reveal: sometimes"),
     ":5: reveal: 'sometimes' is not one of ['always', 'after-passing', 'never']"),
    (("      hybrid: {shared:", "      matrix: {shared:"),
     ":18: questions/0/feedback_by_model: 'matrix' is not one of ['separate', 'hybrid']"),
    (("{hybrid: \"Under", "{matrix: \"Under"),
     ":21: questions/0/explanation_by_model: 'matrix' is not one of ['separate', 'hybrid']"),
    (("hybrid: {shared: \"On", "hybrid: {boss: \"On"), ":19: question r1 (hybrid): feedback for 'boss', which is not an option"),
])
def test_check_names_file_and_line(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    old, new = change
    assert old in COMPETENCE
    path, quiz, problems = load(tmp_path, COMPETENCE.replace(old, new, 1))
    assert quiz is None and problems == [f"{path}{expected}"]


def test_a_question_in_two_pools_and_a_duplicate_pool(tmp_path: Path) -> None:
    text = COMPETENCE.replace("    questions: [r1, r2, r3]\n",
                              "    questions: [r1, r2, r3]\n  - id: owners\n    draw: 1\n    questions: [r3, s1]\n")
    path, _, problems = load(tmp_path, text)
    assert problems == [f"{path}:10: duplicate pool id 'owners' (first at line 7)",
                        f"{path}:12: pool owners: question 'r3' is already in pool owners"]


@pytest.mark.parametrize(("entry", "expected"), [
    ("{given: shared, key: boss, credit: 0.5}", ":67: near_miss: unknown role 'boss'"),
    ("{given: shared, key: am, credit: 1.5}", ":67: near_miss: credit 1.5 is outside 0..1"),
    ("{given: shared, key: am, credit: -0.25}", ":67: near_miss: credit -0.25 is outside 0..1"),
    ("{given: am, key: am, credit: 0.5}", ":67: near_miss: 'am' is the key itself, which earns full credit"),
])
def test_registry_near_miss_problems_name_file_and_line(tmp_path: Path, entry: str, expected: str) -> None:
    content = tmp_path / "content"
    shutil.copytree(DATA / "content", content)
    registry = content / "registry.yaml"
    lines = registry.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("near_miss:"))
    lines[at + 1] = f"  - {entry}"
    registry.write_text("\n".join(lines) + "\n")
    line = at + 2  # the line the messages name (counted from the file, not pinned: the fixture registry grows)
    with pytest.raises(ContentError) as failed:
        load_catalog(content)
    assert [str(p) for p in failed.value.problems] == [f"{registry}:{line}:{expected.split(':', 2)[2]}"]


def test_the_shipped_registry_gives_shared_half_credit() -> None:
    credits = CATALOG.registry.near_miss_credits
    assert credits == {("shared", "am"): Fraction(1, 2), ("shared", "pm"): Fraction(1, 2),
                       ("am", "shared"): Fraction(1, 2), ("pm", "shared"): Fraction(1, 2)}
    assert ("pm", "am") not in credits  # a pair not listed earns nothing


@pytest.mark.parametrize(("reveal", "passed", "left", "open_attempt", "visible"), [
    ("always", False, 2, False, True),
    ("never", True, 0, False, False),
    ("after-passing", False, 1, False, False),  # attempt 1 of 2, not passed: hidden
    ("after-passing", True, 1, False, True),  # passed
    ("after-passing", False, 0, False, True),  # no attempt left
    ("after-passing", False, 0, True, False),  # the last attempt is open: not yet
    ("after-passing", False, None, False, False),  # unlimited attempts: only passing shows them
])
def test_reveal_policies(reveal: str, passed: bool, left: int | None, open_attempt: bool, visible: bool) -> None:
    assert keys_visible(reveal, passed=passed, attempts_left=left, open_attempt=open_attempt) is visible
