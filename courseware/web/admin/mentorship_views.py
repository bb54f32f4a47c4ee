"""Admin pages for mentorships: every mentor ↔ mentee pair, assigning and ending one."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...core.errors import InvalidInput
from ...persistence.queries import MAX_ID
from ...services import cohorts
from ..db import get_db
from ..forms_common import ButtonForm, field_error
from ..pagination import Page, page_arg, page_size
from ..security import access_role_required
from . import bp
from .common import find_person
from .forms import MentorshipForm


def _mentor_filter() -> int | None:
    """?mentor=<id>, or None when absent or not an id a column can hold."""
    value = request.args.get("mentor", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 10 and 0 < int(value) <= MAX_ID else None


@bp.route("/mentorships", methods=["GET", "POST"])
@access_role_required("admin")
def mentorships() -> str | Response:
    """Every mentor ↔ mentee pair (optionally one mentor's), paginated; POST assigns a mentor to a mentee."""
    db = get_db()
    form = MentorshipForm(formdata=None) if request.method == "GET" else MentorshipForm()
    if request.method == "POST" and form.validate_on_submit():
        mentor, mentee = find_person(form, "mentor_email"), find_person(form, "mentee_email")
        if mentor is not None and mentee is not None:
            try:
                added = cohorts.assign_mentor(db, mentor, mentee, actor_id=current_user.id)
            except InvalidInput as exc:
                field_error(form, exc, "mentor_email")
            else:
                db.commit()
                if added:
                    flash(f"{mentor.display_name} now mentors {mentee.display_name}.", "success")
                else:
                    flash(f"{mentor.display_name} already mentors {mentee.display_name}.", "info")
                return redirect(url_for("admin.mentorships"))
    mentor_id = _mentor_filter()
    number = page_arg()
    rows, total = cohorts.mentorships_page(db, page=number, per_page=page_size(), mentor_id=mentor_id)
    return render_template(
        "admin/mentorships.html", form=form, page=Page(rows, number, page_size(), total), button=ButtonForm(),
        mentors=cohorts.mentor_choices(db), mentor_id=mentor_id,
    )


@bp.route("/mentorships/<int:mentor_id>/<int:mentee_id>/remove", methods=["POST"])
@access_role_required("admin")
def remove_mentorship(mentor_id: int, mentee_id: int) -> Response:
    """End one mentorship."""
    db = get_db()
    if ButtonForm().validate_on_submit():
        if cohorts.unassign_mentor(db, mentor_id, mentee_id, actor_id=current_user.id):
            db.commit()
            flash("Mentorship removed.", "success")
        else:
            flash("There was no such mentorship.", "warning")
    return redirect(url_for("admin.mentorships"))
