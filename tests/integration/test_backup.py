"""courseware backup / restore: a round trip on SQLite and PostgreSQL leaves every table's rows equal."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text

from courseware.persistence import queries
from courseware.persistence.backup import file_kind
from courseware.persistence.base import Base, utcnow
from courseware.persistence.db import make_engine
from courseware.persistence.models import AttemptRequest, Mentorship, User
from courseware.services import (
    accounts,
    api_tokens,
    assignments,
    attempt_grants,
    calendar,
    drafts,
    follow_up,
    integration_outbox,
    invitations,
    lti,
    lti_grades,
    notes,
    organisation,
    progress,
    reminders,
)
from courseware.services.attempts import start_attempt, submit_attempt
from courseware.services.seed import seed_demo
from courseware.services.seed_scale import simulated_answers
from courseware.state import state_of


def every_row(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, ordered by primary key."""
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = {table.name: [tuple(row) for row in connection.execute(select(table).order_by(*table.primary_key.columns))]
                for table in Base.metadata.sorted_tables}
    engine.dispose()
    return rows


@pytest.fixture
def seeded(app: Flask) -> Flask:
    """A row in every table: the demo organisation, plus an assignment, a graded attempt and a note."""
    catalog, quizzes = state_of(app).catalog, state_of(app).quizzes
    with state_of(app).sessions() as session:
        seed_demo(session, catalog, password="demo-password", quizzes=quizzes)
        organisation.update_organisation(session, name="Backed-up Agency", default_model="hybrid", time_zone="Europe/Paris")
        learner = queries.user_by_email(session, "learner@example.com")
        mentor = session.scalar(select(User).join(Mentorship, Mentorship.mentor_id == User.id)
                                .where(Mentorship.mentee_id == learner.id).limit(1))  # type: ignore[union-attr]
        assert learner is not None and mentor is not None
        assignments.create_assignment(session, kind="module", item_id="intro", due_on=date(2026, 12, 1), catalog=catalog,
                                      quizzes=quizzes, user_id=learner.id)
        # ...and one still open (the dashboards' rollups keep a row per learner and due date of open assignments).
        assignments.create_assignment(session, kind="module", item_id="basics", due_on=date(2026, 12, 2),
                                      catalog=catalog, quizzes=quizzes, user_id=mentor.id)
        quiz = quizzes.get("scope-check")
        assert quiz is not None
        for module_id in ("intro", "basics"):  # the quiz opens once its module's prerequisites are complete
            progress.complete_module(session, catalog, learner.id, module_id, rule=state_of(app).completion)
        # LTI: a platform, a linked user, the tool's key, a launch's nonce; the grade link makes the submit queue a score.
        platform = lti.register_platform(session, lti.PlatformInput(
            "LMS", "https://lms.example", "tool", "https://lms.example/jwks", "https://lms.example/auth",
            "https://lms.example/token", ("d1",)), actor_id=None)
        lti.sign_in_user(session, platform, lti.LaunchPerson("sub-1", "lti@example.com", "Lti Learner", ("Learner",), ()))
        lti.tool_key(session)
        lti.put_value(session, "lti1p3-nonce-abc", True)
        lti_grades.remember_link(session, platform_id=platform.id, user_id=learner.id, quiz_id=quiz.id, subject="sub-0",
                                 lineitem_url="https://lms.example/lineitems/1", scopes=[lti_grades.SCORE_SCOPE])
        attempt = start_attempt(session, quiz, learner.id, "separate", seed=7, catalog=catalog,
                                rule=state_of(app).completion)
        submit_attempt(session, quiz, attempt, simulated_answers(quiz, "separate", 0.7, random.Random(7)))
        notes.add_note(session, mentee_id=learner.id, author_id=mentor.id, body="Backed up *with care*.")
        # Follow-up: a grant, a request, mentor feedback and a learner's flag.
        attempt_grants.grant_attempt(session, quiz, learner_id=learner.id, actor_id=mentor.id, reason="one more go")
        session.add(AttemptRequest(user_id=learner.id, quiz_id=quiz.id, message="please"))  # a request, as from the page
        follow_up.add_feedback(session, learner_id=learner.id, attempt_id=attempt.id, author_id=mentor.id, body="Close.")
        follow_up.flag_question(session, attempt, question_id=quiz.questions[0].id, comment="Key looks off")
        # A second attempt, open, with its answers saved so far (a draft).
        second = start_attempt(session, quiz, learner.id, "separate", seed=8, catalog=catalog,
                               rule=state_of(app).completion)
        drafts.save_draft(session, quiz, second, {"q1": "am"})
        # An invitation (a token and an outbox row) and a reminder already sent (a notice).
        invitations.invite(session, email="newcomer@example.com", secret="test-secret", name="Newcomer")
        # A personal access token for the API and a calendar feed.
        api_tokens.create_token(session, learner, scope="read", days=30)
        calendar.reset(session, learner, secret="test-secret")
        reminders.send(session, [reminders.Planned(learner.id, learner.email, learner.display_name, "reminder",
                                                   (("overdue", "assignment:1"),), {"subject": "backed up"})], utcnow())
        # A statement for the LRS (the app records them only with XAPI_ENDPOINT set, so written directly here).
        integration_outbox.enqueue(session, channel="xapi", kind="completed", ref="backed-up", subject="module:1:intro",
                                   payload={"id": "backed-up"}, user_id=learner.id)
        session.commit()
    return app


def test_round_trip_restores_every_row(seeded: Flask, database_url: str, tmp_path: Path) -> None:
    before = every_row(database_url)
    assert [name for name, rows in before.items() if not rows] == []  # every table takes part
    runner = seeded.test_cli_runner()
    backup_file = tmp_path / "courseware.backup"
    made = runner.invoke(args=["backup", str(backup_file)])
    assert made.exit_code == 0, made.output
    kind = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    assert file_kind(backup_file) == kind
    assert f"Backed up the {kind} database to {backup_file}" in made.output

    # Life goes on after the backup: a person added, one removed, a cohort renamed.
    with state_of(seeded).sessions() as session:
        accounts.create_user(session, email="after@example.com", display_name="After", password="long-password")
        session.execute(text("UPDATE cohorts SET name = 'Renamed' WHERE id = (SELECT min(id) FROM cohorts)"))
        session.execute(text("DELETE FROM mentor_notes"))
        session.commit()
    assert every_row(database_url) != before

    refused = runner.invoke(args=["restore", str(backup_file)])
    assert refused.exit_code == 1
    assert "the database is not empty" in refused.output and "--force" in refused.output
    restored = runner.invoke(args=["restore", "--force", str(backup_file)])
    assert restored.exit_code == 0, restored.output
    assert "Restored" in restored.output
    assert every_row(database_url) == before

    # The restored database works: new rows get fresh ids (PostgreSQL's sequences came back too).
    with state_of(seeded).sessions() as session:
        user = accounts.create_user(session, email="later@example.com", display_name="Later", password="long-password")
        session.commit()
        assert user.id > max(row[0] for row in before["users"])


def test_a_backup_taken_mid_write_holds_only_what_was_committed(seeded: Flask, database_url: str, tmp_path: Path) -> None:
    before = every_row(database_url)
    engine = make_engine(database_url)
    with engine.connect() as writer:
        writer.execute(text("UPDATE users SET display_name = 'Half-way' WHERE email = 'learner@example.com'"))
        made = seeded.test_cli_runner().invoke(args=["backup", str(tmp_path / "mid.backup")])  # while the write is open
        assert made.exit_code == 0, made.output
        writer.rollback()
    engine.dispose()
    # Restore it over an emptied database (no --force needed) and compare.
    with state_of(seeded).engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    restored = seeded.test_cli_runner().invoke(args=["restore", str(tmp_path / "mid.backup")])
    assert restored.exit_code == 0, restored.output
    assert every_row(database_url) == before


def test_clear_errors(app: Flask, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["restore", str(tmp_path / "nope.backup")])
    assert missing.exit_code == 1 and f"{tmp_path / 'nope.backup'}: no such file" in missing.output
    notes = tmp_path / "notes.txt"
    notes.write_text("email,name\n")
    wrong = runner.invoke(args=["restore", str(notes)])
    assert wrong.exit_code == 1
    assert "is not a Courseware backup: neither a SQLite database nor a pg_dump custom-format file" in wrong.output
    no_dir = runner.invoke(args=["backup", str(tmp_path / "missing-dir" / "x.backup")])
    assert no_dir.exit_code == 1 and "is not a directory; create it first" in no_dir.output
    if database_url.startswith("sqlite"):
        dump = tmp_path / "from-postgres.backup"
        dump.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 64)
        cross = runner.invoke(args=["restore", str(dump)])
        assert cross.exit_code == 1
        assert "is a PostgreSQL backup, but this database is SQLite" in cross.output
        other = tmp_path / "other.sqlite"
        import sqlite3

        connection = sqlite3.connect(other)
        connection.execute("CREATE TABLE t (x)")
        connection.close()
        foreign = runner.invoke(args=["restore", str(other)])
        assert foreign.exit_code == 1 and "is a SQLite database but not a Courseware backup" in foreign.output
    else:
        monkeypatch.setenv("PATH", str(tmp_path))  # no PostgreSQL client tools here
        absent = runner.invoke(args=["backup", str(tmp_path / "x.backup")])
        assert absent.exit_code == 1
        assert "pg_dump was not found on PATH: install the PostgreSQL client tools" in absent.output
        assert not (tmp_path / "x.backup").exists()
    # Nothing was changed by any of these.
    with state_of(app).sessions() as session:
        assert session.scalars(select(User)).all() == []
