"""Mentor notes: private 1:1 check-in notes a mentor keeps on a mentee (never shown to the learner).

A note is rendered to sanitised HTML once, when it is written or edited, and the HTML is stored:
pages show it as it is and never render again.  The render runs under a time cap.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..core.errors import InvalidInput, NotFound
from ..core.render_cap import render_user_markdown_capped
from ..core.rendering import RenderError
from ..persistence.base import utcnow
from ..persistence.models import MentorNote, User
from ..persistence.queries import get_or_not_found
from ..persistence.scope import may_view_learner
from . import audit

MAX_NOTE = 10_000
RENDER_CAP_SECONDS = 0.5  # a 10,000-character note renders in ~10 ms; anything past this is refused


def _render(body: str) -> tuple[str, str]:
    """(clean body, sanitised HTML), or InvalidInput on the body field."""
    body = (body or "").strip()
    if not body:
        raise InvalidInput("Write something first.", field="body")
    if len(body) > MAX_NOTE:
        raise InvalidInput(f"Keep a note under {MAX_NOTE:,} characters.", field="body")
    try:
        return body, render_user_markdown_capped(body, RENDER_CAP_SECONDS)
    except RenderError as exc:
        raise InvalidInput(f"This note cannot be shown: {exc}.", field="body") from None


def add_note(session: Session, *, mentee_id: int, author_id: int, body: str) -> MentorNote:
    """Record a note by ``author_id`` on ``mentee_id`` now: a mentor on their own mentees, an admin on anyone.

    Anyone else gets NotFound, as for a learner who does not exist (never reveal who is whose).
    Audited as ``note.create`` with the note's id and length, never its text (notes stay private).
    """
    if not may_view_learner(session, author_id, mentee_id):
        raise NotFound(f"learner {mentee_id}")
    body, html = _render(body)
    note = MentorNote(mentee_id=mentee_id, author_id=author_id, body=body, html=html, created_at=utcnow())
    session.add(note)
    session.flush()
    mentee = session.get(User, mentee_id)
    assert mentee is not None  # may_view_learner found them
    audit.record(session, actor_id=author_id, kind="note.create", target=audit.of_user(mentee),
                 after={"note": note.id, "characters": len(body)})
    return note


def own_note(session: Session, note_id: int, author_id: int) -> MentorNote:
    """A note its author may still change: theirs, on a learner they may still see; else NotFound."""
    note = get_or_not_found(session, MentorNote, note_id, "note")
    if note.author_id != author_id or not may_view_learner(session, author_id, note.mentee_id):
        raise NotFound(f"note {note_id}")
    return note


def edit_note(session: Session, note_id: int, *, author_id: int, body: str) -> MentorNote:
    """Replace the text of the author's own note, rendering it again."""
    note = own_note(session, note_id, author_id)
    body, html = _render(body)
    before = len(note.body)
    note.body, note.html, note.edited_at = body, html, utcnow()
    audit.record(session, actor_id=author_id, kind="note.edit", target=audit.Target("note", note.id, f"note {note.id}"),
                 before={"characters": before}, after={"characters": len(body)})  # never the text itself
    session.flush()
    return note


def delete_note(session: Session, note_id: int, *, author_id: int) -> int:
    """Delete the author's own note; returns the mentee's id (for the redirect)."""
    note = own_note(session, note_id, author_id)
    mentee_id = note.mentee_id
    audit.record(session, actor_id=author_id, kind="note.delete", target=audit.Target("note", note.id, f"note {note.id}"),
                 before={"mentee_id": mentee_id, "characters": len(note.body)})
    session.delete(note)
    session.flush()
    return mentee_id
