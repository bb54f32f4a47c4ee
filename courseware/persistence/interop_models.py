"""Tables of the LTI 1.3 tool and of company sign-in: platforms, user links, one-time values, grade passback."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class LtiPlatform(Base):
    """A learning platform (Moodle, Canvas, Open edX…) registered by an admin to launch Courseware as an LTI 1.3 tool."""

    __tablename__ = "lti_platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    key_set_url: Mapped[str] = mapped_column(String(500))
    auth_login_url: Mapped[str] = mapped_column(String(500))
    auth_token_url: Mapped[str] = mapped_column(String(500))
    deployment_ids: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<LtiPlatform {self.id} {self.issuer} {self.client_id}>"


class LtiUserLink(Base):
    """A platform's user (issuer + ``sub``) linked to the Courseware account their launches sign in."""

    __tablename__ = "lti_user_links"
    __table_args__ = (UniqueConstraint("platform_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<LtiUserLink {self.platform_id}:{self.subject} -> {self.user_id}>"


class OneTimeValue(Base):
    """A value kept on the server for one sign-in handshake (LTI state and nonce, OpenID Connect nonce).

    A nonce is consumed by deleting its row (one DELETE wins), so a replayed launch or callback is refused.
    """

    __tablename__ = "one_time_values"
    __table_args__ = (Index("ix_one_time_values_expires", "expires_at"),)

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    expires_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"<OneTimeValue {self.key}>"


class LtiToolKey(Base):
    """The tool's own RSA key pair (private key in PEM), published at ``/lti/jwks`` and used to sign to platforms."""

    __tablename__ = "lti_tool_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    private_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<LtiToolKey {self.kid}>"


class LtiGradeLink(Base):
    """Where a learner's score for one quiz goes: the platform's line item, learnt from a launch into that quiz."""

    __tablename__ = "lti_grade_links"
    __table_args__ = (UniqueConstraint("platform_id", "user_id", "quiz_id", "lineitem_url"),
                      Index("ix_lti_grade_links_user_quiz", "user_id", "quiz_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    quiz_id: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(255))  # the platform's user id, the score's userId
    lineitem_url: Mapped[str] = mapped_column(String(500))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<LtiGradeLink {self.user_id} {self.quiz_id} -> {self.lineitem_url}>"


class LtiGradeOutbox(Base):
    """A score to send to a platform, written in the same transaction as the grade; delivered by the worker.

    pending -> sending (claimed by a conditional UPDATE) -> sent, or back to pending with a doubling delay,
    failed after the last try (as the mail outbox, ``services/outbox.py``).
    """

    __tablename__ = "lti_grade_outbox"
    __table_args__ = (Index("ix_lti_grade_outbox_status_next", "status", "next_attempt_at"),
                      CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("lti_grade_links.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)  # 0..100, the learner's standing on the quiz when written
    max_score: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool]
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<LtiGradeOutbox {self.id} {self.status}>"
