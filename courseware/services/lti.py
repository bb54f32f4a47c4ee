"""The LTI 1.3 tool's domain operations: platforms (registered by an admin, audited), the tool's key pair,
one-time values for the launch handshake, and who a launch signs in (issuer + sub, roles, mentees)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.errors import InvalidInput
from ..core.lti_roles import access_roles_for
from ..persistence import queries
from ..persistence.base import utcnow
from ..persistence.models import LtiPlatform, LtiToolKey, LtiUserLink, OneTimeValue, User, UserRole
from ..persistence.queries import get_or_not_found
from . import accounts, audit, cohorts

ONE_TIME_LIFETIME = timedelta(minutes=10)


@dataclass(frozen=True)
class PlatformInput:
    """What an admin types to register a platform."""

    name: str
    issuer: str
    client_id: str
    key_set_url: str
    auth_login_url: str
    auth_token_url: str
    deployment_ids: tuple[str, ...]


def _url(value: str, field: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise InvalidInput("Enter a full http(s) address.", field=field)
    return value


def _clean(data: PlatformInput) -> dict[str, Any]:
    deployments = [d.strip() for d in data.deployment_ids if d.strip()]
    if not deployments:
        raise InvalidInput("Enter at least one deployment id.", field="deployment_ids")
    if not data.client_id.strip():
        raise InvalidInput("Enter the client id the platform gave the tool.", field="client_id")
    return {"name": data.name.strip() or data.issuer.strip(), "issuer": _url(data.issuer, "issuer"),
            "client_id": data.client_id.strip(), "key_set_url": _url(data.key_set_url, "key_set_url"),
            "auth_login_url": _url(data.auth_login_url, "auth_login_url"),
            "auth_token_url": _url(data.auth_token_url, "auth_token_url"), "deployment_ids": deployments}


def _target(platform: LtiPlatform) -> audit.Target:
    return audit.Target("lti_platform", platform.id, f"{platform.issuer} · {platform.client_id}")


def register_platform(session: Session, data: PlatformInput, *, actor_id: int | None) -> LtiPlatform:
    """Register a platform (audited); an issuer and client id pair is registered once."""
    values = _clean(data)
    if session.scalar(select(LtiPlatform.id).where(LtiPlatform.issuer == values["issuer"],
                                                    LtiPlatform.client_id == values["client_id"])) is not None:
        raise InvalidInput("This issuer and client id are already registered.", field="client_id")
    platform = LtiPlatform(**values, created_at=utcnow())
    session.add(platform)
    session.flush()
    audit.record(session, actor_id=actor_id, kind="lti.platform_create", target=_target(platform), after=values)
    return platform


def update_platform(session: Session, platform_id: int, data: PlatformInput, *, actor_id: int | None) -> LtiPlatform:
    """Change a platform's settings (audited, with what changed)."""
    platform = get_or_not_found(session, LtiPlatform, platform_id, "platform")
    values = _clean(data)
    before = {key: getattr(platform, key) for key in values}
    for key, value in values.items():
        setattr(platform, key, value)
    old, new = audit.changes(before, values)
    if new:
        audit.record(session, actor_id=actor_id, kind="lti.platform_update", target=_target(platform), before=old, after=new)
    session.flush()
    return platform


def delete_platform(session: Session, platform_id: int, *, actor_id: int | None) -> None:
    """Remove a platform, its user links and grade links (audited)."""
    platform = get_or_not_found(session, LtiPlatform, platform_id, "platform")
    audit.record(session, actor_id=actor_id, kind="lti.platform_delete", target=_target(platform),
                 before={"issuer": platform.issuer, "client_id": platform.client_id})
    session.delete(platform)
    session.flush()


def platforms(session: Session) -> list[LtiPlatform]:
    """Every registered platform, by name."""
    return list(session.scalars(select(LtiPlatform).order_by(LtiPlatform.name, LtiPlatform.id)))


def platforms_for(session: Session, issuer: str, client_id: str | None = None) -> list[LtiPlatform]:
    """The registrations of an issuer (of one client id when given)."""
    query = select(LtiPlatform).where(LtiPlatform.issuer == issuer)
    if client_id:
        query = query.where(LtiPlatform.client_id == client_id)
    return list(session.scalars(query.order_by(LtiPlatform.id)))


# --- the tool's key pair -------------------------------------------------------------------------------------

def tool_key(session: Session) -> LtiToolKey:
    """The tool's current RSA key (2048 bits), made on first use; a race for the first one is won by one writer."""
    key = session.scalar(select(LtiToolKey).order_by(LtiToolKey.id.desc()).limit(1))
    if key is not None:
        return key
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    key = LtiToolKey(kid=secrets.token_hex(8), private_pem=pem, created_at=utcnow())
    try:
        with session.begin_nested():
            session.add(key)
    except IntegrityError:  # pragma: no cover - two first launches at once: keep the other one's key
        pass
    return session.scalars(select(LtiToolKey).order_by(LtiToolKey.id.desc()).limit(1)).one()


def public_pem(key: LtiToolKey) -> str:
    """The public half of the tool's key, in PEM."""
    private = serialization.load_pem_private_key(key.private_pem.encode(), password=None)
    return private.public_key().public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo).decode()


# --- one-time values (state, nonce) ------------------------------------------------------------------------------

def put_value(session: Session, key: str, value: Any, *, lifetime: timedelta = ONE_TIME_LIFETIME,
              now: datetime | None = None) -> None:
    """Keep ``value`` under ``key`` until it expires (replacing an older value)."""
    now = now or utcnow()
    session.execute(delete(OneTimeValue).where(OneTimeValue.expires_at < now))
    row = session.get(OneTimeValue, key)
    if row is None:
        session.add(OneTimeValue(key=key, value=value, expires_at=now + lifetime))
    else:
        row.value, row.expires_at = value, now + lifetime
    session.flush()


def get_value(session: Session, key: str, now: datetime | None = None) -> Any:
    """The value kept under ``key``, or None (also once expired)."""
    row = session.get(OneTimeValue, key)
    if row is None or row.expires_at < (now or utcnow()):
        return None
    return row.value


def take_value(session: Session, key: str, now: datetime | None = None) -> bool:
    """Consume ``key``: True for exactly one caller while it is unexpired (the DELETE is the lock)."""
    result = session.execute(
        delete(OneTimeValue).where(OneTimeValue.key == key, OneTimeValue.expires_at >= (now or utcnow()))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


# --- who a launch signs in ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LaunchPerson:
    """The person a valid launch names."""

    subject: str
    email: str | None
    name: str
    roles: tuple[str, ...]
    mentees: tuple[str, ...]  # the platform user ids of ``role_scope_mentor``


def _free_email(session: Session, platform: LtiPlatform, person: LaunchPerson) -> str:
    """The launch's email when no account uses it; else an address of the platform's own (never someone else's account)."""
    if person.email and "@" in person.email:
        email = accounts.normalise_email(person.email)
        if queries.user_by_email(session, email) is None:
            return email
    digest = hashlib.sha256(f"{platform.issuer}|{person.subject}".encode()).hexdigest()[:16]
    return f"lti-{platform.id}-{digest}@lti.invalid"


def sign_in_user(session: Session, platform: LtiPlatform, person: LaunchPerson) -> User:
    """The account of the platform's user (issuer + sub), made and linked on their first launch.

    An account is only ever found by the link, never by email: a platform cannot claim someone else's
    account.  The launch's roles are added (Learner → learner, Mentor → mentor, Instructor and
    Administrator → manager; never admin, never removed), and a mentor is made mentor of the linked
    users named in ``role_scope_mentor``.  Role and mentorship changes are audited.
    """
    wanted = access_roles_for(person.roles)
    link = session.scalar(select(LtiUserLink).where(LtiUserLink.platform_id == platform.id,
                                                    LtiUserLink.subject == person.subject))
    if link is None:
        user = accounts.create_user(session, email=_free_email(session, platform, person),
                                    display_name=(person.name or "LTI user").strip()[:120] or "LTI user",
                                    password=None, roles=sorted(wanted))
        session.add(LtiUserLink(platform_id=platform.id, subject=person.subject, user_id=user.id, created_at=utcnow()))
        session.flush()
    else:
        user = session.get(User, link.user_id) or get_or_not_found(session, User, link.user_id, "user")
        missing = wanted - user.access_roles
        if missing:
            before = sorted(user.access_roles)
            user.roles.extend(UserRole(role=role) for role in sorted(missing))
            session.flush()
            audit.record(session, actor_id=None, kind="user.roles", target=audit.of_user(user), before={"roles": before},
                         after={"roles": sorted(user.access_roles)}, reason=f"LTI launch from {platform.issuer}")
    if "mentor" in wanted and person.mentees:
        mentee_ids = session.scalars(select(LtiUserLink.user_id).where(LtiUserLink.platform_id == platform.id,
                                                                       LtiUserLink.subject.in_(person.mentees)))
        for mentee_id in mentee_ids:
            mentee = session.get(User, mentee_id)
            if mentee is not None and mentee.id != user.id:
                cohorts.assign_mentor(session, user, mentee)
    return user
