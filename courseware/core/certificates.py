"""Certificates: what earns one, its verification code, and whether it is valid, expired or revoked.

A certificate is earned by completing the whole path (scope ``PATH``) or a track marked ``certificate: true`` in
the registry (scope: the track's id).  Which scopes a learner has completed is read off their ``LearnerPath``
(``core/progress.py``), so the path a certificate stands for is exactly the path My path shows.  The service
(``services/certificates.py``) issues one when an action completes a scope that was not complete before it.
"""

from __future__ import annotations

import calendar
import secrets
from collections.abc import Collection
from datetime import date
from enum import StrEnum

from .catalog import Catalog
from .progress import CompletionRule, LearnerPath

PATH = "path"  # the scope of the whole-path certificate (no track may have this id: see scope_title)
PATH_TITLE = "Account Management and Project Management: the whole path"
# 32 letters and digits without the look-alikes 0/O and 1/I: 12 of them are 60 bits, typed as XXXX-XXXX-XXXX.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
CODE_GROUP = 4
MAX_VALIDITY_MONTHS = 120


class CertificateStatus(StrEnum):
    """What ``/verify/<code>`` says about a certificate."""

    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


def new_code() -> str:
    """A fresh, unguessable verification code (stored without hyphens)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """'ABCD-EFGH-JKLM': the code as printed, in groups easy to read out and type."""
    return "-".join(code[i:i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def normalise_code(text: str) -> str | None:
    """A typed code as stored (upper case, hyphens and spaces dropped), or None when it cannot be one."""
    code = "".join(text.split()).replace("-", "").upper()[:CODE_LENGTH + 1]
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter: 31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expiry_date(issued_on: date, validity_months: int | None) -> date | None:
    """The first day a certificate is no longer valid, or None when certificates do not expire."""
    return add_months(issued_on, validity_months) if validity_months else None


def certificate_status(*, revoked: bool, expires_on: date | None, today: date) -> CertificateStatus:
    """Revoked wins; else expired from its expiry date on (today in the organisation's time zone); else valid."""
    if revoked:
        return CertificateStatus.REVOKED
    if expires_on is not None and today >= expires_on:
        return CertificateStatus.EXPIRED
    return CertificateStatus.VALID


def completed_scopes(path: LearnerPath) -> frozenset[str]:
    """The certificate scopes a learner's path shows complete: PATH, and each complete ``certificate: true`` track."""
    scopes = {t.track.id for t in path.tracks if t.track.certificate and t.total and t.completed == t.total}
    if path.total and path.completed == path.total:
        scopes.add(PATH)
    return frozenset(scopes)


def scopes_complete(catalog: Catalog, rule: CompletionRule, done: Collection[str]) -> frozenset[str]:
    """``completed_scopes`` of the learner's path, from the modules complete (``done``, the rule's derived set)
    alone: a module counts complete on the path exactly when it is in ``done``, so the path's counts need no module
    states (a quiz submit asks this twice; building the path twice cost ~0.1 ms)."""
    covered = set(rule.module_ids)  # the person's path, as learner_path takes it
    scopes: set[str] = set()
    total = completed = 0
    for track in catalog.registry.tracks:
        ids = [m.id for m in catalog.modules_in(track.id) if m.id in covered]
        finished = sum(1 for module_id in ids if module_id in done)
        total, completed = total + len(ids), completed + finished
        if track.certificate and ids and finished == len(ids):
            scopes.add(track.id)
    if total and completed == total:
        scopes.add(PATH)
    return frozenset(scopes)


def scope_title(catalog: Catalog, scope: str) -> str:
    """The course a certificate names: the whole path, or the track's title."""
    if scope == PATH:
        return PATH_TITLE
    track = catalog.track(scope)
    return track.title if track is not None else scope
