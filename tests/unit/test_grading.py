"""Grading rules with hand-computed expectations, on the fixture quiz (max 11 points).

q1 route 1pt (am) · q2 split 4pt (t1 pm|hybrid am, t2 pm, t3 am, t4 pm|hybrid am, area time)
q3 raci 3pt (am I, pm A, pmo C) · q4 choice 2pt keys a,c · q5 choice 1pt key a.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from courseware.core.catalog import load_catalog
from courseware.core.grading import AnswerError, grade, percent
from courseware.core.quiz import Pool, Quiz, load_quizzes, make_layout

DATA = Path(__file__).parent.parent / "data"
CATALOG = load_catalog(DATA / "content")
QUIZ = load_quizzes(DATA / "quizzes", CATALOG).get("scope-check")
assert QUIZ is not None
PERFECT_SEPARATE = {
    "q1": "am", "q2": {"t1": "pm", "t2": "pm", "t3": "am", "t4": "pm"},
    "q3": {"am": "I", "pm": "A", "pmo": "C"}, "q4": ["a", "c"], "q5": "a",
}


def test_perfect_answers_score_100() -> None:
    result = grade(QUIZ, PERFECT_SEPARATE, "separate")
    assert (result.points, result.max_points, result.score, result.passed) == (11, 11, 100.0, True)
    assert result.misroutes == ()
    assert result.areas == {"scope": 100.0, "budget": 100.0, "time": 100.0, "risk": 100.0, "communication": 100.0}


def test_nothing_answered_scores_0() -> None:
    result = grade(QUIZ, {}, "separate")
    assert (result.points, result.score, result.passed) == (0, 0.0, False)
    assert result.misroutes == ()  # unanswered is not a misroute


def test_partial_credit_by_hand() -> None:
    answers = {
        "q1": "pm",                                                  # wrong: 0 of 1
        "q2": {"t1": "pm", "t2": "am", "t3": "am"},                  # t1, t3 right; t2 wrong; t4 blank: 4 × 2/4 = 2
        "q3": {"am": "I", "pm": "R", "pmo": "C"},                    # 2 of 3 letters: 3 × 2/3 = 2
        "q4": ["a", "b"],                                            # 1 key − 1 non-key = 0 → 0
        "q5": "a",                                                   # 1
    }
    result = grade(QUIZ, answers, "separate")
    assert result.points == 5 and result.max_points == 11
    assert result.score == 45.5  # 500/11 = 45.4545… → 45.5
    assert result.passed is False
    assert [(q.id, q.points) for q in result.questions] == [("q1", 0), ("q2", 2), ("q3", 2), ("q4", 0), ("q5", 1)]
    # areas: scope 0/1; budget: t1,t2,t3 → 2 of 3 points; time: t4 → 0 of 1; risk 2/3; communication 1/3
    assert result.areas == {"scope": 0.0, "budget": 66.7, "time": 0.0, "risk": 66.7, "communication": 33.3}
    assert [(m.question, m.task, m.expected, m.given) for m in result.misroutes] == [
        ("q1", None, "am", "pm"), ("q2", "t2", "pm", "am"),
    ]


def test_hybrid_model_changes_the_keys() -> None:
    result = grade(QUIZ, PERFECT_SEPARATE, "hybrid")
    # t1 and t4 are the AM's under hybrid: split earns 4 × 2/4 = 2 → 9 of 11
    assert result.points == 9 and result.score == 81.8 and result.passed is True  # 9/11 = 0.818 ≥ 0.8
    assert [(m.task, m.expected, m.given) for m in result.misroutes] == [("t1", "am", "pm"), ("t4", "am", "pm")]
    assert result.areas["time"] == 0.0 and result.areas["budget"] == 66.7


def test_choice_several_keys_partial_and_floor() -> None:
    assert grade(QUIZ, {"q4": ["a"]}, "separate").question("q4").points == 1          # (1 − 0)/2 × 2
    assert grade(QUIZ, {"q4": ["a", "b", "c"]}, "separate").question("q4").points == 1  # (2 − 1)/2 × 2
    assert grade(QUIZ, {"q4": ["b"]}, "separate").question("q4").points == 0            # max(0, −1/2)
    assert grade(QUIZ, {"q5": "b"}, "separate").question("q5").points == 0


def test_pass_mark_is_exact() -> None:
    assert QUIZ.pass_mark == Fraction(4, 5)  # read from "0.8" without float error
    at_boundary = replace(QUIZ, pass_mark=Fraction(9, 11))
    assert grade(at_boundary, PERFECT_SEPARATE, "hybrid").passed is True  # exactly 9 of 11
    assert grade(replace(QUIZ, pass_mark=Fraction(10, 11)), PERFECT_SEPARATE, "hybrid").passed is False
    assert percent(Fraction(4), Fraction(5)) == 80.0
    assert percent(Fraction(1), Fraction(8)) == 12.5
    assert percent(Fraction(1, 16), Fraction(1)) == 6.3  # 6.25 rounds half up


@pytest.mark.parametrize(
    ("answers", "model", "message"),
    [
        ({"zz": "am"}, "separate", "unknown question id 'zz'"),
        ({"q1": "pmo"}, "separate", "question q1: 'pmo' is not one of its options (am, pm, shared)"),
        ({"q2": {"t9": "am"}}, "separate", "question q2: unknown task id 't9'"),
        ({"q3": {"ceo": "A"}}, "separate", "question q3: role 'ceo' is not one of its roles (am, pm, pmo)"),
        ({"q3": {"am": "X"}}, "separate", "question q3 role am: 'X' is not R, A, C or I"),
        ({"q5": ["a", "b"]}, "separate", "question q5: only one option may be chosen"),
        ({}, "matrix", "unknown operating model 'matrix'"),
    ],
)
def test_bad_answers_are_named(answers: dict, model: str, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(AnswerError) as info:
        grade(QUIZ, answers, model)
    assert str(info.value).startswith(message)


# ---- property tests over the repository's real quiz bank ----

REPO = Path(__file__).parent.parent.parent
REAL = load_quizzes(REPO / "quizzes", load_catalog(REPO / "content"))
QUIZZES = list(REAL) + [QUIZ]


def key_answers(quiz: Quiz, model: str) -> dict:  # type: ignore[type-arg]
    out: dict = {}  # type: ignore[type-arg]
    for q in quiz.questions:
        if q.type == "route":
            out[q.id] = q.key(model)
        elif q.type == "split":
            out[q.id] = {t.id: t.key(model) for t in q.tasks}
        elif q.type == "raci":
            out[q.id] = dict(q.key(model))
        else:
            out[q.id] = list(q.key(model)) if q.multiple else q.key(model)[0]
    return out


@st.composite
def quiz_and_answers(draw):  # type: ignore[no-untyped-def]
    quiz = draw(st.sampled_from(QUIZZES))
    model = draw(st.sampled_from(["separate", "hybrid"]))
    answers: dict = {}  # type: ignore[type-arg]
    for q in quiz.questions:
        if draw(st.booleans()) is False and draw(st.booleans()):
            continue  # leave some unanswered
        if q.type == "route":
            answers[q.id] = draw(st.sampled_from(q.options))
        elif q.type == "split":
            answers[q.id] = {t.id: draw(st.sampled_from(q.options)) for t in q.tasks}
        elif q.type == "raci":
            answers[q.id] = {r: draw(st.sampled_from("RACI")) for r in q.owner_roles}
        elif q.multiple:
            answers[q.id] = draw(st.lists(st.sampled_from(q.options), unique=True))
        else:
            answers[q.id] = draw(st.sampled_from(q.options))
    return quiz, answers, model


@settings(max_examples=300, deadline=None)
@given(quiz_and_answers())
def test_score_is_always_between_0_and_100(case) -> None:  # type: ignore[no-untyped-def]
    quiz, answers, model = case
    result = grade(quiz, answers, model)
    assert 0 <= result.score <= 100
    assert 0 <= result.points <= result.max_points
    assert all(0 <= v <= 100 for v in result.areas.values())


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(QUIZZES), st.sampled_from(["separate", "hybrid"]))
def test_the_key_scores_100(quiz: Quiz, model: str) -> None:
    result = grade(quiz, key_answers(quiz, model), model)
    assert result.score == 100.0 and result.passed and result.misroutes == ()


@settings(max_examples=200, deadline=None)
@given(quiz_and_answers(), st.integers(min_value=0, max_value=2**31))
def test_shuffling_never_changes_the_score(case, seed: int) -> None:  # type: ignore[no-untyped-def]
    quiz, answers, model = case
    shuffled_quiz = Quiz(**{**quiz.__dict__, "shuffle": True})
    layout = make_layout(shuffled_quiz, seed)
    # Present answers in the shuffled order (dict order, task order, list order): same grade.
    reordered = {}
    for qid in layout["questions"]:
        if qid not in answers:
            continue
        value = answers[qid]
        if isinstance(value, dict):
            order = layout["tasks"].get(qid) or list(value)
            value = {k: value[k] for k in sorted(value, key=lambda k: order.index(k) if k in order else 0)}
        elif isinstance(value, list):
            value = list(reversed(value))
        reordered[qid] = value
    assert grade(quiz, reordered, model) == grade(quiz, answers, model)
    assert sorted(layout["questions"]) == sorted(q.id for q in quiz.questions)


@settings(max_examples=300, deadline=None)
@given(quiz_and_answers(), st.data())
def test_fixing_one_wrong_answer_never_lowers_the_score(case, data) -> None:  # type: ignore[no-untyped-def]
    quiz, answers, model = case
    before = grade(quiz, answers, model)
    wrong = [q for q in before.questions if q.points < q.max_points]
    if not wrong:
        return
    target = data.draw(st.sampled_from(wrong))
    key = key_answers(quiz, model)[target.id]
    fixed = dict(answers)
    q = quiz.question(target.id)
    assert q is not None
    if q.type in ("split", "raci"):
        item = data.draw(st.sampled_from(list(key)))
        fixed[target.id] = {**(answers.get(target.id) or {}), item: key[item]}
    else:
        fixed[target.id] = key
    assert grade(quiz, fixed, model).points >= before.points


# ---- near-miss credit and question pools (properties) ----

ROLE_PAIRS = [(given, key) for given in ("am", "pm", "shared", "pmo") for key in ("am", "pm", "shared", "pmo")
              if given != key]


def with_near_miss(quiz: Quiz, credits: dict[tuple[str, str], Fraction]) -> Quiz:
    """The quiz as if it said ``near_miss: true`` under a registry with these credits."""
    return replace(quiz, near_miss=True, questions=tuple(replace(q, near_miss=credits) for q in quiz.questions))


@settings(max_examples=300, deadline=None)
@given(quiz_and_answers(), st.dictionaries(st.sampled_from(ROLE_PAIRS),
                                           st.fractions(min_value=0, max_value=1, max_denominator=20)))
def test_near_miss_never_scores_above_the_key_nor_below_no_credit(case, credits) -> None:  # type: ignore[no-untyped-def]
    quiz, answers, model = case
    plain = grade(quiz, answers, model)
    near = grade(with_near_miss(quiz, credits), answers, model)
    key = grade(quiz, key_answers(quiz, model), model)
    for before, after, best in zip(plain.questions, near.questions, key.questions, strict=True):
        assert before.points <= after.points <= best.points
        for item_before, item_after in zip(before.items, after.items, strict=True):
            assert item_before.points <= item_after.points <= item_after.max_points
            assert item_after.correct == item_before.correct  # partly right is never "right"
    assert plain.points <= near.points <= near.max_points


@st.composite
def pooled_quiz(draw):  # type: ignore[no-untyped-def]
    """A real quiz whose questions are dealt into up to three pools, each drawing 1 to all of its questions."""
    quiz = draw(st.sampled_from(QUIZZES))
    ids = [q.id for q in quiz.questions]
    owner = draw(st.lists(st.integers(min_value=-1, max_value=2), min_size=len(ids), max_size=len(ids)))
    pools = []
    for n in range(3):
        members = tuple(i for i, o in zip(ids, owner, strict=True) if o == n)
        if members:
            pools.append(Pool(f"p{n}", draw(st.integers(min_value=1, max_value=len(members))), members))
    return replace(quiz, pools=tuple(pools), shuffle=draw(st.booleans()))


@settings(max_examples=300, deadline=None)
@given(pooled_quiz(), st.integers(min_value=0, max_value=2**31), st.data())
def test_a_draw_is_always_of_the_stated_size_and_from_its_pool(quiz: Quiz, seed: int, data) -> None:  # type: ignore[no-untyped-def]
    avoid = data.draw(st.sets(st.sampled_from([q.id for q in quiz.questions])))
    shown = make_layout(quiz, seed, avoid)["questions"]
    assert len(shown) == len(set(shown))
    for pool in quiz.pools:
        drawn = [q for q in shown if q in pool.questions]
        assert len(drawn) == pool.draw
        fresh = {q for q in pool.questions if q not in avoid}  # seen questions come only when too few others are left
        assert len(set(drawn) & fresh) == min(len(fresh), pool.draw)
    unpooled = [q.id for q in quiz.questions if quiz.pool_of(q.id) is None]
    assert set(unpooled) <= set(shown)
    assert len(shown) == len(unpooled) + sum(p.draw for p in quiz.pools)
    assert make_layout(quiz, seed, avoid) == make_layout(quiz, seed, avoid)  # frozen: the same seed, the same draw
