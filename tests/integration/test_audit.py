"""The audit log records an action in the same transaction as the change, and keeps the names as they were."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.persistence.models import AuditEntry
from courseware.services import audit


def test_an_entry_lands_or_rolls_back_with_its_change(db: Session, people) -> None:  # type: ignore[no-untyped-def]
    admin, learner = people["admin"], people["learner"]
    first = db.scalar(select(func.max(AuditEntry.id))) or 0  # creating the people was audited already
    learner.display_name = "Renamed"
    audit.record(db, actor_id=admin.id, kind="user.name", target=audit.Target("user", learner.id, learner.email),
                 before={"name": "Learner"}, after={"name": "Renamed"})
    db.rollback()  # the change fails: its entry goes with it
    assert db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.id > first)) == 0

    audit.record(db, actor_id=admin.id, kind="user.roles", target=audit.Target("user", learner.id, learner.email),
                 before={"roles": ["learner"]}, after={"roles": ["learner", "mentor"]}, reason="leads a pod")
    audit.record(db, actor_id=None, kind="user.import", target=audit.Target("user", learner.id, learner.email))
    db.commit()
    entries = db.scalars(select(AuditEntry).where(AuditEntry.id > first).order_by(AuditEntry.id)).all()
    assert [(e.actor_label, e.kind, e.target_type, e.target_id, e.target_label) for e in entries] == [
        ("admin@example.com", "user.roles", "user", str(learner.id), "learner@example.com"),
        ("command line", "user.import", "user", str(learner.id), "learner@example.com"),
    ]
    assert (entries[0].before, entries[0].after, entries[0].reason) == (
        {"roles": ["learner"]}, {"roles": ["learner", "mentor"]}, "leads a pod")
    assert entries[0].at.tzinfo is not None
