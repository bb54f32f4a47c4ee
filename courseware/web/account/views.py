"""Views of the account pages: /account (profile, password, email preferences) and /unsubscribe/<token>."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_login.config import COOKIE_NAME
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from ...core.errors import InvalidInput
from ...mail.links import TOPICS, read_unsubscribe_token
from ...persistence.models import User
from ...services import accounts
from ...services.organisation import read_organisation
from ..db import get_db
from ..forms_common import field_error
from ..mailing import sign_in_as
from ..security import access_role_required, csrf
from . import bp
from .forms import PasswordForm, PreferencesForm, ProfileForm

SIGNED_IN = ("learner", "mentor", "manager", "admin")


def _forms(user: User, **posted: FlaskForm) -> dict[str, Any]:
    """The three forms of the page: the one posted (with its errors) and the others filled from the account."""
    zone = read_organisation(get_db()).time_zone
    return {
        "profile": posted.get("profile") or ProfileForm(formdata=None, organisation_zone=zone,
                                                        data={"display_name": user.display_name,
                                                              "time_zone": user.time_zone or ""}),
        "password": posted.get("password") or PasswordForm(formdata=None),
        "preferences": posted.get("preferences") or PreferencesForm(
            formdata=None, data={"reminders": user.email_reminders, "digest": user.email_digest}),
        "user": user,
        "is_mentor": "mentor" in user.access_roles,
    }


def _me() -> User:
    return accounts.get_user(get_db(), current_user.id)


@bp.route("/account")
@access_role_required(*SIGNED_IN)
def index() -> str:
    """The account page."""
    return render_template("account/index.html", **_forms(_me()))


@bp.route("/account/profile", methods=["POST"])
@access_role_required(*SIGNED_IN)
def profile() -> str | Response:
    """Change one's name and time zone."""
    user = _me()
    form = ProfileForm(organisation_zone=read_organisation(get_db()).time_zone)
    if form.validate_on_submit():
        try:
            accounts.update_profile(user, display_name=form.display_name.data or "", time_zone=form.time_zone.data or None)
        except InvalidInput as exc:
            field_error(form, exc, "display_name")
        else:
            get_db().commit()
            flash("Profile saved.", "success")
            return redirect(url_for("account.index"))
    get_db().rollback()
    return render_template("account/index.html", **_forms(_me(), profile=form))


@bp.route("/account/password", methods=["POST"])
@access_role_required(*SIGNED_IN)
def password() -> str | Response:
    """Change one's password: every other session ends; this one stays signed in with a fresh token."""
    user = _me()
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(user, form.current.data or "", form.password.data or "")
        except InvalidInput as exc:
            field_error(form, exc, "password")
        else:
            get_db().commit()
            had_remember = bool(request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)))
            sign_in_as(user, remember=had_remember)
            flash("Password changed. Every other device signed in to your account was signed out.", "success")
            return redirect(url_for("account.index"))
    get_db().rollback()
    return render_template("account/index.html", **_forms(_me(), password=form))


@bp.route("/account/preferences", methods=["POST"])
@access_role_required(*SIGNED_IN)
def preferences() -> str | Response:
    """Choose which emails to get."""
    user = _me()
    form = PreferencesForm()
    if form.validate_on_submit():
        accounts.set_email_preferences(user, reminders=bool(form.reminders.data), digest=bool(form.digest.data))
        get_db().commit()
        flash("Email preferences saved.", "success")
        return redirect(url_for("account.index"))
    return render_template("account/index.html", **_forms(user, preferences=form))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the authority; mail programs POST "List-Unsubscribe=One-Click" (RFC 8058)
def unsubscribe(token: str) -> str | Response:
    """Stop one kind of email without signing in: GET asks (link scanners only look), POST acts."""
    found = read_unsubscribe_token(current_app.secret_key or "", token)
    user = get_db().get(User, found[0]) if found else None
    if found is None or user is None:
        return render_template("account/unsubscribe.html", problem=True)
    topic = found[1]
    done = False
    if request.method == "POST":
        if topic == "reminders":
            accounts.set_email_preferences(user, reminders=False, digest=user.email_digest)
        else:
            accounts.set_email_preferences(user, reminders=user.email_reminders, digest=False)
        get_db().commit()
        done = True
    return render_template("account/unsubscribe.html", problem=False, done=done, topic=TOPICS[topic], email=user.email)
