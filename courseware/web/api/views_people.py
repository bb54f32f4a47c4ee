"""API views about people: the caller, users, a mentor's mentees, mentorships."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select, tuple_

from ...core.access import sees_everyone
from ...persistence import queries
from ...persistence.models import Attempt, Cohort, Mentorship, User
from ...persistence.scope import scoped_learners
from ...services import accounts, assignments, invitations
from ..db import catalog, completion, get_db, quiz_bank, today
from . import schemas
from .access import ADMIN, ORGANISATION, STAFF, mentor_id, visible_user
from .convert import attempt_out, user_out
from .operations import PAGED, bearer, operation
from .paging import after_key, cut, limit_arg, offset_page
from .problems import ApiProblem


def _progress(user: User) -> schemas.Progress:
    standing = queries.learner_standing(get_db(), user.id)
    rule = completion()
    done = rule.completed(standing.read, standing.passed)
    return schemas.Progress(modules_total=len(rule.module_ids), modules_completed=sorted(done),
                            modules_started=sorted(standing.started), quizzes_passed=sorted(standing.passed))


def _attempts_of(user_id: int) -> list[Attempt]:
    return list(get_db().scalars(select(Attempt).where(Attempt.user_id == user_id).order_by(Attempt.id)))


@operation("/me", "GET", summary="The token's owner, with progress and attempts", response=schemas.Me, tag="People")
def me() -> schemas.Me:
    """The person the token belongs to, their progress through the course and every attempt they made."""
    user = bearer().user
    return schemas.Me(user=user_out(user), progress=_progress(user),
                      attempts=[attempt_out(a) for a in _attempts_of(user.id)])


@operation("/me/assignments", "GET", summary="The caller's assignments", response=schemas.MyAssignmentList, query=PAGED,
           tag="People")
def my_assignments() -> schemas.MyAssignmentList:
    """Every assignment that applies to the caller, directly or through their cohort, soonest due first."""
    limit = limit_arg()
    rows = assignments.learner_assignments(get_db(), bearer().user.id, catalog(), today(), quiz_bank(), completion())
    page, link = offset_page(rows, limit)
    return schemas.MyAssignmentList(items=[
        schemas.MyAssignment(id=a.id, kind=a.kind, item_id=a.item_id, title=a.title,  # type: ignore[arg-type]
                             due_on=a.due_on, via_cohort=a.via_cohort, done=a.done, overdue=a.overdue)
        for a in page], next=link)


@operation("/users", "GET", summary="Everyone (managers and admins)", response=schemas.UserList, roles=ORGANISATION,
           query=PAGED, tag="People")
def users() -> schemas.UserList:
    """Every person, by id."""
    limit = limit_arg()
    after = after_key()
    query = select(User).order_by(User.id).limit(limit + 1)
    if after:
        query = query.where(User.id > after[0])
    page, link = cut(list(get_db().scalars(query)), limit, lambda u: [u.id])
    return schemas.UserList(items=[user_out(u) for u in page], next=link)


@operation("/users", "POST", summary="Invite a person (admins)", response=schemas.UserOut, body=schemas.UserCreate,
           roles=ADMIN, status=201, tag="People")
def create_user(payload: schemas.UserCreate) -> schemas.UserOut:
    """Create an invited person with roles (and a cohort); they get an email to choose their password."""
    db = get_db()
    if payload.cohort_id is not None and db.get(Cohort, payload.cohort_id) is None:
        raise ApiProblem(422, "There is no such cohort.", errors=[{"name": "cohort_id", "reason": "unknown"}])
    user = invitations.invite(db, email=payload.email, name=payload.display_name, roles=payload.roles,
                              cohort_id=payload.cohort_id, secret=current_app.secret_key,  # type: ignore[arg-type]
                              actor_id=bearer().user.id)
    db.commit()
    return user_out(user)


@operation("/users/<int:user_id>", "GET", summary="One person", response=schemas.UserOut, tag="People")
def user(user_id: int) -> schemas.UserOut:
    """A person: oneself; for a mentor, their mentees; for managers and admins, anyone."""
    return user_out(visible_user(user_id))


@operation("/users/<int:user_id>", "PATCH", summary="Change a person (admins)", response=schemas.UserOut,
           body=schemas.UserPatch, roles=ADMIN, tag="People")
def update_user(user_id: int, payload: schemas.UserPatch) -> schemas.UserOut:
    """Rename a person, replace their roles, or (de)activate them — the services the admin pages use."""
    db = get_db()
    found = visible_user(user_id)
    actor = bearer().user.id
    if payload.display_name is not None:
        accounts.set_display_name(db, found, payload.display_name, actor_id=actor)
    if payload.roles is not None:
        accounts.set_roles(db, found, payload.roles, actor_id=actor)
    if payload.active is not None:
        accounts.set_active(db, found, payload.active, actor_id=actor)
    db.commit()
    return user_out(found)


@operation("/users/<int:user_id>/attempts", "GET", summary="A person's attempts", response=schemas.AttemptList,
           query=PAGED, tag="Attempts")
def user_attempts(user_id: int) -> schemas.AttemptList:
    """The attempts of a person the caller may see, oldest first."""
    found = visible_user(user_id)
    limit = limit_arg()
    after = after_key()
    query = select(Attempt).where(Attempt.user_id == found.id).order_by(Attempt.id).limit(limit + 1)
    if after:
        query = query.where(Attempt.id > after[0])
    page, link = cut(list(get_db().scalars(query)), limit, lambda a: [a.id])
    return schemas.AttemptList(items=[attempt_out(a) for a in page], next=link)


@operation("/mentees", "GET", summary="The caller's mentees (everyone's learners for managers and admins)",
           response=schemas.UserList, roles=STAFF, query=PAGED, tag="People")
def mentees() -> schemas.UserList:
    """A mentor's mentees; for managers and admins, every learner — the scope of the mentee table."""
    limit = limit_arg()
    after = after_key()
    scope = scoped_learners(mentor_id()).subquery()
    query = select(User).where(User.id.in_(select(scope.c.user_id))).order_by(User.id).limit(limit + 1)
    if after:
        query = query.where(User.id > after[0])
    page, link = cut(list(get_db().scalars(query)), limit, lambda u: [u.id])
    return schemas.UserList(items=[user_out(u) for u in page], next=link)


@operation("/mentorships", "GET", summary="Mentor ↔ mentee pairs", response=schemas.MentorshipList, roles=STAFF,
           query=PAGED, tag="Cohorts and mentoring")
def mentorships() -> schemas.MentorshipList:
    """Every pair for managers and admins; a mentor's own pairs for a mentor."""
    limit = limit_arg()
    after = after_key(2)
    query = select(Mentorship).order_by(Mentorship.mentor_id, Mentorship.mentee_id).limit(limit + 1)
    if not sees_everyone(bearer().user.access_roles):
        query = query.where(Mentorship.mentor_id == bearer().user.id)
    if after:
        query = query.where(tuple_(Mentorship.mentor_id, Mentorship.mentee_id) > tuple_(after[0], after[1]))
    page, link = cut(list(get_db().scalars(query)), limit, lambda m: [m.mentor_id, m.mentee_id])
    return schemas.MentorshipList(items=[schemas.MentorshipOut(mentor_id=m.mentor_id, mentee_id=m.mentee_id,
                                                               created_at=m.created_at) for m in page], next=link)
