"""Notes: what a hostile note costs to render, and the mentee page with 200 of them.

    .venv/bin/python bench/notes.py

The note is the red team's: 10,000 characters of '<b ' repeated.  "raw-HTML blocks on" is how notes
were rendered before (every view, every note); now raw-HTML blocks are off for user text, the note is
rendered once when written (in the capped helper process) and pages show the stored HTML.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from report import write_section  # noqa: E402

from courseware.app import create_app  # noqa: E402
from courseware.core import rendering  # noqa: E402
from courseware.core.render_cap import render_user_markdown_capped  # noqa: E402
from courseware.persistence.base import utcnow  # noqa: E402
from courseware.persistence.db import upgrade  # noqa: E402
from courseware.persistence.models import MentorNote, Mentorship  # noqa: E402
from courseware.services import accounts  # noqa: E402
from courseware.state import state_of  # noqa: E402

HOSTILE = ("<b " * 3334)[:10_000]
DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def timed(fn, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(median, max) milliseconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def old_render(text: str) -> str:
    html, _ = rendering._convert(text, rendering.USER_EXTENSIONS, html_blocks=True)
    return html


def page_timings(notes: int) -> tuple[float, float]:
    """The mentee page (20 notes a page) with ``notes`` hostile notes, through the test client (SQLite)."""
    url = f"sqlite:///{tempfile.mkdtemp()}/notes.db"
    upgrade(url)
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url, "LOG_LEVEL": "WARNING",
                      "CONTENT_DIR": str(DATA / "content"), "QUIZ_DIR": str(DATA / "quizzes"), "WTF_CSRF_ENABLED": False})
    html = rendering.render_user_markdown(HOSTILE)
    with state_of(app).sessions() as s:
        mentor = accounts.create_user(s, email="m@example.com", display_name="M", password="pw-123456", roles=["mentor"])
        learner = accounts.create_user(s, email="l@example.com", display_name="L", password="pw-123456",
                                       roles=["learner"])
        s.add(Mentorship(mentor_id=mentor.id, mentee_id=learner.id))
        now = utcnow()
        s.add_all([MentorNote(mentee_id=learner.id, author_id=mentor.id, body=HOSTILE, html=html,
                              created_at=now + timedelta(seconds=i)) for i in range(notes)])
        s.commit()
        learner_id = learner.id
    client = app.test_client()
    client.post("/login", data={"email": "m@example.com", "password": "pw-123456"})
    client.get(f"/mentor/mentees/{learner_id}")
    result = timed(lambda: client.get(f"/mentor/mentees/{learner_id}?page=3"), 30)
    state_of(app).engine.dispose()
    return result


def main() -> None:
    before = timed(lambda: old_render(HOSTILE), 3)
    now = timed(lambda: rendering.render_user_markdown(HOSTILE), 20)
    render_user_markdown_capped("warm up", 30)
    capped = timed(lambda: render_user_markdown_capped(HOSTILE, 0.5), 20)
    page = page_timings(200)
    rows = [
        "| what | median ms | max ms |", "|---|---:|---:|",
        f"| render the hostile note, raw-HTML blocks on (before) | {before[0]:,.0f} | {before[1]:,.0f} |",
        f"| render the hostile note now (in process) | {now[0]:.1f} | {now[1]:.1f} |",
        f"| render it now through the capped helper process (what a save pays) | {capped[0]:.1f} | {capped[1]:.1f} |",
        f"| mentee page, 200 hostile notes, page 3 of 10 (renders no note) | {page[0]:.1f} | {page[1]:.1f} |",
    ]
    table = "\n".join(rows)
    print(table)
    write_section("Notes", "Command: `.venv/bin/python bench/notes.py` — measured " + time.strftime("%Y-%m-%d") + ".\n\n"
                  "The red team's note: 10,000 characters of `<b ` repeated. Before, every view rendered every note on "
                  "the page (20 such notes: ~20 × the first row, past the worker timeout). Now a note is rendered once, "
                  "when written, in a helper process killed after 0.5 s (`services/notes.RENDER_CAP_SECONDS`), and "
                  "pages show the stored HTML; the tests assert that a view renders nothing "
                  "(`tests/faults/test_notes.py`).\n\n" + table)


if __name__ == "__main__":
    main()
