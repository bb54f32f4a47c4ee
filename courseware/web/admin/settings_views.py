"""The organisation's settings page: name, default operating model, time zone."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...core.errors import InvalidInput
from ...services import certificates, organisation
from ..db import get_db
from ..forms_common import field_error
from ..security import access_role_required
from . import bp
from .forms import SettingsForm


@bp.route("/settings", methods=["GET", "POST"])
@access_role_required("admin")
def settings() -> str | Response:
    """The organisation's name, default operating model, time zone and how long certificates stay valid."""
    db = get_db()
    if request.method == "GET":
        org = organisation.read_organisation(db)
        form = SettingsForm(formdata=None, data={"name": org.name, "default_model": org.default_model,
                                                 "time_zone": org.time_zone, "xapi_actor": org.xapi_actor,
                                                 "certificate_months": org.certificate_validity_months})
    else:
        form = SettingsForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            organisation.update_organisation(db, name=form.name.data or "", default_model=form.default_model.data or "",
                                             time_zone=form.time_zone.data or "", actor_id=current_user.id,
                                             xapi_actor=form.xapi_actor.data)
            certificates.set_validity(db, form.certificate_months.data, actor_id=current_user.id)
        except InvalidInput as exc:
            field_error(form, exc, "name")
        else:
            db.commit()
            flash("Settings saved.", "success")
            return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form, model_note=organisation.read_organisation(db).model_note)
