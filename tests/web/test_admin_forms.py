"""Admin forms: confirmation before destructive actions, name and email, track-grouped items, whole tracks, pickers."""

from __future__ import annotations

import re
from datetime import date

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.persistence.models import Assignment, AuditEntry, MentorNote, User
from courseware.services import assignments, cohorts
from courseware.state import state_of
from tests.conftest import Auth, make_user


def fresh(db: Session) -> Session:
    db.rollback()
    db.expire_all()
    return db


def test_deactivate_asks_first_and_works_without_javascript(client: FlaskClient, auth: Auth, people,  # type: ignore[no-untyped-def]
                                                              db: Session) -> None:
    auth.login("admin@example.com")
    learner = people["learner"]
    page = client.get(f"/admin/users/{learner.id}").data.decode()
    assert f'href="/admin/users/{learner.id}/active"' in page and "Deactivate…" in page
    confirm = client.get(f"/admin/users/{learner.id}/active").data.decode()
    assert "Deactivate Learner?" in confirm and 'name="active" value="0"' in confirm
    assert fresh(db).get(User, learner.id).active is True  # asking changed nothing
    assert client.post(f"/admin/users/{learner.id}/active", data={"active": "0"}).status_code == 302
    assert fresh(db).get(User, learner.id).active is False


def test_delete_assignment_and_note_ask_first(app, client: FlaskClient, auth: Auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    state = state_of(app)
    made = assignments.create_assignment(db, kind="module", item_id="intro", due_on=date(2026, 12, 24),
                                         catalog=state.catalog, quizzes=state.quizzes, user_id=people["learner"].id)
    db.commit()
    made_id = made.id
    auth.login("admin@example.com")
    listing = client.get("/admin/assignments").data.decode()
    assert f'href="/admin/assignments/{made.id}/delete"' in listing
    confirm = client.get(f"/admin/assignments/{made.id}/delete").data.decode()
    assert "Delete this assignment?" in confirm and "“Introduction”, due 24 December 2026" in confirm
    assert fresh(db).get(Assignment, made_id) is not None
    assert client.post(f"/admin/assignments/{made_id}/delete").status_code == 302
    assert fresh(db).get(Assignment, made_id) is None
    auth.logout()
    cohorts.assign_mentor(db, fresh(db).get(User, people["mentor"].id), fresh(db).get(User, people["learner"].id))
    db.commit()
    auth.login("mentor@example.com")
    client.post(f"/mentor/mentees/{people['learner'].id}/notes", data={"body": "Check-in went well."})
    note = fresh(db).scalar(select(MentorNote))
    assert note is not None
    mentee = client.get(f"/mentor/mentees/{people['learner'].id}").data.decode()
    assert f'href="/mentor/notes/{note.id}/delete"' in mentee
    confirm = client.get(f"/mentor/notes/{note.id}/delete").data.decode()
    assert "Delete this note?" in confirm and "cannot be brought back" in confirm
    note_id = note.id
    assert fresh(db).get(MentorNote, note_id) is not None
    client.post(f"/mentor/notes/{note_id}/delete")
    assert fresh(db).get(MentorNote, note_id) is None


def test_admin_edits_name_and_email(client: FlaskClient, auth: Auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    auth.login("admin@example.com")
    learner = people["learner"]
    taken = client.post(f"/admin/users/{learner.id}/details",
                        data={"display_name": "Lee Renamed", "email": "MENTOR@example.com"})
    text = taken.data.decode()
    assert taken.status_code == 200 and "Someone else already has this email." in text
    assert fresh(db).get(User, learner.id).display_name == "Learner"  # nothing half-saved
    done = client.post(f"/admin/users/{learner.id}/details",
                       data={"display_name": "  Lee   Renamed ", "email": "Lee.New@Example.com"})
    assert done.status_code == 302
    user = fresh(db).get(User, learner.id)
    assert (user.display_name, user.email) == ("Lee Renamed", "lee.new@example.com")
    kinds = {e.kind: (e.before, e.after) for e in db.scalars(select(AuditEntry))}
    assert kinds["user.email"] == ({"email": "learner@example.com"}, {"email": "lee.new@example.com"})
    assert kinds["user.name"] == ({"name": "Learner"}, {"name": "Lee Renamed"})
    client.post("/logout")
    assert client.post("/login", data={"email": "lee.new@example.com", "password": "correct-horse-battery"}
                       ).status_code == 302
    assert "Lee Renamed" in client.get("/").data.decode()


def test_items_are_grouped_by_track_and_a_whole_track_assigns_each(client: FlaskClient, auth: Auth, people,  # type: ignore[no-untyped-def]
                                                                    db: Session) -> None:
    auth.login("admin@example.com")
    page = client.get("/admin/assignments").data.decode()
    groups = re.findall(r'<optgroup label="([^"]+)">', page)
    assert groups == ["Whole tracks", "Foundations", "The knowledge areas"]
    assert '<option value="track:foundations">Whole track: Foundations (2 modules, 0 quizzes)</option>' in page
    assert '<option value="track:knowledge-areas">Whole track: The knowledge areas (1 module, 1 quiz)</option>' in page
    assert '<option value="quiz:scope-check">Quiz: Scope: who owns it?</option>' in page
    learner = people["learner"]
    client.post("/admin/assignments", data={"item": "module:intro", "learner_email": "learner@example.com",
                                            "due_on": "2026-12-20"})
    made = client.post("/admin/assignments", data={"item": "track:foundations", "learner_email": "learner@example.com",
                                                   "due_on": "2026-12-31"}, follow_redirects=True)
    assert "1 assignment created; 1 already assigned, left as they were." in made.data.decode()
    rows = fresh(db).execute(select(Assignment.kind, Assignment.item_id, Assignment.due_on)
                             .where(Assignment.user_id == learner.id).order_by(Assignment.id)).all()
    assert [tuple(r) for r in rows] == [("module", "intro", date(2026, 12, 20)), ("module", "basics", date(2026, 12, 31))]
    bad = client.post("/admin/assignments", data={"item": "track:nope", "learner_email": "learner@example.com",
                                                  "due_on": "2026-12-31"})
    assert bad.status_code == 200 and "Not a valid choice" in bad.data.decode()


def test_people_lookup_for_the_pickers(client: FlaskClient, auth: Auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    make_user(db, "lea.percent@example.com", ("learner",), name="Léa 100% Sure")
    make_user(db, "lee.mentor@example.com", ("mentor",), name="Lee Mentor")
    auth.login("admin@example.com")
    found = client.get("/admin/people/lookup?q=LE&role=learner").get_json()["people"]
    # Ordered by name in the database's collation (é sorts differently on SQLite and PostgreSQL).
    assert sorted(found, key=lambda p: p["email"]) == [{"email": "lea.percent@example.com", "name": "Léa 100% Sure"},
                                                       {"email": "learner@example.com", "name": "Learner"}]
    assert client.get("/admin/people/lookup?q=%25&role=learner").get_json() == {"people": []}  # too short
    assert client.get("/admin/people/lookup?q=0%25&role=learner").get_json()["people"][0]["name"] == "Léa 100% Sure"
    assert client.get("/admin/people/lookup?q=_e&role=mentor").get_json() == {"people": []}  # '_' is literal
    assert [p["email"] for p in client.get("/admin/people/lookup?q=lee&role=mentor").get_json()["people"]] == [
        "lee.mentor@example.com"]
    assert client.get("/admin/people/lookup?q=lee&role=root").status_code == 400
    page = client.get("/admin/mentorships").data.decode()
    assert 'list="people-mentor"' in page and 'data-lookup="/admin/people/lookup?role=mentor"' in page
    assert '<script src="/static/js/people-picker.js' in page
    auth.logout()
    auth.login("learner@example.com")
    assert client.get("/admin/people/lookup?q=lee&role=mentor").status_code == 403


def test_due_dates_relative_to_each_persons_start(app, client: FlaskClient, auth: Auth, people,  # type: ignore[no-untyped-def]
                                                  db: Session) -> None:
    from courseware.services.organisation import organisation_today

    today = organisation_today(db)
    cohort = cohorts.create_cohort(db, name="December starters", start_date=date(2026, 12, 1))
    db.commit()
    early = make_user(db, "early@example.com", ("learner",), name="Early")
    late = make_user(db, "late@example.com", ("learner",), name="Late")
    for person in (early, late):
        cohorts.set_cohort(db, person, cohort.id)
    early.start_date = date(2026, 11, 2)
    db.commit()
    auth.login("admin@example.com")
    both = client.post("/admin/assignments", data={"item": "module:intro", "learner_email": "", "cohort_id": str(cohort.id),
                                                   "due_after_days": "14"}, follow_redirects=True)
    assert "2 assignments created." in both.data.decode()
    rows = fresh(db).execute(select(Assignment.user_id, Assignment.due_on).where(Assignment.due_after_days == 14))
    due = {user_id: due_on for user_id, due_on in rows}
    # Early started on 2 November: due on the 16th.  Late has no start yet: provisionally 14 days from today.
    assert due == {early.id: date(2026, 11, 16), late.id: today + (date(2026, 11, 16) - date(2026, 11, 2))}
    listing = client.get("/admin/assignments").data.decode()
    assert "14 days after starting" in listing and "16 Nov 2026" in listing
    neither = client.post("/admin/assignments", data={"item": "module:intro", "learner_email": "late@example.com"})
    assert "Enter a due date (YYYY-MM-DD) or a number of days after starting" in neither.data.decode()
    both_kinds = client.post("/admin/assignments", data={"item": "module:intro", "learner_email": "late@example.com",
                                                         "due_on": "2026-12-30", "due_after_days": "3"})
    assert "(one of the two)" in both_kinds.data.decode()
    auth.logout()
    # Late signs in for the first time: that day is their start (today), and the due date resolves from it.
    auth.login("late@example.com")
    late_user = fresh(db).get(User, late.id)
    assert late_user.start_date == today
    home = client.get("/").data.decode()
    due_text = (today + (date(2026, 11, 16) - date(2026, 11, 2)))
    assert due_text.strftime("%d %b %Y").lstrip("0") in home or due_text.strftime("%-d %b") in home
    # Early was overdue-capable from their own start: the mentor/admin views read the same stored date.
    assert fresh(db).get(User, early.id).start_date == date(2026, 11, 2)


def test_setting_a_start_date_moves_relative_due_dates_only(app, db: Session, people) -> None:  # type: ignore[no-untyped-def]
    state = state_of(app)
    learner = fresh(db).get(User, people["learner"].id)
    relative = assignments.create_assignment(db, kind="module", item_id="intro", due_on=date(2026, 1, 1),
                                             catalog=state.catalog, quizzes=state.quizzes, user_id=learner.id,
                                             due_after_days=10)
    fixed = assignments.create_assignment(db, kind="module", item_id="basics", due_on=date(2027, 1, 5),
                                          catalog=state.catalog, quizzes=state.quizzes, user_id=learner.id)
    assert assignments.set_start_date(db, learner, date(2027, 3, 1)) == 1
    assert (relative.due_on, fixed.due_on) == (date(2027, 3, 11), date(2027, 1, 5))
    assignments.start_if_unknown(db, learner)  # already known: nothing moves
    assert learner.start_date == date(2027, 3, 1)
