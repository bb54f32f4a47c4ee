"""Importing people from a CSV file: every row is checked first, and nothing is written if any row is bad.

Columns (a header line naming them is required, in any order): ``email, name, roles, cohort, mentor``.
Roles are separated by ';' or '|' (``learner;mentor``); the cohort is a name (created, starting today,
when missing); the mentor is an email that must belong to a mentor in the database or to someone given
the mentor role earlier in the same file.  A known email updates that person; a blank cell leaves the
person's current value alone.  New people are created without a password: ``services/invitations``
sends each an invitation link.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.access import ACCESS_ROLES, may_join_cohort
from ..core.errors import CoursewareError, InvalidInput, Problem
from ..persistence.models import Cohort, User
from . import accounts, assignments, audit, cohorts

COLUMNS = ("email", "name", "roles", "cohort", "mentor")
ROLE_SEPARATOR = re.compile(r"[;|]")
MAX_NAME = 120


class ImportRejected(CoursewareError):
    """The file has problems; nothing was imported. Carries every problem as ``FILE:LINE: message``."""

    def __init__(self, problems: list[Problem]):
        self.problems = tuple(sorted(problems, key=lambda p: (p.line, p.message)))
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class ImportRow:
    """One person's line of the file, as written (emails normalised); blank cells are None."""

    line: int
    email: str
    name: str | None
    roles: tuple[str, ...] | None
    cohort: str | None
    mentor: str | None


@dataclass
class ImportSummary:
    """What an import did."""

    created: list[tuple[str, int]] = field(default_factory=list)  # (email, user id) of the new people
    updated: list[tuple[str, list[str]]] = field(default_factory=list)  # (email, what changed)
    unchanged: list[str] = field(default_factory=list)
    cohorts_created: list[str] = field(default_factory=list)
    mentorships: int = 0


def _cell(value: str) -> str | None:
    value = " ".join(value.split())
    return value or None


def parse_users_csv(text: str, path: str) -> tuple[list[ImportRow], list[Problem]]:
    """Read the rows and check what can be checked without the database: columns, emails, roles, duplicates."""
    problems: list[Problem] = []
    rows: list[ImportRow] = []

    def problem(line: int, message: str) -> None:
        problems.append(Problem(path, line, message))

    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
        if header is None:
            problem(1, f"the file is empty; its first line must be the header {','.join(COLUMNS)}")
            return rows, problems
        header_line = reader.line_num
        names = [cell.strip().lower() for cell in header]
        missing = [c for c in COLUMNS if c not in names]
        for column in missing:
            problem(header_line, f"missing column '{column}' (the header must name {','.join(COLUMNS)})")
        for column in sorted({n for n in names if n not in COLUMNS and n}):
            problem(header_line, f"unknown column '{column}'")
        for column in sorted({n for n in names if names.count(n) > 1 and n}):
            problem(header_line, f"column '{column}' appears twice")
        if problems:
            return rows, problems
        index = {name: names.index(name) for name in COLUMNS}
        first_line: dict[str, int] = {}
        while True:
            line = reader.line_num + 1
            record = next(reader, None)
            if record is None:
                break
            if not any(cell.strip() for cell in record):
                continue
            if len(record) < len(names) or any(cell.strip() for cell in record[len(names):]):
                problem(line, f"expected {len(names)} fields, found {len(record)}")
                continue
            row = _parse_row(line, {c: record[i] for c, i in index.items()}, problem)
            if row is None:
                continue
            if row.email in first_line:
                problem(line, f"duplicate email {row.email} (first on line {first_line[row.email]})")
                continue
            first_line[row.email] = line
            rows.append(row)
    except csv.Error as exc:
        problem(reader.line_num or 1, f"not a readable CSV file: {exc}")
    if not rows and not problems:
        problem(1, "the file has a header but no people")
    return rows, problems


def _parse_row(line: int, cells: dict[str, str], problem: Callable[[int, str], None]) -> ImportRow | None:
    ok = True
    raw_email = _cell(cells["email"])
    email = ""
    if raw_email is None:
        problem(line, "email is empty")
        ok = False
    else:
        try:
            email = accounts.normalise_email(raw_email)
        except InvalidInput:
            problem(line, f"invalid email '{raw_email}'")
            ok = False
    name = _cell(cells["name"])
    if name is not None and len(name) > MAX_NAME:
        problem(line, f"name is longer than {MAX_NAME} characters")
        ok = False
    roles: tuple[str, ...] | None = None
    raw_roles = [r.strip().lower() for r in ROLE_SEPARATOR.split(cells["roles"]) if r.strip()]
    if raw_roles:
        for role in raw_roles:
            if role not in ACCESS_ROLES:
                problem(line, f"unknown role '{role}' (use learner, mentor, manager or admin, separated by ';')")
                ok = False
        roles = tuple(sorted(set(raw_roles)))
    cohort = _cell(cells["cohort"])
    if cohort is not None and len(cohort) > cohorts.MAX_NAME:
        problem(line, f"cohort name is longer than {cohorts.MAX_NAME} characters")
        ok = False
    raw_mentor = _cell(cells["mentor"])
    mentor = None
    if raw_mentor is not None:
        try:
            mentor = accounts.normalise_email(raw_mentor)
        except InvalidInput:
            problem(line, f"invalid mentor email '{raw_mentor}'")
            ok = False
        if mentor is not None and mentor == email:
            problem(line, "a person cannot be their own mentor")
            ok = False
    return ImportRow(line, email, name, roles, cohort, mentor) if ok else None


def check_rows(session: Session, rows: list[ImportRow], path: str) -> tuple[list[Problem], dict[str, User]]:
    """Check the rows against the database (names of new people, mentors); also return the known users by email."""
    problems: list[Problem] = []
    emails = {r.email for r in rows} | {r.mentor for r in rows if r.mentor}
    known = {u.email: u for u in session.scalars(select(User).where(User.email.in_(emails)))} if emails else {}
    line_of = {r.email: r.line for r in rows}
    roles_in_file: dict[str, set[str]] = {}
    for row in rows:
        existing = known.get(row.email)
        if existing is None and row.name is None:
            problems.append(Problem(path, row.line, "name is empty (required for a new person)"))
        if row.mentor is not None:
            message = _mentor_problem(row, known, roles_in_file, line_of)
            if message:
                problems.append(Problem(path, row.line, message))
        if row.roles is not None:
            roles_in_file[row.email] = set(row.roles)
        else:
            roles_in_file[row.email] = existing.access_roles if existing is not None else {"learner"}
        if row.cohort is not None and not may_join_cohort(roles_in_file[row.email]):
            problems.append(Problem(path, row.line, f"{row.email} is not a learner: only learners can be in a cohort"))
    return problems, known


def _mentor_problem(
    row: ImportRow, known: dict[str, User], roles_in_file: dict[str, set[str]], line_of: dict[str, int]
) -> str | None:
    mentor = row.mentor
    assert mentor is not None
    if mentor in roles_in_file:  # given earlier in this file
        if "mentor" not in roles_in_file[mentor]:
            return f"mentor {mentor} (line {line_of[mentor]}) does not have the mentor role"
        return None
    if mentor in line_of:
        return f"mentor {mentor} is only listed later, on line {line_of[mentor]}; list mentors before their mentees"
    person = known.get(mentor)
    if person is None:
        return f"unknown mentor {mentor}: not in the database nor earlier in this file"
    if "mentor" not in person.access_roles:
        return f"{mentor} is not a mentor (give them the mentor role first)"
    return None


def import_users(
    session: Session,
    text: str,
    *,
    path: str,
    today: date,
    actor_id: int | None = None,
) -> ImportSummary:
    """Check every row, then create or update the people, cohorts and mentorships; ImportRejected if any row is bad.

    Each change is audited by the service that makes it, and the import itself as ``import.users``.
    """
    rows, problems = parse_users_csv(text, path)
    if problems:
        raise ImportRejected(problems)
    problems, known = check_rows(session, rows, path)
    if problems:
        raise ImportRejected(problems)

    summary = ImportSummary()
    cohort_ids = _ensure_cohorts(session, rows, today, summary, actor_id)
    by_email = dict(known)
    for row in rows:
        person = by_email.get(row.email)
        changes: list[str] = []
        if person is None:
            person = accounts.create_user(
                session, email=row.email, display_name=row.name or "", password=None, roles=row.roles or ("learner",),
                actor_id=actor_id,
            )
            assignments.set_start_date(session, person, today)  # imported: they start on the day of the import
            by_email[row.email] = person
            summary.created.append((row.email, person.id))
        else:
            if row.name is not None and row.name != person.display_name:
                accounts.set_display_name(session, person, row.name, actor_id=actor_id)
                changes.append("name")
            if row.roles is not None and set(row.roles) != person.access_roles:
                accounts.set_roles(session, person, row.roles, actor_id=actor_id)
                changes.append("roles")
        if row.cohort is not None:
            cohort_id = cohort_ids[row.cohort.lower()]
            if person.cohort_id != cohort_id:
                cohorts.set_cohort(session, person, cohort_id, actor_id=actor_id)
                if row.email in known:
                    changes.append("cohort")
        if row.mentor is not None and _set_only_mentor(session, by_email[row.mentor], person, actor_id):
            summary.mentorships += 1
            if row.email in known:
                changes.append("mentor")
        if row.email in known and changes:
            summary.updated.append((row.email, changes))
        elif row.email in known:
            summary.unchanged.append(row.email)
    session.flush()
    audit.record(session, actor_id=actor_id, kind="import.users", target=audit.Target("import", path[-64:], path),
                 after={"created": len(summary.created), "updated": len(summary.updated),
                        "unchanged": len(summary.unchanged), "cohorts_created": summary.cohorts_created,
                        "mentorships": summary.mentorships})
    return summary


def _ensure_cohorts(
    session: Session, rows: list[ImportRow], today: date, summary: ImportSummary, actor_id: int | None
) -> dict[str, int]:
    wanted: dict[str, str] = {}
    for row in rows:
        if row.cohort:
            wanted.setdefault(row.cohort.lower(), row.cohort)  # the first spelling names a new cohort
    if not wanted:
        return {}
    found = {name.lower(): cid for cid, name in session.execute(
        select(Cohort.id, Cohort.name).where(func.lower(Cohort.name).in_(wanted)))}
    for key, name in wanted.items():
        if key not in found:
            found[key] = cohorts.create_cohort(session, name=name, start_date=today, actor_id=actor_id).id
            summary.cohorts_created.append(name)
    return found


def _set_only_mentor(session: Session, mentor: User, mentee: User, actor_id: int | None) -> bool:
    """Make ``mentor`` the mentee's one mentor; True when that changed anything."""
    current = cohorts.mentor_ids_of(session, mentee.id)
    if current == [mentor.id]:
        return False
    for other in current:
        if other != mentor.id:
            cohorts.unassign_mentor(session, other, mentee.id, actor_id=actor_id)
    cohorts.assign_mentor(session, mentor, mentee, actor_id=actor_id)
    return True
