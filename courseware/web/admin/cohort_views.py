"""Admin pages for cohorts: the list, a new cohort, one cohort's settings and members."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...core.errors import InvalidInput
from ...services import accounts, cohorts
from ..db import get_db
from ..forms_common import ButtonForm, field_error
from ..pagination import Page, page_arg, page_size
from ..security import access_role_required
from . import bp
from .common import find_person
from .forms import AddMemberForm, CohortForm


@bp.route("/cohorts", endpoint="cohorts")
@access_role_required("admin")
def cohorts_list() -> str:
    """Every cohort with its member count, newest first, paginated."""
    number = page_arg()
    rows, total = cohorts.cohorts_page(get_db(), page=number, per_page=page_size())
    return render_template("admin/cohorts.html", page=Page(rows, number, page_size(), total))


@bp.route("/cohorts/new", methods=["GET", "POST"])
@access_role_required("admin")
def new_cohort() -> str | Response:
    """Create a cohort."""
    form = CohortForm()
    if form.validate_on_submit():
        db = get_db()
        try:
            cohort = cohorts.create_cohort(db, name=form.name.data or "", start_date=form.start_date.data,  # type: ignore[arg-type]
                                           operating_model=form.operating_model.data or None, actor_id=current_user.id)
        except InvalidInput as exc:
            field_error(form, exc, "name")
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
    members, total = cohorts.members_page(db, cohort.id, page=number, per_page=page_size())
    return render_template(
        "admin/cohort.html", cohort=cohort, form=form, member_form=member_form or AddMemberForm(formdata=None),
        page=Page(members, number, page_size(), total), button=ButtonForm(),
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
                                  operating_model=form.operating_model.data or None, actor_id=current_user.id)
        except InvalidInput as exc:
            field_error(form, exc, "name")
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
        person = find_person(form, "email")
        if person is not None:
            moved_from = person.cohort.name if person.cohort is not None and person.cohort_id != found.id else None
            try:
                cohorts.set_cohort(db, person, found.id, actor_id=current_user.id)
            except InvalidInput as exc:
                field_error(form, exc, "email")
            else:
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
            cohorts.set_cohort(db, person, None, actor_id=current_user.id)
            db.commit()
            flash(f"{person.display_name} is no longer in “{found.name}”.", "success")
        else:
            flash(f"{person.display_name} is not in this cohort.", "warning")
    return redirect(url_for("admin.cohort", cohort_id=found.id))
