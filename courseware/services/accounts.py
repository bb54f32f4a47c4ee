"""Accounts: creating users, signing in, roles, deactivation and passwords."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from functools import cache

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session, object_session
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.access import ACCESS_ROLES
from ..core.errors import InvalidInput
from ..core.passwords import check_new_password
from ..core.schedule import check_time_zone
from ..persistence import queries
from ..persistence.base import utcnow
from ..persistence.models import User, UserRole
from . import audit
from .versions import bump

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A password hash no password matches: an invited person who has not chosen one yet (werkzeug's
# check_password_hash returns False for it, as for any string without its "method$salt$hash" shape).
UNUSABLE_PREFIX = "!"


@cache
def _dummy_hash() -> str:
    """A hash to check against when the email is unknown, so both failures cost the same time.

    Made on first use, not at import: every gunicorn worker and CLI command would pay for it.
    """
    return generate_password_hash("courseware-timing-equaliser", method="scrypt")


def new_session_token() -> str:
    """A fresh, unguessable token identifying the user's current sign-in generation."""
    return secrets.token_urlsafe(32)


def normalise_email(email: str) -> str:
    """Trim and lower-case an email address, rejecting ones that cannot be right."""
    email = (email or "").strip().lower()
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        raise InvalidInput("Enter a valid email address.", field="email")
    return email


def _clean_roles(roles: Iterable[str]) -> list[str]:
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in ACCESS_ROLES]
    if unknown:
        raise InvalidInput(f"Unknown access role: {', '.join(unknown)}.", field="roles")
    return roles


def unusable_password() -> str:
    """A password hash that no password matches (an invited person who has not chosen one yet)."""
    return UNUSABLE_PREFIX + secrets.token_hex(16)


def has_password(user: User) -> bool:
    """Whether the person has chosen a password (an invited person has not, until they accept)."""
    return not user.password_hash.startswith(UNUSABLE_PREFIX)


def has_password_sql() -> ColumnElement[bool]:
    """SQL: the person has chosen a password (``has_password`` for queries)."""
    return ~User.password_hash.startswith(UNUSABLE_PREFIX, autoescape=True)


def password_stamp(user: User) -> str:
    """A short fingerprint of the current password hash: a reset link sent for it dies when the password changes."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def create_user(
    session: Session, *, email: str, display_name: str, password: str | None, roles: Iterable[str] = ("learner",),
    actor_id: int | None = None,
) -> User:
    """Create an active user; the email must not be taken (in any letter case). Audited (``actor_id`` None: command line).

    ``password`` None makes an invited person, who cannot sign in until they choose one.
    """
    email = normalise_email(email)
    display_name = (display_name or "").strip()
    if not display_name:
        raise InvalidInput("Enter a name.", field="display_name")
    if queries.user_by_email(session, email) is not None:
        raise InvalidInput("A user with this email already exists.", field="email")
    if password is not None:
        check_new_password(password, email=email)
    user = User(
        email=email,
        display_name=display_name[:120],
        password_hash=generate_password_hash(password, method="scrypt") if password is not None else unusable_password(),
        session_token=new_session_token(),
        created_at=utcnow(),
        roles=[UserRole(role=r) for r in _clean_roles(roles)],
    )
    session.add(user)
    session.flush()
    # Someone created without a password is invited (the invitation services send the link).
    audit.record(session, actor_id=actor_id, kind="user.create" if password is not None else "user.invite",
                 target=audit.of_user(user), after={"name": user.display_name, "roles": sorted(user.access_roles)})
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None — the same None for every failure."""
    user = queries.user_by_email(session, email or "")
    if user is None or not has_password(user):  # unknown, or invited and not joined: the same time as a real check
        check_password_hash(_dummy_hash(), password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    return user


def password_matches(user: User, password: str) -> bool:
    """Whether ``password`` is this user's password."""
    return check_password_hash(user.password_hash, password or "")


def rotate_session(user: User) -> None:
    """Invalidate every cookie issued so far for this user."""
    user.session_token = new_session_token()


def set_password(user: User, password: str) -> None:
    """Change a password (it must meet ``core/passwords``' rule) and sign the user out everywhere.

    Rotating the session token ends every session; the web signs the current one in again with
    the new token.  Reset links sent for the old password die with it (``password_stamp``).
    """
    check_new_password(password, email=user.email)
    user.password_hash = generate_password_hash(password, method="scrypt")
    rotate_session(user)


def change_password(user: User, current: str, new: str) -> None:
    """Change one's own password: the current one is required."""
    if not check_password_hash(user.password_hash, current or ""):
        raise InvalidInput("That is not your current password.", field="current")
    set_password(user, new)


def update_profile(user: User, *, display_name: str, time_zone: str | None) -> None:
    """Change one's display name and own time zone ('' or None: the organisation's)."""
    display_name = " ".join((display_name or "").split())
    if not display_name:
        raise InvalidInput("Enter a name.", field="display_name")
    if len(display_name) > 120:
        raise InvalidInput("Use at most 120 characters.", field="display_name")
    user.display_name = display_name
    user.time_zone = check_time_zone(time_zone) if time_zone else None
    session = object_session(user)
    if session is not None and user.id is not None:  # the mentor home shows the name
        bump(session, learners=[user.id])


def set_email_preferences(user: User, *, reminders: bool, digest: bool) -> None:
    """Whether the person gets assignment reminders and (mentors) the weekly digest."""
    user.email_reminders = reminders
    user.email_digest = digest


def set_roles(session: Session, user: User, roles: Iterable[str], *, actor_id: int | None = None) -> None:
    """Replace a user's access roles (audited); an admin (``actor_id``) cannot remove their own admin role."""
    wanted = _clean_roles(roles)
    if user.id == actor_id and "admin" in user.access_roles and "admin" not in wanted:
        raise InvalidInput("You cannot remove your own admin role.", field="roles")
    before = sorted(user.access_roles)
    user.roles = [r for r in user.roles if r.role in wanted] + [
        UserRole(role=r) for r in wanted if r not in user.access_roles
    ]
    session.flush()
    if before != wanted:
        audit.record(session, actor_id=actor_id, kind="user.roles", target=audit.of_user(user),
                     before={"roles": before}, after={"roles": wanted})


def set_active(session: Session, user: User, active: bool, *, actor_id: int | None = None) -> None:
    """Activate or deactivate (audited); deactivation also ends every session.  Nobody deactivates their own account."""
    if not active and user.id == actor_id:
        raise InvalidInput("You cannot deactivate your own account.", field="active")
    if user.active == active:
        return
    user.active = active
    if not active:
        rotate_session(user)
    audit.record(session, actor_id=actor_id, kind="user.active", target=audit.of_user(user),
                 before={"active": not active}, after={"active": active})


def set_display_name(session: Session, user: User, name: str, *, actor_id: int | None = None) -> None:
    """Rename a person (audited when it changes)."""
    name = " ".join((name or "").split())[:120]
    if not name:
        raise InvalidInput("Enter a name.", field="display_name")
    if name != user.display_name:
        audit.record(session, actor_id=actor_id, kind="user.name", target=audit.of_user(user),
                     before={"name": user.display_name}, after={"name": name})
        user.display_name = name


def set_email(session: Session, user: User, email: str, *, actor_id: int | None = None) -> None:
    """Change a person's email (audited when it changes); taken by someone else (in any letter case): InvalidInput.

    The email is what they sign in with; their password and sessions stay as they are.
    """
    email = normalise_email(email)
    if email == user.email:
        return
    other = queries.user_by_email(session, email)
    if other is not None and other.id != user.id:
        raise InvalidInput("Someone else already has this email.", field="email")
    audit.record(session, actor_id=actor_id, kind="user.email", target=audit.of_user(user),
                 before={"email": user.email}, after={"email": email})
    user.email = email
    session.flush()


def get_user(session: Session, user_id: int) -> User:
    """The user with this id, or NotFound."""
    return queries.get_or_not_found(session, User, user_id, "user")
