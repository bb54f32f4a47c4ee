"""Cohorts, learners' placement (cohort and operating model) and mentor ↔ mentee assignments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, aliased

from ..core.access import may_join_cohort
from ..core.errors import InvalidInput
from ..core.operating_model import check_model
from ..persistence import rollups
from ..persistence.base import utcnow
from ..persistence.models import Cohort, Mentorship, User, UserRole
from ..persistence.paging import fetch_page
from ..persistence.queries import get_or_not_found
from . import audit

MAX_NAME = 120


@dataclass(frozen=True)
class CohortRow:
    """A cohort with its member count, for lists."""

    id: int
    name: str
    start_date: date
    operating_model: str | None
    members: int


@dataclass(frozen=True)
class MentorshipRow:
    """One mentor ↔ mentee pair with both people's names, for lists."""

    mentor_id: int
    mentor_name: str
    mentor_email: str
    mentee_id: int
    mentee_name: str
    mentee_email: str
    cohort_name: str | None
    created_at: datetime


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("Enter the cohort's name.", field="name")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"Use at most {MAX_NAME} characters.", field="name")
    return name


def cohort_by_name(session: Session, name: str) -> Cohort | None:
    """The cohort with this name, compared case-insensitively and ignoring extra spaces."""
    cleaned = " ".join((name or "").split()).lower()
    return session.scalar(select(Cohort).where(func.lower(Cohort.name) == cleaned))


def _check_unique(session: Session, name: str, own_id: int | None = None) -> None:
    other = cohort_by_name(session, name)
    if other is not None and other.id != own_id:
        raise InvalidInput("A cohort with this name already exists.", field="name")


def _settings(cohort: Cohort) -> dict[str, str | None]:
    return {"name": cohort.name, "start_date": cohort.start_date.isoformat(), "operating_model": cohort.operating_model}


def create_cohort(
    session: Session, *, name: str, start_date: date, operating_model: str | None = None, actor_id: int | None = None
) -> Cohort:
    """Create a cohort (audited); the name must be unique (in any letter case)."""
    name = _clean_name(name)
    _check_unique(session, name)
    cohort = Cohort(
        name=name, start_date=start_date, operating_model=check_model(operating_model, allow_inherit=True), created_at=utcnow()
    )
    session.add(cohort)
    session.flush()
    audit.record(session, actor_id=actor_id, kind="cohort.create", target=audit.of_cohort(cohort), after=_settings(cohort))
    return cohort


def update_cohort(
    session: Session, cohort: Cohort, *, name: str, start_date: date, operating_model: str | None,
    actor_id: int | None = None, model_note: str | None = None, reason: str | None = None,
) -> Cohort:
    """Rename a cohort, move its start date or change its operating model (None: the organisation's); audited.

    ``model_note`` as in ``organisation.update_organisation``: kept while the model stays, cleared when it changes.
    """
    name = _clean_name(name)
    _check_unique(session, name, cohort.id)
    model = check_model(operating_model, allow_inherit=True)
    before = {**_settings(cohort), "model_note": cohort.model_note}
    if model_note is not None or model != cohort.operating_model:
        cohort.model_note = (model_note or "").strip()[:500] or None
    cohort.name = name
    cohort.start_date = start_date
    cohort.operating_model = model
    session.flush()
    old, new = audit.changes(before, {**_settings(cohort), "model_note": cohort.model_note})
    if new:
        audit.record(session, actor_id=actor_id, kind="cohort.update", target=audit.of_cohort(cohort), before=old, after=new,
                     reason=reason)
    return cohort


def get_cohort(session: Session, cohort_id: int) -> Cohort:
    """The cohort with this id, or NotFound."""
    return get_or_not_found(session, Cohort, cohort_id, "cohort")


def cohort_choices(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every cohort, by name — for select boxes."""
    return [(row.id, row.name) for row in session.execute(select(Cohort.id, Cohort.name).order_by(func.lower(Cohort.name)))]


def cohorts_page(session: Session, *, page: int, per_page: int) -> tuple[list[CohortRow], int]:
    """One page of cohorts, newest start first, each with its member count (two queries)."""
    counts = (
        select(User.cohort_id, func.count().label("members"))
        .where(User.cohort_id.is_not(None))
        .group_by(User.cohort_id)
        .subquery()
    )
    rows, total = fetch_page(
        session,
        select(Cohort.id, Cohort.name, Cohort.start_date, Cohort.operating_model, func.coalesce(counts.c.members, 0))
        .outerjoin(counts, counts.c.cohort_id == Cohort.id)
        .order_by(Cohort.start_date.desc(), Cohort.id.desc()),
        page=page, per_page=per_page,
    )
    return [CohortRow(*row) for row in rows], total


def members_page(session: Session, cohort_id: int, *, page: int, per_page: int) -> tuple[list[User], int]:
    """One page of a cohort's members by name, with the member count."""
    query = select(User).where(User.cohort_id == cohort_id).order_by(func.lower(User.display_name), User.id)
    return fetch_page(session, query, page=page, per_page=per_page, scalars=True)


def set_cohort(session: Session, user: User, cohort_id: int | None, *, actor_id: int | None = None) -> None:
    """Put a learner in a cohort (a learner belongs to at most one), or take them out with None; only learners join.

    Audited as ``cohort.member_add`` (a move names the cohort left) or ``cohort.member_remove``.
    """
    target = get_cohort(session, cohort_id) if cohort_id is not None else None
    if target is not None and not may_join_cohort(user.access_roles):
        raise InvalidInput(f"{user.email} is not a learner. Only learners can be in a cohort.", field="cohort_id")
    if user.cohort_id == cohort_id:
        return
    left = session.get(Cohort, user.cohort_id) if user.cohort_id is not None else None
    user.cohort_id = cohort_id
    session.flush()
    audit.record(session, actor_id=actor_id, kind="cohort.member_add" if target else "cohort.member_remove",
                 target=audit.of_user(user), before={"cohort": left.name if left else None},
                 after={"cohort": target.name if target else None})


def set_operating_model(session: Session, user: User, model: str | None, *, actor_id: int | None = None) -> None:
    """Give a learner their own operating model, or None to inherit the cohort's or the organisation's (audited)."""
    model = check_model(model, allow_inherit=True)
    if model != user.operating_model:
        audit.record(session, actor_id=actor_id, kind="user.operating_model", target=audit.of_user(user),
                     before={"operating_model": user.operating_model}, after={"operating_model": model})
        user.operating_model = model


def _pair(mentor: User, mentee: User) -> audit.Target:
    return audit.Target("mentorship", f"{mentor.id}:{mentee.id}", f"{mentor.email} → {mentee.email}")


def assign_mentor(session: Session, mentor: User, mentee: User, *, actor_id: int | None = None) -> bool:
    """Make ``mentor`` mentor ``mentee`` (audited); True when the pair is new. The mentor must hold the mentor role."""
    if "mentor" not in mentor.access_roles:
        raise InvalidInput(f"{mentor.email} does not have the mentor role.", field="mentor_email")
    if mentor.id == mentee.id:
        raise InvalidInput("Nobody can mentor themselves.", field="mentee_email")
    if session.get(Mentorship, (mentor.id, mentee.id)) is not None:
        return False
    session.add(Mentorship(mentor_id=mentor.id, mentee_id=mentee.id, created_at=utcnow()))
    session.flush()
    audit.record(session, actor_id=actor_id, kind="mentorship.assign", target=_pair(mentor, mentee),
                 after={"mentor": mentor.email, "mentee": mentee.email})
    return True


def unassign_mentor(session: Session, mentor_id: int, mentee_id: int, *, actor_id: int | None = None) -> bool:
    """End a mentorship (audited); True when there was one."""
    result = session.execute(
        delete(Mentorship)
        .where(Mentorship.mentor_id == mentor_id, Mentorship.mentee_id == mentee_id)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    rollups.touch(session, learners=[mentee_id])  # a Core delete: the mentee may have no mentor left
    mentor, mentee = session.get(User, mentor_id), session.get(User, mentee_id)
    assert mentor is not None and mentee is not None  # the row's foreign keys
    audit.record(session, actor_id=actor_id, kind="mentorship.unassign", target=_pair(mentor, mentee),
                 before={"mentor": mentor.email, "mentee": mentee.email})
    return True


def mentor_ids_of(session: Session, mentee_id: int) -> list[int]:
    """The ids of a mentee's mentors."""
    return list(session.scalars(select(Mentorship.mentor_id).where(Mentorship.mentee_id == mentee_id)))


def mentors_of(session: Session, mentee_id: int) -> list[User]:
    """A mentee's mentors, by name."""
    return list(
        session.scalars(
            select(User)
            .join(Mentorship, Mentorship.mentor_id == User.id)
            .where(Mentorship.mentee_id == mentee_id)
            .order_by(func.lower(User.display_name))
        )
    )


def mentorships_page(
    session: Session, *, page: int, per_page: int, mentor_id: int | None = None
) -> tuple[list[MentorshipRow], int]:
    """One page of mentor ↔ mentee pairs (optionally one mentor's), by mentor then mentee name."""
    mentor, mentee = aliased(User), aliased(User)
    where = [] if mentor_id is None else [Mentorship.mentor_id == mentor_id]
    rows, total = fetch_page(
        session,
        select(
            mentor.id, mentor.display_name, mentor.email, mentee.id, mentee.display_name, mentee.email,
            Cohort.name, Mentorship.created_at,
        )
        .select_from(Mentorship)
        .join(mentor, mentor.id == Mentorship.mentor_id)
        .join(mentee, mentee.id == Mentorship.mentee_id)
        .outerjoin(Cohort, Cohort.id == mentee.cohort_id)
        .where(*where)
        .order_by(func.lower(mentor.display_name), mentor.id, func.lower(mentee.display_name), mentee.id),
        page=page, per_page=per_page,
    )
    return [MentorshipRow(*row) for row in rows], total


def mentor_choices(session: Session) -> list[tuple[int, str]]:
    """(id, "name <email>") of every mentor, by name — for filters."""
    rows = session.execute(
        select(User.id, User.display_name, User.email)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "mentor")
        .order_by(func.lower(User.display_name), User.id)
    )
    return [(row.id, f"{row.display_name} <{row.email}>") for row in rows]
