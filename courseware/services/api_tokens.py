"""Personal access tokens for the JSON API: created (shown once), listed, revoked, and checked on each request.

A token is 32 random bytes, URL-safe, behind the prefix ``cwp_`` (so a leaked one is recognisable in logs
and scanners).  Only ``tokens.token_hash`` (SHA-256) of it is stored: a high-entropy secret needs no slow
hash.  A ``read`` token may only read; a ``write`` token may also write — and what a token may reach is
still decided by its owner's access roles, by the same services and scope as the pages.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..core.errors import InvalidInput
from ..persistence.base import utcnow
from ..persistence.models import ApiToken, User
from . import audit
from .tokens import token_hash

SCOPES = ("read", "write")
PREFIX = "cwp_"
MAX_DAYS = 3650
TOUCH_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class NewToken:
    """A token just created: the row, and the token itself (never stored, shown once)."""

    row: ApiToken
    token: str


@dataclass(frozen=True)
class Bearer:
    """Who a valid token speaks for, and what it may do."""

    user: User
    token: ApiToken

    @property
    def may_write(self) -> bool:
        """Whether the token's scope allows writes."""
        return self.token.scope == "write"


def create_token(
    session: Session, user: User, *, scope: str, name: str = "", days: int | None = None, now: datetime | None = None,
) -> NewToken:
    """A new token for ``user`` with ``scope`` (read, write), expiring after ``days`` (None: never). Audited."""
    if scope not in SCOPES:
        raise InvalidInput("The scope is read or write.", field="scope")
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"A token lasts between 1 and {MAX_DAYS} days.", field="days")
    name = (name or "").strip()[:80] or "API token"
    now = now or utcnow()
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name, scope=scope, token_hash=token_hash(token), prefix=token[:12],
                   created_at=now, expires_at=now + timedelta(days=days) if days is not None else None)
    session.add(row)
    session.flush()
    audit.record(session, actor_id=user.id, kind="api_token.create", target=audit.of_user(user),
                 after={"token": row.id, "name": name, "scope": scope,
                        "expires_at": row.expires_at.isoformat() if row.expires_at else None})
    return NewToken(row, token)


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    """The person's tokens, newest first (revoked and expired ones included, to be told apart)."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user_id)
                                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke(session: Session, user: User, token_id: int, now: datetime | None = None) -> bool:
    """End one of the person's own tokens for good; False when it is not theirs or already revoked. Audited."""
    result = session.execute(
        update(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now or utcnow()).execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    audit.record(session, actor_id=user.id, kind="api_token.revoke", target=audit.of_user(user), after={"token": token_id})
    return True


def is_live(row: ApiToken, now: datetime) -> bool:
    """Neither revoked nor expired."""
    return row.revoked_at is None and (row.expires_at is None or row.expires_at > now)


def authenticate(session: Session, token: str, now: datetime | None = None) -> Bearer | None:
    """The bearer of a presented token, or None when it is unknown, revoked, expired, or its owner deactivated."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    now = now or utcnow()
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if row is None or not is_live(row, now):
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return Bearer(user, row)


def needs_touch(row: ApiToken, now: datetime) -> bool:
    """Whether ``last_used_at`` is stale enough to write again (at most once every five minutes)."""
    return row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY
