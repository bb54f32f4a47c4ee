"""API views about cohorts: the cohorts, their members, progress and grade reports; assignments; the organisation."""

from __future__ import annotations

from flask import request
from sqlalchemy import exists, select

from ...core.errors import InvalidInput
from ...persistence import dashboards
from ...persistence.dashboards.cohort import cohort_header, heatmap
from ...persistence.models import Assignment, Cohort, User
from ...persistence.scope import within_scope
from ...services import assignments, cohorts, organisation
from ..db import catalog, completion, get_db, quiz_bank
from . import schemas
from .access import ADMIN, ORGANISATION, STAFF, mentor_id, not_found
from .convert import assignment_out, cohort_out, user_out
from .operations import PAGED, QueryParam, bearer, operation
from .paging import after_key, cut, limit_arg, next_link, offset_page
from .problems import ApiProblem

TAG = "Cohorts and mentoring"


def _visible_cohort(cohort_id: int) -> Cohort:
    """A cohort the caller sees (a mentor: only with a mentee in it — the cohort page's rule); else 404."""
    if cohort_header(get_db(), cohort_id, mentor_id()) is None:
        raise not_found("cohort")
    found = get_db().get(Cohort, cohort_id)
    assert found is not None
    return found


@operation("/cohorts", "GET", summary="Cohorts", response=schemas.CohortList, roles=STAFF, query=PAGED, tag=TAG)
def cohort_list() -> schemas.CohortList:
    """Every cohort for managers and admins; for a mentor, the cohorts with one of their mentees in them."""
    limit = limit_arg()
    after = after_key()
    query = select(Cohort).order_by(Cohort.id).limit(limit + 1)
    viewer = mentor_id()
    if viewer is not None:
        members = within_scope(select(User.id).where(User.cohort_id == Cohort.id), User.id, viewer).correlate(Cohort)
        query = query.where(exists(members))
    if after:
        query = query.where(Cohort.id > after[0])
    page, link = cut(list(get_db().scalars(query)), limit, lambda c: [c.id])
    return schemas.CohortList(items=[cohort_out(c) for c in page], next=link)


@operation("/cohorts/<int:cohort_id>", "GET", summary="One cohort", response=schemas.CohortOut, roles=STAFF, tag=TAG)
def cohort(cohort_id: int) -> schemas.CohortOut:
    """A cohort the caller sees."""
    return cohort_out(_visible_cohort(cohort_id))


@operation("/cohorts/<int:cohort_id>/members", "GET", summary="A cohort's members", response=schemas.UserList,
           roles=STAFF, query=PAGED, tag=TAG)
def cohort_members(cohort_id: int) -> schemas.UserList:
    """The cohort's members the caller sees (a mentor: their mentees in it)."""
    _visible_cohort(cohort_id)
    limit = limit_arg()
    after = after_key()
    query = within_scope(select(User).where(User.cohort_id == cohort_id), User.id, mentor_id())
    query = query.order_by(User.id).limit(limit + 1)
    if after:
        query = query.where(User.id > after[0])
    page, link = cut(list(get_db().scalars(query)), limit, lambda u: [u.id])
    return schemas.UserList(items=[user_out(u) for u in page], next=link)


@operation("/cohorts/<int:cohort_id>/members", "POST", summary="Put a learner in a cohort (admins)",
           response=schemas.UserOut, body=schemas.MembershipCreate, roles=ADMIN, status=201, tag=TAG)
def add_cohort_member(cohort_id: int, payload: schemas.MembershipCreate) -> schemas.UserOut:
    """Put a learner in the cohort, moving them from another one (only learners join cohorts)."""
    db = get_db()
    cohorts.get_cohort(db, cohort_id)
    member = db.get(User, payload.user_id)
    if member is None:
        raise ApiProblem(422, "There is no such person.", errors=[{"name": "user_id", "reason": "unknown"}])
    cohorts.set_cohort(db, member, cohort_id, actor_id=bearer().user.id)
    db.commit()
    return user_out(member)


@operation("/cohorts/<int:cohort_id>/members/<int:user_id>", "DELETE", summary="Take a learner out of a cohort (admins)",
           response=None, roles=ADMIN, status=204, tag=TAG)
def remove_cohort_member(cohort_id: int, user_id: int) -> None:
    """Take the learner out of the cohort; 404 when they are not in it."""
    db = get_db()
    member = db.get(User, user_id)
    if member is None or member.cohort_id != cohort_id:
        raise not_found("member of this cohort")
    cohorts.set_cohort(db, member, None, actor_id=bearer().user.id)
    db.commit()


@operation("/cohorts/<int:cohort_id>/progress", "GET", summary="A cohort's progress report", response=schemas.ProgressReport,
           roles=STAFF, query=PAGED, tag="Reports")
def cohort_progress(cohort_id: int) -> schemas.ProgressReport:
    """Each learner the caller sees in the cohort, by name, with the status of every module they touched."""
    header = cohort_header(get_db(), cohort_id, mentor_id())
    if header is None:
        raise not_found("cohort")
    limit = limit_arg()
    after = after_key()
    page = after[0] if after else 1
    rows = heatmap(get_db(), cohort_id, mentor_id(), rule=completion(), page=page, per_page=limit)
    link = next_link([page + 1], limit) if page * limit < header.learners else None
    return schemas.ProgressReport(cohort_id=cohort_id, next=link, items=[
        schemas.ProgressRow(user_id=r.user_id, name=r.name, modules_completed=r.done, modules=r.cells)  # type: ignore[arg-type]
        for r in rows])


QUIZ = QueryParam("quiz_id", "The quiz whose grades to report.", {"type": "string", "minLength": 1, "maxLength": 64},
                  required=True)


@operation("/cohorts/<int:cohort_id>/grades", "GET", summary="A cohort's grade report on one quiz",
           response=schemas.GradeReport, roles=STAFF, query=(QUIZ, *PAGED), tag="Reports")
def cohort_grades(cohort_id: int) -> schemas.GradeReport:
    """Each learner the caller sees in the cohort with their attempts, best and last score and whether they passed."""
    found = _visible_cohort(cohort_id)
    quiz_id = request.args.get("quiz_id", "")
    if quiz_bank().get(quiz_id) is None:
        raise ApiProblem(422, "There is no such quiz in the course.", errors=[{"name": "quiz_id", "reason": "unknown"}])
    limit = limit_arg()
    rows = [r for r in dashboards.grade_report(get_db(), quiz_id, mentor_id()) if r.cohort == found.name]
    page, link = offset_page(rows, limit)
    return schemas.GradeReport(cohort_id=cohort_id, quiz_id=quiz_id, next=link, items=[
        schemas.GradeRow(user_id=r.user_id, name=r.name, email=r.email, attempts=r.attempts, best=r.best, last=r.last,
                         passed=r.passed) for r in page])


@operation("/assignments", "GET", summary="Every assignment (managers and admins)", response=schemas.AssignmentList,
           roles=ORGANISATION, query=PAGED, tag="Assignments")
def assignment_list() -> schemas.AssignmentList:
    """Every assignment, by id (a learner's own are at /me/assignments)."""
    limit = limit_arg()
    after = after_key()
    query = select(Assignment).order_by(Assignment.id).limit(limit + 1)
    if after:
        query = query.where(Assignment.id > after[0])
    page, link = cut(list(get_db().scalars(query)), limit, lambda a: [a.id])
    return schemas.AssignmentList(items=[assignment_out(a) for a in page], next=link)


@operation("/assignments", "POST", summary="Assign a module or quiz (admins)", response=schemas.AssignmentOut,
           body=schemas.AssignmentCreate, roles=ADMIN, status=201, tag="Assignments")
def create_assignment(payload: schemas.AssignmentCreate) -> schemas.AssignmentOut:
    """Assign a module or quiz of the course to one learner or one cohort, due on a date."""
    db = get_db()
    row = assignments.create_assignment(db, kind=payload.kind, item_id=payload.item_id, due_on=payload.due_on,
                                        catalog=catalog(), quizzes=quiz_bank(), user_id=payload.user_id,
                                        cohort_id=payload.cohort_id, created_by_id=bearer().user.id)
    db.commit()
    return assignment_out(row)


@operation("/assignments/<int:assignment_id>", "DELETE", summary="Delete an assignment (admins)", response=None,
           roles=ADMIN, status=204, tag="Assignments")
def delete_assignment(assignment_id: int) -> None:
    """Delete an assignment."""
    db = get_db()
    assignments.delete_assignment(db, assignment_id, actor_id=bearer().user.id)
    db.commit()


def _organisation_out() -> schemas.OrganisationOut:
    org = organisation.read_organisation(get_db())
    return schemas.OrganisationOut(name=org.name, default_model=org.default_model, time_zone=org.time_zone,
                                   model_note=org.model_note)


@operation("/organisation", "GET", summary="The organisation's settings", response=schemas.OrganisationOut,
           roles=ORGANISATION, tag="Settings")
def organisation_settings() -> schemas.OrganisationOut:
    """Name, default operating model, time zone."""
    return _organisation_out()


@operation("/organisation", "PATCH", summary="Change the organisation's settings (admins)",
           response=schemas.OrganisationOut, body=schemas.OrganisationPatch, roles=ADMIN, tag="Settings")
def update_organisation_settings(payload: schemas.OrganisationPatch) -> schemas.OrganisationOut:
    """Change the name, default operating model or time zone (audited), through the service the settings page uses."""
    db = get_db()
    org = organisation.read_organisation(db)
    try:
        organisation.update_organisation(db, name=payload.name or org.name,
                                         default_model=payload.default_model or org.default_model,
                                         time_zone=payload.time_zone or org.time_zone, actor_id=bearer().user.id)
    except InvalidInput:
        db.rollback()
        raise
    db.commit()
    return _organisation_out()
