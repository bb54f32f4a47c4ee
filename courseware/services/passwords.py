"""Password recovery: a single-use reset link by email (1 hour), the same answer whether or not the address exists."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..core.errors import InvalidInput
from ..persistence import queries
from ..persistence.base import utcnow
from ..persistence.models import User
from . import accounts, outbox, tokens


def request_reset(session: Session, email: str, *, secret: str | bytes, now: datetime | None = None) -> bool:
    """Queue a reset link when the address belongs to an active account; the caller answers the same either way."""
    try:
        address = accounts.normalise_email(email)
    except InvalidInput:
        return False
    user = queries.user_by_email(session, address)
    if user is None or not user.active:
        return False
    now = now or utcnow()
    token = tokens.issue(session, user, tokens.RESET, secret=secret, now=now)
    outbox.enqueue(session, kind="reset", to=user.email, user_id=user.id, payload={"token_id": token.id}, now=now)
    return True


def reset(session: Session, token: str, *, password: str, now: datetime | None = None) -> User:
    """Set a new password with a reset link (LinkNotUsable, InvalidInput); the link and every session end with it."""
    now = now or utcnow()
    found = tokens.lookup(session, token, tokens.RESET, now)
    if found.state is not tokens.TokenState.VALID:
        raise tokens.LinkNotUsable(found.state)
    assert found.user is not None and found.token is not None
    accounts.set_password(found.user, password)
    if not tokens.claim(session, found.token, now):
        raise tokens.LinkNotUsable(tokens.TokenState.USED)
    tokens.end_live(session, found.user.id, tokens.RESET, "replaced", now)  # other links sent earlier die too
    session.flush()
    return found.user
