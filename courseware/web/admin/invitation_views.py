"""Admin pages for invitations: invite one person, invite many from a CSV (preview first), resend, revoke."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from ...core.errors import InvalidInput
from ...services import accounts, invitations
from ...services.importer import ImportRejected, import_users
from ..db import get_db, today
from ..forms_common import ButtonForm, field_error
from ..mailing import mail_queued
from ..security import access_role_required
from . import bp
from .common import cohort_choices
from .forms import ImportForm, InviteForm

MAX_CSV = 1024 * 1024


def _secret() -> str:
    return current_app.secret_key or ""  # type: ignore[return-value]


@bp.route("/invitations/new", methods=["GET", "POST"])
@access_role_required("admin")
def invite() -> str | Response:
    """Invite one person by email, with roles, cohort and mentor."""
    db = get_db()
    form = InviteForm()
    form.cohort_id.choices = [SelectChoice("", "No cohort"), *cohort_choices(db)]
    if form.validate_on_submit():
        try:
            user = invitations.invite(
                db, email=form.email.data or "", name=form.name.data, roles=form.roles.data or ["learner"],
                cohort_id=int(form.cohort_id.data) if form.cohort_id.data else None,
                mentor_email=form.mentor_email.data or None, actor_id=current_user.id, secret=_secret(),
            )
        except InvalidInput as exc:
            db.rollback()
            field_error(form, exc, "email")
        else:
            db.commit()
            mail_queued()
            flash(f"Invitation on its way to {user.email}; the link works once, for 7 days.", "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template("admin/invite.html", form=form)


def _csv_text(form: ImportForm) -> tuple[str | None, str, str | None]:
    """(text, file name, problem): from the uploaded file, or from the preview's hidden copy."""
    upload = form.file.data
    if upload is not None and getattr(upload, "filename", ""):
        raw = upload.read(MAX_CSV + 1)
        name = upload.filename
        if len(raw) > MAX_CSV:
            return None, name, "The file is larger than 1 MB; split it into several files."
        try:
            return raw.decode("utf-8-sig"), name, None
        except UnicodeDecodeError:
            return None, name, f"{name}:1: the file is not UTF-8 text; save it as CSV UTF-8."
    if form.csv_text.data:
        return form.csv_text.data, form.csv_name.data or "people.csv", None
    return None, "", "Choose a CSV file."


@bp.route("/invitations/import", methods=["GET", "POST"])
@access_role_required("admin")
def import_invitations() -> str | Response:
    """Upload a CSV: a preview first (every bad row named, nothing imported while one is wrong), then import and invite."""
    db = get_db()
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("admin/import.html", form=form, problems=[], summary=None)
    text, name, problem = _csv_text(form)
    if text is None:
        return render_template("admin/import.html", form=form, problems=[problem], summary=None)
    confirmed = not (form.file.data and getattr(form.file.data, "filename", ""))  # the preview's "Import" button
    try:
        if confirmed:
            summary = invitations.import_and_invite(db, text, path=name, today=today(), secret=_secret(),
                                                    actor_id=current_user.id)
        else:  # the preview runs the import itself (the one set of rules), then undoes it
            summary = import_users(db, text, path=name, today=today())
    except ImportRejected as exc:
        db.rollback()
        return render_template("admin/import.html", form=form, problems=[str(p) for p in exc.problems], summary=None)
    if not confirmed:
        db.rollback()
        form.csv_text.data, form.csv_name.data = text, name
        return render_template("admin/import.html", form=form, problems=[], summary=summary, preview=True)
    db.commit()
    if summary.created:
        mail_queued()
    flash(f"Imported: {len(summary.created)} invited, {len(summary.updated)} updated, {len(summary.unchanged)} unchanged.",
          "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/invitation/resend", methods=["POST"])
@access_role_required("admin")
def resend_invitation(user_id: int) -> Response:
    """Send a new invitation link (the earlier one stops working)."""
    db = get_db()
    found = accounts.get_user(db, user_id)
    if ButtonForm().validate_on_submit():
        try:
            invitations.resend(db, found, secret=_secret(), actor_id=current_user.id)
        except InvalidInput as exc:
            flash(str(exc), "warning")
        else:
            db.commit()
            mail_queued()
            flash(f"A new invitation is on its way to {found.email}; the earlier link no longer works.", "success")
    return redirect(url_for("admin.user", user_id=found.id))


@bp.route("/users/<int:user_id>/invitation/revoke", methods=["POST"])
@access_role_required("admin")
def revoke_invitation(user_id: int) -> Response:
    """Withdraw a pending invitation: its link stops working."""
    db = get_db()
    found = accounts.get_user(db, user_id)
    if ButtonForm().validate_on_submit():
        try:
            invitations.revoke(db, found, actor_id=current_user.id)
        except InvalidInput as exc:
            flash(str(exc), "warning")
        else:
            db.commit()
            flash(f"The invitation of {found.email} is withdrawn.", "success")
    return redirect(url_for("admin.user", user_id=found.id))
