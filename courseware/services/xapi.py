"""Recording xAPI statements in the outbox, in the transaction of the event that causes them.

Whether statements are recorded, and under which site, is the app's decision: the factory puts an ``XapiSetup``
on its session factory's ``info`` (``session.info[INFO_KEY]``) when ``XAPI_ENDPOINT`` is set.  Without it
every function here does nothing: no LRS configured, nothing enqueued (statements are not kept for an LRS
that may never come).  Each hook is one call in its service function; the statements themselves are built by
``core/xapi.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import xapi
from ..core.catalog import Module, Registry
from ..core.grading import Grade, ItemResult
from ..core.quiz import Quiz
from ..persistence.base import utcnow
from ..persistence.models import Attempt, Organisation, User
from . import integration_outbox
from .organisation import ORGANISATION_ID, effective_model

INFO_KEY = "courseware.xapi"
CHANNEL = "xapi"


@dataclass(frozen=True)
class XapiSetup:
    """What recording statements needs from the app: the site's base IRI and the course's registry (labels)."""

    base_iri: str
    registry: Registry


def setup_of(session: Session) -> XapiSetup | None:
    """The app's xAPI setup, when statements are to be recorded."""
    found = session.info.get(INFO_KEY)
    return found if isinstance(found, XapiSetup) else None


def _site(session: Session, setup: XapiSetup) -> xapi.Site:
    kind = session.scalar(select(Organisation.xapi_actor).where(Organisation.id == ORGANISATION_ID)) or "mbox"
    return xapi.Site(setup.base_iri, actor_kind=kind if kind in xapi.ACTOR_KINDS else "mbox")


def _learner(session: Session, user_id: int) -> xapi.Learner:
    row = session.execute(select(User.email, User.display_name).where(User.id == user_id)).one()
    return xapi.Learner(user_id, row.email, row.display_name)


def _enqueue(session: Session, statements: Sequence[xapi.Statement], *, subject: str, revision: int,
             user_id: int | None, now: datetime) -> None:
    for statement in statements:
        integration_outbox.enqueue(session, channel=CHANNEL, kind=statement.kind, ref=statement.id, subject=subject,
                                   payload=statement.body, revision=revision, user_id=user_id, now=now)


def module_completed(session: Session, module: Module, user_id: int, at: datetime) -> None:
    """'completed' for a module the learner has just completed (once: ``complete_module`` says when)."""
    setup = setup_of(session)
    if setup is None:
        return
    statement = xapi.module_completed(_site(session, setup), _learner(session, user_id), module,
                                      effective_model(session, user_id), setup.registry, at)
    _enqueue(session, [statement], subject=f"module:{user_id}:{module.id}", revision=0, user_id=user_id, now=at)


def _attempt_facts(attempt: Attempt, revision: int) -> xapi.AttemptFacts:
    return xapi.AttemptFacts(attempt.id, attempt.number, attempt.model,
                             Fraction(attempt.points or 0).limit_denominator(1_000_000),
                             Fraction(attempt.max_points or 0).limit_denominator(1_000_000), bool(attempt.passed),
                             attempt.submitted_at or utcnow(), revision)


def submission_graded(session: Session, quiz: Quiz, *, attempt_id: int, user_id: int, number: int, model: str,
                      grade: Grade, submitted_at: datetime) -> None:
    """A submitted attempt's statements (attempted, passed/failed, one 'answered' per question), first revision;
    read from the grade just recorded, so the submit path loads no attempt to send them."""
    setup = setup_of(session)
    if setup is None:
        return
    facts = xapi.AttemptFacts(attempt_id, number, model, Fraction(grade.points).limit_denominator(1_000_000),
                              Fraction(grade.max_points).limit_denominator(1_000_000), bool(grade.passed),
                              submitted_at, 0)
    statements = xapi.attempt_statements(_site(session, setup), _learner(session, user_id), quiz, facts,
                                         grade.items, setup.registry)
    _enqueue(session, statements, subject=xapi.attempt_subject(attempt_id), revision=0, user_id=user_id,
             now=utcnow())


def _void(session: Session, setup: XapiSetup, subjects: Sequence[str], now: datetime) -> int:
    """Void every statement of these subjects that still stands; how many."""
    site = _site(session, setup)
    rows = integration_outbox.live_rows(session, CHANNEL, subjects)
    for row in rows:
        row.superseded = True
        void = xapi.voiding(site, row.ref, now)
        integration_outbox.enqueue(session, channel=CHANNEL, kind=void.kind, ref=void.id, subject=row.subject,
                                   payload=void.body, revision=row.revision, user_id=row.user_id, now=now)
    return len(rows)


def attempt_regraded(session: Session, quiz: Quiz, attempt: Attempt, items: Sequence[ItemResult]) -> None:
    """A regrade changed the attempt: void what was said of it, and say it again as the next revision (a reset
    attempt is only voided: it no longer counts)."""
    setup = setup_of(session)
    if setup is None:
        return
    now = utcnow()
    subject = xapi.attempt_subject(attempt.id)
    previous = integration_outbox.last_revision(session, CHANNEL, subject)
    _void(session, setup, [subject], now)
    if attempt.state != "submitted":
        return
    revision = 0 if previous is None else previous + 1
    statements = xapi.attempt_statements(_site(session, setup), _learner(session, attempt.user_id), quiz,
                                         _attempt_facts(attempt, revision), items, setup.registry)
    _enqueue(session, statements, subject=subject, revision=revision, user_id=attempt.user_id, now=now)


def attempts_reset(session: Session, user_id: int, quiz_id: str) -> None:
    """A reset: the learner's attempts at the quiz no longer count, so what was said of them is voided."""
    setup = setup_of(session)
    if setup is None:
        return
    ids = session.scalars(select(Attempt.id).where(Attempt.user_id == user_id, Attempt.quiz_id == quiz_id,
                                                   Attempt.state == "reset"))
    _void(session, setup, [xapi.attempt_subject(a) for a in ids], utcnow())
