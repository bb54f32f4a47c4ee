"""Certificates: issued in the same transaction as the completion that earns them, verified, revoked.

``award`` is called by the services that complete things (``progress.complete_module``, ``attempts.submit_attempt``)
with the scopes complete *before* their write: a scope complete after it and not before earns a certificate.  So a
certificate is issued once per completion, and again only when the scope is completed again (after a reset, for
yearly recertification).  What earns one, the code and the status rule: ``core/certificates.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.catalog import Catalog
from ..core.certificates import (
    MAX_VALIDITY_MONTHS,
    CertificateStatus,
    certificate_status,
    expiry_date,
    new_code,
    normalise_code,
    scope_title,
    scopes_complete,
)
from ..core.errors import InvalidInput, NotFound
from ..core.progress import CompletionRule, Standing
from ..persistence import queries
from ..persistence.base import utcnow
from ..persistence.models import Certificate, User
from ..persistence.paging import fetch_page
from . import audit
from .organisation import get_organisation, organisation_today, read_organisation

MAX_REASON = 500


def scopes_of(catalog: Catalog, rule: CompletionRule, standing: Standing) -> frozenset[str]:
    """The certificate scopes complete for a learner with this standing (the path My path shows: the same as
    ``completed_scopes(learner_path(…))``, counted from the completed modules alone)."""
    return scopes_complete(catalog, rule, rule.completed(standing.read, standing.passed))


def scopes_now(session: Session, catalog: Catalog, rule: CompletionRule, user_id: int) -> frozenset[str]:
    """The certificate scopes complete for a learner as the database (this transaction included) stands."""
    return scopes_of(catalog, rule, queries.learner_standing(session, user_id))


def award(session: Session, catalog: Catalog, rule: CompletionRule, user_id: int,
          before: frozenset[str], now: frozenset[str] | None = None) -> list[Certificate]:
    """Issue a certificate for each scope complete now and not in ``before`` (flushed with the caller's write).

    ``now``: the scopes complete after the write when the caller knows them (a quiz submit: the standing read
    before it plus the quiz just passed), else read from the database."""
    earned = (scopes_now(session, catalog, rule, user_id) if now is None else now) - before
    if not earned:
        return []
    user = session.get(User, user_id)
    if user is None:
        return []
    today = organisation_today(session)
    expires_on = expiry_date(today, read_organisation(session).certificate_validity_months)
    issued = [
        Certificate(user_id=user_id, scope=scope, code=new_code(), holder_name=user.display_name,
                    course_title=scope_title(catalog, scope), issued_at=utcnow(), issued_on=today,
                    expires_on=expires_on)
        for scope in sorted(earned)
    ]
    session.add_all(issued)
    session.flush()
    return issued


def status_of(certificate: Certificate, today: date) -> CertificateStatus:
    """Valid, expired or revoked, on ``today`` (the organisation's date)."""
    return certificate_status(revoked=certificate.revoked_at is not None, expires_on=certificate.expires_on,
                              today=today)


def certificates_of(session: Session, user_id: int) -> list[Certificate]:
    """A person's certificates, newest first."""
    return list(session.scalars(
        select(Certificate).where(Certificate.user_id == user_id).order_by(Certificate.issued_at.desc(),
                                                                            Certificate.id.desc())))


def own_certificate(session: Session, certificate_id: int, user_id: int) -> Certificate:
    """One of the person's own certificates; NotFound for anyone else's (as for a missing id)."""
    found = session.get(Certificate, certificate_id)
    if found is None or found.user_id != user_id:
        raise NotFound(f"certificate {certificate_id}")
    return found


def by_code(session: Session, text: str) -> Certificate | None:
    """The certificate a typed verification code names (hyphens, spaces and case ignored), or None."""
    code = normalise_code(text)
    if code is None:
        return None
    return session.scalar(select(Certificate).where(Certificate.code == code))


@dataclass(frozen=True)
class CertificateRow:
    """A certificate with its holder's email, for the admin list."""

    certificate: Certificate
    email: str


def certificates_page(session: Session, *, page: int, per_page: int) -> tuple[list[CertificateRow], int]:
    """Every certificate, newest first, one page, with its holder's current email."""
    query = (select(Certificate, User.email).join(User, User.id == Certificate.user_id)
             .order_by(Certificate.issued_at.desc(), Certificate.id.desc()))
    rows, total = fetch_page(session, query, page=page, per_page=per_page)
    return [CertificateRow(c, email) for c, email in rows], total


def get_certificate(session: Session, certificate_id: int) -> Certificate:
    """Any certificate by id (admins); NotFound when missing."""
    found = session.get(Certificate, certificate_id)
    if found is None:
        raise NotFound(f"certificate {certificate_id}")
    return found


def revoke(session: Session, certificate_id: int, *, reason: str, actor_id: int | None) -> bool:
    """Revoke a certificate with a reason (audited); False when it was already revoked."""
    found = get_certificate(session, certificate_id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why the certificate is revoked.", field="reason")
    if found.revoked_at is not None:
        return False
    found.revoked_at = utcnow()
    found.revoked_by_id = actor_id
    found.revoke_reason = reason[:MAX_REASON]
    session.flush()
    audit.record(session, actor_id=actor_id, kind="certificate.revoke",
                 target=audit.Target("certificate", found.id, f"{found.course_title} ({found.holder_name})"),
                 before={"status": "issued"}, after={"status": "revoked"}, reason=found.revoke_reason)
    return True


def set_validity(session: Session, months: int | None, *, actor_id: int | None) -> None:
    """How many months new certificates stay valid (None: they never expire); audited as a settings change.

    Certificates already issued keep the expiry date they were issued with.
    """
    if months is not None and not 1 <= months <= MAX_VALIDITY_MONTHS:
        raise InvalidInput(f"Give a number of months from 1 to {MAX_VALIDITY_MONTHS}, or leave it empty.",
                           field="certificate_months")
    org = get_organisation(session)
    before = org.certificate_validity_months
    if before == months:
        return
    org.certificate_validity_months = months
    session.flush()
    audit.record(session, actor_id=actor_id, kind="organisation.update",
                 target=audit.Target("organisation", org.id, org.name),
                 before={"certificate_validity_months": before}, after={"certificate_validity_months": months})
