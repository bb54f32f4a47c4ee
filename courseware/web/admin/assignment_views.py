"""Admin pages for assignments: a module or quiz given to a learner or a cohort with a due date."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from ...core.errors import InvalidInput
from ...services import assignments
from ..db import catalog, get_db, quiz_bank
from ..forms_common import ButtonForm, field_error
from ..pagination import Page, page_arg, page_size
from ..security import access_role_required
from . import bp
from .common import cohort_choices, find_person
from .forms import AssignmentForm


def _assignment_form(db: Session) -> AssignmentForm:
    form = AssignmentForm(formdata=None) if request.method == "GET" else AssignmentForm()
    items = [SelectChoice(f"module:{m.id}", m.title, optgroup="Modules") for m in catalog().modules]
    items += [SelectChoice(f"quiz:{q.id}", q.title, optgroup="Quizzes") for q in quiz_bank().quizzes]
    form.item.choices = items
    form.cohort_id.choices = [SelectChoice("", "—"), *cohort_choices(db)]
    return form


@bp.route("/assignments", methods=["GET", "POST"], endpoint="assignments")
@access_role_required("admin")
def assignments_list() -> str | Response:
    """Every assignment, soonest due first, paginated; POST creates one."""
    db = get_db()
    form = _assignment_form(db)
    if request.method == "POST" and form.validate_on_submit():
        kind, _, item_id = (form.item.data or "").partition(":")
        learner = find_person(form, "learner_email") if form.learner_email.data else None
        if learner is not None or not form.learner_email.data:
            try:
                assignments.create_assignment(
                    db, kind=kind, item_id=item_id, due_on=form.due_on.data,  # type: ignore[arg-type]
                    catalog=catalog(), quizzes=quiz_bank(), user_id=learner.id if learner else None,
                    cohort_id=int(form.cohort_id.data) if form.cohort_id.data else None, created_by_id=current_user.id,
                )
            except InvalidInput as exc:
                field_error(form, exc, "item")
            else:
                db.commit()
                flash("Assignment created.", "success")
                return redirect(url_for("admin.assignments"))
    number = page_arg()
    rows, total = assignments.assignments_page(db, page=number, per_page=page_size(), catalog=catalog(), quizzes=quiz_bank())
    return render_template("admin/assignments.html", form=form, page=Page(rows, number, page_size(), total),
                           button=ButtonForm())


@bp.route("/assignments/<int:assignment_id>/delete", methods=["POST"])
@access_role_required("admin")
def delete_assignment(assignment_id: int) -> Response:
    """Delete an assignment."""
    db = get_db()
    if ButtonForm().validate_on_submit():
        assignments.delete_assignment(db, assignment_id, actor_id=current_user.id)
        db.commit()
        flash("Assignment deleted.", "success")
    return redirect(url_for("admin.assignments"))
