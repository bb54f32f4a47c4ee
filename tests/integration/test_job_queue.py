"""The job queue: SQLite by default, Redis when COURSEWARE_REDIS_URL is set (tested when COURSEWARE_TEST_REDIS_URL is)."""

from __future__ import annotations

import os
import uuid

import pytest
from flask import Flask
from huey import RedisHuey, SqliteHuey
from sqlalchemy.orm import Session

from courseware.app import create_app
from courseware.jobs import jobs_of
from courseware.services import invitations
from courseware.state import state_of
from tests.conftest import make_config, run_queued_jobs
from tests.smtp_peer import SmtpPeer

REDIS_URL = os.environ.get("COURSEWARE_TEST_REDIS_URL")
QUEUES = ["sqlite"] + (["redis"] if REDIS_URL else [])


@pytest.mark.parametrize("queue", QUEUES)
def test_a_kick_through_the_queue_delivers_the_outbox(queue: str, app: Flask, smtp: SmtpPeer, db: Session,
                                                     tmp_path) -> None:  # type: ignore[no-untyped-def]
    overrides: dict[str, object] = {"MAIL_URL": smtp.url, "JOBS_FILE": str(tmp_path / "queue.sqlite3")}
    if queue == "redis":  # a queue of its own on the shared server
        overrides.update(REDIS_URL=REDIS_URL, JOBS_QUEUE=f"courseware-test-{uuid.uuid4().hex[:8]}")
    other = create_app(make_config(app.config["DATABASE_URL"], **overrides))
    try:
        huey = jobs_of(other).huey
        assert isinstance(huey, RedisHuey if queue == "redis" else SqliteHuey)
        invitations.invite(db, email="a@example.com", secret=other.secret_key)
        db.commit()
        jobs_of(other).kick()
        assert smtp.mailbox.messages == []  # queued, not run: the worker runs it
        assert run_queued_jobs(other) == 1
        assert [str(m["To"]) for m in smtp.mailbox.messages] == ["a <a@example.com>"]
        assert run_queued_jobs(other) == 0
    finally:
        state_of(other).engine.dispose()


def test_the_worker_schedules_reminders_and_the_outbox_sweep(app: Flask) -> None:
    huey = jobs_of(app).huey
    names = {task.__name__ for task in huey._registry._periodic_tasks}  # what the consumer's scheduler reads
    assert names == {"sweep_outbox", "send_reminders"}
