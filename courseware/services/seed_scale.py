"""Synthetic learners for scale: cohorts of at most 1,000, a mentor per ~50 learners, progress and graded attempts.

Rows are made in Python in batches and written by the database driver (``persistence/bulk.py``: executemany on
SQLite, COPY on PostgreSQL); attempts are copies of a pool of answer sets graded once each by the real grading code,
so the stored items obey the same rules as a learner's own.  100,000 learners take a few minutes on either database.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from ..core.grading import grade
from ..core.operating_model import MODELS, resolve_model
from ..core.quiz import Quiz, QuizBank, make_layout
from ..persistence.base import utcnow
from ..persistence.bulk import Loader
from ..persistence.models import (
    Assignment,
    Attempt,
    AttemptItem,
    Cohort,
    Mentorship,
    ModuleProgress,
    User,
    UserRole,
)
from .accounts import new_session_token
from .attempts import item_row

COHORT_SIZE = 1000
CASELOAD = 50
BATCH = 2000
POOL = 48  # graded answer sets per quiz and model


@dataclass(frozen=True)
class ScaleResult:
    """What the synthetic seeding created."""

    learners: int
    mentors: int
    cohorts: int
    attempts: int


def simulated_answers(quiz: Quiz, model: str, skill: float, rng: random.Random) -> dict[str, Any]:
    """Answers a learner of this skill (0–1) might give, each question's drawn by its own type (``simulate``)."""
    answers: dict[str, Any] = {}
    for q in quiz.questions:
        answer = q.simulate(model, skill, rng)
        if answer is not None:
            answers[q.id] = answer
    return answers


ATTEMPT_KEYS = ["id", "user_id", "number", "started_at", "submitted_at"]  # per attempt
ATTEMPT_SHARED = ["quiz_id", "state", "model", "seed", "layout", "answers", "points", "max_points", "score", "passed"]
ITEM_KEYS = ["attempt_id", "user_id"]  # per attempt
ITEM_SHARED = ["quiz_id", "question_id", "item_id", "kind", "area", "expected", "given", "correct", "misrouted",
               "points", "max_points", "reason"]


@dataclass(frozen=True)
class _Template:
    """One graded answer set, its columns already converted for the driver (``bulk.Loader.wire``)."""

    score: float
    attempt: tuple[Any, ...]  # ATTEMPT_SHARED
    items: list[tuple[Any, ...]]  # ITEM_SHARED, one per graded item


def _templates(session: Session, quiz: Quiz, model: str, rng: random.Random) -> list[_Template]:
    """A pool of graded answer sets, weakest to strongest."""
    attempts = Loader(session, Attempt.__table__, ATTEMPT_SHARED)  # type: ignore[arg-type]
    items = Loader(session, AttemptItem.__table__, ITEM_SHARED)  # type: ignore[arg-type]
    pool = []
    for i in range(POOL):
        skill = 0.3 + 0.68 * i / (POOL - 1)
        answers = simulated_answers(quiz, model, skill, rng)
        result = grade(quiz, answers, model)
        seed = rng.randrange(2**31)
        attempt = attempts.wire((quiz.id, "submitted", model, seed, make_layout(quiz, seed), answers,
                                 float(result.points), float(result.max_points), result.score, result.passed))
        graded = [{**item_row(item), "quiz_id": quiz.id} for item in result.items]
        rows = [items.wire([values[c] for c in ITEM_SHARED]) for values in graded]
        pool.append(_Template(result.score, attempt, rows))
    pool.sort(key=lambda t: t.score)
    return pool


def _next_id(session: Session, column: Any) -> int:
    return int(session.scalar(select(func.max(column))) or 0) + 1


@dataclass
class _Loaders:
    """One bulk loader per table written (``persistence/bulk.py``): the driver's executemany or COPY."""

    users: Loader
    roles: Loader
    mentorships: Loader
    progress: Loader
    attempts: Loader
    items: Loader

    @classmethod
    def of(cls, session: Session) -> _Loaders:
        def loader(model: Any, columns: list[str]) -> Loader:
            return Loader(session, model.__table__, columns)

        return cls(
            users=loader(User, ["id", "email", "display_name", "password_hash", "active", "session_token", "created_at",
                                "last_seen_at", "cohort_id"]),
            roles=loader(UserRole, ["user_id", "role"]),
            mentorships=loader(Mentorship, ["mentor_id", "mentee_id", "created_at"]),
            progress=loader(ModuleProgress, ["user_id", "module_id", "started_at", "completed_at"]),
            attempts=loader(Attempt, ATTEMPT_KEYS + ATTEMPT_SHARED),
            items=loader(AttemptItem, ITEM_KEYS + ITEM_SHARED),
        )


def seed_synthetic(
    session: Session,
    path: tuple[str, ...],
    count: int,
    password: str,
    rng: random.Random,
    *,
    quizzes: QuizBank | None,
    named_mentor_ids: list[int],
    default_model: str,
    today: date,
) -> ScaleResult:
    """Add ``count`` synthetic learners in cohorts of at most 1,000, each mentor (named ones first) caring for ~50.

    Rows are made in Python in batches of learners and written by the driver (``persistence/bulk.py``: executemany
    on SQLite, COPY on PostgreSQL), without the ORM or SQLAlchemy's per-row parameters; the caller rebuilds the
    rollups and runs ANALYZE (``seed.seed_demo``)."""
    # One shared hash: hashing 100,000 passwords one by one would take hours.
    password_hash = generate_password_hash(password, method="scrypt")
    now = utcnow()
    session.flush()
    first_user = _next_id(session, User.id)
    cohort_list = _make_cohorts(session, count, today)
    n_mentors = max(len(named_mentor_ids), round(count / CASELOAD))
    mentor_ids = named_mentor_ids + list(range(first_user + count, first_user + count + n_mentors - len(named_mentor_ids)))
    load = _Loaders.of(session)
    _insert_users(load, mentor_ids[len(named_mentor_ids):], password_hash, now, rng, role="mentor")

    bank = list(quizzes or ())
    templates = {(q.id, m): _templates(session, q, m, rng) for q in bank for m in MODELS}
    module_quizzes = {q.module: q for q in bank if q.module}
    final = [q for q in bank if not q.module]
    to_wire = load.attempts.processor("started_at")
    next_attempt = _next_id(session, Attempt.id)
    attempts = 0
    for offset in range(0, count, BATCH):
        ids = range(first_user + offset, first_user + min(offset + BATCH, count))
        cohort_of = {i: cohort_list[(i - first_user) // COHORT_SIZE] for i in ids}
        _insert_users(load, ids, password_hash, now, rng, role="learner", cohort_of={i: c.id for i, c in cohort_of.items()})
        load.mentorships.write(
            (mentor_ids[(i - first_user) * len(mentor_ids) // count], i, now - timedelta(days=rng.randint(1, 60)))
            for i in ids
        )
        progress_rows: list[tuple[Any, ...]] = []
        attempt_rows: list[tuple[Any, ...]] = []
        item_rows: list[tuple[Any, ...]] = []
        for i in ids:
            done = rng.randint(0, len(path))
            skill = min(0.97, max(0.3, 0.45 + 0.4 * done / max(1, len(path)) + rng.uniform(-0.2, 0.2)))
            progress_rows += _progress_rows(i, path, done, now, rng)
            model = resolve_model(None, cohort_of[i].operating_model, default_model)
            eligible = [module_quizzes[m] for m in path[:done] if m in module_quizzes]
            if done == len(path):
                eligible += final
            for quiz, number, when in _attempt_plan(eligible, now, rng):
                pool = templates[(quiz.id, model)]
                improved = min(0.99, skill + 0.12 * (number - 1))
                pick = pool[min(len(pool) - 1, max(0, int(improved * len(pool) + rng.uniform(-6, 6))))]
                started = when - timedelta(minutes=rng.randint(6, 40))
                attempt_rows.append((next_attempt, i, number, to_wire(started), to_wire(when)) + pick.attempt)
                keys = (next_attempt, i)
                item_rows += [keys + item for item in pick.items]
                next_attempt += 1
        load.progress.write(progress_rows)
        load.attempts.write(attempt_rows, wired=True)
        load.items.write(item_rows, wired=True)
        attempts += len(attempt_rows)
    _add_cohort_assignments(session, cohort_list, path, quizzes, today)
    _fix_sequences(session)
    return ScaleResult(count, n_mentors - len(named_mentor_ids), len(cohort_list), attempts)


def _make_cohorts(session: Session, count: int, today: date) -> list[Cohort]:
    taken = session.scalar(select(func.count()).select_from(Cohort).where(Cohort.name.like("Synthetic intake %"))) or 0
    made = []
    for k in range(math.ceil(count / COHORT_SIZE)):
        number = taken + k + 1
        cohort = Cohort(name=f"Synthetic intake {number:03d}", start_date=today - timedelta(days=14 * (k % 26) + 7),
                        operating_model="hybrid" if number % 3 == 0 else None, created_at=utcnow())
        session.add(cohort)
        made.append(cohort)
    session.flush()
    return made


def _insert_users(load: _Loaders, ids: Iterable[int], password_hash: str, now: datetime, rng: random.Random, *,
                  role: str, cohort_of: dict[int, int] | None = None) -> None:
    ids = list(ids)
    if not ids:
        return
    kind = "Learner" if role == "learner" else "Mentor"
    cohorts = cohort_of or {}
    load.users.write(
        (i, f"{role}{i}@synthetic.example.com", f"Synthetic {kind} {i}", password_hash, True, new_session_token(),
         now - timedelta(days=rng.randint(30, 150)), now - timedelta(hours=rng.randint(1, 720)), cohorts.get(i))
        for i in ids
    )
    load.roles.write((i, role) for i in ids)


def _progress_rows(user_id: int, path: tuple[str, ...], done: int, now: datetime,
                   rng: random.Random) -> list[tuple[Any, ...]]:
    """(user_id, module_id, started_at, completed_at): the first ``done`` modules completed in order, maybe the next
    one opened."""
    rows: list[tuple[Any, ...]] = []
    started = now - timedelta(days=rng.randint(20, 90))
    latest = now - timedelta(minutes=5)
    for module_id in path[:done]:
        completed = started + timedelta(minutes=rng.randint(5, 120))
        rows.append((user_id, module_id, started, completed))
        started = min(latest, completed + timedelta(hours=rng.randint(2, 72)))
    if done < len(path) and rng.random() < 0.6:  # reading the next one
        rows.append((user_id, path[done], started, None))
    return rows


def _attempt_plan(eligible: list[Quiz], now: datetime, rng: random.Random) -> list[tuple[Quiz, int, datetime]]:
    """Which quizzes a learner tried, how many times each (at most the quiz's limit), and when: ~4.5 attempts."""
    if not eligible:
        return []
    plan: list[tuple[Quiz, int, datetime]] = []
    used: dict[str, int] = {}
    for _ in range(rng.randint(3, 6)):
        quiz = rng.choice(eligible)
        number = used.get(quiz.id, 0) + 1
        if quiz.max_attempts is not None and number > quiz.max_attempts:
            continue
        used[quiz.id] = number
        plan.append((quiz, number, now - timedelta(days=rng.randint(1, 60), minutes=rng.randint(0, 600))))
    # Later attempts at the same quiz happen later.
    plan.sort(key=lambda p: (p[0].id, p[1]))
    by_quiz: dict[str, list[datetime]] = {}
    for quiz, _n, when in plan:
        by_quiz.setdefault(quiz.id, []).append(when)
    return [(quiz, number, sorted(by_quiz[quiz.id])[number - 1]) for quiz, number, _w in plan]


def _add_cohort_assignments(session: Session, cohort_list: list[Cohort], path: tuple[str, ...],
                            quizzes: QuizBank | None, today: date) -> None:
    """Each synthetic cohort: an overdue module and a quiz due soon."""
    rows = []
    quiz = next(iter(quizzes or ()), None)
    module_id = path[min(5, len(path) - 1)] if path else None
    for cohort in cohort_list:
        if module_id:
            rows.append({"kind": "module", "item_id": module_id, "cohort_id": cohort.id, "due_on": today - timedelta(days=7),
                         "created_at": utcnow()})
        if quiz is not None:
            rows.append({"kind": "quiz", "item_id": quiz.id, "cohort_id": cohort.id, "due_on": today + timedelta(days=5),
                         "created_at": utcnow()})
    if rows:
        session.execute(insert(Assignment), rows)


def analyze(session: Session) -> None:
    """Refresh the planner's statistics after bulk seeding: without them PostgreSQL plans 100k learners as if the
    tables were empty (SQLite's planner reads sqlite_stat1 too)."""
    session.execute(text("ANALYZE"))


def _fix_sequences(session: Session) -> None:
    """After inserting explicit ids, move PostgreSQL's id sequences past them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("users", "attempts"):
        session.execute(text(f"SELECT setval('{table}_id_seq', (SELECT COALESCE(MAX(id), 1) FROM {table}))"))
