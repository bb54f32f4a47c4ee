"""Mentor notes: private 1:1 check-in notes a mentor keeps on a mentee (never shown to the learner)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..core.errors import InvalidInput, NotFound
from ..core.rendering import RenderError, render_user_markdown
from ..persistence.base import utcnow
from ..persistence.models import MentorNote, User
from ..persistence.scope import may_view_learner
from . import audit

MAX_NOTE = 10_000


def add_note(session: Session, *, mentee_id: int, author_id: int, body: str) -> MentorNote:
    """Record a note by ``author_id`` on ``mentee_id`` now: a mentor on their own mentees, an admin on anyone.

    Anyone else gets NotFound, as for a learner who does not exist (never reveal who is whose).
    Audited as ``note.create`` with the note's id and length, never its text (notes stay private).
    """
    if not may_view_learner(session, author_id, mentee_id):
        raise NotFound(f"learner {mentee_id}")
    body = (body or "").strip()
    if not body:
        raise InvalidInput("Write something first.", field="body")
    if len(body) > MAX_NOTE:
        raise InvalidInput(f"Keep a note under {MAX_NOTE:,} characters.", field="body")
    try:
        render_user_markdown(body)  # refuse now what could not be shown later
    except RenderError as exc:
        raise InvalidInput(f"This note cannot be shown: {exc}.", field="body") from None
    note = MentorNote(mentee_id=mentee_id, author_id=author_id, body=body, created_at=utcnow())
    session.add(note)
    session.flush()
    mentee = session.get(User, mentee_id)
    assert mentee is not None  # may_view_learner found them
    audit.record(session, actor_id=author_id, kind="note.create", target=audit.of_user(mentee),
                 after={"note": note.id, "characters": len(body)})
    return note
