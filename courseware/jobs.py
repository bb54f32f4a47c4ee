"""The job queue (Huey): delivering the outbox and sending reminders, on an embedded store or on Redis.

``COURSEWARE_REDIS_URL`` set: RedisHuey, for several app servers sharing one queue.  Otherwise
SqliteHuey in ``instance/jobs.sqlite3`` (``COURSEWARE_JOBS_FILE``): no extra service for
``make run``.  The queue only carries nudges ("deliver now"); what to send lives in the database's
outbox, so a lost nudge delays a message by at most a minute (the sweep), never loses it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask
from huey import Huey, RedisHuey, SqliteHuey, crontab

from .persistence.base import utcnow
from .persistence.db import write_session
from .services import reminders
from .state import state_of

log = logging.getLogger("courseware.jobs")
KEY = "courseware.jobs"


@dataclass
class Jobs:
    """One app's queue and its tasks."""

    huey: Huey
    deliver: Any  # the "deliver the outbox now" task
    send_reminders: Any

    def kick(self) -> None:
        """Ask a worker to deliver the outbox now (after a commit that queued mail); never fails the caller."""
        try:
            self.deliver()
        except Exception:  # noqa: BLE001 - the minute sweep delivers it anyway
            log.warning("could not reach the job queue; the worker's sweep will deliver the mail", exc_info=True)


def schedule_from(app: Flask) -> reminders.Schedule:
    """The reminder schedule from the configuration."""
    config = app.config
    return reminders.Schedule(hour=int(config["REMINDER_HOUR"]), digest_weekday=int(config["DIGEST_WEEKDAY"]),
                              stalled_days=int(config["STALLED_DAYS"]))


def run_reminders(app: Flask, now: datetime | None = None, *, dry_run: bool = False) -> tuple[reminders.Plan, int]:
    """Plan what is due at ``now`` and (unless ``dry_run``) queue it in one transaction; (plan, messages queued)."""
    now = now or utcnow()
    state = state_of(app)
    with write_session(state.sessions) as session:
        plan = reminders.plan(session, catalog=state.catalog, quizzes=state.quizzes, now=now, schedule=schedule_from(app))
        if dry_run:
            return plan, 0
        queued = reminders.send(session, plan.messages, now)
        session.commit()
    return plan, queued


def make_huey(app: Flask) -> Huey:
    """RedisHuey on ``REDIS_URL``, else SqliteHuey in ``JOBS_FILE`` (default ``instance/jobs.sqlite3``)."""
    name = app.config["JOBS_QUEUE"]
    if app.config.get("REDIS_URL"):
        return RedisHuey(name, url=app.config["REDIS_URL"], utc=True, results=False)
    path = Path(app.config.get("JOBS_FILE") or Path(app.instance_path) / "jobs.sqlite3")
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(path), utc=True, results=False)


def make_jobs(app: Flask) -> Jobs:
    """The queue with its three tasks: deliver now, the minute sweep, and reminders every quarter hour.

    Delivering covers both outboxes: mail, and the integration outbox (xAPI statements)."""
    from .interop.delivery import deliver_due as deliver_integrations
    from .mail.delivery import deliver_due
    from .passback import deliver_scores

    huey = make_huey(app)

    def deliver_all() -> list[datetime]:
        """Deliver the outboxes (mail, xAPI statements, LTI scores); when their next retries are due."""
        retries = list(deliver_due(app).retry_at.values())
        for name, deliver_other in (("integration", deliver_integrations), ("grade passback", deliver_scores)):
            try:
                retries += deliver_other(app).retry_at.values()
            except Exception:  # noqa: BLE001 - mail must not wait on another system; the sweep tries again
                log.exception("delivering the %s outbox failed", name)
        return retries

    def deliver_and_follow_up() -> None:
        retries = deliver_all()
        if retries:  # the earliest retry, to the second (the sweep runs only once a minute)
            deliver.schedule(eta=min(retries))

    deliver = huey.task(name="deliver_outbox")(deliver_and_follow_up)

    @huey.periodic_task(crontab(minute="*"), name="sweep_outbox")
    def sweep() -> None:
        deliver_all()

    @huey.periodic_task(crontab(minute="*/15"), name="send_reminders")
    def send_reminders() -> None:
        _plan, queued = run_reminders(app)
        if queued:
            log.info("%d reminder(s) and digest(s) queued", queued)
            deliver_due(app)

    return Jobs(huey, deliver, send_reminders)


def jobs_of(app: Flask) -> Jobs:
    """The app's queue, made on first use (so apps that never queue anything open no store)."""
    app = app._get_current_object() if hasattr(app, "_get_current_object") else app  # tasks outlive the context
    if KEY not in app.extensions:
        app.extensions[KEY] = make_jobs(app)
    return app.extensions[KEY]  # type: ignore[no-any-return]
