"""Views of the self-diagnostic: the questionnaire, its recommendation, and applying it (admins)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from ...core.access import ORGANISATION_ROLES
from ...core.diagnostic import Diagnostic, Recommendation, recommend
from ...core.errors import InvalidInput, NotFound
from ...services import cohorts, organisation
from ...services.diagnostic import ORGANISATION_TARGET, apply_recommendation
from ..db import get_db, state
from ..security import access_role_required
from . import bp
from .forms import ANSWER_PREFIX, answers_of, diagnostic_form


def _diagnostic() -> Diagnostic:
    found = state().diagnostic
    if found is None:
        abort(404)
    return found


def _targets() -> list[tuple[str, str]]:
    return [(ORGANISATION_TARGET, "The organisation (its default model)")] + [
        (str(cid), f"Cohort: {name}") for cid, name in cohorts.cohort_choices(get_db())]


def _result(diagnostic: Diagnostic, answers: dict[str, str | list[str]], recommendation: Recommendation,
            apply_form: FlaskForm | None = None) -> str:
    """The recommendation page; admins get a form that applies it (the answers ride along as hidden inputs)."""
    if apply_form is None and current_user.has_access_role("admin"):
        apply_form = diagnostic_form(diagnostic, _targets(), formdata=None,
                                     data={ANSWER_PREFIX + k: v for k, v in answers.items()})
    org = organisation.read_organisation(get_db())
    return render_template("diagnostic/result.html", diagnostic=diagnostic, answers=answers, result=recommendation,
                           prefix=ANSWER_PREFIX, organisation=org, apply_form=apply_form)


@bp.route("/diagnostic", methods=["GET", "POST"])
@access_role_required(*ORGANISATION_ROLES)
def questionnaire() -> str:
    """The questionnaire; a complete one shows the recommended model with its reasons."""
    diagnostic = _diagnostic()
    form = diagnostic_form(diagnostic)
    if form.validate_on_submit():
        answers = answers_of(form, diagnostic)
        return _result(diagnostic, answers, recommend(diagnostic, answers))
    return render_template("diagnostic/form.html", diagnostic=diagnostic, form=form, prefix=ANSWER_PREFIX)


@bp.route("/diagnostic/apply", methods=["POST"])
@access_role_required("admin")
def apply() -> str | Response:
    """Apply the recommendation to the organisation or a cohort: the model quizzes are graded under, and its note."""
    diagnostic = _diagnostic()
    form = diagnostic_form(diagnostic, _targets())
    form.validate_on_submit()
    if any(name != "target" for name in form.errors):  # the answers themselves are incomplete or forged
        return render_template("diagnostic/form.html", diagnostic=diagnostic, form=form, prefix=ANSWER_PREFIX)
    answers = answers_of(form, diagnostic)
    result = recommend(diagnostic, answers)
    if form.errors:
        return _result(diagnostic, answers, result, form)
    db = get_db()
    try:
        label = apply_recommendation(db, actor_id=current_user.id, recommendation=result, target=form.target.data)
    except (NotFound, InvalidInput):
        form.target.errors = ["Choose the organisation or an existing cohort."]
        return _result(diagnostic, answers, result, form)
    db.commit()
    flash(f"{label} now runs the {result.model} model" + (f" ({result.note})" if result.note else "") + ".", "success")
    return redirect(url_for("diagnostic.questionnaire"))
