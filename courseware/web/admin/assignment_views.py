"""Admin pages for assignments: a module or quiz given to a learner or a cohort with a due date."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from ...core.catalog import Catalog
from ...core.errors import InvalidInput
from ...core.quiz import QuizBank
from ...services import assignments
from ..db import catalog, get_db, quiz_bank
from ..forms_common import ButtonForm, field_error
from ..pagination import Page, page_arg, page_size
from ..security import access_role_required
from . import bp
from .common import cohort_choices, find_person
from .forms import AssignmentForm


def item_choices(cat: Catalog, quizzes: QuizBank) -> list[SelectChoice]:
    """Whole tracks first, then each track's modules, each followed by its quizzes (one optgroup per track),
    then quizzes of no module: the titles alone look alike, their track tells them apart."""
    choices = []
    for track in cat.registry.tracks:
        items = assignments.track_items(track.id, cat, quizzes)
        if items:
            modules = sum(1 for kind, _ in items if kind == "module")
            quiz_count = len(items) - modules
            counts = f"{modules} module{'' if modules == 1 else 's'}, {quiz_count} quiz{'' if quiz_count == 1 else 'zes'}"
            choices.append(SelectChoice(f"track:{track.id}", f"Whole track: {track.title} ({counts})",
                                        optgroup="Whole tracks"))
    for track in cat.registry.tracks:
        for module in cat.modules_in(track.id):
            choices.append(SelectChoice(f"module:{module.id}", f"Module: {module.title}", optgroup=track.title))
            choices += [SelectChoice(f"quiz:{q.id}", f"Quiz: {q.title}", optgroup=track.title)
                        for q in quizzes.for_module(module.id)]
    choices += [SelectChoice(f"quiz:{q.id}", f"Quiz: {q.title}", optgroup="Other quizzes")
                for q in quizzes.quizzes if q.module is None or cat.get(q.module) is None]
    return choices


def _assignment_form(db: Session) -> AssignmentForm:
    form = AssignmentForm(formdata=None) if request.method == "GET" else AssignmentForm()
    form.item.choices = item_choices(catalog(), quiz_bank())
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
            cohort_id = int(form.cohort_id.data) if form.cohort_id.data else None
            days = form.due_after_days.data
            # A relative due date is per person: a cohort's members each get their own assignment.
            targets = ([{"user_id": m.id} for m in assignments.cohort_learners(db, cohort_id)]
                       if days is not None and cohort_id is not None else
                       [{"user_id": learner.id if learner else None, "cohort_id": cohort_id}])
            try:
                created, skipped = 0, 0
                for target in targets:
                    if kind == "track":
                        made, passed = assignments.assign_track(
                            db, track_id=item_id, due_on=form.due_on.data,  # type: ignore[arg-type]
                            catalog=catalog(), quizzes=quiz_bank(), created_by_id=current_user.id,
                            due_after_days=days, **target)
                        created, skipped = created + len(made), skipped + passed
                    else:
                        assignments.create_assignment(
                            db, kind=kind, item_id=item_id, due_on=form.due_on.data,  # type: ignore[arg-type]
                            catalog=catalog(), quizzes=quiz_bank(), created_by_id=current_user.id,
                            due_after_days=days, **target)
                        created += 1
                message = f"{created} assignment{'' if created == 1 else 's'} created"
                message += f"; {skipped} already assigned, left as they were." if skipped else "."
            except InvalidInput as exc:
                field_error(form, exc, "item")
            else:
                db.commit()
                flash(message, "success")
                return redirect(url_for("admin.assignments"))
    number = page_arg()
    rows, total = assignments.assignments_page(db, page=number, per_page=page_size(), catalog=catalog(), quizzes=quiz_bank())
    return render_template("admin/assignments.html", form=form, page=Page(rows, number, page_size(), total),
                           button=ButtonForm())


@bp.route("/assignments/<int:assignment_id>/delete", methods=["GET", "POST"])
@access_role_required("admin")
def delete_assignment(assignment_id: int) -> str | Response:
    """GET: confirm deleting an assignment; POST: delete it."""
    db = get_db()
    if request.method == "GET":
        found = assignments.get_assignment(db, assignment_id)
        title = assignments.item_title(found.kind, found.item_id, catalog(), quiz_bank()) or found.item_id
        return render_template("confirm.html", question="Delete this assignment?",
                               details=[f"“{title}”, due {found.due_on.strftime('%-d %B %Y')}. It disappears from the "
                                        "learners' My path and from the dashboards; what they did is kept."],
                               action=url_for("admin.delete_assignment", assignment_id=assignment_id),
                               button_label="Delete the assignment", cancel=url_for("admin.assignments"))
    if ButtonForm().validate_on_submit():
        assignments.delete_assignment(db, assignment_id, actor_id=current_user.id)
        db.commit()
        flash("Assignment deleted.", "success")
    return redirect(url_for("admin.assignments"))
