"""The result page of a submitted attempt, as its learner sees it and as their mentor opens it.

Both render ``quiz/result.html`` from the attempt's stored items (never graded again).  For the learner the
quiz's reveal policy decides whether keys, per-option feedback and explanations are in the page at all;
a mentor or an admin always sees them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template

from ...core.operating_model import DESCRIPTIONS as MODEL_TEXT
from ...core.quiz import Quiz
from ...persistence import follow_up
from ...persistence.models import Attempt
from ...services import attempts as attempt_service
from ..db import catalog, get_db
from .presenters import result_view

HIDDEN = {
    "after-passing": "Keys, feedback and explanations appear once you pass this quiz or have no attempt left. "
                     "Until then you see your score, your areas and which answers were wrong.",
    "never": "This quiz never shows its keys: you see your score, your areas and which answers were wrong.",
}


@dataclass(frozen=True)
class StaffView:
    """A mentor or an admin reading a mentee's attempt: whose it is, and the feedback form when they may write."""

    learner_id: int
    learner_name: str
    form: Any | None  # the feedback form, or None for a read-only viewer (a manager)


def render_result(quiz: Quiz, attempt: Attempt, *, keys: bool, flag_form: Any = None, staff: StaffView | None = None,
                  status: int = 200) -> tuple[str, int]:
    """The result page: stored score and items, keys only when ``keys``, the mentor's feedback, and the learner's
    flags (with the flag form) or the mentor's feedback form."""
    db = get_db()
    reviewed = attempt_service.review_attempt(db, quiz, attempt)
    view = result_view(quiz, reviewed, attempt.model, catalog(), keys=keys)
    flags = follow_up.learner_flags(db, attempt.user_id, quiz.id) if staff is None else {}
    page = render_template(
        "quiz/result.html", quiz=quiz, attempt=attempt, view=view, model_text=MODEL_TEXT[attempt.model],
        feedback=follow_up.attempt_feedback(db, attempt.id), flags=flags, flag_form=flag_form, staff=staff,
        hidden_reason=None if keys else HIDDEN.get(quiz.reveal, HIDDEN["after-passing"]),
    )
    return page, status
