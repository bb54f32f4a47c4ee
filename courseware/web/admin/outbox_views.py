"""The admin's view of what leaves the app: email, and the integration outbox (xAPI statements) — what waits,
what failed (with the retry button), what was delivered; filtered by channel and status, a page at a time."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...services import integration_outbox, outbox
from ..db import get_db
from ..forms_common import ButtonForm
from ..mailing import mail_queued
from ..pagination import Page, page_arg, page_size
from ..security import access_role_required
from . import bp

VIEWS = {"failed": ("failed",), "waiting": ("pending", "sending"), "sent": ("sent",)}
MAIL = "email"
CHANNELS = (MAIL, *integration_outbox.CHANNELS)
CHANNEL_LABELS = {MAIL: "Email", "xapi": "xAPI statements"}


@bp.route("/outbox")
@access_role_required("admin")
def outbox_page() -> str:
    """One channel's rows in one status group (failed by default), with the count of each status."""
    show = request.args.get("show", "failed")
    if show not in VIEWS:
        show = "failed"
    channel = request.args.get("channel", MAIL)
    if channel not in CHANNELS:
        channel = MAIL
    db = get_db()
    per_page = page_size()
    number = page_arg()
    if channel == MAIL:
        rows, total = outbox.messages_page(db, statuses=VIEWS[show], page=number, per_page=per_page)
        counts = outbox.counts(db)
    else:
        rows, total = integration_outbox.rows_page(db, statuses=VIEWS[show], channel=channel, page=number,
                                                   per_page=per_page)
        counts = integration_outbox.counts(db, channel)
    return render_template("admin/outbox.html", page=Page(rows, number, per_page, total), show=show, channel=channel,
                           channels=CHANNELS, channel_labels=CHANNEL_LABELS, counts=counts, button=ButtonForm())


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


@bp.route("/outbox/<channel>/<int:row_id>/retry", methods=["POST"])
@access_role_required("admin")
def retry_delivery(channel: str, row_id: int) -> Response:
    """Deliver a failed row of an integration channel again, with a fresh set of tries (audited)."""
    if channel not in integration_outbox.CHANNELS:
        abort(404)
    db = get_db()
    if ButtonForm().validate_on_submit():
        row = integration_outbox.retry(db, channel, row_id, actor_id=current_user.id)
        db.commit()
        mail_queued()  # the same worker task delivers both outboxes
        flash(f"{CHANNEL_LABELS[channel]}: '{row.kind}' {row.ref} will be delivered again.", "success")
    return redirect(url_for("admin.outbox_page", channel=channel))
