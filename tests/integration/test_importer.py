"""CSV import of people: a good file, and every kind of bad row reported with its line, importing nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.persistence import queries
from courseware.persistence.models import Cohort, Mentorship, User
from courseware.services import accounts, cohorts
from courseware.services.importer import ImportRejected, import_users, parse_users_csv
from tests.conftest import make_user

TODAY = date(2026, 11, 26)


def _counts(db: Session) -> tuple[int, int, int]:
    return tuple(db.scalar(select(func.count()).select_from(model)) or 0 for model in (User, Cohort, Mentorship))  # type: ignore[return-value]


def _problems(db: Session, text: str) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        import_users(db, text, path="people.csv", today=TODAY)
    return [str(p) for p in caught.value.problems]


def test_good_file_creates_people_cohorts_and_mentorships(db: Session) -> None:
    mentor = make_user(db, "mentor@example.com", ("mentor",))
    existing = cohorts.create_cohort(db, name="Autumn 2026 new hires", start_date=date(2026, 9, 1))
    db.commit()
    text = (
        "Email,Name,Roles,Cohort,Mentor\n"  # any letter case in the header
        "Dana.Lead@Example.com,Dana Lead,learner;mentor,,\n"
        "ana@example.com,Ana Silva,learner,autumn 2026 NEW hires,mentor@example.com\n"
        "\n"  # blank lines are skipped
        "ben@example.com,\"Ben O'Neill, Jr\",,Winter 2026,dana.lead@example.com\n"
        "cy@example.com,Cy Admin,learner | admin,Winter 2026,\n"
    )
    summary = import_users(db, text, path="people.csv", today=TODAY)
    db.commit()

    people = {u.email: u for u in db.scalars(select(User))}
    assert summary.created == [(email, people[email].id) for email in
                               ("dana.lead@example.com", "ana@example.com", "ben@example.com", "cy@example.com")]
    assert summary.cohorts_created == ["Winter 2026"]
    assert summary.mentorships == 2 and summary.updated == [] and summary.unchanged == []

    people = {u.email: u for u in db.scalars(select(User))}
    assert people["dana.lead@example.com"].access_roles == {"learner", "mentor"}
    assert people["ben@example.com"].access_roles == {"learner"}  # blank roles: learner
    assert people["ben@example.com"].display_name == "Ben O'Neill, Jr"
    assert people["cy@example.com"].access_roles == {"admin", "learner"}
    assert people["ana@example.com"].cohort_id == existing.id
    winter = cohorts.cohort_by_name(db, "Winter 2026")
    assert winter is not None and winter.start_date == TODAY
    assert {people["ben@example.com"].cohort_id, people["cy@example.com"].cohort_id} == {winter.id}
    assert people["dana.lead@example.com"].cohort_id is None
    assert cohorts.mentor_ids_of(db, people["ana@example.com"].id) == [mentor.id]
    assert cohorts.mentor_ids_of(db, people["ben@example.com"].id) == [people["dana.lead@example.com"].id]
    # New people have no password until they accept their invitation (services/invitations sends it).
    assert not any(accounts.has_password(people[email]) for email, _id in summary.created)
    assert accounts.authenticate(db, "ben@example.com", "") is None


def test_known_emails_are_updated_not_rejected(db: Session) -> None:
    mentor = make_user(db, "mentor@example.com", ("mentor",))
    mentor2 = make_user(db, "mentor2@example.com", ("mentor",))
    lee = make_user(db, "lee@example.com", name="Lee")
    same = make_user(db, "same@example.com", name="Same Person")
    cohorts.assign_mentor(db, mentor2, lee)
    db.commit()
    text = (
        "email,name,roles,cohort,mentor\n"
        "LEE@example.com,Lee Learner,learner;mentor,Spring,mentor@example.com\n"
        "same@example.com,Same Person,learner,,\n"
        "kim@example.com,Kim,,,\n"
    )
    summary = import_users(db, text, path="people.csv", today=TODAY)
    db.commit()
    assert summary.updated == [("lee@example.com", ["name", "roles", "cohort", "mentor"])]
    assert summary.unchanged == ["same@example.com"]
    kim = queries.user_by_email(db, "kim@example.com")
    assert kim is not None and summary.created == [("kim@example.com", kim.id)]
    db.expire_all()
    assert lee.display_name == "Lee Learner" and lee.access_roles == {"learner", "mentor"}
    # The file names the mentee's one mentor: the previous one is replaced.
    assert cohorts.mentor_ids_of(db, lee.id) == [mentor.id]
    assert same.display_name == "Same Person"
    # Importing the same file again changes nothing more.
    again = import_users(db, text, path="people.csv", today=TODAY)
    assert again.updated == [] and again.unchanged == ["lee@example.com", "same@example.com", "kim@example.com"]


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_imported(db: Session) -> None:
    make_user(db, "mentor@example.com", ("mentor",))
    make_user(db, "plain@example.com", ("learner",))
    db.commit()
    before = _counts(db)
    text = (
        "email,name,roles,cohort,mentor\n"                                   # 1
        "ok@example.com,Okay Person,learner,New cohort,mentor@example.com\n"  # 2 fine on its own
        "ghost@example.com,Ghost,learner,,nobody@example.com\n"              # 3 unknown mentor
        "not-an-email,Bad Email,learner,,\n"                                  # 4 bad email
        "rolo@example.com,Rolo,learner;wizard,,\n"                           # 5 unknown role
        "OK@example.com,Okay Again,learner,,\n"                              # 6 duplicate of line 2
        "short@example.com,Short,learner\n"                                   # 7 missing fields
        "late@example.com,Late,learner,,later@example.com\n"                 # 8 mentor only listed later
        "later@example.com,Later,mentor,,\n"                                  # 9
        "pupil@example.com,Pupil,learner,,plain@example.com\n"               # 10 not a mentor
        "noname@example.com,,learner,,\n"                                     # 11 new person without a name
        "self@example.com,Self,mentor,,self@example.com\n"                   # 12 own mentor
    )
    assert _problems(db, text) == [
        "people.csv:4: invalid email 'not-an-email'",
        "people.csv:5: unknown role 'wizard' (use learner, mentor, manager or admin, separated by ';')",
        "people.csv:6: duplicate email ok@example.com (first on line 2)",
        "people.csv:7: expected 5 fields, found 3",
        "people.csv:12: a person cannot be their own mentor",
    ]
    # Once the file parses, the rows are checked against the database; still nothing is written.
    text = "\n".join(line for i, line in enumerate(text.splitlines(), 1) if i not in (4, 5, 6, 7, 12)) + "\n"
    assert _problems(db, text) == [
        "people.csv:3: unknown mentor nobody@example.com: not in the database nor earlier in this file",
        "people.csv:4: mentor later@example.com is only listed later, on line 5; list mentors before their mentees",
        "people.csv:6: plain@example.com is not a mentor (give them the mentor role first)",
        "people.csv:7: name is empty (required for a new person)",
    ]
    assert _counts(db) == before
    assert queries.user_by_email(db, "ok@example.com") is None
    assert cohorts.cohort_by_name(db, "New cohort") is None


def test_missing_columns_and_unreadable_files(db: Session) -> None:
    assert _problems(db, "email,name,roles,cohort\nann@example.com,Ann,learner,\n") == [
        "people.csv:1: missing column 'mentor' (the header must name email,name,roles,cohort,mentor)"]
    assert _problems(db, "email,name,role,cohort,mentor\n") == [
        "people.csv:1: missing column 'roles' (the header must name email,name,roles,cohort,mentor)",
        "people.csv:1: unknown column 'role'"]
    assert _problems(db, "") == [
        "people.csv:1: the file is empty; its first line must be the header email,name,roles,cohort,mentor"]
    assert _problems(db, "email,name,roles,cohort,mentor\n") == ["people.csv:1: the file has a header but no people"]
    assert _counts(db) == (0, 0, 0)


def test_line_numbers_count_physical_lines() -> None:
    text = (
        "\ufeffemail,name,roles,cohort,mentor\r\n"
        "a@example.com,\"A name written\r\nover two lines\",learner,,\r\n"
        "b@example.com,B,learner;,,\r\n"
        "bad,B,learner,,\r\n"
        "c@example.com,C,learner,,,,\r\n"  # trailing empty cells are tolerated
        "d@example.com,D,learner,,,x\r\n"
    )
    rows, problems = parse_users_csv(text, "f.csv")
    assert [(r.line, r.email, r.roles) for r in rows] == [
        (2, "a@example.com", ("learner",)), (4, "b@example.com", ("learner",)), (6, "c@example.com", ("learner",))]
    assert rows[0].name == "A name written over two lines"
    assert [str(p) for p in problems] == ["f.csv:5: invalid email 'bad'", "f.csv:7: expected 5 fields, found 6"]
