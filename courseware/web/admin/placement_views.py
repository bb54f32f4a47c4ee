"""A learner's placement on their user page: cohort and own operating model."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from ...core.errors import InvalidInput
from ...persistence.models import User
from ...services import accounts, cohorts, organisation
from ..db import get_db
from ..forms_common import ButtonForm, field_error
from ..security import access_role_required
from . import bp
from .common import cohort_choices
from .forms import PlacementForm, RolesForm


def placement_form_for(user: User) -> PlacementForm:
    """The placement form of the user page, filled with the user's cohort and model on GET."""
    if request.method == "POST" and request.endpoint == "admin.placement":
        form = PlacementForm()
    else:
        form = PlacementForm(formdata=None, data={"cohort_id": str(user.cohort_id or ""),
                                                  "operating_model": user.operating_model or ""})
    form.cohort_id.choices = [SelectChoice("", "No cohort"), *cohort_choices(get_db())]
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
            cohorts.set_cohort(db, found, int(form.cohort_id.data) if form.cohort_id.data else None, actor_id=current_user.id)
            cohorts.set_operating_model(db, found, form.operating_model.data or None, actor_id=current_user.id)
        except InvalidInput as exc:
            field_error(form, exc, "operating_model")
        else:
            db.commit()
            flash("Cohort and operating model saved.", "success")
            return redirect(url_for("admin.user", user_id=found.id))
    roles = RolesForm(formdata=None, data={"roles": sorted(found.access_roles)})
    return render_template("admin/user.html", user=found, form=roles, button=ButtonForm(), placement=form,
                           **placement_context(found))
