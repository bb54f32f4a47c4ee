"""The admin's view of outgoing email: what waits, what failed (with the retry button)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ...services import outbox
from ..db import get_db
from ..forms_common import ButtonForm
from ..mailing import mail_queued
from ..pagination import Page, page_arg, page_size
from ..security import access_role_required
from . import bp

VIEWS = {"failed": ("failed",), "waiting": ("pending", "sending")}


@bp.route("/outbox")
@access_role_required("admin")
def outbox_page() -> str:
    """Failed messages (retry them) or those waiting to be sent, with the count of each status."""
    show = request.args.get("show", "failed")
    if show not in VIEWS:
        show = "failed"
    db = get_db()
    per_page = page_size()
    number = page_arg()
    rows, total = outbox.messages_page(db, statuses=VIEWS[show], page=number, per_page=per_page)
    return render_template("admin/outbox.html", page=Page(rows, number, per_page, total), show=show,
                           counts=outbox.counts(db), button=ButtonForm())


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@access_role_required("admin")
def retry_message(message_id: int) -> Response:
    """Send a failed message again, with a fresh set of tries."""
    db = get_db()
    if ButtonForm().validate_on_submit():
        row = outbox.retry(db, message_id)
        db.commit()
        mail_queued()
        flash(f"The message to {row.to_address} will be sent again.", "success")
    return redirect(url_for("admin.outbox_page"))
