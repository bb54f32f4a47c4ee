"""Owner roles are offered in one fixed order, the registry's, on every question of every attempt: a shuffled
quiz shuffles its questions, tasks and choice options, never the AM/PM/Shared/PMO columns."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from courseware.core.catalog import load_catalog
from courseware.core.quiz import load_quizzes, make_layout
from tests.conftest import DATA

CATALOG = load_catalog(DATA / "content")
QUIZ = load_quizzes(DATA / "quizzes", CATALOG).get("scope-check")
REGISTRY_ORDER = ["am", "pm", "shared", "pmo"]  # tests/data/content/registry.yaml


def test_the_registry_orders_any_list_of_owner_roles() -> None:
    assert CATALOG.registry.in_owner_role_order(["pmo", "shared", "am"]) == ("am", "shared", "pmo")
    assert CATALOG.registry.in_owner_role_order(["zz", "pm", "am"]) == ("am", "pm", "zz")  # unknown ids last


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**31 - 1))
def test_every_owner_role_input_is_in_registry_order_whatever_the_seed(seed: int) -> None:
    assert QUIZ is not None and QUIZ.shuffle
    layout = make_layout(QUIZ, seed)
    by_type = {q.type: q for q in QUIZ.questions}
    route = by_type["route"].inputs(layout, CATALOG.registry)
    assert [value for value, _ in route[0].choices] == ["am", "pm", "shared"]
    split = by_type["split"].inputs(layout, CATALOG.registry)
    assert len(split) == 4 and all([v for v, _ in i.choices] == REGISTRY_ORDER for i in split)
    raci = by_type["raci"].inputs(layout, CATALOG.registry)
    assert [i.item_id for i in raci] == ["am", "pm", "pmo"]
    # frozen, so a list changed since the attempt still shows, but never shuffled
    assert layout["options"]["q1"] == ["am", "pm", "shared"] and layout["options"]["q2"] == REGISTRY_ORDER


def test_tasks_and_questions_are_still_shuffled() -> None:
    assert QUIZ is not None
    tasks = {tuple(make_layout(QUIZ, seed)["tasks"]["q2"]) for seed in range(30)}
    questions = {tuple(make_layout(QUIZ, seed)["questions"]) for seed in range(30)}
    assert len(tasks) > 5 and len(questions) > 5
