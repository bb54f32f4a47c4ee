"""Single-use links sent by email: invitations (7 days) and password resets (1 hour).

A token is ``HMAC(secret key, nonce)``; the database keeps the nonce and a SHA-256 hash of the
token, never the token.  The worker, which has the secret key, derives the token again to put
the link in the email; whoever reads the database alone cannot.  A presented token is found by
its hash and claimed once with a conditional UPDATE, so two clicks cannot both use it.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..persistence.base import utcnow
from ..persistence.models import AccountToken, User
from . import accounts

INVITE = "invite"
RESET = "reset"
LIFETIMES = {INVITE: timedelta(days=7), RESET: timedelta(hours=1)}
_CONTEXT = b"courseware account token\x00"


class TokenState(enum.Enum):
    """What a presented link turned out to be."""

    VALID = "valid"
    UNKNOWN = "unknown"  # never issued: mistyped, cut short or forged
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"
    REPLACED = "replaced"  # a newer link was sent
    PASSWORD_CHANGED = "password_changed"  # a reset link for a password changed since
    INACTIVE = "inactive"  # the account was deactivated


@dataclass(frozen=True)
class Lookup:
    """A presented token's state, with its row and person when it was ever issued."""

    state: TokenState
    token: AccountToken | None = None
    user: User | None = None


def derive(secret: str | bytes, nonce: str) -> str:
    """The token for a nonce under the app's secret key (43 URL-safe characters)."""
    key = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(key, _CONTEXT + nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue(
    session: Session, user: User, purpose: str, *, secret: str | bytes, created_by_id: int | None = None,
    now: datetime | None = None,
) -> AccountToken:
    """A new link for ``user``; earlier live links of the same purpose are ended as replaced."""
    now = now or utcnow()
    end_live(session, user.id, purpose, "replaced", now)
    nonce = secrets.token_hex(16)
    row = AccountToken(
        purpose=purpose, user_id=user.id, nonce=nonce, token_hash=token_hash(derive(secret, nonce)), created_at=now,
        expires_at=now + LIFETIMES[purpose], created_by_id=created_by_id,
        password_stamp=accounts.password_stamp(user) if purpose == RESET else None,
    )
    session.add(row)
    session.flush()
    return row


def end_live(session: Session, user_id: int, purpose: str, reason: str, now: datetime | None = None) -> int:
    """End every live link of this purpose for this person (revoked, replaced); how many were live."""
    result = session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user_id, AccountToken.purpose == purpose, AccountToken.ended_at.is_(None))
        .values(ended_at=now or utcnow(), end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def lookup(session: Session, token: str, purpose: str, now: datetime | None = None) -> Lookup:
    """What this token is: valid, or which of unknown, expired, used, revoked, replaced, password changed, inactive."""
    now = now or utcnow()
    if not token or len(token) > 100:
        return Lookup(TokenState.UNKNOWN)
    row = session.scalar(select(AccountToken).where(AccountToken.token_hash == token_hash(token),
                                                    AccountToken.purpose == purpose))
    if row is None:
        return Lookup(TokenState.UNKNOWN)
    user = session.get(User, row.user_id)
    assert user is not None  # the foreign key cascades
    if row.end_reason is not None:
        return Lookup(TokenState(row.end_reason), row, user)
    if row.expires_at <= now:
        return Lookup(TokenState.EXPIRED, row, user)
    if not user.active:
        return Lookup(TokenState.INACTIVE, row, user)
    if row.password_stamp is not None and row.password_stamp != accounts.password_stamp(user):
        return Lookup(TokenState.PASSWORD_CHANGED, row, user)
    return Lookup(TokenState.VALID, row, user)


def claim(session: Session, row: AccountToken, now: datetime | None = None) -> bool:
    """Use the link once: True for the one caller whose conditional UPDATE ended it, False for any other."""
    now = now or utcnow()
    result = session.execute(
        update(AccountToken)
        .where(AccountToken.id == row.id, AccountToken.ended_at.is_(None), AccountToken.expires_at > now)
        .values(ended_at=now, end_reason="used")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]


def latest_invitation(session: Session, user_id: int) -> AccountToken | None:
    """The person's newest invitation, live or not (None if never invited)."""
    return session.scalar(
        select(AccountToken).where(AccountToken.user_id == user_id, AccountToken.purpose == INVITE)
        .order_by(AccountToken.created_at.desc(), AccountToken.id.desc()).limit(1)
    )


class LinkNotUsable(Exception):
    """A presented link cannot be used; ``state`` says why (expired, used, unknown...)."""

    def __init__(self, state: TokenState):
        self.state = state
        super().__init__(state.value)
