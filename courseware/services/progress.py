"""Module progress: recording that a learner opened and completed a module."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.catalog import Catalog, Module
from ..core.errors import NotFound, NotYetAvailable
from ..core.progress import CompletionRule, Status, module_state
from ..persistence import queries, rollups
from ..persistence.base import utcnow
from ..persistence.models import ModuleProgress
from . import certificates
from . import xapi as statements
from .versions import bump


def record_start(session: Session, user_id: int, module_id: str) -> bool:
    """Record the first opening of a module; True when a row was created."""
    if queries.progress_for(session, user_id, module_id) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(ModuleProgress(user_id=user_id, module_id=module_id, started_at=utcnow()))
    except IntegrityError:  # another request created it first
        return False
    bump(session, learners=[user_id])
    return True


def complete_module(session: Session, catalog: Catalog, user_id: int, module_id: str, *, rule: CompletionRule) -> bool:
    """Mark a module complete (read), idempotently; True only the first time.

    For a module its quiz completes (``rule``), the mark records the reading only: the module counts as
    complete once the quiz is passed.  NotFound for a module the course does not have; NotYetAvailable
    while its prerequisites are incomplete (the message names them), whoever calls: the web, the CLI or the API.
    """
    module = catalog.get(module_id)
    if module is None:
        raise NotFound(f"module {module_id}")
    standing = queries.learner_standing(session, user_id)
    state = module_state(module, catalog, rule, standing)
    if state.status is Status.LOCKED:
        raise NotYetAvailable(state.locked_reason)
    marked = _mark_read(session, user_id, module)
    if marked:  # the last module of the path (or of a certificate track) earns its certificate now
        certificates.award(session, catalog, rule, user_id, certificates.scopes_of(catalog, rule, standing))
    return marked


def _mark_read(session: Session, user_id: int, module: Module) -> bool:
    now = utcnow()
    newly = _mark_complete(session, user_id, module.id, now)
    if newly:
        statements.module_completed(session, module, user_id, now)
    return newly


def _mark_complete(session: Session, user_id: int, module_id: str, now: datetime) -> bool:
    """Set the completion time unless already set; True when this call set it."""
    result = session.execute(
        update(ModuleProgress)
        .where(
            ModuleProgress.user_id == user_id,
            ModuleProgress.module_id == module_id,
            ModuleProgress.completed_at.is_(None),
        )
        .values(completed_at=now)
        .execution_options(synchronize_session=False)
    )
    rollups.touch(session, learners=[user_id])  # a Core UPDATE: the dashboards' rollups, before COMMIT
    if result.rowcount:  # type: ignore[attr-defined]
        bump(session, learners=[user_id])
        return True
    if queries.progress_for(session, user_id, module_id) is not None:
        return False  # already complete
    try:
        with session.begin_nested():
            session.add(ModuleProgress(user_id=user_id, module_id=module_id, started_at=now, completed_at=now))
    except IntegrityError:
        return False
    bump(session, learners=[user_id])
    return True
