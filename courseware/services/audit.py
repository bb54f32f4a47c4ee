"""The audit log: one function records every staff action, in the same transaction as the change.

Callers pass who acted (a user id, or None for the command line), what kind of action it was
(``user.roles``, ``cohort.create``, ``assignment.delete``...), the target, and the state before
and after as small JSON-ready dicts; a grant or reset also gives its reason.  Nothing updates
or deletes an entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from ..persistence.base import utcnow
from ..persistence.models import AuditEntry, User

COMMAND_LINE = "command line"


@dataclass(frozen=True)
class Target:
    """What an action was done to: a type, its id, and a label that reads well later."""

    type: str
    id: str | int
    label: str


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
    """Append one entry (flushed, not committed: it lands or rolls back with the change itself)."""
    actor = session.get(User, actor_id) if actor_id is not None else None
    entry = AuditEntry(
        at=utcnow(), actor_id=actor_id, actor_label=actor.email if actor is not None else COMMAND_LINE, kind=kind,
        target_type=target.type, target_id=str(target.id), target_label=target.label[:254],
        before=before, after=after, reason=reason,
    )
    session.add(entry)
    session.flush()
    return entry
