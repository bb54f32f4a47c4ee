"""Views of the quiz blueprint."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ...core.grading import AnswerError
from ...core.operating_model import DESCRIPTIONS as MODEL_TEXT
from ...core.quiz import Quiz
from ...services import attempts as attempt_service
from ...services.organisation import effective_model
from ..db import catalog, get_db, quiz_bank
from ..forms_common import ButtonForm
from ..security import csrf
from . import bp
from .forms import answers_from_form, attempt_form_class, prefill, question_blocks
from .presenters import result_view


def _load_quiz(quiz_id: str) -> Quiz:
    quiz = quiz_bank().get(quiz_id)
    if quiz is None:
        abort(404)
    return quiz


@bp.app_template_filter("points")
def points_filter(value: float) -> str:
    """Points as people write them: 1, 2.5, 1.33 — never 1.0."""
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


@bp.app_template_global()
def quizzes_for_module(module_id: str) -> tuple[Quiz, ...]:
    """The quizzes attached to a module (for the module page)."""
    return quiz_bank().for_module(module_id)


@bp.route("/quizzes")
@login_required
def index() -> str:
    """Every quiz with the learner's best score and attempts used."""
    standings = attempt_service.standings(get_db(), current_user.id)
    cat = catalog()
    return render_template("quiz/index.html", quizzes=quiz_bank().quizzes, standings=standings, catalog=cat)


@bp.route("/quizzes/<quiz_id>")
@login_required
def intro(quiz_id: str) -> str:
    """A quiz's intro: what it covers, the operating model, attempts so far, Start/Resume."""
    quiz = _load_quiz(quiz_id)
    db = get_db()
    standing = attempt_service.standings(db, current_user.id).get(quiz.id)
    model = effective_model(db, current_user.id)
    past = attempt_service.past_attempts(db, current_user.id, quiz.id)
    return render_template("quiz/intro.html", quiz=quiz, standing=standing, model=model, model_text=MODEL_TEXT[model],
                           past=past, form=ButtonForm(), module=catalog().get(quiz.module or ""))


@bp.route("/quizzes/<quiz_id>/start", methods=["POST"])
@login_required
def start(quiz_id: str) -> Response:
    """Start (or resume) an attempt and go to it."""
    quiz = _load_quiz(quiz_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    db = get_db()
    try:
        attempt = attempt_service.start_attempt(db, quiz, current_user.id, effective_model(db, current_user.id))
    except attempt_service.AttemptsExhausted as exc:
        flash(str(exc), "warning")
        return redirect(url_for("quiz.intro", quiz_id=quiz.id))
    db.commit()
    return redirect(url_for("quiz.attempt", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
@login_required
@csrf.exempt  # the form checks its own token, so an expired one can keep the answers (see below)
def attempt(attempt_id: int) -> str | Response:
    """Take an open attempt (GET shows it, POST submits it once); a submitted one shows its result."""
    db = get_db()
    found = attempt_service.get_attempt(db, attempt_id, current_user.id)
    quiz = _load_quiz(found.quiz_id)
    if found.state == "submitted":
        if request.method == "POST":  # a double click or a replay: the first submit stands
            return redirect(url_for("quiz.attempt", attempt_id=found.id))
        # Explained from the items stored when it was graded: a quiz edited since never changes what it shows.
        view = result_view(quiz, attempt_service.review_attempt(db, quiz, found), found.model, catalog())
        return render_template("quiz/result.html", quiz=quiz, attempt=found, view=view,
                               model_text=MODEL_TEXT[found.model])
    registry = catalog().registry
    form_class = attempt_form_class(quiz, found.layout, registry)
    form = form_class()
    message = None
    if request.method == "POST":
        if form.validate():
            answers = answers_from_form(quiz, found.layout, form, registry)
            try:
                attempt_service.submit_attempt(db, quiz, found, answers)
            except AnswerError as exc:
                message = f"Some answers could not be read ({exc}). Check them and submit again."
            else:
                db.commit()
                return redirect(url_for("quiz.attempt", attempt_id=found.id))
        elif form.csrf_token.errors:
            message = ("This page was open long enough for its security check to expire. Your answers are kept "
                       "below: check them and press Submit again.")
            form.csrf_token.errors = []
        else:
            message = "Some answers could not be read. Check them and submit again."
    elif found.answers:
        form = form_class(data=prefill(quiz, found.answers))
    return render_template("quiz/take.html", quiz=quiz, attempt=found, form=form,
                           blocks=question_blocks(quiz, found.layout, form, registry), registry=registry,
                           model=found.model, model_text=MODEL_TEXT[found.model], message=message), (
        200 if message is None else 422)
