"""From an outbox row to an email: subject, plain-text and HTML parts rendered from ``templates/mail/``."""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from flask import Flask, render_template
from sqlalchemy.orm import Session

from ..persistence.base import utcnow
from ..persistence.models import AccountToken, OutboxMessage, User
from ..services import tokens
from ..services.organisation import read_organisation
from ..services.reminders import LABELS
from .links import TOPICS, external_url, unsubscribe_token


class Obsolete(Exception):
    """The message no longer makes sense (its link was revoked, replaced or expired): never send it."""


def compose(app: Flask, session: Session, row: OutboxMessage) -> EmailMessage:
    """Render the message for ``row`` (inside an app context)."""
    org = read_organisation(session)
    user = session.get(User, row.user_id) if row.user_id is not None else None
    context: dict[str, Any] = {"organisation": org.name, "user": user, "payload": row.payload,
                               "home": external_url(app, "learner.home")}
    headers: dict[str, str] = {}
    if row.kind in ("invite", "reset"):
        context.update(_link_context(app, session, row))
    elif row.kind in ("reminder", "digest"):
        if user is None:
            raise Obsolete("the person was deleted")
        topic = "reminders" if row.kind == "reminder" else "digest"
        unsubscribe = external_url(app, "account.unsubscribe", token=unsubscribe_token(app.secret_key, user.id, topic))
        context.update(unsubscribe=unsubscribe, topic=TOPICS[topic], labels=LABELS,
                       account=external_url(app, "account.index"))
        if row.kind == "digest":
            context["mentee_links"] = {m["id"]: external_url(app, "mentor.mentee", user_id=m["id"])
                                       for m in row.payload["mentees"]}
        headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    else:
        raise Obsolete(f"unknown kind {row.kind}")
    subject = render_template(f"mail/{row.kind}.subject.txt", **context).strip()
    message = EmailMessage()
    message["Subject"] = " ".join(subject.split())
    message["From"] = app.config["MAIL_FROM"]
    message["To"] = Address(display_name=user.display_name if user else "", addr_spec=row.to_address)
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid("courseware")
    message["X-Courseware-Outbox"] = str(row.id)
    for name, value in headers.items():
        message[name] = value
    message.set_content(render_template(f"mail/{row.kind}.txt", **context))
    message.add_alternative(render_template(f"mail/{row.kind}.html", subject=subject, **context), subtype="html")
    return message


def _link_context(app: Flask, session: Session, row: OutboxMessage) -> dict[str, Any]:
    token_row = session.get(AccountToken, row.payload.get("token_id"))
    if token_row is None:
        raise Obsolete("its link no longer exists")
    token = tokens.derive(app.secret_key, token_row.nonce)
    found = tokens.lookup(session, token, token_row.purpose)
    if found.state is not tokens.TokenState.VALID:
        raise Obsolete(f"its link is {found.state.value.replace('_', ' ')}: a newer one was sent, or none is needed")
    inviter = session.get(User, token_row.created_by_id) if token_row.created_by_id is not None else None
    endpoint = "auth.accept_invitation" if token_row.purpose == tokens.INVITE else "auth.reset_password"
    return {"link": external_url(app, endpoint, token=token), "expires_at": token_row.expires_at,
            "inviter": inviter.display_name if inviter is not None else None,
            "forgot": external_url(app, "auth.forgot_password")}
