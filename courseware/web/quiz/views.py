"""Views of the quiz blueprint."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from ...core.errors import InvalidInput, NotYetAvailable
from ...core.grading import AnswerError
from ...core.operating_model import DESCRIPTIONS as MODEL_TEXT
from ...core.progress import finish_first, quiz_missing
from ...core.quiz import Quiz
from ...persistence import queries
from ...persistence.models import Attempt, AttemptDraft
from ...services import attempt_grants, drafts, follow_up
from ...services import attempts as attempt_service
from ...services.organisation import effective_model
from ..db import catalog, get_db, may_open_module, own_completion, quiz_bank, read_rows
from ..forms_common import ButtonForm, field_error
from ..security import csrf
from . import bp
from .draft_views import draft_key_for, keep_answers_when_signed_out, saved_label
from .follow_forms import FlagForm, RequestForm
from .forms import answers_from_form, answers_from_post, attempt_form_class, prefill, question_blocks
from .result_page import render_result


def _load_quiz(quiz_id: str) -> Quiz:
    quiz = quiz_bank().get(quiz_id)
    if quiz is None or (quiz.module and not may_open_module(quiz.module)):  # a mentors' track quiz, for a learner
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


@bp.app_template_global()
def quiz_title(quiz_id: str) -> str:
    """A quiz's title, or its id when the quiz is no longer in the course."""
    quiz = quiz_bank().get(quiz_id)
    return quiz.title if quiz is not None else quiz_id


@bp.route("/quizzes")
@login_required
def index() -> str:
    """Every quiz with the learner's best score and attempts used, and why a quiz is not open yet."""
    db = get_db()
    standings = attempt_service.standings(db, current_user.id)
    learner = queries.learner_standing(db, current_user.id)
    cat, rule = catalog(), own_completion()
    quizzes = tuple(q for q in quiz_bank().quizzes if not q.module or may_open_module(q.module))
    locked = {quiz.id: finish_first(missing) for quiz in quizzes if (missing := quiz_missing(quiz.id, cat, rule, learner))}
    return render_template("quiz/index.html", quizzes=quizzes, standings=standings, catalog=cat, locked=locked)


def _intro(quiz: Quiz, request_form: RequestForm | None = None, status: int = 200) -> tuple[str, int]:
    db = get_db()
    standing = attempt_service.standing_on(db, current_user.id, quiz.id)
    model = effective_model(db, current_user.id)
    past = attempt_service.past_attempts(db, current_user.id, quiz.id)
    locked = attempt_service.quiz_unavailable(db, quiz, current_user.id, catalog(), own_completion())
    return render_template("quiz/intro.html", quiz=quiz, standing=standing, model=model, model_text=MODEL_TEXT[model],
                           past=past, form=ButtonForm(), request_form=request_form or RequestForm(),
                           module=catalog().get(quiz.module or ""), locked=locked), status


@bp.route("/quizzes/<quiz_id>")
@login_required
def intro(quiz_id: str) -> tuple[str, int]:
    """A quiz's intro: what it covers, the operating model, attempts so far, Start/Resume or why not yet."""
    return _intro(_load_quiz(quiz_id))


@bp.route("/quizzes/<quiz_id>/start", methods=["POST"])
@login_required
def start(quiz_id: str) -> Response:
    """Start (or resume) an attempt and go to it."""
    quiz = _load_quiz(quiz_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    db = get_db()
    try:
        attempt = attempt_service.start_attempt(db, quiz, current_user.id, effective_model(db, current_user.id),
                                                catalog=catalog(), rule=own_completion())
    except (attempt_service.AttemptsExhausted, NotYetAvailable) as exc:
        flash(str(exc), "warning")
        return redirect(url_for("quiz.intro", quiz_id=quiz.id))
    db.commit()
    return redirect(url_for("quiz.attempt", attempt_id=attempt.id))


@bp.route("/quizzes/<quiz_id>/request-attempt", methods=["POST"])
@login_required
def request_attempt(quiz_id: str) -> Response | tuple[str, int]:
    """"Ask my mentor for another attempt": a request on the mentor's home (and in their digest)."""
    quiz = _load_quiz(quiz_id)
    form = RequestForm()
    if not form.validate_on_submit():
        return _intro(quiz, form, 422)
    db = get_db()
    try:
        result = attempt_grants.request_attempt(db, quiz, learner_id=current_user.id, message=form.message.data or "")
    except InvalidInput as exc:
        field_error(form, exc, "message")
        return _intro(quiz, form, 422)
    db.commit()
    if not result.created:
        flash("You have already asked; your mentor will answer.", "info")
    elif result.has_mentor:
        flash("Your mentor has your request for another attempt.", "success")
    else:
        flash("You have no mentor yet: an admin has your request for another attempt.", "success")
    return redirect(url_for("quiz.intro", quiz_id=quiz.id))


def _result(found_quiz: Quiz, attempt: Attempt, flag_form: FlagForm | None = None, status: int = 200) -> tuple[str, int]:
    standing = attempt_service.standing_on(get_db(), current_user.id, found_quiz.id)
    return render_result(found_quiz, attempt, keys=standing.keys_visible(found_quiz),
                         flag_form=flag_form or FlagForm(), status=status)


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
@keep_answers_when_signed_out  # a submit after the sign-in expired: its answers become the draft
@login_required
@csrf.exempt  # the form checks its own token, so an expired one can keep the answers (see below)
def attempt(attempt_id: int) -> str | Response | tuple[str, int]:
    """Take an open attempt (GET shows it, POST submits it once); a submitted one shows its result."""
    if request.method == "POST":
        return _submit(attempt_id)
    db = get_db()
    found = attempt_service.get_attempt(db, attempt_id, current_user.id)
    quiz = _load_quiz(found.quiz_id)
    if found.submitted_at is not None:
        # Explained from the items stored when it was graded: a quiz edited since never changes what it shows.
        return _result(quiz, found)
    if found.state == "reset":  # reset before it was submitted: nothing to take or show
        flash("This attempt was reset: start the quiz again.", "info")
        return redirect(url_for("quiz.intro", quiz_id=quiz.id))
    registry = catalog().registry
    form_class = attempt_form_class(quiz, found.layout, registry)
    draft = drafts.draft_of(db, found)
    if draft is not None:  # come back to the answers saved so far
        form = form_class(data=prefill(quiz, draft.answers))
    elif found.answers:
        form = form_class(data=prefill(quiz, found.answers))
    else:
        form = form_class()
    return _take(quiz, found, form, None, draft)


def _take(quiz: Quiz, found: Attempt | attempt_service.AttemptHead, form: FlaskForm, message: str | None,
          draft: AttemptDraft | None = None) -> tuple[str, int]:
    registry = catalog().registry
    return render_template("quiz/take.html", quiz=quiz, attempt=found, form=form,
                           blocks=question_blocks(quiz, found.layout, form, registry), registry=registry,
                           model=found.model, model_text=MODEL_TEXT[found.model], message=message,
                           saved=saved_label(draft.saved_at) if draft is not None else "",
                           draft_key=draft_key_for(found)), (
        200 if message is None else 422)


def _unread(form: FlaskForm) -> str:
    """Why a submitted form could not be read (its expired CSRF error is replaced by the message)."""
    if getattr(form, "csrf_token", None) is not None and form.csrf_token.errors:  # no field when CSRF is off
        form.csrf_token.errors = []
        return ("This page was open long enough for its security check to expire. Your answers are kept "
                "below: check them and press Submit again.")
    return "Some answers could not be read. Check them and submit again."


def _submit(attempt_id: int) -> Response | tuple[str, int]:
    """Submit an open attempt once: read it and grade with no lock held, then one short write (UPDATE, INSERT, COMMIT)."""
    head = attempt_service.attempt_head(read_rows, attempt_id, current_user.id)  # a kept-open driver connection
    quiz = _load_quiz(head.quiz_id)
    if head.submitted_at is not None:  # a double click or a replay: the first submit stands
        return redirect(url_for("quiz.attempt", attempt_id=head.id))
    if head.state == "reset":  # reset before it was submitted: nothing to take or show
        flash("This attempt was reset: start the quiz again.", "info")
        return redirect(url_for("quiz.intro", quiz_id=quiz.id))
    registry = catalog().registry
    # A clean submit is read straight from the posted fields; anything else goes through the form, which says why.
    answers = answers_from_post(quiz, head.layout, registry)
    form: FlaskForm | None = None
    if answers is None:
        form = attempt_form_class(quiz, head.layout, registry)()
        if not form.validate():
            return _take(quiz, head, form, _unread(form))
        answers = answers_from_form(quiz, head.layout, form, registry)
    try:
        submission = attempt_service.grade_submission(quiz, head.layout, head.model, answers)
    except AnswerError as exc:
        form = form or attempt_form_class(quiz, head.layout, registry)()  # to show the answers again
        return _take(quiz, head, form, f"Some answers could not be read ({exc}). Check them and submit again.")
    db = get_db()  # the write lock (SQLite) is taken here, after grading
    if attempt_service.record_submission(db, quiz, head.id, head.user_id, submission, number=head.number,
                                         model=head.model, catalog=catalog(), rule=own_completion()) is not None:
        drafts.discard_draft(db, head.id)
    db.commit()
    return redirect(url_for("quiz.attempt", attempt_id=head.id))


@bp.route("/attempts/<int:attempt_id>/flag", methods=["POST"])
@login_required
def flag(attempt_id: int) -> Response | tuple[str, int]:
    """Flag a question of one's own result ("I think the key is wrong"); admins answer at /admin/flags."""
    db = get_db()
    found = attempt_service.get_attempt(db, attempt_id, current_user.id)
    quiz = _load_quiz(found.quiz_id)
    form = FlagForm()
    if found.submitted_at is None:
        abort(404)
    if form.validate_on_submit():
        try:
            follow_up.flag_question(db, found, question_id=form.question_id.data or "", comment=form.comment.data or "")
        except InvalidInput as exc:
            field_error(form, exc, "comment")
        else:
            db.commit()
            flash("Thank you: an admin will look at this question and reply here.", "success")
            return redirect(url_for("quiz.attempt", attempt_id=found.id) + f"#q-{form.question_id.data}")
    return _result(quiz, found, form, 422)
