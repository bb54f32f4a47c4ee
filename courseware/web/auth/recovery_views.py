"""Links that arrive by email: accepting an invitation, forgetting and resetting a password."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...core.errors import InvalidInput
from ...services import assignments, invitations, passwords, tokens
from .. import throttle
from ..company.providers import company_only
from ..db import get_db
from ..forms_common import field_error
from ..mailing import mail_queued, sign_in_as
from . import bp
from .forms import AcceptInvitationForm, ForgotPasswordForm, NewPasswordForm


def _link_problem(state: tokens.TokenState, purpose: str) -> str:
    return render_template("auth/link_problem.html", state=state.value, purpose=purpose)


@bp.route("/invite/<token>", methods=["GET", "POST"])
@throttle.guard("invite", account=throttle.view_arg("token"))
def accept_invitation(token: str) -> str | Response:
    """Accept an invitation: choose a name and password, then be signed in."""
    db = get_db()
    found = tokens.lookup(db, token, tokens.INVITE)
    if found.state is not tokens.TokenState.VALID:
        return _link_problem(found.state, tokens.INVITE)
    assert found.user is not None
    company = company_only(found.user.email)
    if company is not None:  # this domain joins through its company's provider, not with a password
        return render_template("auth/company_only.html", company=company, email=found.user.email, purpose="invite")
    form = AcceptInvitationForm(data={"name": found.user.display_name})
    if form.validate_on_submit():
        try:
            user = invitations.accept(db, token, name=form.name.data or "", password=form.password.data or "")
            assignments.start_if_unknown(db, user)
        except tokens.LinkNotUsable as exc:
            db.rollback()
            return _link_problem(exc.state, tokens.INVITE)
        except InvalidInput as exc:
            db.rollback()
            field_error(form, exc, "password")
        else:
            db.commit()
            sign_in_as(user)
            flash(f"Welcome, {user.display_name}. Your account is ready.", "success")
            return redirect(url_for("learner.home"))
    return render_template("auth/accept_invitation.html", form=form, email=found.user.email)


@bp.route("/password/forgot", methods=["GET", "POST"])
@throttle.guard("password-forgot", account=throttle.form_field("email"))
def forgot_password() -> str | Response:
    """Ask for a reset link; the answer is the same whether or not the address has an account."""
    if current_user.is_authenticated:  # signed in: change it on the account page (the current password is enough)
        return redirect(url_for("account.index"))
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        company = company_only(form.email.data or "")
        if company is not None:  # no password to recover: the company's sign-in is the way in
            return render_template("auth/company_only.html", company=company, email=form.email.data, purpose="reset")
        db = get_db()
        queued = passwords.request_reset(db, form.email.data or "", secret=current_app.secret_key or "")
        db.commit()
        if queued:
            mail_queued()
        flash("If an account uses that address, a link to choose a new password is on its way. "
              "It works once, for one hour.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@throttle.guard("password-reset", account=throttle.view_arg("token"))
def reset_password(token: str) -> str | Response:
    """Choose a new password with a reset link; every other session ends, and this one is signed in."""
    db = get_db()
    found = tokens.lookup(db, token, tokens.RESET)
    if found.state is not tokens.TokenState.VALID:
        return _link_problem(found.state, tokens.RESET)
    assert found.user is not None
    company = company_only(found.user.email)
    if company is not None:  # a link sent before the domain's passwords were turned off
        return render_template("auth/company_only.html", company=company, email=found.user.email, purpose="reset")
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = passwords.reset(db, token, password=form.password.data or "")
        except tokens.LinkNotUsable as exc:
            db.rollback()
            return _link_problem(exc.state, tokens.RESET)
        except InvalidInput as exc:
            db.rollback()
            field_error(form, exc, "password")
        else:
            db.commit()
            sign_in_as(user)
            flash("Your password is changed, and you are signed in. Other devices were signed out.", "success")
            return redirect(url_for("learner.home"))
    return render_template("auth/reset_password.html", form=form, email=found.user.email)
