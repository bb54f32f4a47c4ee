"""A quiz submit read straight from the posted fields (``answers_from_post``) gives exactly what the attempt form
gives, and leaves anything doubtful (a control character, a CSRF token that does not check, nothing posted) to the
form, which says what is wrong."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_wtf.csrf import generate_csrf

from courseware.app import create_app
from courseware.core.quiz import make_layout
from courseware.state import state_of
from courseware.web.quiz.forms import answers_from_form, answers_from_post, attempt_form_class
from tests.conftest import make_config
from tests.web.test_quiz import PARTIAL

POSTS: list[dict[str, Any]] = [
    PARTIAL,
    {},  # nothing answered (only an unrelated field sent)
    {"q__q1": ""},  # an empty radio value
    {"q__q1": ["am", "pm"], "q__q4": ["b"]},  # two values for a radio: the form keeps the first
    {**PARTIAL, "q__q4": ["a", "b", "c", "zz"]},  # a value no choice offers: read as sent (the grader refuses it)
    {**PARTIAL, "q__q1": "ceo", "q__nope": "x", "q__q2__t9": "pm"},  # fields no question has are ignored
    {"q__q3__am": "A", "q__q3__pm": "A"},  # part of a RACI answer
]


def both_readings(app: Flask, post: dict[str, Any], seed: int) -> tuple[Any, Any]:
    state = state_of(app)
    quiz = state.quizzes.get("scope-check")
    assert quiz is not None
    layout, registry = make_layout(quiz, seed), state.catalog.registry
    with app.test_request_context("/attempts/1", method="POST", data={"unrelated": "1", **post}):
        form = attempt_form_class(quiz, layout, registry)()
        assert form.validate()
        return answers_from_post(quiz, layout, registry), answers_from_form(quiz, layout, form, registry)


def test_the_posted_fields_read_as_the_form_reads_them(app: Flask) -> None:
    for seed in (1, 2, 3):
        for post in POSTS:
            fast, form = both_readings(app, post, seed)
            assert fast == form, post
    assert both_readings(app, PARTIAL, 1)[0] == {"q1": "pm", "q2": {"t1": "pm", "t2": "am", "t3": "am"},
                                                 "q3": {"am": "I", "pm": "R", "pmo": "C"}, "q4": ("a", "b"), "q5": ("a",)}


def test_doubtful_posts_are_left_to_the_form(app: Flask, database_url: str) -> None:
    state = state_of(app)
    quiz = state.quizzes.get("scope-check")
    assert quiz is not None
    layout, registry = make_layout(quiz, 1), state.catalog.registry
    with app.test_request_context("/attempts/1", method="POST", data={**PARTIAL, "q__q1": "p\x00m"}):
        assert answers_from_post(quiz, layout, registry) is None  # a control character: the form reports it
    with app.test_request_context("/attempts/1", method="POST"):
        assert answers_from_post(quiz, layout, registry) is None  # nothing posted
    with_csrf = create_app(make_config(database_url, WTF_CSRF_ENABLED=True))
    try:
        with with_csrf.test_request_context("/attempts/1", method="POST", data={**PARTIAL, "csrf_token": "forged"}):
            assert answers_from_post(quiz, layout, registry) is None  # the form puts the expired-token message
        with with_csrf.test_request_context("/attempts/1", method="POST", data=PARTIAL):
            assert answers_from_post(quiz, layout, registry) is None  # no token at all
        with with_csrf.test_request_context("/attempts/1", method="POST", data=PARTIAL) as context:
            token = generate_csrf()  # this session's token, as the attempt page carries it
            context.request.form = context.request.parameter_storage_class({**PARTIAL, "csrf_token": token})
            assert answers_from_post(quiz, layout, registry) == both_readings(app, PARTIAL, 1)[1]
    finally:
        state_of(with_csrf).engine.dispose()
