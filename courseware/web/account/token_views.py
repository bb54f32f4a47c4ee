"""The person's API tokens (/account/tokens) and calendar feed (/account/calendar, /calendar/<token>.ics)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...persistence.base import utcnow
from ...services import api_tokens, calendar
from ...services.assignments import learner_assignments
from ..db import catalog, completion, get_db, quiz_bank, today
from ..forms_common import ButtonForm
from ..security import access_role_required
from . import bp
from .forms import TokenForm
from .views import SIGNED_IN, _me

EXPIRY_DAYS = {"30": 30, "90": 90, "365": 365, "never": None}


def _tokens_page(form: TokenForm, new_token: str | None = None, status: int = 200) -> tuple[str, int]:
    return render_template("account/tokens.html", form=form, new_token=new_token, button=ButtonForm(),
                           tokens=api_tokens.tokens_of(get_db(), current_user.id), now=utcnow(),
                           is_live=api_tokens.is_live), status


@bp.route("/account/tokens", methods=["GET", "POST"])
@access_role_required(*SIGNED_IN)
def tokens() -> tuple[str, int]:
    """List one's API tokens; make a new one (shown once, on the page that answers the POST)."""
    form = TokenForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            get_db().rollback()
            return _tokens_page(form, status=422)
        made = api_tokens.create_token(get_db(), _me(), scope=form.scope.data or "read", name=form.name.data or "",
                                       days=EXPIRY_DAYS[form.expires.data or "90"])
        get_db().commit()
        return _tokens_page(TokenForm(formdata=None), new_token=made.token)
    return _tokens_page(form)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@access_role_required(*SIGNED_IN)
def revoke_token(token_id: int) -> Response:
    """Revoke one of one's own tokens (someone else's is a 404)."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    if not api_tokens.revoke(get_db(), _me(), token_id):
        abort(404)
    get_db().commit()
    flash("Token revoked: it no longer opens the API.", "success")
    return redirect(url_for("account.tokens"))  # type: ignore[return-value]


def _feed_url(token: str) -> str:
    """The feed's address on the public site (``BASE_URL``, where emailed links point too)."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for("account.calendar_feed", token=token)


@bp.route("/account/calendar")
@access_role_required(*SIGNED_IN)
def calendar_page() -> str:
    """The person's private calendar URL (made on first visit), and a button to reset it."""
    db = get_db()
    feed = calendar.feed_of(db, current_user.id)
    if feed is None:  # a GET that writes once: the feed is made the first time it is looked at
        calendar.reset(db, _me(), secret=current_app.secret_key)  # type: ignore[arg-type]
        db.commit()
    token = calendar.feed_token(db, _me(), secret=current_app.secret_key)  # type: ignore[arg-type]
    return render_template("account/calendar.html", url=_feed_url(token), button=ButtonForm())


@bp.route("/account/calendar/reset", methods=["POST"])
@access_role_required(*SIGNED_IN)
def reset_calendar() -> Response:
    """Give the feed a new URL: the old one stops working."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    calendar.reset(get_db(), _me(), secret=current_app.secret_key)  # type: ignore[arg-type]
    get_db().commit()
    flash("Your calendar has a new address; the old one no longer works. Subscribe again with the new one.", "success")
    return redirect(url_for("account.calendar_page"))  # type: ignore[return-value]


@bp.route("/calendar/<token>.ics")
def calendar_feed(token: str) -> Response:
    """The iCalendar feed of one learner's due dates; the token in the URL is the only credential."""
    db = get_db()
    user = calendar.owner_of(db, token)
    if user is None:
        abort(404)
    items = learner_assignments(db, user.id, catalog(), today(), quiz_bank(), completion())
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "courseware"
    body = calendar.calendar_of(user, items, host=host)
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["Content-Disposition"] = 'inline; filename="courseware.ics"'
    return response
