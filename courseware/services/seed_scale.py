"""Synthetic learners for scale: cohorts of at most 1,000, a mentor per ~50 learners, progress and graded attempts.

Everything is written with bulk ``insert`` statements in batches; attempts are copies of a pool of answer sets
graded once each by the real grading code, so the stored items obey the same rules as a learner's own.
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


@dataclass(frozen=True)
class _Template:
    score: float
    attempt: dict[str, Any]
    items: list[dict[str, Any]]


def _templates(quiz: Quiz, model: str, rng: random.Random) -> list[_Template]:
    """A pool of graded answer sets, weakest to strongest."""
    pool = []
    for i in range(POOL):
        skill = 0.3 + 0.68 * i / (POOL - 1)
        answers = simulated_answers(quiz, model, skill, rng)
        result = grade(quiz, answers, model)
        seed = rng.randrange(2**31)
        attempt = {"quiz_id": quiz.id, "state": "submitted", "model": model, "seed": seed,
                   "layout": make_layout(quiz, seed), "answers": answers, "points": float(result.points),
                   "max_points": float(result.max_points), "score": result.score, "passed": result.passed}
        items = [{**item_row(item), "quiz_id": quiz.id} for item in result.items]
        pool.append(_Template(result.score, attempt, items))
    pool.sort(key=lambda t: t.score)
    return pool


def _next_id(session: Session, column: Any) -> int:
    return int(session.scalar(select(func.max(column))) or 0) + 1


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
    """Add ``count`` synthetic learners in cohorts of at most 1,000, each mentor (named ones first) caring for ~50."""
    # One shared hash: hashing 100,000 passwords one by one would take hours.
    password_hash = generate_password_hash(password, method="scrypt")
    now = utcnow()
    first_user = _next_id(session, User.id)
    cohort_list = _make_cohorts(session, count, today)
    n_mentors = max(len(named_mentor_ids), round(count / CASELOAD))
    mentor_ids = named_mentor_ids + list(range(first_user + count, first_user + count + n_mentors - len(named_mentor_ids)))
    _insert_users(session, mentor_ids[len(named_mentor_ids):], password_hash, now, rng, role="mentor")

    bank = list(quizzes or ())
    templates = {(q.id, m): _templates(q, m, rng) for q in bank for m in MODELS}
    module_quizzes = {q.module: q for q in bank if q.module}
    final = [q for q in bank if not q.module]
    next_attempt = _next_id(session, Attempt.id)
    attempts = 0
    for offset in range(0, count, BATCH):
        ids = list(range(first_user + offset, first_user + min(offset + BATCH, count)))
        cohort_of = {i: cohort_list[(i - first_user) // COHORT_SIZE] for i in ids}
        _insert_users(session, ids, password_hash, now, rng, role="learner", cohort_of={i: c.id for i, c in cohort_of.items()})
        session.execute(insert(Mentorship), [
            {"mentor_id": mentor_ids[(i - first_user) * len(mentor_ids) // count], "mentee_id": i,
             "created_at": now - timedelta(days=rng.randint(1, 60))} for i in ids
        ])
        progress_rows, attempt_rows, item_rows = [], [], []
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
                attempt_rows.append({**pick.attempt, "id": next_attempt, "user_id": i, "number": number,
                                     "started_at": when - timedelta(minutes=rng.randint(6, 40)), "submitted_at": when})
                item_rows += [{**item, "attempt_id": next_attempt, "user_id": i} for item in pick.items]
                next_attempt += 1
        tables = (ModuleProgress.__table__, Attempt.__table__, AttemptItem.__table__)
        for rows, table in zip((progress_rows, attempt_rows, item_rows), tables, strict=True):
            for start in range(0, len(rows), 20_000):
                # A Core insert on the table: one executemany per chunk, without the ORM's per-row bookkeeping.
                session.execute(insert(table), rows[start:start + 20_000])  # type: ignore[arg-type]
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


def _insert_users(session: Session, ids: Iterable[int], password_hash: str, now: datetime, rng: random.Random, *,
                  role: str, cohort_of: dict[int, int] | None = None) -> None:
    ids = list(ids)
    if not ids:
        return
    kind = "Learner" if role == "learner" else "Mentor"
    session.execute(insert(User), [
        {"id": i, "email": f"{role}{i}@synthetic.example.com", "display_name": f"Synthetic {kind} {i}",
         "password_hash": password_hash, "active": True, "session_token": new_session_token(),
         "created_at": now - timedelta(days=rng.randint(30, 150)), "last_seen_at": now - timedelta(hours=rng.randint(1, 720)),
         "cohort_id": (cohort_of or {}).get(i)}
        for i in ids
    ])
    session.execute(insert(UserRole), [{"user_id": i, "role": role} for i in ids])


def _progress_rows(user_id: int, path: tuple[str, ...], done: int, now: datetime, rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    started = now - timedelta(days=rng.randint(20, 90))
    for module_id in path[:done]:
        completed = started + timedelta(minutes=rng.randint(5, 120))
        rows.append({"user_id": user_id, "module_id": module_id, "started_at": started, "completed_at": completed})
        started = min(now - timedelta(minutes=5), completed + timedelta(hours=rng.randint(2, 72)))
    if done < len(path) and rng.random() < 0.6:  # reading the next one
        rows.append({"user_id": user_id, "module_id": path[done], "started_at": started, "completed_at": None})
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
