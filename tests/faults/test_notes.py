"""Notes: rendered once when written (the HTML is stored), capped in time, editable by their author only.

The red-team pass found that a 10,000-character note of '<b ' took 1.4 s to render and that every
view rendered every note again, so twenty such notes took the mentee page (and the workers) down.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import markdown
import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from courseware.core import render_cap
from courseware.core.rendering import render_user_markdown
from courseware.persistence.base import utcnow
from courseware.persistence.db import upgrade
from courseware.persistence.models import AuditEntry, MentorNote, Mentorship
from courseware.services import notes
from tests.conftest import POSTGRES_URL, _drop_postgres, _fresh_postgres

HOSTILE = ("<b " * 3334)[:10_000]


@pytest.fixture
def mentee(db: Session, people) -> int:  # type: ignore[no-untyped-def]
    learner = people["learner"]
    db.add(Mentorship(mentor_id=people["mentor"].id, mentee_id=learner.id))
    db.commit()
    return int(learner.id)


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every Markdown render in this process, and every render sent to the capped helper."""
    seen: list[str] = []
    convert, capped = markdown.Markdown.convert, render_cap._HELPER.render

    def counting_convert(self, source):  # type: ignore[no-untyped-def]
        seen.append(source)
        return convert(self, source)

    def counting_capped(text_: str, seconds: float) -> str:
        seen.append(text_)
        return capped(text_, seconds)

    monkeypatch.setattr(markdown.Markdown, "convert", counting_convert)
    monkeypatch.setattr(render_cap._HELPER, "render", counting_capped)
    yield seen


def test_the_hostile_note_is_stored_rendered_and_shown_without_rendering(client: FlaskClient, auth, mentee: int,  # type: ignore[no-untyped-def]
                                                                         db: Session, renders: list[str]) -> None:
    auth.login("mentor@example.com")
    response = client.post(f"/mentor/mentees/{mentee}/notes", data={"body": HOSTILE})
    assert response.status_code == 302
    assert renders == [HOSTILE]  # once, when written
    note = db.scalar(select(MentorNote))
    assert note is not None and note.body == HOSTILE.strip()
    # Raw tags are kept out: the stored HTML is the text, escaped, in one paragraph.
    assert note.html.startswith("<p>&lt;b &lt;b ") and "<b" not in note.html
    renders.clear()
    for _ in range(3):
        page = client.get(f"/mentor/mentees/{mentee}")
        assert page.status_code == 200 and "&lt;b &lt;b" in page.get_data(as_text=True)
    assert renders == []  # views show the stored HTML


def test_a_page_of_200_notes_renders_none_of_them(client: FlaskClient, auth, mentee: int, people, db: Session,  # type: ignore[no-untyped-def]
                                                  renders: list[str]) -> None:
    html = render_user_markdown(HOSTILE)
    start = utcnow()
    db.add_all([MentorNote(mentee_id=mentee, author_id=people["mentor"].id, body=HOSTILE, html=html,
                           created_at=start + timedelta(seconds=i)) for i in range(200)])
    db.commit()
    renders.clear()
    auth.login("mentor@example.com")
    for page in (1, 5, 10):
        response = client.get(f"/mentor/mentees/{mentee}?page={page}")
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and body.count('<li class="note">') == 20
        assert f"Page {page} of 10" in body
    assert renders == []


def test_the_render_cap_kills_a_slow_render_and_the_next_one_works() -> None:
    # 5,000 lines of '-' take Python-Markdown over a second (quadratic); the cap stops it at 50 ms.
    with pytest.raises(render_cap.RenderTooSlow, match="longer than 0.05 s"):
        render_cap.render_user_markdown_capped("-\n" * 5000, 0.05)
    assert render_cap.render_user_markdown_capped("**fine**", 5) == "<p><strong>fine</strong></p>"


def test_a_helper_that_died_is_replaced() -> None:
    render_cap.render_user_markdown_capped("start it", 5)
    helper = render_cap._HELPER.process
    assert helper is not None
    helper.kill()
    helper.wait()
    assert render_cap.render_user_markdown_capped("*again*", 5) == "<p><em>again</em></p>"
    assert render_cap._HELPER.process is not None and render_cap._HELPER.process.pid != helper.pid


def test_a_note_over_the_cap_is_refused_with_a_form_error(client: FlaskClient, auth, mentee: int, db: Session,  # type: ignore[no-untyped-def]
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notes, "RENDER_CAP_SECONDS", 0.05)
    auth.login("mentor@example.com")
    response = client.post(f"/mentor/mentees/{mentee}/notes", data={"body": "-\n" * 5000})
    assert response.status_code == 200
    assert "This note cannot be shown: it takes longer than 0.05 s to render; simplify it." in response.get_data(as_text=True)
    assert db.scalar(select(MentorNote)) is None


def test_the_author_edits_and_deletes_their_note_and_nobody_else_can(client: FlaskClient, auth, mentee: int, people,  # type: ignore[no-untyped-def]
                                                                     db: Session) -> None:
    note_id = notes.add_note(db, mentee_id=mentee, author_id=people["mentor"].id, body="Check **scope**").id
    db.commit()
    auth.login("admin@example.com")  # an admin may write notes, but not change a mentor's
    assert client.get(f"/mentor/notes/{note_id}/edit").status_code == 404
    assert client.post(f"/mentor/notes/{note_id}/edit", data={"body": "hijack"}).status_code == 404
    assert client.post(f"/mentor/notes/{note_id}/delete").status_code == 404
    auth.logout()
    auth.login("mentor@example.com")
    form = client.get(f"/mentor/notes/{note_id}/edit").get_data(as_text=True)
    assert "Check **scope**</textarea>" in form
    response = client.post(f"/mentor/notes/{note_id}/edit", data={"body": "Check *time* secretword"})
    assert response.status_code == 302 and response.location.endswith(f"/mentor/mentees/{mentee}#notes")
    db.rollback()  # a fresh snapshot (SQLite WAL) and nothing cached
    db.expire_all()
    edited = db.get(MentorNote, note_id)
    assert edited is not None and edited.html == "<p>Check <em>time</em> secretword</p>" and edited.edited_at is not None
    page = client.get(f"/mentor/mentees/{mentee}").get_data(as_text=True)
    assert "<em>time</em>" in page and "edited" in page and f"/mentor/notes/{note_id}/edit" in page
    assert client.post(f"/mentor/notes/{note_id}/edit", data={"body": "x" * 10_001}).status_code == 200
    assert client.post(f"/mentor/notes/{note_id}/delete").status_code == 302
    db.rollback()  # a fresh snapshot (SQLite WAL) and nothing cached
    db.expire_all()
    assert db.get(MentorNote, note_id) is None
    kinds = [(e.kind, e.before, e.after)  # the set-up's people are audited too: only notes count here
             for e in db.scalars(select(AuditEntry).where(AuditEntry.kind.like("note.%")).order_by(AuditEntry.id))]
    assert kinds == [("note.create", None, {"note": note_id, "characters": 15}),
                     ("note.edit", {"characters": 15}, {"characters": 23}),
                     ("note.delete", {"mentee_id": mentee, "characters": 23}, None)]
    assert all("secretword" not in str(entry) for entry in kinds)


def test_a_mentor_no_longer_mentoring_cannot_edit_their_old_note(client: FlaskClient, auth, mentee: int, people,  # type: ignore[no-untyped-def]
                                                                  db: Session) -> None:
    note = notes.add_note(db, mentee_id=mentee, author_id=people["mentor"].id, body="Old")
    db.query(Mentorship).delete()
    db.commit()
    auth.login("mentor@example.com")
    assert client.get(f"/mentor/notes/{note.id}/edit").status_code == 404


@pytest.mark.parametrize("backend", ["sqlite"] + (["postgresql"] if POSTGRES_URL else []))
def test_the_migration_renders_existing_notes_once(backend: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'old.db'}" if backend == "sqlite" else _fresh_postgres(POSTGRES_URL or "")
    try:
        upgrade(url, "0005")
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO users (id, email, display_name, password_hash, active, session_token, created_at)"
                              " VALUES (1, 'a@example.com', 'A', 'x', true, 't', CURRENT_TIMESTAMP)"))
            conn.execute(text("INSERT INTO mentor_notes (mentee_id, author_id, body, created_at) VALUES "
                              "(1, 1, '**Hello** <script>x</script>', CURRENT_TIMESTAMP), "
                              "(1, 1, :hostile, CURRENT_TIMESTAMP), (1, 1, :brackets, CURRENT_TIMESTAMP)"),
                         {"hostile": HOSTILE, "brackets": "[" * 300})
        upgrade(url)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT html, edited_at FROM mentor_notes ORDER BY id")).all()
        engine.dispose()
        assert rows[0] == ("<p><strong>Hello</strong> </p>", None)
        assert rows[1][0].startswith("<p>&lt;b &lt;b ")
        assert rows[2][0] == "<p><em>This note cannot be displayed.</em></p>"
    finally:
        if backend == "postgresql":
            _drop_postgres(POSTGRES_URL or "", url)


