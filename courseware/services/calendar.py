"""A learner's private calendar feed of their assignments' due dates (iCalendar, RFC 5545).

The feed's URL carries a token derived from a stored nonce with the app's secret key (like the
emailed links of ``services/tokens``): the account page can show the URL again, a reset draws a new
nonce so the old URL stops working, and a presented token is found by its hash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..persistence.base import utcnow
from ..persistence.models import CalendarFeed, User
from .assignments import LearnerAssignment
from .tokens import token_hash

_CONTEXT = b"courseware calendar feed\x00"


def derive(secret: str | bytes, nonce: str) -> str:
    """The feed token for a nonce under the app's secret key (43 URL-safe characters)."""
    key = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(key, _CONTEXT + nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def feed_of(session: Session, user_id: int) -> CalendarFeed | None:
    """The person's feed, if they ever asked for one."""
    return session.get(CalendarFeed, user_id)


def feed_token(session: Session, user: User, *, secret: str | bytes) -> str:
    """The person's feed token, made on first use."""
    feed = feed_of(session, user.id)
    if feed is None:
        return reset(session, user, secret=secret)
    return derive(secret, feed.nonce)


def reset(session: Session, user: User, *, secret: str | bytes) -> str:
    """A new feed token for the person: the old URL stops working."""
    nonce = secrets.token_hex(16)
    token = derive(secret, nonce)
    feed = feed_of(session, user.id)
    if feed is None:
        session.add(CalendarFeed(user_id=user.id, nonce=nonce, token_hash=token_hash(token), created_at=utcnow()))
    else:
        feed.nonce, feed.token_hash, feed.created_at = nonce, token_hash(token), utcnow()
    session.flush()
    return token


def owner_of(session: Session, token: str) -> User | None:
    """The active person whose feed this token opens, or None."""
    if not token or len(token) > 100:
        return None
    feed = session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == token_hash(token)))
    if feed is None:
        return None
    user = session.get(User, feed.user_id)
    return user if user is not None and user.active else None


def calendar_of(user: User, items: Sequence[LearnerAssignment], *, host: str, now: datetime | None = None) -> bytes:
    """The iCalendar document: one all-day event per assignment on its due date (done ones marked so)."""
    cal = Calendar()
    cal.add("prodid", "-//Courseware//Assignments//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Courseware: {user.display_name}")
    stamp = now or utcnow()
    for item in items:
        event = Event()
        event.add("uid", f"assignment-{item.id}-user-{user.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due_on)
        event.add("dtend", item.due_on + timedelta(days=1))
        kind = "Module" if item.kind == "module" else "Quiz"
        event.add("summary", f"{kind} due: {item.title}" + (" (done)" if item.done else ""))
        event.add("status", "CONFIRMED")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()  # type: ignore[no-any-return]

