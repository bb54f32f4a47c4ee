"""Fault drills against the real server (gunicorn in a subprocess, the project's gunicorn.conf.py).

- a worker killed during a quiz submit: the browser's retry grades the attempt exactly once;
- PostgreSQL connections terminated during load: no confirmed write lost, users see 503, never 500.
(The content folder broken at start is drilled in test_startup.py.)
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import threading
import time
from collections import Counter
from http.client import HTTPException

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from courseware.core.grading import grade
from courseware.persistence.db import sqlite_file, upgrade
from courseware.persistence.models import Attempt, AttemptItem, MentorNote
from courseware.services import cohorts, progress
from courseware.services.attempts import start_attempt
from courseware.state import state_of
from tests.conftest import PASSWORD, POSTGRES_URL, _drop_postgres, _fresh_postgres, make_user
from tests.faults.client import Browser
from tests.faults.outage import terminate_backends
from tests.faults.servers import OUTPUT, free_port, server_env, serving, worker_pids

ANSWERS = {"q1": "am"}


def _postgres_waiting_on_a_lock(database_url: str) -> bool:
    name = database_url.rsplit("/", 1)[1]
    admin = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1))  # type: ignore[union-attr]
    with admin.connect() as conn:
        waiting = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = :name "
                                    "AND wait_event_type = 'Lock'"), {"name": name}).scalar()
    admin.dispose()
    return bool(waiting)


def test_a_worker_killed_during_a_submit_and_the_retry_grades_once(app: Flask, database_url: str, people,  # type: ignore[no-untyped-def]
                                                                    db: Session) -> None:
    quiz = state_of(app).quizzes.get("scope-check")
    assert quiz is not None
    state = state_of(app)
    for module_id in ("intro", "basics"):  # the quiz opens once its module's prerequisites are complete
        progress.complete_module(db, state.catalog, people["learner"].id, module_id, rule=state.completion)
    attempt = start_attempt(db, quiz, people["learner"].id, "separate", catalog=state.catalog, rule=state.completion)
    db.commit()
    attempt_id = attempt.id
    expected = grade(quiz, ANSWERS, "separate")
    port = free_port()
    with serving(server_env(database_url, port, WEB_CONCURRENCY="1"), port) as server:
        browser = Browser(port)
        browser.sign_in("learner@example.com", PASSWORD)
        form = {"csrf_token": browser.token(f"/attempts/{attempt_id}"), "q__q1": "am"}
        # Hold the lock the submit needs, so the worker is caught in the middle of it.
        if database_url.startswith("sqlite"):
            blocker = sqlite3.connect(str(sqlite_file(database_url)), isolation_level=None)
            blocker.execute("BEGIN IMMEDIATE")  # the write lock every POST takes first
        else:
            blocker_engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
            blocker_conn = blocker_engine.connect()
            blocker_conn.execute(text("SELECT id FROM attempts WHERE id = :id FOR UPDATE"), {"id": attempt_id})
        outcome: dict[str, object] = {}

        def submit() -> None:
            try:
                outcome["status"] = browser.request("POST", f"/attempts/{attempt_id}", form)[0]
            except (HTTPException, ConnectionError, OSError) as exc:
                outcome["error"] = exc

        first = threading.Thread(target=submit)
        first.start()
        deadline = time.monotonic() + 20
        if database_url.startswith("sqlite"):
            time.sleep(1.0)  # SQLite cannot tell who waits; the request reaches the worker in milliseconds
        else:
            while not _postgres_waiting_on_a_lock(database_url):
                assert time.monotonic() < deadline, "the submit never reached the attempt row"
                time.sleep(0.05)
        [worker] = worker_pids(server.pid)
        os.kill(worker, signal.SIGKILL)
        first.join(20)
        assert "error" in outcome and "status" not in outcome  # the browser saw the connection drop
        if database_url.startswith("sqlite"):
            blocker.execute("ROLLBACK")
            blocker.close()
        else:
            blocker_conn.rollback()
            blocker_conn.close()
            blocker_engine.dispose()
        db.rollback()
        assert db.get(Attempt, attempt_id).state == "open"  # type: ignore[union-attr]  # nothing half-written
        # The browser retries the same form (same token): the new worker grades it.
        deadline = time.monotonic() + 20
        while True:
            try:
                status = browser.request("POST", f"/attempts/{attempt_id}", form)[0]
                break
            except (HTTPException, ConnectionError, OSError):  # the master is still starting the new worker
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert status == 302
        assert browser.request("POST", f"/attempts/{attempt_id}", form)[0] == 302  # a second retry changes nothing
        assert browser.request("GET", f"/attempts/{attempt_id}")[0] == 200
        assert worker_pids(server.pid) != [worker]
    db.rollback()
    db.expire_all()
    graded = db.get(Attempt, attempt_id)
    assert graded is not None and graded.state == "submitted" and graded.score == pytest.approx(expected.score)
    items = db.scalar(select(func.count()).select_from(AttemptItem).where(AttemptItem.attempt_id == attempt_id))
    assert items == sum(len(q.items) for q in expected.questions)
    assert db.scalar(select(func.count()).select_from(Attempt).where(Attempt.state == "submitted")) == 1


if POSTGRES_URL:  # a PostgreSQL fault: there are no server connections to terminate on SQLite
    def test_terminating_postgres_connections_under_load_loses_no_confirmed_write() -> None:
        """8 browsers read and write for 8 s while every connection to the database is terminated every 0.5 s."""
        assert POSTGRES_URL
        url = _fresh_postgres(POSTGRES_URL)
        try:
            upgrade(url)
            _drill_under_load(url)
        finally:
            _drop_postgres(POSTGRES_URL, url)


def _seed(url: str, mentors: int, mentees_each: int) -> list[tuple[str, int]]:
    """Mentors with mentees; returns (mentor email, a mentee id) pairs."""
    from courseware.app import create_app
    from tests.conftest import make_config

    app = create_app(make_config(url))
    pairs = []
    with state_of(app).sessions() as session:
        for m in range(mentors):
            mentor = make_user(session, f"m{m}@example.com", ("mentor",))
            for n in range(mentees_each):
                learner = make_user(session, f"l{m}-{n}@example.com")
                cohorts.assign_mentor(session, mentor, learner)
                session.commit()
            pairs.append((mentor.email, learner.id))
    state_of(app).engine.dispose()
    return pairs


def _drill_under_load(url: str) -> None:
    pairs = _seed(url, mentors=8, mentees_each=2)
    port = free_port()
    statuses: Counter[int] = Counter()
    confirmed: list[str] = []
    unconfirmed: list[str] = []
    failures: list[str] = []
    stop = threading.Event()
    ended = Counter[str]()
    lock = threading.Lock()
    name = url.rsplit("/", 1)[1]

    def browse(email: str, mentee: int, index: int) -> None:
        browser = Browser(port, timeout=30)
        try:
            while True:  # sign-in itself may meet a terminated connection: try again, as a person would
                try:
                    browser.sign_in(email, PASSWORD)
                    break
                except AssertionError:
                    time.sleep(0.1)
            n = 0
            while not stop.is_set():
                n += 1
                body = f"drill note {index}-{n}"
                if random.random() < 0.5:
                    status, _, _ = browser.request("POST", f"/mentor/mentees/{mentee}/notes",
                                                   {"csrf_token": _token(browser, mentee), "body": body})
                    with lock:
                        (confirmed if status == 302 else unconfirmed).append(body)
                else:
                    status, _, _ = browser.request("GET", random.choice(["/", f"/mentor/mentees/{mentee}", "/mentor/"]))
                with lock:
                    statuses[status] += 1
        except (HTTPException, OSError) as exc:  # a hung or dropped request is a failure too
            with lock:
                failures.append(f"{email} at {time.strftime('%T')}: {exc!r}")

    def terminate() -> None:
        while not stop.is_set():
            ended["backends"] += terminate_backends(name)
            time.sleep(0.5)

    with serving(server_env(url, port, WEB_CONCURRENCY="4"), port):
        threads = [threading.Thread(target=browse, args=(email, mentee, i)) for i, (email, mentee) in enumerate(pairs)]
        threads.append(threading.Thread(target=terminate))
        for thread in threads:
            thread.start()
        time.sleep(8)
        stop.set()
        for thread in threads:
            thread.join(60)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with Session(engine) as session:
        stored = set(session.scalars(select(MentorNote.body)))
    engine.dispose()
    assert ended["backends"] > 30  # the drill really ended connections
    assert failures == [], OUTPUT[port][-3000:]
    assert statuses[500] == 0 and set(statuses) <= {200, 302, 503}, (statuses, OUTPUT[port][-6000:])
    assert statuses[200] + statuses[302] > 50
    assert [body for body in confirmed if body not in stored] == []  # every confirmed note is there
    print(f"drill: {dict(statuses)}, {len(confirmed)} confirmed notes, {len(unconfirmed)} answered 503, "
          f"{ended['backends']} backends terminated")


def _token(browser: Browser, mentee: int) -> str:
    while True:
        try:
            return browser.token(f"/mentor/mentees/{mentee}")
        except AssertionError:  # a 503 page has no form: look again
            time.sleep(0.05)


