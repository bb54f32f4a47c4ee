"""The tables, as typed SQLAlchemy 2.x models."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    func,
    text,
    true,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..core.operating_model import DEFAULT_MODEL
from ..core.schedule import DEFAULT_TIME_ZONE
from .base import Base, utcnow


class User(Base):
    """A person who signs in. The email is stored lower-cased, so it is unique case-insensitively."""

    __tablename__ = "users"
    # Every learner list sorts by lower(display_name), id: a page walks this index and stops after its rows.
    __table_args__ = (Index("ix_users_sort_name", func.lower(text("display_name")), "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Changes on sign-out, password change and deactivation, so old cookies stop working.
    session_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime | None]
    # The learner's own operating model; None means the cohort's, else the organisation's.
    operating_model: Mapped[str | None] = mapped_column(String(16))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"), index=True)
    # The person's own time zone (an IANA name) for when their email arrives; None: the organisation's.
    # Due dates always follow the organisation's zone.
    time_zone: Mapped[str | None] = mapped_column(String(64))
    email_reminders: Mapped[bool] = mapped_column(default=True, server_default=true())
    email_digest: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Bumped (services/versions.bump) in the same transaction as every write that changes what this person's
    # cached pages show: their own (My path) and, for a mentor, their mentees' (the mentor home).
    data_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # The day the person starts: set at invitation or import, else the day they first sign in.  Relative due
    # dates ("14 days after starting") resolve against it (services/assignments.resolve_relative).
    start_date: Mapped[date | None]

    cohort: Mapped[Cohort | None] = relationship(back_populates="members")
    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role"
    )

    @property
    def access_roles(self) -> set[str]:
        """The access roles (learner, mentor, admin) the user holds, as a set of names."""
        return {r.role for r in self.roles}

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserRole(Base):
    """One access role (learner, mentor, manager or admin) held by one user."""

    __tablename__ = "user_roles"
    __table_args__ = (Index("ix_user_roles_role", "role", "user_id"),)  # the mentors, the learners: no scan of all

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="roles")

    def __repr__(self) -> str:
        return f"<UserRole {self.user_id} {self.role}>"


class ModuleProgress(Base):
    """A learner's progress on one module: when they opened it and when they completed it."""

    __tablename__ = "module_progress"
    __table_args__ = (
        UniqueConstraint("user_id", "module_id"),
        Index("ix_module_progress_module_completed", "module_id", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<ModuleProgress {self.user_id} {self.module_id}>"


class Organisation(Base):
    """The organisation's settings: a single row with id 1."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), default="Our agency")
    default_model: Mapped[str] = mapped_column(String(16), default=DEFAULT_MODEL)
    # Due dates are calendar dates in this zone (an IANA name such as Europe/London).
    time_zone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIME_ZONE, server_default=DEFAULT_TIME_ZONE)
    # What the default model was applied with, e.g. the account types the self-diagnostic gives a dedicated PM.
    model_note: Mapped[str | None] = mapped_column(String(500))
    # Bumped (services/versions.bump, everyone=True) by every audited write: part of every cached page's key.
    data_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Certificates expire this many months after issue (yearly recertification: 12); None: they never expire.
    certificate_validity_months: Mapped[int | None]
    # How learners are named in xAPI statements: 'mbox' (their email) or 'account' (their user id on this site).
    xapi_actor: Mapped[str] = mapped_column(String(8), default="mbox", server_default="mbox")

    def __repr__(self) -> str:
        return f"<Organisation {self.name} {self.default_model}>"


ATTEMPT_STATES = ("open", "submitted", "reset")  # open -> submitted, once; either -> reset (kept on record)


class Attempt(Base):
    """One try at one quiz: its frozen layout (the questions it drew, in order) while open, its grade once submitted.

    A reset (``services/attempt_grants.reset_quiz``) sets ``state`` to 'reset': the attempt stays on record with
    its grade, but no longer counts as used, passed or best, so the learner starts the quiz again.
    """

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "quiz_id", "number"),
        Index("ix_attempts_user_quiz_state", "user_id", "quiz_id", "state"),
        Index("ix_attempts_quiz_state", "quiz_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    quiz_id: Mapped[str] = mapped_column(String(64))
    number: Mapped[int]
    state: Mapped[str] = mapped_column(String(12), default="open")  # one of ATTEMPT_STATES
    model: Mapped[str] = mapped_column(String(16))
    seed: Mapped[int]
    layout: Mapped[dict[str, Any]] = mapped_column(JSON)
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    points: Mapped[float | None] = mapped_column(Float)
    max_points: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None]

    def __repr__(self) -> str:
        return f"<Attempt {self.id} {self.quiz_id} #{self.number} {self.state}>"


class AttemptDraft(Base):
    """The answers of an open attempt as saved while the learner works (each change, or "Save and finish later").

    One row per attempt; it outlives the sign-in, the session and the tab, and prefills the attempt when the
    learner comes back.  Only the learner's own choices are stored (never a key); submitting grades the posted
    answers, and a submitted or reset attempt takes no draft (``services/drafts.py``).
    """

    __tablename__ = "attempt_drafts"

    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<AttemptDraft {self.attempt_id} {len(self.answers)} answers>"


class AttemptItem(Base):
    """One graded unit of a submitted attempt: a route question, a split task, a RACI role or a choice question.

    ``item_id`` is '' for route and choice questions, the task id for split, the role id for RACI.
    ``misrouted`` marks route questions and split tasks answered with a role other than the key.
    """

    __tablename__ = "attempt_items"
    __table_args__ = (
        UniqueConstraint("attempt_id", "question_id", "item_id"),
        Index("ix_attempt_items_user_misrouted", "user_id", "misrouted"),
        Index("ix_attempt_items_quiz_question", "quiz_id", "question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique constraint's index leads with attempt_id.
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    quiz_id: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(64))
    item_id: Mapped[str] = mapped_column(String(64), default="")
    kind: Mapped[str] = mapped_column(String(12))
    area: Mapped[str] = mapped_column(String(32))
    expected: Mapped[str] = mapped_column(String(200))
    given: Mapped[str | None] = mapped_column(String(200))
    correct: Mapped[bool]
    misrouted: Mapped[bool] = mapped_column(default=False)
    points: Mapped[float] = mapped_column(Float)
    max_points: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(20), default="", server_default="")  # 'near_miss': partly right

    def __repr__(self) -> str:
        return f"<AttemptItem {self.attempt_id} {self.question_id}/{self.item_id}>"


class AttemptGrant(Base):
    """One more attempt at a quiz (kind 'extra'), or a fresh start (kind 'reset'), given to a learner with a reason.

    The quiz's ``max_attempts`` plus the extra grants since the last reset is what the learner may use.
    ``keys_seen``: the learner had already seen the keys when it was granted (a pooled quiz then draws afresh).
    """

    __tablename__ = "attempt_grants"
    __table_args__ = (Index("ix_attempt_grants_user_quiz", "user_id", "quiz_id"),
                      CheckConstraint("kind IN ('extra', 'reset')", name="kind"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    quiz_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text)
    keys_seen: Mapped[bool] = mapped_column(default=False)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<AttemptGrant {self.kind} {self.user_id} {self.quiz_id}>"


class AttemptRequest(Base):
    """A learner with no attempt left asking their mentor for another one; pending until granted or reset."""

    __tablename__ = "attempt_requests"
    __table_args__ = (Index("ix_attempt_requests_user_quiz", "user_id", "quiz_id"),
                      Index("ix_attempt_requests_pending", "resolved_at", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    quiz_id: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("attempt_grants.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<AttemptRequest {self.user_id} {self.quiz_id}>"


class AttemptFeedback(Base):
    """A mentor's comment on a submitted attempt, which the learner reads on the result page and on My path."""

    __tablename__ = "attempt_feedback"
    __table_args__ = (Index("ix_attempt_feedback_attempt", "attempt_id", "created_at"),
                      Index("ix_attempt_feedback_learner", "learner_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<AttemptFeedback {self.id} on attempt {self.attempt_id}>"


class QuestionFlag(Base):
    """A learner's "I think the key is wrong" on one question, and the admin's reply once resolved."""

    __tablename__ = "question_flags"
    __table_args__ = (Index("ix_question_flags_question", "quiz_id", "question_id"),
                      Index("ix_question_flags_user", "user_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempts.id", ondelete="SET NULL"))
    quiz_id: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reply: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<QuestionFlag {self.quiz_id}/{self.question_id} by {self.user_id}>"


class Cohort(Base):
    """A group of learners who start together, optionally under their own operating model."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    start_date: Mapped[date]
    operating_model: Mapped[str | None] = mapped_column(String(16))
    model_note: Mapped[str | None] = mapped_column(String(500))  # see Organisation.model_note
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="cohort")

    def __repr__(self) -> str:
        return f"<Cohort {self.id} {self.name}>"


class Mentorship(Base):
    """A mentor assigned to a mentee."""

    __tablename__ = "mentorships"
    __table_args__ = (Index("ix_mentorships_mentee", "mentee_id"),)

    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Mentorship {self.mentor_id} -> {self.mentee_id}>"


class Assignment(Base):
    """A module or quiz assigned to one learner or a whole cohort, with a due date."""

    __tablename__ = "assignments"
    __table_args__ = (
        Index("ix_assignments_cohort_due", "cohort_id", "due_on"),
        Index("ix_assignments_user_due", "user_id", "due_on"),
        CheckConstraint("(user_id IS NULL) <> (cohort_id IS NULL)", name="one_target"),
        CheckConstraint("kind IN ('module', 'quiz')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    item_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    # Always a date, so every query and page reads one column: for a relative assignment (due_after_days set, one
    # learner only) the date resolved from the learner's start (provisionally today until it is known).
    due_on: Mapped[date]
    due_after_days: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Assignment {self.kind}:{self.item_id} due {self.due_on}>"


class Certificate(Base):
    """A certificate earned by completing the whole path or a certificate track (``core/certificates.py``).

    Issued by ``services/certificates`` in the same transaction as the completion that earns it.  The holder's
    name and the course title are kept as they were on the day, like a printed certificate; ``code`` is the
    verification code (stored without hyphens).  Revoked by an admin (audited), never deleted by the app.
    """

    __tablename__ = "certificates"
    __table_args__ = (Index("ix_certificates_user_scope", "user_id", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(64))  # 'path' or a track id
    code: Mapped[str] = mapped_column(String(16), unique=True)
    holder_name: Mapped[str] = mapped_column(String(120))
    course_title: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_on: Mapped[date]  # the organisation's calendar date at issue
    expires_on: Mapped[date | None]  # the first day it is no longer valid; None: never expires
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<Certificate {self.id} {self.scope} of {self.user_id}>"


class MentorNote(Base):
    """A private 1:1 note a mentor keeps on a mentee: its Markdown, and the sanitised HTML rendered when written."""

    __tablename__ = "mentor_notes"
    __table_args__ = (Index("ix_mentor_notes_mentee_created", "mentee_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    # Rendered once (services/notes), shown as is: a page never renders a note again.
    html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<MentorNote {self.id} on {self.mentee_id}>"


class AuditEntry(Base):
    """One staff action: who did what to whom, when, with the state before and after (append-only).

    Written by ``services/audit.record`` in the same transaction as the change it describes; no
    code path updates or deletes a row.  ``actor_label`` and ``target_label`` keep the names as
    they were, so the log still reads after a person is renamed or deleted.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_actor_at", "actor_id", "at"),
        Index("ix_audit_log_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(254))  # the actor's email then, or 'command line'
    kind: Mapped[str] = mapped_column(String(40))  # e.g. user.roles, cohort.create, assignment.delete
    target_type: Mapped[str] = mapped_column(String(20))  # user, cohort, mentorship, assignment, organisation, note
    target_id: Mapped[str] = mapped_column(String(64))
    target_label: Mapped[str] = mapped_column(String(254))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.kind} {self.target_type}:{self.target_id}>"


class AuditLogIsAppendOnly(RuntimeError):
    """Something tried to change or delete an audit entry through the ORM."""


@event.listens_for(Session, "before_flush")
def _audit_log_is_append_only(session: Session, _context: Any, _instances: Any) -> None:
    """Refuse to flush an audit entry that was changed or deleted: the log is only ever appended to."""
    for entry in session.deleted:
        if isinstance(entry, AuditEntry):
            raise AuditLogIsAppendOnly(f"{entry!r} cannot be deleted")
    for entry in session.dirty:
        if isinstance(entry, AuditEntry) and session.is_modified(entry):
            raise AuditLogIsAppendOnly(f"{entry!r} cannot be changed")


class AccountToken(Base):
    """A single-use link sent by email: an invitation (7 days) or a password reset (1 hour).

    Only a hash of the token is stored.  The token itself is derived from ``nonce`` with the
    app's secret key (``services/tokens.py``), so the worker can put it in the email while the
    database alone is not enough to make one.  ``ended_at`` and ``end_reason`` (used, revoked,
    replaced) end it for good; ``password_stamp`` ties a reset to the password it was sent for.
    """

    __tablename__ = "account_tokens"
    __table_args__ = (
        Index("ix_account_tokens_user_purpose", "user_id", "purpose"),
        CheckConstraint("purpose IN ('invite', 'reset')", name="purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(12))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(12))
    password_stamp: Mapped[str | None] = mapped_column(String(16))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<AccountToken {self.id} {self.purpose} user {self.user_id}>"


class OutboxMessage(Base):
    """An email to send, written in the same transaction as its cause and delivered by the worker.

    pending -> sending (claimed by one worker with a conditional UPDATE) -> sent; a failed try goes
    back to pending with ``next_attempt_at`` pushed back exponentially, and to failed after the
    last try.  ``payload`` holds what the message says (ids and a snapshot), never a secret.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # invite, reset, reminder, digest
    to_address: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"


class IntegrationMessage(Base):
    """Something for another system (an xAPI statement; later an LTI grade), written in the same transaction as
    its cause and delivered by the worker through its ``channel``'s delivery function (``interop/delivery.py``).

    The same life as the mail outbox: pending -> sending -> sent, back to pending with a growing delay after a
    failed try, failed after the last.  ``ref`` is the idempotency key the peer sees (the statement id), unique
    per channel; ``subject`` groups the rows of one cause (``attempt:12``) with its ``revision``, so a regrade or
    reset can find and supersede (void) them.
    """

    __tablename__ = "integration_outbox"
    __table_args__ = (
        UniqueConstraint("channel", "ref"),
        Index("ix_integration_outbox_due", "status", "channel", "next_attempt_at"),
        Index("ix_integration_outbox_subject", "channel", "subject"),
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))  # 'xapi'
    kind: Mapped[str] = mapped_column(String(24))  # what it says: 'attempted', 'answered', 'voided'…
    ref: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(default=0)
    superseded: Mapped[bool] = mapped_column(default=False)  # voided by a later revision (or a reset)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<IntegrationMessage {self.id} {self.channel} {self.kind} {self.status}>"


class SentNotice(Base):
    """A reminder or digest already sent: one row per person, kind and subject (an assignment, a week).

    The unique key makes ``send-reminders`` idempotent, even with two workers running it at once.
    """

    __tablename__ = "notices_sent"
    __table_args__ = (UniqueConstraint("user_id", "kind", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # due_soon, due_today, overdue, digest
    subject: Mapped[str] = mapped_column(String(64))  # "assignment:42" or "week:2026-W49"
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<SentNotice {self.user_id} {self.kind} {self.subject}>"


class ApiToken(Base):
    """A personal access token for the JSON API: named, scoped (read or write), expiring, revocable.

    Unlike ``AccountToken`` (single-use links the worker derives again for an email), it is used
    many times and shown once: the token is random, only its SHA-256 hash is stored, and
    ``prefix`` (its first characters) lets the owner tell their tokens apart.
    """

    __tablename__ = "api_tokens"
    __table_args__ = (
        Index("ix_api_tokens_user", "user_id", "created_at"),
        CheckConstraint("scope IN ('read', 'write')", name="scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    scope: Mapped[str] = mapped_column(String(8))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.scope} user {self.user_id}>"


class CalendarFeed(Base):
    """A learner's private calendar URL: the token is derived from ``nonce`` with the secret key; a reset
    draws a new nonce, so the old URL stops working.  Only a hash of the token is looked up."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<CalendarFeed user {self.user_id}>"
from .interop_models import (  # noqa: E402,F401 - the LTI and company sign-in tables, registered with the models
    LtiGradeLink,
    LtiGradeOutbox,
    LtiPlatform,
    LtiToolKey,
    LtiUserLink,
    OneTimeValue,
)

# ---------------------------------------------------------------------------- rollups (persistence/rollups.py)


class LearnerRollup(Base):
    """One person's dashboard numbers, kept up to date in the transaction of every write that changes them.

    Derived, never edited by hand: ``persistence/rollups.py`` rewrites a learner's row from the raw tables whenever
    their progress, attempts, assignments or cohort change, and ``courseware rebuild-rollups`` rewrites them all.
    ``cohort_id`` mirrors ``users.cohort_id`` so a cohort's totals need no join.
    """

    __tablename__ = "learner_rollups"
    __table_args__ = (Index("ix_learner_rollups_cohort", "cohort_id", "modules_completed"),
                      Index("ix_learner_rollups_listed", "cohort_id", "learner", "mentored"))

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"))
    modules_completed: Mapped[int] = mapped_column(default=0)
    quizzes_passed: Mapped[int] = mapped_column(default=0)
    average_best: Mapped[float | None] = mapped_column(Float)
    last_submitted: Mapped[datetime | None]
    last_progress: Mapped[datetime | None]
    rule_breaks: Mapped[int] = mapped_column(default=0)
    # Holds the learner role / has a mentor: who the admin's learner table lists (either) and who is unmentored,
    # counted per cohort from this table alone (the table's cohort filter, the overview's headline).
    learner: Mapped[bool] = mapped_column(default=False, server_default=false())
    mentored: Mapped[bool] = mapped_column(default=False, server_default=false())


class LearnerDue(Base):
    """How many of a learner's assignments due on ``due_on`` are not done yet (rows only where some are open).

    Whether they are overdue depends on the day, so it is decided when read: ``past_due(due_on, today)``.
    """

    __tablename__ = "learner_due"
    __table_args__ = (Index("ix_learner_due_cohort_due", "cohort_id", "due_on"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    due_on: Mapped[date] = mapped_column(primary_key=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"))
    open: Mapped[int]


class LearnerModule(Base):
    """A module a learner opened (``started``: a progress row) or completed by the course's completion rule — the
    heatmap's cells and the cohort page's per-module counts."""

    __tablename__ = "learner_modules"
    __table_args__ = (Index("ix_learner_modules_cohort", "cohort_id", "module_id", "started", "complete"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    module_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"))
    started: Mapped[bool]
    complete: Mapped[bool]


class LearnerQuiz(Base):
    """A quiz a learner submitted (live attempts only): best score, passed, last submitted — per-quiz numbers."""

    __tablename__ = "learner_quizzes"
    __table_args__ = (Index("ix_learner_quizzes_cohort", "cohort_id", "quiz_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    quiz_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"))
    best: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool]
    last_submitted: Mapped[datetime | None]


class CohortQuestionRollup(Base):
    """Per cohort and question, over every stored answer of the cohort's current members: attempts that answered
    it, items graded, items correct (the cohort page's hardest questions)."""

    __tablename__ = "cohort_question_rollups"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    quiz_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    answers: Mapped[int]
    items: Mapped[int]
    correct: Mapped[int]


class CohortConfusionRollup(Base):
    """Per cohort: how often routed work whose key is ``expected`` was given ``given`` ('' for unanswered), per area."""

    __tablename__ = "cohort_confusion_rollups"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    area: Mapped[str] = mapped_column(String(32), primary_key=True)
    expected: Mapped[str] = mapped_column(String(200), primary_key=True)
    given: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int]
