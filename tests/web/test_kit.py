"""The templates pack downloads, course images and their place in module pages."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from courseware.app import create_app
from courseware.persistence.db import make_session_factory
from courseware.state import state_of
from tests.conftest import PASSWORD, REPO, _empty_tables, make_config, make_user


def test_a_template_downloads_as_markdown_and_as_csv(client: FlaskClient, db, auth) -> None:  # type: ignore[no-untyped-def]
    make_user(db, "lee@example.com")
    auth.login("lee@example.com")
    md = client.get("/templates/contact-sheet.md")
    assert md.status_code == 200 and md.mimetype == "text/markdown"
    assert md.headers["Content-Disposition"] == 'attachment; filename="contact-sheet.md"'
    assert md.get_data(as_text=True).splitlines()[:1] == ["# Client contact sheet"]
    assert "| Dates and progress | PM | =When does the poster print? |" in md.get_data(as_text=True)
    sheet = client.get("/templates/contact-sheet.csv")
    assert sheet.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(sheet.get_data(as_text=True))))
    # a cell a spreadsheet would run as a formula is defused with an apostrophe
    assert rows == [["Question", "Call", "Example"], ["Strategy and fees", "AM", "Should we move money into social?"],
                    ["Dates and progress", "PM", "'=When does the poster print?"]]
    page = client.get("/templates").get_data(as_text=True)
    assert "Client contact sheet" in page and 'href="/templates/contact-sheet.csv"' in page


def test_course_images_are_served_to_signed_in_users_only_under_the_sites_policy(client: FlaskClient, db, auth) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/content/images/chart.svg").status_code == 302  # sign in first
    make_user(db, "lee@example.com")
    auth.login("lee@example.com")
    image = client.get("/content/images/chart.svg")
    assert image.status_code == 200 and image.mimetype == "image/svg+xml"
    assert image.data == (Path(__file__).parent.parent / "data/content/images/chart.svg").read_bytes()
    assert "script-src 'self';" in image.headers["Content-Security-Policy"]  # no inline script, even in an SVG
    assert client.get("/content/images/.hidden.svg").status_code == 404


def test_every_template_of_the_course_downloads_in_both_forms(database_url: str) -> None:
    app: Flask = create_app(make_config(database_url, CONTENT_DIR=str(REPO / "content"), QUIZ_DIR=str(REPO / "quizzes")))
    try:
        session = make_session_factory(state_of(app).engine)()
        make_user(session, "kit@example.com")
        session.close()
        client = app.test_client()
        client.post("/login", data={"email": "kit@example.com", "password": PASSWORD})
        templates = list(state_of(app).templates)
        assert len(templates) >= 7
        for t in templates:
            md, sheet = client.get(f"/templates/{t.id}.md"), client.get(f"/templates/{t.id}.csv")
            assert (md.status_code, sheet.status_code) == (200, 200), t.id
            assert md.get_data(as_text=True).startswith(f"# {t.title}\n")
            assert next(csv.reader(io.StringIO(sheet.get_data(as_text=True)))) == list(t.columns)
        module = client.get("/modules/ideal-structure").get_data(as_text=True)
        assert '<img alt="Org chart of separate departments' in module and 'src="/content/images/org-separate.svg"' in module
        assert client.get("/content/images/org-separate.svg").status_code == 200
        raci = client.get("/modules/pmp-scope").get_data(as_text=True)
        assert '<table class="raci">' in raci and "Log a change request and size its effect on hours, cost and dates" in raci
    finally:
        state_of(app).engine.dispose()
        _empty_tables(database_url)
