"""Admin pages for cohorts, mentors, assignments, placement and settings; the learner's assigned work."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.app import create_app
from courseware.persistence import queries
from courseware.persistence.base import utcnow
from courseware.persistence.models import Assignment, Cohort, Mentorship, ModuleProgress, Organisation
from courseware.services import assignments, cohorts
from courseware.state import state_of
from tests.conftest import make_config, make_user


def _fresh(db: Session) -> None:
    db.rollback()  # end the old snapshot
    db.expire_all()


def test_create_edit_and_list_cohorts(client: FlaskClient, auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    auth.login("admin@example.com")
    response = client.post("/admin/cohorts/new", data={"name": "Autumn 2026", "start_date": "2026-09-01",
                                                       "operating_model": "hybrid"})
    assert response.status_code == 302
    cohort = db.scalar(select(Cohort))
    assert cohort is not None and (cohort.name, cohort.start_date, cohort.operating_model) == (
        "Autumn 2026", date(2026, 9, 1), "hybrid")
    assert response.location.endswith(f"/admin/cohorts/{cohort.id}")

    duplicate = client.post("/admin/cohorts/new", data={"name": "autumn 2026", "start_date": "2026-10-01"})
    page = duplicate.data.decode()
    assert duplicate.status_code == 200 and "A cohort with this name already exists." in page
    assert 'value="autumn 2026"' in page  # what was typed comes back
    bad_date = client.post("/admin/cohorts/new", data={"name": "Winter", "start_date": "next week"})
    assert bad_date.status_code == 200 and "Enter a start date (YYYY-MM-DD)." in bad_date.data.decode()
    bad_model = client.post("/admin/cohorts/new", data={"name": "Winter", "start_date": "2026-12-01",
                                                        "operating_model": "matrix"})
    assert "Not a valid choice." in bad_model.data.decode()

    edit = client.post(f"/admin/cohorts/{cohort.id}", data={"name": "Autumn 2026 hires", "start_date": "2026-09-08",
                                                             "operating_model": ""})
    assert edit.status_code == 302
    _fresh(db)
    assert (cohort.name, cohort.start_date, cohort.operating_model) == ("Autumn 2026 hires", date(2026, 9, 8), None)
    bad_edit = client.post(f"/admin/cohorts/{cohort.id}", data={"name": "", "start_date": "2026-09-08"})
    assert bad_edit.status_code == 200 and "Enter a name." in bad_edit.data.decode()

    listing = client.get("/admin/cohorts").data.decode()
    assert "Autumn 2026 hires" in listing and "1 cohort" in listing and "08 Sep 2026" in listing
    assert client.get("/admin/cohorts/999999").status_code == 404


def test_cohort_members_added_by_email_and_removed(client: FlaskClient, auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    autumn = cohorts.create_cohort(db, name="Autumn", start_date=date(2026, 9, 1))
    winter = cohorts.create_cohort(db, name="Winter", start_date=date(2026, 12, 1))
    learner = people["learner"]
    db.commit()
    auth.login("admin@example.com")
    response = client.post(f"/admin/cohorts/{autumn.id}/members", data={"email": "LEARNER@example.com"})
    assert response.status_code == 302
    unknown = client.post(f"/admin/cohorts/{autumn.id}/members", data={"email": "nobody@example.com"})
    assert unknown.status_code == 200 and "No one has this email." in unknown.data.decode()
    not_learner = client.post(f"/admin/cohorts/{autumn.id}/members", data={"email": "mentor@example.com"})
    assert "mentor@example.com is not a learner." in not_learner.data.decode()

    page = client.get(f"/admin/cohorts/{autumn.id}").data.decode()
    assert "1 member" in page and "learner@example.com" in page
    listing = client.get("/admin/cohorts").data.decode()
    assert '<td class="num" data-label="Members">1</td>' in listing and '<td class="num" data-label="Members">0</td>' in listing

    moved = client.post(f"/admin/cohorts/{winter.id}/members", data={"email": "learner@example.com"}, follow_redirects=True)
    assert "(moved from “Autumn”)" in moved.data.decode()
    _fresh(db)
    assert learner.cohort_id == winter.id
    client.post(f"/admin/cohorts/{autumn.id}/members/{learner.id}/remove")  # not in Autumn any more
    _fresh(db)
    assert learner.cohort_id == winter.id
    client.post(f"/admin/cohorts/{winter.id}/members/{learner.id}/remove")
    _fresh(db)
    assert learner.cohort_id is None
    assert "No one is in this cohort yet." in client.get(f"/admin/cohorts/{winter.id}").data.decode()


def test_mentorships_assigned_by_email_listed_and_removed(client: FlaskClient, auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    auth.login("admin@example.com")
    response = client.post("/admin/mentorships", data={"mentor_email": "mentor@example.com",
                                                       "mentee_email": "learner@example.com"})
    assert response.status_code == 302
    assert db.get(Mentorship, (people["mentor"].id, people["learner"].id)) is not None
    again = client.post("/admin/mentorships", data={"mentor_email": "mentor@example.com",
                                                    "mentee_email": "learner@example.com"}, follow_redirects=True)
    assert "already mentors" in again.data.decode()
    not_mentor = client.post("/admin/mentorships", data={"mentor_email": "learner@example.com",
                                                         "mentee_email": "admin@example.com"})
    assert not_mentor.status_code == 200
    assert "learner@example.com does not have the mentor role." in not_mentor.data.decode()
    unknown = client.post("/admin/mentorships", data={"mentor_email": "mentor@example.com", "mentee_email": "x@example.com"})
    assert "No one has this email." in unknown.data.decode()

    for i in range(30):
        make_user(db, f"mentee{i:02d}@example.com", name=f"Mentee {i:02d}")
        cohorts.assign_mentor(db, people["mentor"], queries.user_by_email(db, f"mentee{i:02d}@example.com"))  # type: ignore[arg-type]
    db.commit()
    first = client.get("/admin/mentorships").data.decode()
    assert "31 mentorships" in first and "Page 1 of 2" in first
    filtered = client.get(f"/admin/mentorships?mentor={people['admin'].id}").data.decode()
    assert "0 mentorships" in filtered and "No mentorships for this mentor yet." in filtered

    client.post(f"/admin/mentorships/{people['mentor'].id}/{people['learner'].id}/remove")
    _fresh(db)
    assert db.get(Mentorship, (people["mentor"].id, people["learner"].id)) is None


def test_assignments_created_for_learner_or_cohort_and_deleted(app: Flask, client: FlaskClient, auth, people,  # type: ignore[no-untyped-def]
                                                               db: Session) -> None:
    autumn = cohorts.create_cohort(db, name="Autumn", start_date=date(2026, 9, 1))
    db.commit()
    auth.login("admin@example.com")
    form = client.get("/admin/assignments").data.decode()
    assert '<optgroup label="Foundations">' in form and 'value="quiz:scope-check"' in form  # grouped by track
    assert "Nothing is assigned yet." in form

    ok = client.post("/admin/assignments", data={"item": "module:basics", "learner_email": "learner@example.com",
                                                 "due_on": "2026-12-03"})
    assert ok.status_code == 302
    ok = client.post("/admin/assignments", data={"item": "quiz:scope-check", "cohort_id": str(autumn.id),
                                                 "due_on": "2026-12-10"})
    assert ok.status_code == 302
    made = {(a.kind, a.item_id): (a.id, a.user_id, a.cohort_id, a.created_by_id) for a in db.scalars(select(Assignment))}
    basics_id = made[("module", "basics")][0]
    assert made[("module", "basics")][1:] == (people["learner"].id, None, people["admin"].id)
    assert made[("quiz", "scope-check")][1:3] == (None, autumn.id)

    both = client.post("/admin/assignments", data={"item": "module:intro", "learner_email": "learner@example.com",
                                                   "cohort_id": str(autumn.id), "due_on": "2026-12-03"})
    neither = client.post("/admin/assignments", data={"item": "module:intro", "due_on": "2026-12-03"})
    for response in (both, neither):
        assert response.status_code == 200
        assert "Give a learner&#39;s email or choose a cohort (one of the two)." in response.data.decode()
    unknown = client.post("/admin/assignments", data={"item": "module:gone", "learner_email": "learner@example.com",
                                                      "due_on": "2026-12-03"})
    assert "Not a valid choice." in unknown.data.decode()
    nobody = client.post("/admin/assignments", data={"item": "module:intro", "learner_email": "who@example.com",
                                                     "due_on": "2026-12-03"})
    assert "No one has this email." in nobody.data.decode()
    assert db.scalar(select(func.count()).select_from(Assignment)) == 2

    listing = client.get("/admin/assignments").data.decode()
    assert "2 assignments" in listing and "The basics" in listing and "Scope: who owns it?" in listing
    assert "03 Dec 2026" in listing and "Autumn" in listing
    client.post(f"/admin/assignments/{basics_id}/delete")
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Assignment)) == 1
    assert client.post(f"/admin/assignments/{basics_id}/delete").status_code == 404


def test_placement_sets_cohort_and_own_model(client: FlaskClient, auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    hybrid = cohorts.create_cohort(db, name="Hybrid AMs", start_date=date(2026, 9, 1), operating_model="hybrid")
    db.commit()
    learner = people["learner"]
    auth.login("admin@example.com")
    page = client.get(f"/admin/users/{learner.id}").data.decode()
    assert "Cohort and operating model" in page and "<strong>Separate departments</strong> (the organisation’s default)" in page
    response = client.post(f"/admin/users/{learner.id}/placement", data={"cohort_id": str(hybrid.id), "operating_model": ""})
    assert response.status_code == 302
    page = client.get(f"/admin/users/{learner.id}").data.decode()
    assert "<strong>Hybrid model</strong> (their cohort’s)" in page
    client.post(f"/admin/users/{learner.id}/placement", data={"cohort_id": str(hybrid.id), "operating_model": "separate"})
    _fresh(db)
    assert (learner.cohort_id, learner.operating_model) == (hybrid.id, "separate")
    bad = client.post(f"/admin/users/{learner.id}/placement", data={"cohort_id": "999999", "operating_model": "x"})
    assert bad.status_code == 200 and bad.data.decode().count("Not a valid choice.") == 2
    assert "Save roles" in bad.data.decode()  # the whole user page comes back


def test_settings_change_name_and_default_model(client: FlaskClient, auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    auth.login("admin@example.com")
    page = client.get("/admin/settings").data.decode()
    assert 'value="Our agency"' in page
    response = client.post("/admin/settings", data={"name": "Brightside Agency", "default_model": "hybrid"})
    assert response.status_code == 302
    org = db.get(Organisation, 1)
    assert org is not None and (org.name, org.default_model) == ("Brightside Agency", "hybrid")
    bad = client.post("/admin/settings", data={"name": "", "default_model": "matrix"})
    assert bad.status_code == 200 and "Enter a name." in bad.data.decode() and "Not a valid choice." in bad.data.decode()
    nav = client.get("/admin/").data.decode()
    for label in ("Cohorts", "Mentors", "Assignments", "Settings"):
        assert f">{label}</a>" in nav


def test_forms_need_the_csrf_token(database_url: str, people) -> None:  # type: ignore[no-untyped-def]
    app = create_app(make_config(database_url, WTF_CSRF_ENABLED=True))
    try:
        client = app.test_client()
        client.post("/login", data={"email": "admin@example.com", "password": "x"})  # refused: no token
        with client.session_transaction() as session:  # sign in through the session instead
            session["_user_id"] = people["admin"].session_token
            session["_fresh"] = True
        response = client.post("/admin/cohorts/new", data={"name": "Sneaky", "start_date": "2026-09-01"})
        assert response.status_code == 400
        engine = state_of(app).engine
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(Cohort)).scalar() == 0
    finally:
        state_of(app).engine.dispose()


def test_my_path_shows_assigned_work_with_badges(app: Flask, client: FlaskClient, auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    catalog, bank = state_of(app).catalog, state_of(app).quizzes
    learner = people["learner"]
    cohort = cohorts.create_cohort(db, name="Autumn", start_date=date(2026, 9, 1))
    cohorts.set_cohort(db, learner, cohort.id)
    today = date.today()
    due_soon = today + timedelta(days=7)
    for kind, item, due, target in [
        ("module", "intro", today - timedelta(days=10), {"user_id": learner.id}),   # done
        ("module", "basics", today - timedelta(days=3), {"cohort_id": cohort.id}),  # overdue
        ("quiz", "scope-check", due_soon, {"user_id": learner.id}),                 # due in a week
    ]:
        assignments.create_assignment(db, kind=kind, item_id=item, due_on=due, catalog=catalog, quizzes=bank, **target)
    db.add(ModuleProgress(user_id=learner.id, module_id="intro", started_at=utcnow(), completed_at=utcnow()))
    db.commit()

    auth.login("learner@example.com")
    page = client.get("/").data.decode()
    card = page[page.index("Assigned to you"):page.index('<div class="tracks">')]
    assert card.index("Introduction") < card.index("The basics") < card.index("Scope: who owns it?")
    assert '<span class="badge badge-complete">Done</span>' in card
    overdue = today - timedelta(days=3)  # the date in words, not only in a tooltip (touch screens have none)
    assert (f'<span class="badge badge-overdue">Overdue: was due {overdue.day} {overdue.strftime("%b")}'
            f'{" " + str(overdue.year) if overdue.year != today.year else ""}</span>') in card
    assert f'<span class="badge badge-due">Due {due_soon.day} {due_soon.strftime("%b")}' in card
    assert 'href="/modules/basics"' in card and 'href="/quizzes/scope-check"' in card
    assert "For your whole cohort." in card

    auth.logout()
    auth.login("mentor@example.com")
    assert "Assigned to you" not in client.get("/").data.decode()
