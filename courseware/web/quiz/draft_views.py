"""Drafts of an open attempt: saved on each change (static/js/quiz-draft.js) or by "Save and finish later",
kept when the sign-in expired before the answers were sent, and shown again when the learner comes back.

A signed-in save is authorised like any form (the owner, and the CSRF token); a signed-out one only by the
page's draft key (``services/drafts.draft_key``), which writes that one attempt's draft and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from flask import current_app, flash, jsonify, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import validate_csrf
from werkzeug.wrappers import Response
from wtforms import ValidationError

from ...core.grading import AnswerError
from ...core.schedule import local_time
from ...persistence.models import Attempt
from ...services import attempts as attempt_service
from ...services import drafts
from ...services.organisation import organisation_time_zone
from ..db import catalog, get_db, quiz_bank
from ..security import csrf
from . import bp
from .forms import answers_from_form, attempt_form_class

SIGNED_OUT_KEPT = ("Your sign-in expired before your answers were sent. They are saved: sign in again to check "
                   "them and submit.")


def saved_label(moment: datetime) -> str:
    """'Saved at 14:02', in the organisation's time zone."""
    return f"Saved at {local_time(moment, organisation_time_zone(get_db())):%H:%M}"


def draft_key_for(attempt: Attempt | attempt_service.AttemptHead) -> str:
    """The draft key the attempt page carries."""
    return drafts.draft_key(current_app.config["SECRET_KEY"], attempt.id, attempt.user_id)


def _wants_json() -> bool:
    """The page's script (JSON), or its last change sent as the tab closes (a beacon: nobody reads a redirect)."""
    return request.accept_mimetypes.best == "application/json" or request.form.get("via") == "beacon"


def _form_for(attempt: Attempt, **kwargs: Any) -> tuple[Any, FlaskForm] | None:
    quiz = quiz_bank().get(attempt.quiz_id)
    if quiz is None:
        return None
    return quiz, attempt_form_class(quiz, attempt.layout, catalog().registry)(**kwargs)


def _save(attempt: Attempt, quiz: Any, form: FlaskForm) -> datetime:
    answers = answers_from_form(quiz, attempt.layout, form, catalog().registry)
    return drafts.save_draft(get_db(), quiz, attempt, answers)


def keep_signed_out_answers(attempt_id: int) -> datetime | None:
    """Keep the answers posted without a sign-in as the attempt's draft, when the page's draft key matches."""
    db = get_db()
    found = drafts.attempt_for_key(db, current_app.config["SECRET_KEY"], attempt_id, request.form.get("draft_key", ""))
    made = _form_for(found, meta={"csrf": False}) if found is not None else None
    if found is None or made is None or not made[1].validate():
        return None
    try:
        saved_at = _save(found, *made)
    except (drafts.DraftRefused, AnswerError):
        db.rollback()
        return None
    db.commit()
    return saved_at


def keep_answers_when_signed_out(view: Callable[..., Any]) -> Callable[..., Any]:
    """Before ``login_required``: a submit that arrives after the sign-in expired keeps its answers as the draft,
    then goes to the sign-in page, which returns to the attempt."""

    @wraps(view)
    def wrapped(attempt_id: int, **kwargs: Any) -> Any:
        if request.method == "POST" and not current_user.is_authenticated:
            if keep_signed_out_answers(attempt_id) is not None:
                flash(SIGNED_OUT_KEPT, "warning")
        return view(attempt_id, **kwargs)

    return wrapped


def _csrf_ok() -> bool:
    """The form's CSRF token (a field, or the X-CSRFToken header the script sends) is valid."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return True
    try:
        validate_csrf(request.form.get("csrf_token") or request.headers.get("X-CSRFToken"))
    except ValidationError:
        return False
    return True


def _answer(status: int, message: str, saved_at: datetime | None = None, **extra: Any) -> Response:
    body: dict[str, Any] = {"message": message, **extra}
    if saved_at is not None:
        body |= {"saved_at": saved_at.isoformat(), "label": saved_label(saved_at)}
    response = jsonify(body)
    response.status_code = status
    return response


@bp.route("/attempts/<int:attempt_id>/draft", methods=["POST"])
@csrf.exempt  # checked below, so that a signed-out save can be authorised by the page's draft key instead
def save_draft(attempt_id: int) -> Response:
    """Save the answers so far as the attempt's draft: JSON for the page's script, else back to the quiz's intro."""
    if not current_user.is_authenticated:
        saved_at = keep_signed_out_answers(attempt_id)
        if _wants_json():
            return _answer(401, "You are signed out. " + ("Your answers are saved: sign in again to submit."
                                                           if saved_at else "Sign in again to save your answers."),
                           saved_at, signed_out=True)
        if saved_at is not None:
            flash(SIGNED_OUT_KEPT, "warning")
        return redirect(url_for("auth.login", next=url_for("quiz.attempt", attempt_id=attempt_id)))
    db = get_db()
    found = attempt_service.get_attempt(db, attempt_id, current_user.id)
    made = _form_for(found, meta={"csrf": False})  # the token is checked below, from the form or the header
    if made is None:
        return _answer(404, "This quiz is no longer in the course.")
    quiz, form = made
    # An expired form token: the page's draft key still proves the answers come from the attempt page.
    if not (_csrf_ok() or drafts.attempt_for_key(db, current_app.config["SECRET_KEY"], found.id,
                                                 request.form.get("draft_key", "")) is not None):
        return _refuse(found, 400, "This page's security check has expired, so your answers were not saved. "
                                   "Reload the page.")
    if not form.validate():
        return _refuse(found, 400, "Some answers could not be read, so they were not saved.")
    try:
        saved_at = _save(found, quiz, form)
    except drafts.DraftRefused as exc:
        return _refuse(found, 409, str(exc))
    except AnswerError:
        db.rollback()
        return _refuse(found, 400, "Some answers could not be read, so they were not saved.")
    db.commit()
    if _wants_json():
        return _answer(200, saved_label(saved_at), saved_at)
    flash(f"Your answers are saved ({saved_label(saved_at)}). Come back to this quiz any time to finish it.",
          "success")
    return redirect(url_for("quiz.intro", quiz_id=found.quiz_id))


def _refuse(found: Attempt, status: int, message: str) -> Response:
    if _wants_json():
        return _answer(status, message)
    flash(message, "warning")
    return redirect(url_for("quiz.attempt", attempt_id=found.id))
