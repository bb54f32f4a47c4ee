"""The mail commands: invite, send-reminders, and `courseware worker` running for real against an SMTP server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.persistence import queries
from courseware.persistence.db import upgrade
from courseware.persistence.models import OutboxMessage
from courseware.services import assignments, cohorts
from courseware.state import state_of
from tests.conftest import DATA, make_user
from tests.smtp_peer import SmtpPeer, link_path


def test_invite_command(app: Flask, db: Session) -> None:
    make_user(db, "mentor@example.com", ("mentor",))
    cohort = cohorts.create_cohort(db, name="Winter", start_date=date(2026, 11, 1))
    db.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["invite", "New@Example.com", "--name", "Nia", "--cohort", str(cohort.id),
                                 "--mentor", "mentor@example.com"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Invited new@example.com (learner); the link works once, for 7 days.\n")
    db.rollback()
    nia = queries.user_by_email(db, "new@example.com")
    assert nia is not None and nia.display_name == "Nia" and nia.cohort_id == cohort.id
    assert [m.email for m in cohorts.mentors_of(db, nia.id)] == ["mentor@example.com"]
    assert [(m.kind, m.to_address) for m in db.scalars(select(OutboxMessage))] == [("invite", "new@example.com")]

    again = runner.invoke(args=["invite", "new@example.com"])
    assert again.exit_code == 1 and "new@example.com was already invited on" in again.output
    taken = runner.invoke(args=["invite", "mentor@example.com"])
    assert taken.exit_code == 1 and "mentor@example.com already has an account." in taken.output
    nowhere = runner.invoke(args=["invite", "x@example.com", "--cohort", "999999"])
    assert nowhere.exit_code == 1 and "There is no cohort 999999." in nowhere.output


def test_send_reminders_dry_run_then_twice(app: Flask, db: Session) -> None:
    learner = make_user(db, "lee@example.com", name="Lee")
    state = state_of(app)
    assignments.create_assignment(db, kind="module", item_id="intro", due_on=date(2026, 11, 30), catalog=state.catalog,
                                  quizzes=state.quizzes, user_id=learner.id)
    db.commit()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["send-reminders", "--dry-run", "--at", "2026-11-30T09:00"])
    assert dry.exit_code == 0, dry.output
    assert dry.output == ("lee@example.com: reminder, 1 assignment(s)\n"
                          "    due today: Introduction (due 2026-11-30)\n"
                          "Dry run: 1 message(s) due now. Nothing was sent.\n")
    early = runner.invoke(args=["send-reminders", "--at", "2026-11-30T06:00"])
    assert early.output == "0 message(s) queued; 1 more later, in their own morning.\n"
    first = runner.invoke(args=["send-reminders", "--at", "2026-11-30T09:00"])
    assert "1 message(s) queued.\n" in first.output
    second = runner.invoke(args=["send-reminders", "--at", "2026-11-30T09:15"])
    assert second.output == "0 message(s) queued.\n"
    assert len(db.scalars(select(OutboxMessage)).all()) == 1


def test_the_worker_delivers_what_the_app_queues_and_stops_on_ctrl_c(tmp_path: Path, smtp: SmtpPeer) -> None:
    database = f"sqlite:///{tmp_path / 'app.db'}"
    upgrade(database)
    env = {**os.environ, "COURSEWARE_DATABASE_URL": database, "COURSEWARE_SECRET_KEY": "worker-test",
           "COURSEWARE_JOBS_FILE": str(tmp_path / "jobs.sqlite3"), "COURSEWARE_MAIL_URL": smtp.url,
           "COURSEWARE_CONTENT_DIR": str(DATA / "content"), "COURSEWARE_QUIZ_DIR": str(DATA / "quizzes"),
           "COURSEWARE_BASE_URL": "https://courseware.example.com"}
    command = [sys.executable, "-c", "from courseware.cli import main; main()"]
    worker = subprocess.Popen([*command, "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        invited = subprocess.run([*command, "invite", "far@example.com"], env=env, capture_output=True, text=True,
                                 timeout=60)
        assert invited.returncode == 0, invited.stderr
        deadline = time.monotonic() + 30
        while not smtp.mailbox.messages and time.monotonic() < deadline:
            time.sleep(0.2)
        (message,) = smtp.mailbox.messages
        assert link_path(message, "/invite/").startswith("/invite/")
        assert "https://courseware.example.com/invite/" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    finally:
        worker.send_signal(signal.SIGINT)
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, output
    assert "Courseware worker: queue on SQLite" in output
