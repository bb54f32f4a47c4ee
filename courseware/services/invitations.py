"""Invitations: a person is created without a password and sent a single-use link to choose one.

Who invites whom is an audit entry (``user.invite``, ``invitation.resend``, ``invitation.revoke``).
The invitee's roles, cohort and mentor are set at once, so cohorts and dashboards include them
from the start; they sign in only once they have accepted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from ..core.errors import InvalidInput
from ..persistence import queries
from ..persistence.base import utcnow
from ..persistence.models import AccountToken, User
from . import accounts, assignments, audit, cohorts, outbox, tokens
from .importer import ImportSummary, import_users
from .organisation import organisation_today


@dataclass(frozen=True)
class InvitationStatus:
    """Where a person's invitation stands, for their admin page."""

    state: str  # joined, pending, expired, revoked, none
    sent_at: datetime | None
    expires_at: datetime | None


def _existing_problem(session: Session, user: User, now: datetime) -> str:
    if accounts.has_password(user):
        return f"{user.email} already has an account."
    latest = tokens.latest_invitation(session, user.id)
    if latest is not None and latest.ended_at is None and latest.expires_at > now:
        return (f"{user.email} was already invited on {latest.created_at:%d %b %Y}; "
                "resend or revoke the invitation on their page.")
    return f"{user.email} was invited before and has not joined; send a new invitation from their page."


def invite(
    session: Session,
    *,
    email: str,
    secret: str | bytes,
    name: str | None = None,
    roles: Iterable[str] = ("learner",),
    cohort_id: int | None = None,
    mentor_email: str | None = None,
    actor_id: int | None = None,
    now: datetime | None = None,
) -> User:
    """Create an invited person with roles, cohort and mentor, and queue their invitation email."""
    now = now or utcnow()
    email = accounts.normalise_email(email)
    existing = queries.user_by_email(session, email)
    if existing is not None:
        raise InvalidInput(_existing_problem(session, existing, now), field="email")
    mentor = None
    if mentor_email:
        mentor = queries.user_by_email(session, accounts.normalise_email(mentor_email))
        if mentor is None:
            raise InvalidInput(f"There is nobody with the email {mentor_email.strip().lower()}.", field="mentor_email")
    name = " ".join((name or "").split())[:120]
    # Each step records itself: user.invite (the person), cohort.member_add, mentorship.assign.
    user = accounts.create_user(session, email=email, display_name=name or email.split("@")[0], password=None,
                                roles=list(roles) or ["learner"], actor_id=actor_id)
    if cohort_id is not None:
        cohorts.set_cohort(session, user, cohort_id, actor_id=actor_id)
    if mentor is not None:
        cohorts.assign_mentor(session, mentor, user, actor_id=actor_id)
    # Invited: they start with their cohort (if it has not started yet), else on the day of the invitation.
    invited_on = organisation_today(session)
    start = user.cohort.start_date if user.cohort is not None else invited_on
    assignments.set_start_date(session, user, max(start, invited_on))
    _send(session, user, secret=secret, actor_id=actor_id, now=now)
    return user


def _send(session: Session, user: User, *, secret: str | bytes, actor_id: int | None, now: datetime) -> AccountToken:
    token = tokens.issue(session, user, tokens.INVITE, secret=secret, created_by_id=actor_id, now=now)
    outbox.enqueue(session, kind="invite", to=user.email, user_id=user.id, payload={"token_id": token.id}, now=now)
    return token


def resend(session: Session, user: User, *, secret: str | bytes, actor_id: int | None = None,
           now: datetime | None = None) -> AccountToken:
    """Send a new invitation link (the earlier one stops working); only to someone who has not joined."""
    now = now or utcnow()
    if accounts.has_password(user):
        raise InvalidInput(f"{user.email} has already joined; they can reset their password from the sign-in page.")
    token = _send(session, user, secret=secret, actor_id=actor_id, now=now)
    audit.record(session, actor_id=actor_id, kind="invitation.resend", target=audit.Target("user", user.id, user.email),
                 after={"expires_at": token.expires_at.isoformat()})
    return token


def revoke(session: Session, user: User, *, actor_id: int | None = None, now: datetime | None = None) -> None:
    """End the person's live invitation link, if any."""
    if not tokens.end_live(session, user.id, tokens.INVITE, "revoked", now):
        raise InvalidInput(f"{user.email} has no invitation waiting to be accepted.")
    audit.record(session, actor_id=actor_id, kind="invitation.revoke", target=audit.Target("user", user.id, user.email))


def status(session: Session, user: User, now: datetime | None = None) -> InvitationStatus:
    """Joined, pending, expired, revoked or none (created with a password by other means)."""
    now = now or utcnow()
    latest = tokens.latest_invitation(session, user.id)
    if accounts.has_password(user):
        return InvitationStatus("joined", latest.created_at if latest else None, None)
    if latest is None:
        return InvitationStatus("none", None, None)
    if latest.end_reason in ("revoked", "replaced"):
        return InvitationStatus("revoked", latest.created_at, latest.expires_at)
    if latest.expires_at <= now:
        return InvitationStatus("expired", latest.created_at, latest.expires_at)
    return InvitationStatus("pending", latest.created_at, latest.expires_at)


def accept(session: Session, token: str, *, name: str, password: str, now: datetime | None = None) -> User:
    """Use an invitation: set the person's name and password (LinkNotUsable, InvalidInput); single use."""
    now = now or utcnow()
    found = tokens.lookup(session, token, tokens.INVITE, now)
    if found.state is not tokens.TokenState.VALID:
        raise tokens.LinkNotUsable(found.state)
    assert found.user is not None and found.token is not None
    user = found.user
    accounts.update_profile(user, display_name=name, time_zone=user.time_zone)
    accounts.set_password(user, password)
    if not tokens.claim(session, found.token, now):
        raise tokens.LinkNotUsable(tokens.TokenState.USED)
    session.flush()
    return user


def import_and_invite(
    session: Session, text: str, *, path: str, today: date, secret: str | bytes, actor_id: int | None = None,
    now: datetime | None = None,
) -> ImportSummary:
    """``importer.import_users`` (every row checked, nothing written if one is bad), then invite each new person."""
    now = now or utcnow()
    summary = import_users(session, text, path=path, today=today, actor_id=actor_id)  # audits each person as user.invite
    for _email, user_id in summary.created:
        user = session.get(User, user_id)
        assert user is not None
        _send(session, user, secret=secret, actor_id=actor_id, now=now)
    return summary
