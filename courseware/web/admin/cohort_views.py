"""Admin pages for cohorts, mentorships, assignments, a learner's placement and the organisation's settings."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from ...core.errors import InvalidInput
from ...core.operating_model import DEFAULT_MODEL
from ...persistence import queries
from ...persistence.models import Organisation, User
from ...services import accounts, assignments, cohorts, organisation
from ..db import catalog, get_db, quiz_bank
from ..forms_common import ButtonForm
from ..pagination import Page, page_arg
from ..security import access_role_required
from . import bp
from .cohort_forms import AddMemberForm, AssignmentForm, CohortForm, MentorshipForm, PlacementForm, SettingsForm
from .forms import RolesForm


def _per_page() -> int:
    return int(current_app.config["USERS_PER_PAGE"])


def _field_error(form: Any, exc: InvalidInput, default: str) -> None:
    field = getattr(form, exc.field or default, None) or getattr(form, default)
    field.errors = [*field.errors, str(exc)]


def _cohort_choices(db: Any) -> list[SelectChoice]:
    return [SelectChoice(str(cid), name) for cid, name in cohorts.cohort_choices(db)]


def _find_person(form: Any, field_name: str) -> User | None:
    """The user whose email the field holds, or None with an error on the field."""
    field = getattr(form, field_name)
    person = queries.user_by_email(get_db(), field.data or "")
    if person is None:
        field.errors = [*field.errors, "No one has this email."]
    return person


# Cohorts -------------------------------------------------------------------------------------------------------------

@bp.route("/cohorts", endpoint="cohorts")
@access_role_required("admin")
def cohorts_list() -> str:
    """Every cohort with its member count, newest first, paginated."""
    number = page_arg()
    rows, total = cohorts.cohorts_page(get_db(), page=number, per_page=_per_page())
    return render_template("admin/cohorts.html", page=Page(rows, number, _per_page(), total))


@bp.route("/cohorts/new", methods=["GET", "POST"])
@access_role_required("admin")
def new_cohort() -> str | Response:
    """Create a cohort."""
    form = CohortForm()
    if form.validate_on_submit():
        db = get_db()
        try:
            cohort = cohorts.create_cohort(db, name=form.name.data or "", start_date=form.start_date.data,  # type: ignore[arg-type]
                                           operating_model=form.operating_model.data or None)
        except InvalidInput as exc:
            _field_error(form, exc, "name")
        else:
            db.commit()
            flash(f"Cohort “{cohort.name}” created.", "success")
            return redirect(url_for("admin.cohort", cohort_id=cohort.id))
    return render_template("admin/cohort_new.html", form=form)


def _render_cohort(cohort_id: int, form: CohortForm | None = None, member_form: AddMemberForm | None = None) -> str:
    db = get_db()
    cohort = cohorts.get_cohort(db, cohort_id)
    if form is None:
        form = CohortForm(formdata=None, data={"name": cohort.name, "start_date": cohort.start_date,
                                               "operating_model": cohort.operating_model or ""})
    number = page_arg()
    members, total = cohorts.members_page(db, cohort.id, page=number, per_page=_per_page())
    return render_template(
        "admin/cohort.html", cohort=cohort, form=form, member_form=member_form or AddMemberForm(formdata=None),
        page=Page(members, number, _per_page(), total), button=ButtonForm(),
    )


@bp.route("/cohorts/<int:cohort_id>", methods=["GET", "POST"])
@access_role_required("admin")
def cohort(cohort_id: int) -> str | Response:
    """One cohort: its settings (POST to change them) and its members."""
    db = get_db()
    found = cohorts.get_cohort(db, cohort_id)
    if request.method == "GET":
        return _render_cohort(found.id)
    form = CohortForm()
    if form.validate_on_submit():
        try:
            cohorts.update_cohort(db, found, name=form.name.data or "", start_date=form.start_date.data,  # type: ignore[arg-type]
                                  operating_model=form.operating_model.data or None)
        except InvalidInput as exc:
            _field_error(form, exc, "name")
        else:
            db.commit()
            flash("Cohort saved.", "success")
            return redirect(url_for("admin.cohort", cohort_id=found.id))
    return _render_cohort(found.id, form=form)


@bp.route("/cohorts/<int:cohort_id>/members", methods=["POST"])
@access_role_required("admin")
def add_cohort_member(cohort_id: int) -> str | Response:
    """Put a learner (by email) in this cohort, moving them out of any other."""
    db = get_db()
    found = cohorts.get_cohort(db, cohort_id)
    form = AddMemberForm()
    if form.validate_on_submit():
        person = _find_person(form, "email")
        if person is not None and "learner" not in person.access_roles:
            form.email.errors = [*form.email.errors, f"{person.email} is not a learner."]
        elif person is not None:
            moved_from = person.cohort.name if person.cohort is not None and person.cohort_id != found.id else None
            cohorts.set_cohort(db, person, found.id)
            db.commit()
            note = f" (moved from “{moved_from}”)" if moved_from else ""
            flash(f"{person.display_name} is in “{found.name}”{note}.", "success")
            return redirect(url_for("admin.cohort", cohort_id=found.id))
    return _render_cohort(found.id, member_form=form)


@bp.route("/cohorts/<int:cohort_id>/members/<int:user_id>/remove", methods=["POST"])
@access_role_required("admin")
def remove_cohort_member(cohort_id: int, user_id: int) -> Response:
    """Take a learner out of this cohort."""
    db = get_db()
    found = cohorts.get_cohort(db, cohort_id)
    person = accounts.get_user(db, user_id)
    if ButtonForm().validate_on_submit():
        if person.cohort_id == found.id:
            cohorts.set_cohort(db, person, None)
            db.commit()
            flash(f"{person.display_name} is no longer in “{found.name}”.", "success")
        else:
            flash(f"{person.display_name} is not in this cohort.", "warning")
    return redirect(url_for("admin.cohort", cohort_id=found.id))


# Mentorships ---------------------------------------------------------------------------------------------------------

def _mentor_filter() -> int | None:
    try:
        return int(request.args["mentor"])
    except (KeyError, ValueError):
        return None


@bp.route("/mentorships", methods=["GET", "POST"])
@access_role_required("admin")
def mentorships() -> str | Response:
    """Every mentor ↔ mentee pair (optionally one mentor's), paginated; POST assigns a mentor to a mentee."""
    db = get_db()
    form = MentorshipForm(formdata=None) if request.method == "GET" else MentorshipForm()
    if request.method == "POST" and form.validate_on_submit():
        mentor, mentee = _find_person(form, "mentor_email"), _find_person(form, "mentee_email")
        if mentor is not None and mentee is not None:
            try:
                added = cohorts.assign_mentor(db, mentor, mentee)
            except InvalidInput as exc:
                _field_error(form, exc, "mentor_email")
            else:
                db.commit()
                if added:
                    flash(f"{mentor.display_name} now mentors {mentee.display_name}.", "success")
                else:
                    flash(f"{mentor.display_name} already mentors {mentee.display_name}.", "info")
                return redirect(url_for("admin.mentorships"))
    mentor_id = _mentor_filter()
    number = page_arg()
    rows, total = cohorts.mentorships_page(db, page=number, per_page=_per_page(), mentor_id=mentor_id)
    return render_template(
        "admin/mentorships.html", form=form, page=Page(rows, number, _per_page(), total), button=ButtonForm(),
        mentors=cohorts.mentor_choices(db), mentor_id=mentor_id,
    )


@bp.route("/mentorships/<int:mentor_id>/<int:mentee_id>/remove", methods=["POST"])
@access_role_required("admin")
def remove_mentorship(mentor_id: int, mentee_id: int) -> Response:
    """End one mentorship."""
    db = get_db()
    if ButtonForm().validate_on_submit():
        if cohorts.unassign_mentor(db, mentor_id, mentee_id):
            db.commit()
            flash("Mentorship removed.", "success")
        else:
            flash("There was no such mentorship.", "warning")
    return redirect(url_for("admin.mentorships"))


# Assignments ---------------------------------------------------------------------------------------------------------

def _assignment_form(db: Any) -> AssignmentForm:
    form = AssignmentForm(formdata=None) if request.method == "GET" else AssignmentForm()
    items = [SelectChoice(f"module:{m.id}", m.title, optgroup="Modules") for m in catalog().modules]
    bank = quiz_bank()
    if bank is not None:
        items += [SelectChoice(f"quiz:{q.id}", q.title, optgroup="Quizzes") for q in bank.quizzes]
    form.item.choices = items
    form.cohort_id.choices = [SelectChoice("", "—"), *_cohort_choices(db)]
    return form


@bp.route("/assignments", methods=["GET", "POST"], endpoint="assignments")
@access_role_required("admin")
def assignments_list() -> str | Response:
    """Every assignment, soonest due first, paginated; POST creates one."""
    db = get_db()
    form = _assignment_form(db)
    if request.method == "POST" and form.validate_on_submit():
        kind, _, item_id = (form.item.data or "").partition(":")
        learner = _find_person(form, "learner_email") if form.learner_email.data else None
        if learner is not None or not form.learner_email.data:
            try:
                assignments.create_assignment(
                    db, kind=kind, item_id=item_id, due_on=form.due_on.data,  # type: ignore[arg-type]
                    catalog=catalog(), quizzes=quiz_bank(), user_id=learner.id if learner else None,
                    cohort_id=int(form.cohort_id.data) if form.cohort_id.data else None, created_by_id=current_user.id,
                )
            except InvalidInput as exc:
                _field_error(form, exc, "item")
            else:
                db.commit()
                flash("Assignment created.", "success")
                return redirect(url_for("admin.assignments"))
    number = page_arg()
    rows, total = assignments.assignments_page(db, page=number, per_page=_per_page(), catalog=catalog(), quizzes=quiz_bank())
    return render_template("admin/assignments.html", form=form, page=Page(rows, number, _per_page(), total),
                           button=ButtonForm())


@bp.route("/assignments/<int:assignment_id>/delete", methods=["POST"])
@access_role_required("admin")
def delete_assignment(assignment_id: int) -> Response:
    """Delete an assignment."""
    db = get_db()
    if ButtonForm().validate_on_submit():
        assignments.delete_assignment(db, assignment_id)
        db.commit()
        flash("Assignment deleted.", "success")
    return redirect(url_for("admin.assignments"))


# A learner's placement -----------------------------------------------------------------------------------------------

def placement_form_for(user: User) -> PlacementForm:
    """The placement form of the user page, filled with the user's cohort and model on GET."""
    if request.method == "POST" and request.endpoint == "admin.placement":
        form = PlacementForm()
    else:
        form = PlacementForm(formdata=None, data={"cohort_id": str(user.cohort_id or ""),
                                                  "operating_model": user.operating_model or ""})
    form.cohort_id.choices = [SelectChoice("", "No cohort"), *_cohort_choices(get_db())]
    return form


def placement_context(user: User) -> dict[str, Any]:
    """What the user page shows about placement: the effective model and the mentors."""
    db = get_db()
    return {"effective_model": organisation.effective_model(db, user.id), "mentors": cohorts.mentors_of(db, user.id)}


@bp.route("/users/<int:user_id>/placement", methods=["POST"])
@access_role_required("admin")
def placement(user_id: int) -> str | Response:
    """Set a learner's cohort and own operating model."""
    db = get_db()
    found = accounts.get_user(db, user_id)
    form = placement_form_for(found)
    if form.validate_on_submit():
        try:
            cohorts.set_cohort(db, found, int(form.cohort_id.data) if form.cohort_id.data else None)
            cohorts.set_operating_model(found, form.operating_model.data or None)
        except InvalidInput as exc:
            _field_error(form, exc, "operating_model")
        else:
            db.commit()
            flash("Cohort and operating model saved.", "success")
            return redirect(url_for("admin.user", user_id=found.id))
    roles = RolesForm(formdata=None, data={"roles": sorted(found.access_roles)})
    return render_template("admin/user.html", user=found, form=roles, button=ButtonForm(), placement=form,
                           **placement_context(found))


# Settings ------------------------------------------------------------------------------------------------------------

@bp.route("/settings", methods=["GET", "POST"])
@access_role_required("admin")
def settings() -> str | Response:
    """The organisation's name and default operating model."""
    db = get_db()
    if request.method == "GET":
        org = db.get(Organisation, 1)  # read only: a GET never creates the row
        form = SettingsForm(formdata=None, data={"name": org.name if org else "Our agency",
                                                 "default_model": org.default_model if org else DEFAULT_MODEL})
    else:
        form = SettingsForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            organisation.update_organisation(db, name=form.name.data or "", default_model=form.default_model.data or "")
        except InvalidInput as exc:
            _field_error(form, exc, "name")
        else:
            db.commit()
            flash("Settings saved.", "success")
            return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form)
