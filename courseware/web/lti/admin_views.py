"""Admin pages: the LTI platforms allowed to launch Courseware (every change audited)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...core.errors import InvalidInput
from ...persistence.models import LtiPlatform
from ...persistence.queries import get_or_not_found
from ...services import lti, lti_grades
from ..db import get_db
from ..forms_common import ButtonForm, field_error
from ..security import access_role_required
from . import bp
from .forms import PlatformForm


def _input(form: PlatformForm) -> lti.PlatformInput:
    return lti.PlatformInput(
        name=form.name.data or "", issuer=form.issuer.data or "", client_id=form.client_id.data or "",
        key_set_url=form.key_set_url.data or "", auth_login_url=form.auth_login_url.data or "",
        auth_token_url=form.auth_token_url.data or "",
        deployment_ids=tuple((form.deployment_ids.data or "").splitlines()))


@bp.route("/admin/lti")
@access_role_required("admin")
def platforms() -> str:
    """The registered platforms, and what to give a platform's administrator."""
    db = get_db()
    return render_template("lti/platforms.html", platforms=lti.platforms(db), button=ButtonForm(),
                           counts=lti_grades.counts(db), failed=lti_grades.failed(db))


@bp.route("/admin/lti/scores/<int:score_id>/retry", methods=["POST"])
@access_role_required("admin")
def retry_score(score_id: int) -> Response:
    """Send a failed score again, with a fresh set of tries."""
    db = get_db()
    if ButtonForm().validate_on_submit():
        lti_grades.retry(db, score_id)
        db.commit()
        flash("The score will be sent again.", "info")
    return redirect(url_for("lti.platforms"))


@bp.route("/admin/lti/new", methods=["GET", "POST"])
@access_role_required("admin")
def new_platform() -> str | Response:
    """Register a platform."""
    form = PlatformForm()
    if form.validate_on_submit():
        db = get_db()
        try:
            platform = lti.register_platform(db, _input(form), actor_id=current_user.id)
        except InvalidInput as exc:
            db.rollback()
            field_error(form, exc, "issuer")
        else:
            db.commit()
            flash(f"{platform.name} may now launch Courseware.", "success")
            return redirect(url_for("lti.platforms"))
    return render_template("lti/platform_form.html", form=form, platform=None)


@bp.route("/admin/lti/<int:platform_id>", methods=["GET", "POST"])
@access_role_required("admin")
def edit_platform(platform_id: int) -> str | Response:
    """Change a platform's registration."""
    db = get_db()
    platform = get_or_not_found(db, LtiPlatform, platform_id, "platform")
    form = PlatformForm(data={"name": platform.name, "issuer": platform.issuer, "client_id": platform.client_id,
                              "key_set_url": platform.key_set_url, "auth_login_url": platform.auth_login_url,
                              "auth_token_url": platform.auth_token_url,
                              "deployment_ids": "\n".join(platform.deployment_ids)})
    if form.validate_on_submit():
        try:
            lti.update_platform(db, platform_id, _input(form), actor_id=current_user.id)
        except InvalidInput as exc:
            db.rollback()
            field_error(form, exc, "issuer")
        else:
            db.commit()
            flash("Saved.", "success")
            return redirect(url_for("lti.platforms"))
    return render_template("lti/platform_form.html", form=form, platform=platform)


@bp.route("/admin/lti/<int:platform_id>/delete", methods=["POST"])
@access_role_required("admin")
def delete_platform(platform_id: int) -> Response:
    """Remove a platform: its launches stop working."""
    db = get_db()
    if ButtonForm().validate_on_submit():
        lti.delete_platform(db, platform_id, actor_id=current_user.id)
        db.commit()
        flash("The platform is removed.", "info")
    return redirect(url_for("lti.platforms"))
