"""The audit log: one function records every staff action, in the same transaction as the change.

Callers pass who acted (a user id, or None for the command line), what kind of action it was
(``user.roles``, ``cohort.create``, ``assignment.delete``...), the target, and the state before
and after as small JSON-ready dicts; a grant or reset also gives its reason.  Nothing updates
or deletes an entry: no service does, no route can (``/admin/audit`` only reads), and the
session refuses to flush a changed or deleted entry (``persistence/models.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from ..persistence.base import utcnow
from ..persistence.models import AuditEntry, Cohort, User
from ..persistence.paging import fetch_page
from .versions import bump

COMMAND_LINE = "command line"
# The kinds of entry the services write, with the words the audit page shows (a kind not listed shows as itself).
KINDS = {
    "user.create": "Person added",
    "user.name": "Name changed",
    "user.email": "Email changed",
    "user.roles": "Access roles changed",
    "user.active": "Activated or deactivated",
    "user.operating_model": "Own operating model changed",
    "cohort.create": "Cohort created",
    "cohort.update": "Cohort changed",
    "cohort.member_add": "Put in a cohort",
    "cohort.member_remove": "Taken out of a cohort",
    "mentorship.assign": "Mentor assigned",
    "mentorship.unassign": "Mentor unassigned",
    "assignment.create": "Assignment created",
    "assignment.delete": "Assignment deleted",
    "organisation.update": "Settings changed",
    "note.create": "1:1 note written",
    "import.users": "People imported from a CSV",
    "api_token.create": "API token made",
    "api_token.revoke": "API token revoked",
    "lti.platform_create": "LTI platform registered",
    "lti.platform_update": "LTI platform changed",
    "lti.platform_delete": "LTI platform removed",
    "user.company_sign_up": "Signed up through company sign-in",
    "certificate.revoke": "Certificate revoked",
    "outbox.retry": "Outbox delivery retried",
}


@dataclass(frozen=True)
class Target:
    """What an action was done to: a type, its id, and a label that reads well later."""

    type: str
    id: str | int
    label: str


def of_user(user: User) -> Target:
    """A person as an audit target (labelled by email)."""
    return Target("user", user.id, user.email)


def of_cohort(cohort: Cohort) -> Target:
    """A cohort as an audit target (labelled by name)."""
    return Target("cohort", cohort.id, cohort.name)


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose value changed, before and after."""
    changed = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in changed}, {key: after[key] for key in changed}


def record(
    session: Session,
    *,
    actor_id: int | None,
    kind: str,
    target: Target,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEntry:
    """Append one entry (flushed, not committed: it lands or rolls back with the change itself).

    Every audited write also bumps the organisation's data version (``services/versions.py``): cached pages
    rendered before it are not served again, on any app server.
    """
    bump(session, everyone=True)
    actor = session.get(User, actor_id) if actor_id is not None else None
    entry = AuditEntry(
        at=utcnow(), actor_id=actor_id, actor_label=actor.email if actor is not None else COMMAND_LINE, kind=kind,
        target_type=target.type, target_id=str(target.id), target_label=target.label[:254],
        before=before, after=after, reason=reason,
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class AuditFilter:
    """What the audit page is narrowed to; empty values do not filter."""

    actor: str = ""  # part of the actor's email, or "command line"
    target: str = ""  # part of the target's label (an email, a cohort's name), or "type:id" such as "user:12"
    kind: str = ""  # one kind ("user.roles"), or a family ending in "." ("cohort.")
    since: datetime | None = None  # inclusive, aware
    until: datetime | None = None  # exclusive, aware


def _where(filters: AuditFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if filters.actor:
        where.append(AuditEntry.actor_label.ilike(f"%{_like(filters.actor)}%", escape="\\"))
    if filters.target:
        kind, _, ident = filters.target.partition(":")
        by_label = AuditEntry.target_label.ilike(f"%{_like(filters.target)}%", escape="\\")
        if ident and kind.isalpha():
            where.append(or_(by_label, and_(AuditEntry.target_type == kind.lower(), AuditEntry.target_id == ident.strip())))
        else:
            where.append(by_label)
    if filters.kind.endswith("."):
        where.append(AuditEntry.kind.startswith(filters.kind, autoescape=True))
    elif filters.kind:
        where.append(AuditEntry.kind == filters.kind)
    if filters.since is not None:
        where.append(AuditEntry.at >= filters.since)
    if filters.until is not None:
        where.append(AuditEntry.at < filters.until)
    return where


def _like(text: str) -> str:
    return text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def entries_page(session: Session, filters: AuditFilter, *, page: int, per_page: int | None) -> tuple[list[AuditEntry], int]:
    """One page of entries matching ``filters``, newest first, with the number of matches (``per_page`` None: all)."""
    query = select(AuditEntry).where(*_where(filters)).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if per_page is None:
        rows = list(session.scalars(query))
        return rows, len(rows)
    return fetch_page(session, query, page=page, per_page=per_page, scalars=True)


def kinds_in_use(session: Session) -> list[str]:
    """Every kind the log holds, plus every kind the services write, sorted (for the filter)."""
    return sorted(set(KINDS) | set(session.scalars(select(AuditEntry.kind).distinct())))
