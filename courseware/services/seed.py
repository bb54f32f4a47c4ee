"""The demo organisation: named people with varied progress, and synthetic learners for scale."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from ..core.catalog import Catalog
from ..persistence.base import utcnow
from ..persistence.models import ModuleProgress, User, UserRole
from .accounts import create_user, new_session_token

NAMED = [
    ("admin@example.com", "Alex Admin", ("admin",)),
    ("mentor@example.com", "Morgan Mentor", ("mentor",)),
    ("mentor2@example.com", "Sam Second-Mentor", ("mentor",)),
    ("learner@example.com", "Lee Learner", ("learner",)),
    ("priya@example.com", "Priya Patel", ("learner",)),
    ("jordan@example.com", "Jordan Reyes", ("learner",)),
    ("casey@example.com", "Casey Morgan", ("learner",)),
    ("taylor@example.com", "Taylor Brooks", ("learner",)),
    ("riley@example.com", "Riley Chen", ("learner",)),
    ("devon@example.com", "Devon Okafor", ("learner",)),
]
# How far along each named learner is, as a share of the path (the demo learner has begun).
PROGRESS_SHARE = {
    "learner@example.com": 0.2, "priya@example.com": 1.0, "jordan@example.com": 0.65,
    "casey@example.com": 0.4, "taylor@example.com": 0.1, "riley@example.com": 0.0, "devon@example.com": 0.85,
}


@dataclass(frozen=True)
class SeedResult:
    """What seeding created: the sign-in list and how many synthetic learners."""

    logins: list[tuple[str, str, str]]
    synthetic: int


def seed_demo(session: Session, catalog: Catalog, *, password: str, learners: int = 0, rng_seed: int = 7) -> SeedResult:
    """Create the demo organisation (idempotent for the named people) and ``learners`` synthetic ones."""
    rng = random.Random(rng_seed)
    now = utcnow()
    logins = []
    path = catalog.module_ids
    for email, name, roles in NAMED:
        existing = session.scalar(select(User).where(User.email == email))
        if existing is None:
            user = create_user(session, email=email, display_name=name, password=password, roles=roles)
            share = PROGRESS_SHARE.get(email)
            if share is not None:
                _add_progress(session, user.id, path, share, now, rng)
        logins.append((email, name, ", ".join(roles)))
    synthetic = _seed_synthetic(session, path, learners, password, rng) if learners else 0
    session.flush()
    return SeedResult(logins, synthetic)


def _add_progress(session: Session, user_id: int, path: tuple[str, ...], share: float, now, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
    done = round(len(path) * share)
    for i, module_id in enumerate(path[: done + (1 if done < len(path) and share > 0 else 0)]):
        started = now - timedelta(days=30 - i, hours=rng.randint(0, 8))
        completed = started + timedelta(minutes=rng.randint(8, 90)) if i < done else None
        session.add(ModuleProgress(user_id=user_id, module_id=module_id, started_at=started, completed_at=completed))


def _seed_synthetic(session: Session, path: tuple[str, ...], count: int, password: str, rng: random.Random) -> int:
    # One shared hash: hashing 100,000 passwords one by one would take hours.
    password_hash = generate_password_hash(password, method="scrypt")
    now = utcnow()
    start = (session.scalar(select(User.id).order_by(User.id.desc()).limit(1)) or 0) + 1
    batch = 2000
    for offset in range(0, count, batch):
        ids = range(start + offset, start + min(offset + batch, count))
        session.execute(insert(User), [
            {"id": i, "email": f"learner{i}@synthetic.example.com", "display_name": f"Synthetic Learner {i}",
             "password_hash": password_hash, "active": True, "session_token": new_session_token(),
             "created_at": now - timedelta(days=rng.randint(1, 120))}
            for i in ids
        ])
        session.execute(insert(UserRole), [{"user_id": i, "role": "learner"} for i in ids])
        rows = []
        for i in ids:
            done = rng.randint(0, len(path))
            for _j, module_id in enumerate(path[:done]):
                started = now - timedelta(days=rng.randint(1, 90))
                rows.append({"user_id": i, "module_id": module_id, "started_at": started,
                             "completed_at": started + timedelta(minutes=rng.randint(5, 120))})
        if rows:
            session.execute(insert(ModuleProgress), rows)
    _fix_sequence(session)
    return count


def _fix_sequence(session: Session) -> None:
    """After inserting explicit ids, move PostgreSQL's id sequence past them."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.setval("users_id_seq", select(func.max(User.id)).scalar_subquery())))
