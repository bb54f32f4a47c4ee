"""Views of the auth blueprint."""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from ...core.company_sign_in import email_domain
from ...persistence.base import utcnow
from ...services import accounts, assignments
from ..company.providers import company_only
from ..db import get_db
from ..forms_common import ButtonForm
from ..logs import log_sign_in_failed
from ..mailing import sign_in_as
from ..security import fixed_url, safe_next
from ..throttle import guard
from . import bp
from .forms import LoginForm


@bp.route("/login", methods=["GET", "POST"])
@guard("sign-in")  # per address, and per account-and-address pair
def login() -> str | Response:
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(safe_next(fixed_url("learner.home")))
    form = LoginForm()
    if form.validate_on_submit():
        company = company_only(form.email.data or "")
        if company is not None:  # this domain signs in only through its company's provider: no password is checked
            form.password.errors.append(f"People at {email_domain(form.email.data or '')} sign in with their company "
                                        f"account: use “{company.label}”.")
            return render_template("auth/login.html", form=form, company_only=company)
        db = get_db()
        user = accounts.authenticate(db, form.email.data or "", form.password.data or "")
        if user is not None:
            user.last_seen_at = utcnow()  # so the first page after signing in need not write it
            assignments.start_if_unknown(db, user)  # the first sign-in is the start, unless set on invitation
            db.commit()
            sign_in_as(user, remember=bool(form.remember.data))
            return redirect(safe_next(url_for("learner.home")))
        log_sign_in_failed(form.email.data or "")
        form.password.errors.append("That email and password do not match an active account.")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["GET", "POST"])
def logout() -> str | Response:
    """Sign out (POST); a GET asks for confirmation."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    form = ButtonForm()  # its CSRF token makes sign-out a deliberate act
    if form.validate_on_submit():
        db = get_db()
        user = accounts.get_user(db, current_user.id)
        accounts.rotate_session(user)  # old cookies, remember-me included, stop working
        db.commit()
        logout_user()
        session.clear()
        flash("You are signed out.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/logout.html", form=form)
