"""Reminders to learners (due in 3 days, due today, overdue: each once) and mentors' weekly digests.

What is due is decided by the one clock and the one overdue rule: ``organisation_today`` and
``core/schedule`` (``reminder_kind``), done by ``queries.assignment_done``.  When it goes out is the
person's own morning (their time zone, else the organisation's).  ``notices_sent`` has a unique row
per person, kind and subject (an assignment, a week), written with the outbox message in one
transaction: running twice, or in two workers at once, sends nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.catalog import Catalog
from ..core.progress import completion_rule
from ..core.quiz import QuizBank
from ..core.schedule import DUE_SOON_DAYS, local_now, reminder_kind
from ..persistence.dashboards.mentees import mentor_mentees
from ..persistence.follow_up import pending_attempt_requests
from ..persistence.models import Assignment, Attempt, Mentorship, SentNotice, User, UserRole
from ..persistence.queries import assignment_done
from . import accounts, outbox
from .assignments import item_title
from .organisation import organisation_today, read_organisation

DIGEST = "digest"


@dataclass(frozen=True)
class Schedule:
    """When reminders go out: from ``hour`` for ``window_hours`` in the person's zone; digests on ``digest_weekday``."""

    hour: int = 8
    window_hours: int = 4
    digest_weekday: int = 0  # Monday
    stalled_days: int = 14
    soon_days: int = DUE_SOON_DAYS

    def in_morning(self, local: datetime) -> bool:
        """Whether ``local`` (a person's local time) falls in the sending window."""
        return self.hour <= local.hour < self.hour + self.window_hours


@dataclass(frozen=True)
class Planned:
    """One message to send now: to whom, what it says, and the notices it records."""

    user_id: int
    email: str
    name: str
    kind: str  # reminder or digest
    notices: tuple[tuple[str, str], ...]  # (kind, subject)
    payload: dict[str, Any]

    def describe(self) -> list[str]:
        """Lines for the command line: the message and what it contains."""
        if self.kind == DIGEST:
            lines = [f"{self.email}: weekly digest, {len(self.payload['mentees'])} mentee(s) needing attention"]
            lines += [f"    {m['name']}: {', '.join(m['reasons'])}" for m in self.payload["mentees"]]
            return lines
        lines = [f"{self.email}: reminder, {len(self.payload['items'])} assignment(s)"]
        lines += [f"    {LABELS[i['reminder']]}: {i['title']} (due {i['due_on']})" for i in self.payload["items"]]
        return lines


LABELS = {"due_soon": "due soon", "due_today": "due today", "overdue": "overdue"}


@dataclass
class Plan:
    """What is due now, and how many people have something due but are outside their morning."""

    messages: list[Planned] = field(default_factory=list)
    later: int = 0


def _joined_and_active(role: str) -> Any:
    return (User.active.is_(True), accounts.has_password_sql(),
            User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))


def plan(session: Session, *, catalog: Catalog, quizzes: QuizBank, now: datetime, schedule: Schedule) -> Plan:
    """Every reminder and digest due at ``now`` and not sent before."""
    org = read_organisation(session)
    today = organisation_today(session, now)
    result = Plan()
    _plan_reminders(session, result, catalog, quizzes, now, today, org.time_zone, schedule)
    _plan_digests(session, result, catalog, quizzes, now, today, org.time_zone, schedule)
    return result


def _plan_reminders(session: Session, result: Plan, catalog: Catalog, quizzes: QuizBank, now: datetime, today: Any,
                    org_zone: str, schedule: Schedule) -> None:
    people = (select(User.id.label("user_id"), User.cohort_id, User.email, User.display_name, User.time_zone)
              .where(*_joined_and_active("learner"), User.email_reminders.is_(True)).subquery("people"))
    columns = (people.c.user_id, Assignment.id.label("assignment_id"), Assignment.kind.label("kind"),
               Assignment.item_id.label("item_id"), Assignment.due_on.label("due_on"))
    both = union_all(
        select(*columns).join(Assignment, Assignment.user_id == people.c.user_id),
        select(*columns).join(Assignment, Assignment.cohort_id == people.c.cohort_id),
    ).subquery("targets")
    rows = session.execute(
        select(both, people.c.email, people.c.display_name, people.c.time_zone)
        .join(people, people.c.user_id == both.c.user_id)
        .where(both.c.due_on <= today + timedelta(days=schedule.soon_days),
               ~assignment_done(completion_rule(catalog, quizzes), both.c.user_id, both.c.kind, both.c.item_id))
        .order_by(both.c.user_id, both.c.due_on, both.c.assignment_id)
    ).all()
    sent = _already_sent(session, {r.user_id for r in rows})
    items: dict[int, list[dict[str, Any]]] = defaultdict(list)
    person: dict[int, Any] = {}
    for r in rows:
        kind = reminder_kind(r.due_on, today, soon_days=schedule.soon_days)
        subject = f"assignment:{r.assignment_id}"
        if kind is None or (r.user_id, kind, subject) in sent:
            continue
        person[r.user_id] = r
        items[r.user_id].append({
            "assignment_id": r.assignment_id, "reminder": kind, "kind": r.kind, "item_id": r.item_id,
            "title": item_title(r.kind, r.item_id, catalog, quizzes) or r.item_id, "due_on": r.due_on.isoformat(),
        })
    for user_id, found in items.items():
        r = person[user_id]
        if not schedule.in_morning(local_now(now, r.time_zone, org_zone)):
            result.later += 1
            continue
        notices = tuple((i["reminder"], f"assignment:{i['assignment_id']}") for i in found)
        result.messages.append(Planned(user_id, r.email, r.display_name, "reminder", notices,
                                       {"items": found, "today": today.isoformat()}))


def _already_sent(session: Session, user_ids: set[int]) -> set[tuple[int, str, str]]:
    if not user_ids:
        return set()
    return {(u, k, s) for u, k, s in session.execute(
        select(SentNotice.user_id, SentNotice.kind, SentNotice.subject).where(SentNotice.user_id.in_(user_ids)))}


def _plan_digests(session: Session, result: Plan, catalog: Catalog, quizzes: QuizBank, now: datetime, today: Any,
                  org_zone: str, schedule: Schedule) -> None:
    mentors = session.execute(
        select(User.id, User.email, User.display_name, User.time_zone)
        .where(*_joined_and_active("mentor"), User.email_digest.is_(True),
               User.id.in_(select(Mentorship.mentor_id)))
        .order_by(User.id)
    ).all()
    for mentor in mentors:
        local = local_now(now, mentor.time_zone, org_zone)
        year, week, _ = local.isocalendar()
        subject = f"week:{year}-W{week:02d}"
        if (mentor.id, DIGEST, subject) in _already_sent(session, {mentor.id}):
            continue
        mentees = digest_mentees(session, mentor.id, catalog=catalog, quizzes=quizzes, now=now, today=today,
                                 stalled_days=schedule.stalled_days)
        if not mentees:
            continue
        if local.weekday() != schedule.digest_weekday or not schedule.in_morning(local):
            result.later += 1
            continue
        result.messages.append(Planned(mentor.id, mentor.email, mentor.display_name, DIGEST, ((DIGEST, subject),),
                                       {"week": subject.removeprefix("week:"), "mentees": mentees,
                                        "stalled_days": schedule.stalled_days, "today": today.isoformat()}))


def digest_mentees(session: Session, mentor_id: int, *, catalog: Catalog, quizzes: QuizBank, now: datetime, today: Any,
                   stalled_days: int) -> list[dict[str, Any]]:
    """The mentor's mentees who are overdue, stalled (no activity for ``stalled_days``) or failed their last attempt at a quiz."""
    table = mentor_mentees(session, mentor_id, rule=completion_rule(catalog, quizzes), today=today, per_page=None)
    ids = [row.id for row in table.rows]
    if not ids:
        return []
    created: dict[int, datetime] = {user_id: at for user_id, at in
                                    session.execute(select(User.id, User.created_at).where(User.id.in_(ids)))}
    failed = _failed_last_attempts(session, ids)
    asked: dict[int, list[str]] = defaultdict(list)  # requests for another attempt, waiting on the mentor
    for request in pending_attempt_requests(session, mentor_id):
        quiz = quizzes.get(request.quiz_id)
        asked[request.user_id].append(quiz.title if quiz is not None else request.quiz_id)
    found = []
    for row in table.rows:
        reasons = []
        if row.overdue:
            reasons.append(f"{row.overdue} overdue assignment{'s' if row.overdue != 1 else ''}")
        last = row.last_activity or created[row.id]
        idle = (now - last).days
        if idle >= stalled_days:
            reasons.append(f"no activity for {idle} days" if row.last_activity else f"no activity since joining {idle} days ago")
        quizzes_failed: list[dict[str, Any]] = []
        for quiz_id, score in failed.get(row.id, []):
            quiz = quizzes.get(quiz_id)
            title = quiz.title if quiz is not None else quiz_id
            quizzes_failed.append({"quiz": title, "score": score})
            reasons.append(f"failed the last attempt at {title} ({round(score or 0)} %)")  # scores are percentages
        reasons += [f"asked for another attempt at {title}" for title in asked.get(row.id, [])]
        if reasons:
            found.append({"id": row.id, "name": row.name, "email": row.email, "overdue": row.overdue,
                          "idle_days": idle if idle >= stalled_days else None, "failed": quizzes_failed, "reasons": reasons})
    return found


def _failed_last_attempts(session: Session, user_ids: list[int]) -> dict[int, list[tuple[str, float | None]]]:
    """(quiz id, score) per learner whose latest submitted attempt at a quiz failed, for quizzes never passed."""
    ranked = select(
        Attempt.user_id, Attempt.quiz_id, Attempt.passed, Attempt.score,
        func.row_number().over(partition_by=(Attempt.user_id, Attempt.quiz_id),
                               order_by=(Attempt.submitted_at.desc(), Attempt.id.desc())).label("n"),
        func.max(case((Attempt.passed.is_(True), 1), else_=0)).over(
            partition_by=(Attempt.user_id, Attempt.quiz_id)).label("ever_passed"),
    ).where(Attempt.state == "submitted", Attempt.user_id.in_(user_ids)).subquery()
    found: dict[int, list[tuple[str, float | None]]] = defaultdict(list)
    for r in session.execute(select(ranked).where(ranked.c.n == 1, ranked.c.passed.is_(False), ranked.c.ever_passed == 0)
                             .order_by(ranked.c.user_id, ranked.c.quiz_id)):
        found[r.user_id].append((r.quiz_id, r.score))
    return found


def send(session: Session, planned: list[Planned], now: datetime) -> int:
    """Queue each planned message with its notices in a savepoint; one already recorded by a parallel run is skipped."""
    queued = 0
    for message in planned:
        try:
            with session.begin_nested():
                row = outbox.enqueue(session, kind=message.kind if message.kind == DIGEST else "reminder",
                                     to=message.email, user_id=message.user_id, payload=message.payload, now=now)
                session.add_all([SentNotice(user_id=message.user_id, kind=kind, subject=subject, sent_at=now,
                                            outbox_id=row.id) for kind, subject in message.notices])
                session.flush()
        except IntegrityError:
            continue
        queued += 1
    return queued
