"""The tables, as typed SQLAlchemy 2.x models."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.operating_model import DEFAULT_MODEL
from ..core.schedule import DEFAULT_TIME_ZONE
from .base import Base, utcnow


class User(Base):
    """A person who signs in. The email is stored lower-cased, so it is unique case-insensitively."""

    __tablename__ = "users"

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

    def __repr__(self) -> str:
        return f"<Organisation {self.name} {self.default_model}>"


class Attempt(Base):
    """One try at one quiz: its frozen layout while open, its grade once submitted."""

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
    state: Mapped[str] = mapped_column(String(12), default="open")  # open -> submitted, once
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
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
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

    def __repr__(self) -> str:
        return f"<AttemptItem {self.attempt_id} {self.question_id}/{self.item_id}>"


class Cohort(Base):
    """A group of learners who start together, optionally under their own operating model."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    start_date: Mapped[date]
    operating_model: Mapped[str | None] = mapped_column(String(16))
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
    due_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Assignment {self.kind}:{self.item_id} due {self.due_on}>"


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
