"""A mentee's attempts as their mentor sees them: the result page with feedback, extra attempts and resets.

A mentor acts only on their own mentees, an admin on anyone; a manager reads but never writes.  Anything
outside the viewer's scope is a 404, like a missing id.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...core.access import ATTEMPT_ROLES, DASHBOARD_ROLES
from ...core.errors import InvalidInput
from ...core.quiz import Quiz
from ...persistence.models import Attempt, User
from ...services import attempt_grants, follow_up
from ..db import get_db, quiz_bank
from ..forms_common import field_error
from ..quiz.result_page import StaffView, render_result
from ..security import access_role_required
from . import bp
from .forms import FeedbackForm, GrantForm
from .views import mentee_page, viewer


def _attempt(user_id: int, attempt_id: int) -> tuple[Attempt, Quiz, User]:
    """The mentee's submitted attempt within the viewer's scope, its quiz and the mentee; else 404."""
    db = get_db()
    attempt = follow_up.mentee_attempt(db, learner_id=user_id, attempt_id=attempt_id, viewer_id=viewer())
    quiz = quiz_bank().get(attempt.quiz_id)
    learner = db.get(User, user_id)
    if quiz is None or learner is None:
        abort(404)
    return attempt, quiz, learner


def _page(user_id: int, attempt_id: int, form: FeedbackForm | None = None) -> tuple[str, int]:
    attempt, quiz, learner = _attempt(user_id, attempt_id)
    writable = current_user.has_access_role(*ATTEMPT_ROLES)
    staff = StaffView(learner.id, learner.display_name, (form or FeedbackForm()) if writable else None)
    return render_result(quiz, attempt, keys=True, staff=staff)


@bp.route("/mentees/<int:user_id>/attempts/<int:attempt_id>")
@access_role_required(*DASHBOARD_ROLES)
def mentee_attempt(user_id: int, attempt_id: int) -> tuple[str, int]:
    """A mentee's result page, keys included, with the mentor's feedback form."""
    return _page(user_id, attempt_id)


@bp.route("/mentees/<int:user_id>/attempts/<int:attempt_id>/feedback", methods=["POST"])
@access_role_required(*ATTEMPT_ROLES)
def attempt_feedback(user_id: int, attempt_id: int) -> tuple[str, int] | Response:
    """Leave feedback the mentee reads on the result page and on My path; a bad form shows the page again."""
    form = FeedbackForm()
    if form.validate_on_submit():
        db = get_db()
        try:  # NotFound (not this mentor's mentee) becomes the 404 page
            follow_up.add_feedback(db, learner_id=user_id, attempt_id=attempt_id, author_id=current_user.id,
                                   body=form.body.data or "")
        except InvalidInput as exc:
            field_error(form, exc, "body")
        else:
            db.commit()
            flash("Feedback sent.", "success")
            return redirect(url_for("mentor.mentee_attempt", user_id=user_id, attempt_id=attempt_id) + "#feedback")
    return _page(user_id, attempt_id, form)


GrantAction = Callable[..., attempt_grants.GrantResult]


def _grant(user_id: int, quiz_id: str, action: GrantAction, done: str) -> tuple[str, int] | Response:
    quiz = quiz_bank().get(quiz_id)
    if quiz is None:
        abort(404)
    form = GrantForm()
    if form.validate_on_submit():
        db = get_db()
        try:  # NotFound (not this mentor's mentee) becomes the 404 page
            result = action(db, quiz, learner_id=user_id, actor_id=current_user.id, reason=form.reason.data or "")
        except InvalidInput as exc:
            field_error(form, exc, "reason")
        else:
            db.commit()
            flash(f"{done.format(quiz=quiz.title)} {result.notice}".strip(), "success")
            return redirect(url_for("mentor.mentee", user_id=user_id) + "#quizzes")
    return mentee_page(user_id, grant_form=form, grant_quiz=quiz.id)


@bp.route("/mentees/<int:user_id>/quizzes/<quiz_id>/grant", methods=["POST"])
@access_role_required(*ATTEMPT_ROLES)
def grant_attempt(user_id: int, quiz_id: str) -> tuple[str, int] | Response:
    """One more attempt at a quiz for a mentee, with a reason (audited)."""
    return _grant(user_id, quiz_id, attempt_grants.grant_attempt, "One more attempt at “{quiz}” granted.")


@bp.route("/mentees/<int:user_id>/quizzes/<quiz_id>/reset", methods=["POST"])
@access_role_required(*ATTEMPT_ROLES)
def reset_quiz(user_id: int, quiz_id: str) -> tuple[str, int] | Response:
    """Start a mentee again on a quiz (past attempts kept, marked reset), with a reason (audited)."""
    return _grant(user_id, quiz_id, attempt_grants.reset_quiz, "“{quiz}” reset: every attempt is theirs again.")
