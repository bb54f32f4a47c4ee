"""Learners' flags on quiz questions ("I think the key is wrong"), grouped by question, resolved with a reply."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...core.catalog import Registry
from ...core.errors import InvalidInput
from ...core.operating_model import LABELS, MODELS
from ...core.quiz import QuizBank
from ...persistence import follow_up as flag_queries
from ...services import follow_up
from ..db import catalog, get_db, quiz_bank
from ..forms_common import field_error
from ..security import access_role_required
from . import bp
from .forms import ReplyForm


def question_keys(quizzes: QuizBank, quiz_id: str, question_id: str, registry: Registry) -> list[tuple[str, str]]:
    """Today's key of a question in words, per operating model (one line when the models agree)."""
    quiz = quizzes.get(quiz_id)
    question = quiz.question(question_id) if quiz is not None else None
    if question is None:
        return []
    keys = []
    for model in MODELS:
        words = [question.describe_for(item, registry, model) for item in question.score(None, model)]
        keys.append((LABELS[model], "; ".join(f"{w.label}: {w.expected}" if item.item_id else w.expected
                                              for w, item in zip(words, question.score(None, model), strict=True))))
    return keys[:1] if len({text for _, text in keys}) == 1 else keys


def _page(form: ReplyForm | None = None, question: tuple[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    everything = request.args.get("all") == "1"
    groups = flag_queries.flagged_questions(get_db(), include_resolved=everything)
    keys = {(g.quiz_id, g.question_id): question_keys(quiz_bank(), g.quiz_id, g.question_id, catalog().registry)
            for g in groups}
    return render_template("admin/flags.html", groups=groups, quizzes=quiz_bank(), form=form, failed=question,
                           blank=ReplyForm(formdata=None), everything=everything, keys=keys), status


@bp.route("/flags")
@access_role_required("admin")
def flags() -> tuple[str, int]:
    """Open flags grouped by question, most flagged first (?all=1 adds the resolved ones)."""
    return _page()


@bp.route("/flags/<quiz_id>/<question_id>/resolve", methods=["POST"])
@access_role_required("admin")
def resolve_flags(quiz_id: str, question_id: str) -> tuple[str, int] | Response:
    """Resolve every open flag on one question with a reply its learners read; a bad form shows the page again."""
    form = ReplyForm()
    if form.validate_on_submit():
        db = get_db()
        try:  # NotFound (no open flag on this question) becomes the 404 page
            count = follow_up.resolve_flags(db, quiz_id=quiz_id, question_id=question_id, reply=form.reply.data or "",
                                            actor_id=current_user.id, quiz=quiz_bank().get(quiz_id))
        except InvalidInput as exc:
            field_error(form, exc, "reply")
        else:
            db.commit()
            flash(f"{count} {'flag' if count == 1 else 'flags'} resolved; the learners see your reply.", "success")
            return redirect(url_for("admin.flags"))
    return _page(form, (quiz_id, question_id))
