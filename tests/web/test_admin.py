"""Admin: people, roles and deactivation."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from courseware.persistence import queries
from tests.conftest import make_user


def test_create_user_then_sign_in(client: FlaskClient, auth, people, db: Session, app) -> None:  # type: ignore[no-untyped-def]
    auth.login("admin@example.com")
    response = client.post("/admin/users/new", data={
        "email": "New.Hire@Example.com", "display_name": "New Hire", "password": "welcome-aboard", "roles": ["learner", "mentor"],
    })
    assert response.status_code == 302
    user = queries.user_by_email(db, "new.hire@example.com")
    assert user is not None and user.access_roles == {"learner", "mentor"}
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": "new.hire@example.com", "password": "welcome-aboard"}).status_code == 302


def test_bad_create_form_comes_back_with_errors(client: FlaskClient, auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    auth.login("admin@example.com")
    response = client.post("/admin/users/new", data={"email": "LEARNER@example.com", "display_name": "Dup",
                                                     "password": "long-enough", "roles": ["learner"]})
    assert response.status_code == 200
    page = response.data.decode()
    assert "A user with this email already exists." in page
    assert 'value="LEARNER@example.com"' in page  # nothing typed is lost
    short = client.post("/admin/users/new", data={"email": "x@example.com", "display_name": "X", "password": "short"})
    assert "Use at least 12 characters" in short.data.decode()
    common = client.post("/admin/users/new", data={"email": "x@example.com", "display_name": "X",
                                                   "password": "Password1234"})
    assert "list of common passwords" in common.data.decode()
    assert queries.user_by_email(db, "x@example.com") is None


def test_change_roles_and_deactivate(client: FlaskClient, auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    auth.login("admin@example.com")
    learner = people["learner"]
    client.post(f"/admin/users/{learner.id}", data={"roles": ["learner", "mentor"]})
    db.rollback()  # end the old snapshot
    db.expire_all()
    assert queries.user_by_email(db, "learner@example.com").access_roles == {"learner", "mentor"}  # type: ignore[union-attr]
    client.post(f"/admin/users/{learner.id}/active", data={"active": "0"})
    db.rollback()  # end the old snapshot
    db.expire_all()
    assert queries.user_by_email(db, "learner@example.com").active is False  # type: ignore[union-attr]


def test_admin_cannot_lock_themselves_out(client: FlaskClient, auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    auth.login("admin@example.com")
    admin = people["admin"]
    response = client.post(f"/admin/users/{admin.id}", data={"roles": ["learner"]})
    assert "You cannot remove your own admin role." in response.data.decode()
    client.post(f"/admin/users/{admin.id}/active", data={"active": "0"})
    db.rollback()  # end the old snapshot
    db.expire_all()
    assert queries.user_by_email(db, "admin@example.com").active is True  # type: ignore[union-attr]


def test_user_list_paginates_and_searches(client: FlaskClient, auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    for i in range(30):
        make_user(db, f"person{i:02d}@example.com", name=f"Person {i:02d}")
    auth.login("admin@example.com")
    first = client.get("/admin/users").data.decode()
    assert "33 people" in first and "Page 1 of 2" in first
    second = client.get("/admin/users?page=2").data.decode()
    assert "Person 29" in second and "Person 00" not in second
    found = client.get("/admin/users?q=person 07").data.decode()
    assert "1 person" in found and "Person 07" in found
    mentors = client.get("/admin/users?role=mentor").data.decode()
    assert "1 person" in mentors and "mentor@example.com" in mentors
