"""Reports as CSV: a quiz's grades per learner, its answer distribution, and the AM ↔ PM confusion matrix.

Admins and managers get the whole organisation, a mentor their mentees (the scope is applied in each query).
"""

from __future__ import annotations

from flask import abort, render_template, request
from werkzeug.wrappers import Response

from ...core.access import DASHBOARD_ROLES
from ...core.quiz import Quiz
from ...persistence import dashboards
from ..csv_export import csv_response
from ..db import catalog, get_db, quiz_bank, today
from ..security import access_role_required
from . import bp
from .report_presenters import answer_rows, confusion_csv, grade_header, grade_rows
from .views import viewer


def _quiz(quiz_id: str) -> Quiz:
    quiz = quiz_bank().get(quiz_id)
    if quiz is None:
        abort(404)
    return quiz


@bp.route("/reports")
@access_role_required(*DASHBOARD_ROLES)
def reports() -> str:
    """The downloads: per quiz, its grade report and answer distribution; the confusion matrix."""
    return render_template("mentor/reports.html", quizzes=quiz_bank().quizzes, scoped=viewer() is not None)


@bp.route("/reports/<quiz_id>/grades.csv")
@access_role_required(*DASHBOARD_ROLES)
def grades_csv(quiz_id: str) -> Response:
    """One row per learner: attempts, best and last score, passed, and the best attempt's score per area."""
    quiz = _quiz(quiz_id)
    rows = dashboards.grade_report(get_db(), quiz.id, viewer())
    header, areas = grade_header(quiz, catalog())
    return csv_response(f"grades-{quiz.id}-{today().isoformat()}.csv", header, grade_rows(rows, areas))


@bp.route("/reports/<quiz_id>/answers.csv")
@access_role_required(*DASHBOARD_ROLES)
def answers_csv(quiz_id: str) -> Response:
    """One row per question (task, role) × answer given: how many, their share, whether it was the key."""
    quiz = _quiz(quiz_id)
    counts = dashboards.answer_distribution(get_db(), quiz.id, viewer())
    header, rows = answer_rows(quiz, counts, catalog())
    return csv_response(f"answers-{quiz.id}-{today().isoformat()}.csv", header, rows)


@bp.route("/reports/confusion.csv")
@access_role_required(*DASHBOARD_ROLES)
def confusion_csv_view() -> Response:
    """Key × given owner role over route questions and split tasks: all areas, then each area (?quiz= one quiz)."""
    quiz_id = request.args.get("quiz") or None
    if quiz_id is not None:
        _quiz(quiz_id)
    counts = dashboards.confusion_counts(get_db(), viewer(), quiz_id)
    header, rows = confusion_csv(counts, catalog())
    name = f"confusion-{quiz_id + '-' if quiz_id else ''}{today().isoformat()}.csv"
    return csv_response(name, header, rows)
