"""The demo organisation: named people in cohorts with mentors, progress, assignments and graded attempts,
and synthetic learners for scale (see ``seed_scale``)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..core.catalog import Catalog
from ..core.errors import NotYetAvailable
from ..core.progress import completion_rule
from ..core.quiz import QuizBank
from ..persistence import rollups
from ..persistence.base import utcnow
from ..persistence.models import Attempt, Cohort, ModuleProgress, User
from . import assignments, cohorts
from .accounts import create_user
from .attempts import start_attempt, submit_attempt
from .organisation import effective_model, get_organisation, organisation_today
from .seed_scale import analyze, seed_synthetic, simulated_answers

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
# How far along each named learner is, as a share of the path (the demo learner has read the foundations up to
# the knowledge areas, so the first knowledge-area quizzes are open to them).
PROGRESS_SHARE = {
    "learner@example.com": 0.28, "priya@example.com": 1.0, "jordan@example.com": 0.65,
    "casey@example.com": 0.4, "taylor@example.com": 0.1, "riley@example.com": 0.0, "devon@example.com": 0.85,
}
# (name, operating model, start: days before today, members)
COHORTS = [
    ("Autumn 2026 new hires", "separate", 70,
     ("learner@example.com", "jordan@example.com", "casey@example.com", "taylor@example.com")),
    ("Hybrid AMs — small accounts", "hybrid", 120, ("priya@example.com", "devon@example.com")),
    ("Winter 2026 new hires", None, 6, ("riley@example.com",)),
]
MENTEES = {
    "mentor@example.com": ("learner@example.com", "jordan@example.com", "casey@example.com", "priya@example.com"),
    "mentor2@example.com": ("taylor@example.com", "riley@example.com", "devon@example.com"),
}
# Quiz attempts of the named learners: (quiz id, skill 0-1, days ago), in the order taken.
ATTEMPTS = {
    "learner@example.com": [("pmp-scope-quiz", 0.45, 9), ("pmp-scope-quiz", 0.7, 4), ("pmp-time-quiz", 0.55, 2)],
    "priya@example.com": [("pmp-scope-quiz", 0.9, 50), ("pmp-scope-quiz", 1.0, 48), ("pmp-time-quiz", 0.95, 46),
                          ("pmp-risk-quiz", 0.85, 40), ("pmp-quality-quiz", 0.95, 35), ("pmp-budget-quiz", 0.7, 30),
                          ("pmp-budget-quiz", 1.0, 29),
                          ("redundant-communication-quiz", 1.0, 26), ("lack-of-accountability-quiz", 1.0, 24),
                          ("role-friction-quiz", 1.0, 22), ("ideal-structure-quiz", 1.0, 18),
                          ("hybrid-model-quiz", 0.97, 12), ("choosing-a-structure-quiz", 1.0, 8),
                          ("final-assessment", 0.92, 3)],
    "jordan@example.com": [("pmp-scope-quiz", 0.6, 20), ("pmp-scope-quiz", 0.85, 18), ("pmp-time-quiz", 0.5, 14),
                           ("pmp-risk-quiz", 0.65, 9), ("pmp-budget-quiz", 0.4, 5), ("redundant-communication-quiz", 0.8, 1)],
    "casey@example.com": [("pmp-scope-quiz", 0.35, 6), ("pmp-scope-quiz", 0.5, 5)],
    "taylor@example.com": [("pmp-scope-quiz", 0.3, 3)],
    "devon@example.com": [("pmp-scope-quiz", 0.8, 60), ("pmp-time-quiz", 0.7, 55), ("pmp-risk-quiz", 0.75, 50),
                          ("pmp-budget-quiz", 0.55, 44), ("role-friction-quiz", 0.8, 30), ("ideal-structure-quiz", 0.85, 20),
                          ("hybrid-model-quiz", 0.6, 10), ("hybrid-model-quiz", 0.9, 8)],
}


@dataclass(frozen=True)
class SeedResult:
    """What seeding created: the sign-in list, how many synthetic learners, mentors and cohorts."""

    logins: list[tuple[str, str, str]]
    synthetic: int
    synthetic_mentors: int = 0
    synthetic_cohorts: int = 0
    synthetic_attempts: int = 0
    kept: tuple[str, ...] = ()  # named accounts that already existed: they keep their password


def seed_demo(
    session: Session,
    catalog: Catalog,
    *,
    password: str,
    learners: int = 0,
    rng_seed: int = 7,
    quizzes: QuizBank,
    today: date | None = None,
) -> SeedResult:
    """Create the demo organisation (idempotent for the named people) and ``learners`` synthetic ones."""
    rng = random.Random(rng_seed)
    today = today or organisation_today(session)
    now = utcnow()
    logins = []
    path = catalog.module_ids
    people: dict[str, User] = {}
    created: set[str] = set()
    for email, name, roles in NAMED:
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            user = create_user(session, email=email, display_name=name, password=password, roles=roles)
            created.add(email)
            share = PROGRESS_SHARE.get(email)
            if share is not None:
                _add_progress(session, user.id, path, share, now, rng)
                user.last_seen_at = now - timedelta(hours=rng.randint(2, 200))
        people[email] = user
        logins.append((email, name, ", ".join(roles)))
    new_cohorts = _seed_cohorts(session, people, created, today)
    _seed_mentorships(session, people, created)
    _seed_assignments(session, catalog, quizzes, people, created, new_cohorts, today)
    _seed_attempts(session, catalog, quizzes, people, created, now, rng)
    scale = None
    if learners:
        named_mentors = [people[e].id for e in MENTEES]
        scale = seed_synthetic(session, path, learners, password, rng, quizzes=quizzes, named_mentor_ids=named_mentors,
                               default_model=get_organisation(session).default_model, today=today)
    session.flush()
    # Bulk inserts and the backdated submits above are Core writes no session event sees: rewrite the rollups.
    rollups.rebuild(session, completion_rule(catalog, quizzes))
    if scale is not None:
        analyze(session)
    kept = tuple(email for email, _name, _roles in NAMED if email not in created)
    if scale is None:
        return SeedResult(logins, 0, kept=kept)
    return SeedResult(logins, scale.learners, scale.mentors, scale.cohorts, scale.attempts, kept=kept)


def _add_progress(session: Session, user_id: int, path: tuple[str, ...], share: float, now: datetime,
                  rng: random.Random) -> None:
    done = round(len(path) * share)
    for i, module_id in enumerate(path[: done + (1 if done < len(path) and share > 0 else 0)]):
        started = now - timedelta(days=30 - i, hours=rng.randint(0, 8))
        completed = started + timedelta(minutes=rng.randint(8, 90)) if i < done else None
        session.add(ModuleProgress(user_id=user_id, module_id=module_id, started_at=started, completed_at=completed))


def _seed_cohorts(session: Session, people: dict[str, User], created: set[str], today: date) -> dict[str, Cohort]:
    """The three demo cohorts (each created once); new named learners join theirs."""
    made = {}
    for name, model, days_ago, members in COHORTS:
        cohort = cohorts.cohort_by_name(session, name)
        if cohort is None:
            cohort = cohorts.create_cohort(session, name=name, start_date=today - timedelta(days=days_ago),
                                           operating_model=model)
            made[name] = cohort
        for email in members:
            if email in created:
                cohorts.set_cohort(session, people[email], cohort.id)
    return made


def _seed_mentorships(session: Session, people: dict[str, User], created: set[str]) -> None:
    for mentor, mentees in MENTEES.items():
        for mentee in mentees:
            if mentee in created:
                cohorts.assign_mentor(session, people[mentor], people[mentee])


def _seed_assignments(session: Session, catalog: Catalog, quizzes: QuizBank, people: dict[str, User],
                      created: set[str], new_cohorts: dict[str, Cohort], today: date) -> None:
    """Some work done, some overdue, some due soon — only for cohorts and people created now."""
    admin = people["admin@example.com"].id

    def assign(kind: str, item: str, days: int, *, cohort: str | None = None, email: str | None = None) -> None:
        exists = catalog.get(item) if kind == "module" else quizzes.get(item)
        if exists is None:
            return  # another course without this module or quiz
        assignments.create_assignment(
            session, kind=kind, item_id=item, due_on=today + timedelta(days=days), catalog=catalog, quizzes=quizzes,
            cohort_id=new_cohorts[cohort].id if cohort else None, user_id=people[email].id if email else None,
            created_by_id=admin,
        )

    if "Autumn 2026 new hires" in new_cohorts:
        assign("module", "pmp-scope", 5, cohort="Autumn 2026 new hires")
        assign("quiz", "pmp-scope-quiz", -4, cohort="Autumn 2026 new hires")
    if "Hybrid AMs — small accounts" in new_cohorts:
        assign("module", "hybrid-model", -10, cohort="Hybrid AMs — small accounts")
        assign("quiz", "hybrid-model-quiz", 12, cohort="Hybrid AMs — small accounts")
    if "Winter 2026 new hires" in new_cohorts:
        assign("module", "origins-of-confusion", 8, cohort="Winter 2026 new hires")
    if "learner@example.com" in created:
        assign("module", "am-defined", -2, email="learner@example.com")
        assign("quiz", "pmp-time-quiz", 3, email="learner@example.com")
    if "riley@example.com" in created:
        assign("module", "origins-of-confusion", -1, email="riley@example.com")


def _seed_attempts(session: Session, catalog: Catalog, quizzes: QuizBank, people: dict[str, User], created: set[str],
                   now: datetime, rng: random.Random) -> None:
    """Graded attempts through the quiz service itself, then dated in the past.

    The service's rules hold for the demo too: an attempt at a quiz whose module's prerequisites the learner
    has not completed (quizzes not passed, in another course) is left out.
    """
    rule = completion_rule(catalog, quizzes)
    for email, plan in ATTEMPTS.items():
        if email not in created:
            continue
        user = people[email]
        model = effective_model(session, user.id)
        for quiz_id, skill, days_ago in plan:
            quiz = quizzes.get(quiz_id)
            if quiz is None:
                continue
            try:
                attempt = start_attempt(session, quiz, user.id, model, seed=rng.randrange(2**31), catalog=catalog,
                                        rule=rule)
            except NotYetAvailable:
                continue
            submit_attempt(session, quiz, attempt, simulated_answers(quiz, model, skill, rng))
            submitted = now - timedelta(days=days_ago, hours=rng.randint(1, 9))
            session.execute(
                update(Attempt).where(Attempt.id == attempt.id)
                .values(started_at=submitted - timedelta(minutes=rng.randint(8, 30)), submitted_at=submitted)
                .execution_options(synchronize_session=False)
            )
