"""Invitations end to end: admin form → email through a real SMTP server → link → name and password → signed in."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.persistence import queries
from courseware.persistence.base import utcnow
from courseware.persistence.models import AccountToken, AuditEntry, OutboxMessage, User
from courseware.services import cohorts
from tests.conftest import PASSWORD, make_user, run_queued_jobs
from tests.smtp_peer import SmtpPeer, html_of, link_path, text_of

NEW_PASSWORD = "plum tree in the yard"


def _invite(client: FlaskClient, email: str = "new.hire@example.com", **extra: object):  # type: ignore[no-untyped-def]
    return client.post("/admin/invitations/new", data={"email": email, "roles": ["learner"], **extra})


def test_invite_email_link_password_signed_in(mail_app: Flask, smtp: SmtpPeer, client: FlaskClient, auth, people,
                                             db: Session) -> None:  # type: ignore[no-untyped-def]
    cohort = cohorts.create_cohort(db, name="Winter", start_date=utcnow().date())
    db.commit()
    auth.login("admin@example.com")
    response = _invite(client, "New.Hire@Example.com", name="Nia Hire", cohort_id=str(cohort.id),
                       mentor_email="mentor@example.com")
    assert response.status_code == 302
    invited = queries.user_by_email(db, "new.hire@example.com")
    assert invited is not None and invited.cohort_id == cohort.id
    assert [m.email for m in cohorts.mentors_of(db, invited.id)] == ["mentor@example.com"]
    # Only a hash of the token is stored, and the message waits in the outbox until the worker runs.
    token_row = db.scalars(select(AccountToken)).one()
    assert len(token_row.token_hash) == 64 and smtp.mailbox.messages == []

    assert run_queued_jobs(mail_app) == 1  # the commit nudged the worker through the job queue
    (message,) = smtp.mailbox.to("new.hire@example.com")
    assert message["Subject"] == "Admin invited you to Courseware"
    path = link_path(message, "/invite/")
    assert path in html_of(message)
    assert token_row.token_hash not in text_of(message)

    invitee = mail_app.test_client()
    page = invitee.get(path)
    assert page.status_code == 200 and 'value="Nia Hire"' in page.data.decode()
    short = invitee.post(path, data={"name": "Nia", "password": "too-short", "confirm": "too-short"})
    assert "Use at least 12 characters" in short.data.decode()
    differ = invitee.post(path, data={"name": "Nia", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "!"})
    assert "The two passwords differ." in differ.data.decode()
    done = invitee.post(path, data={"name": "Nia H.", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.location == "/"
    assert "Nia H." in invitee.get("/").data.decode()  # signed in, under the chosen name

    again = mail_app.test_client().get(path)  # single use
    assert "This invitation link was already used" in again.data.decode()
    fresh = mail_app.test_client()
    assert fresh.post("/login", data={"email": "new.hire@example.com", "password": NEW_PASSWORD}).status_code == 302
    entry = db.scalars(select(AuditEntry).where(AuditEntry.kind == "user.invite")).one()
    assert entry.actor_label == "admin@example.com" and entry.target_label == "new.hire@example.com"
    assert entry.after == {"name": "Nia Hire", "roles": ["learner"]}
    # The cohort and the mentor are recorded by the services that set them, in the same transaction.
    steps = db.scalars(select(AuditEntry).where(AuditEntry.id > entry.id).order_by(AuditEntry.id)).all()
    assert [(e.kind, e.actor_label, e.target_label) for e in steps[:2]] == [
        ("cohort.member_add", "admin@example.com", "new.hire@example.com"),
        ("mentorship.assign", "admin@example.com", "mentor@example.com → new.hire@example.com")]


def test_inviting_an_existing_address_says_so_on_the_form(app: Flask, client: FlaskClient, auth, people,
                                                         db: Session) -> None:  # type: ignore[no-untyped-def]
    auth.login("admin@example.com")
    page = _invite(client, "LEARNER@example.com").data.decode()
    assert "learner@example.com already has an account." in page
    assert 'value="LEARNER@example.com"' in page
    assert _invite(client, "pending@example.com").status_code == 302
    page = _invite(client, "pending@example.com").data.decode()
    assert "pending@example.com was already invited on" in page and "resend or revoke" in page
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_expired_forged_revoked_and_replaced_links_say_which(mail_app: Flask, smtp: SmtpPeer, client: FlaskClient,
                                                             auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    auth.login("admin@example.com")
    _invite(client, "a@example.com")
    run_queued_jobs(mail_app)
    first = link_path(smtp.mailbox.messages[-1], "/invite/")
    user = queries.user_by_email(db, "a@example.com")
    assert user is not None

    visitor = mail_app.test_client()
    forged = visitor.get(first[:-3] + "xyz")
    assert forged.status_code == 200 and "This link does not work" in forged.data.decode()
    assert "We never sent this link" in visitor.post("/invite/" + "A" * 43, data={}).data.decode()

    assert client.post(f"/admin/users/{user.id}/invitation/resend").status_code == 302
    run_queued_jobs(mail_app)
    second = link_path(smtp.mailbox.messages[-1], "/invite/")
    assert second != first
    assert "A newer link was sent" in visitor.get(first).data.decode()
    assert "Join Courseware" in visitor.get(second).data.decode()

    client.post(f"/admin/users/{user.id}/invitation/revoke")
    assert "This invitation was withdrawn" in visitor.get(second).data.decode()
    assert "Withdrawn" in client.get(f"/admin/users/{user.id}").data.decode()

    client.post(f"/admin/users/{user.id}/invitation/resend")
    run_queued_jobs(mail_app)
    third = link_path(smtp.mailbox.messages[-1], "/invite/")
    db.rollback()
    db.execute(AccountToken.__table__.update().values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    expired = visitor.get(third).data.decode()
    assert "This invitation link has expired" in expired and "Invitation links work for 7 days" in expired
    assert "Expired" in client.get(f"/admin/users/{user.id}").data.decode()
    kinds = list(db.scalars(select(AuditEntry.kind).where(AuditEntry.kind != "user.create").order_by(AuditEntry.id)))
    assert kinds == ["user.invite", "invitation.resend", "invitation.revoke", "invitation.resend"]
    assert len(smtp.mailbox.messages) == 3


def test_an_invitation_revoked_before_the_worker_ran_is_not_sent(mail_app: Flask, smtp: SmtpPeer,
                                                                 client: FlaskClient, auth, people,
                                                                 db: Session) -> None:  # type: ignore[no-untyped-def]
    auth.login("admin@example.com")
    _invite(client, "a@example.com")
    user = queries.user_by_email(db, "a@example.com")
    assert user is not None
    client.post(f"/admin/users/{user.id}/invitation/revoke")
    run_queued_jobs(mail_app)
    assert smtp.mailbox.messages == []
    db.rollback()
    row = db.scalars(select(OutboxMessage)).one()
    assert row.status == "failed" and "revoked" in (row.last_error or "")
    assert "revoked" in client.get("/admin/outbox").data.decode()


def test_csv_upload_previews_names_bad_rows_and_imports_with_invitations(app: Flask, client: FlaskClient, auth,
                                                                        people, db: Session) -> None:  # type: ignore[no-untyped-def]
    from io import BytesIO

    auth.login("admin@example.com")
    bad = b"email,name,roles,cohort,mentor\nok@example.com,Ok,learner,,\nnot-an-email,Bad,learner,,\nx@example.com,X,wizard,,\n"
    page = client.post("/admin/invitations/import", data={"file": (BytesIO(bad), "team.csv")},
                       content_type="multipart/form-data").data.decode()
    assert "Nothing was imported: 2 problems" in page
    assert "team.csv:3: invalid email &#39;not-an-email&#39;" in page
    assert "team.csv:4: unknown role &#39;wizard&#39;" in page
    before = db.scalar(select(func.count()).select_from(User))

    good = b"email,name,roles,cohort,mentor\nana@example.com,Ana,learner,Spring,mentor@example.com\nlearner@example.com,Lee,,,\n"
    page = client.post("/admin/invitations/import", data={"file": (BytesIO(good), "team.csv")},
                       content_type="multipart/form-data").data.decode()
    assert "Preview: nothing is saved yet" in page
    assert "1</strong> new person, each sent an invitation: ana@example.com" in page
    assert "learner@example.com (name)" in page and "New cohorts: Spring" in page
    db.rollback()
    assert db.scalar(select(func.count()).select_from(User)) == before  # the preview wrote nothing
    assert cohorts.cohort_by_name(db, "Spring") is None

    csv_text = good.decode()
    done = client.post("/admin/invitations/import", data={"csv_text": csv_text, "csv_name": "team.csv"})
    assert done.status_code == 302
    db.rollback()
    ana = queries.user_by_email(db, "ana@example.com")
    assert ana is not None and ana.cohort is not None and ana.cohort.name == "Spring"
    messages = list(db.scalars(select(OutboxMessage)))
    assert [(m.kind, m.to_address) for m in messages] == [("invite", "ana@example.com")]
    learner = queries.user_by_email(db, "learner@example.com")
    assert learner is not None and learner.display_name == "Lee"
    entry = db.scalars(select(AuditEntry).where(AuditEntry.kind == "user.invite")).one()
    assert (entry.actor_label, entry.target_label, entry.after) == (
        "admin@example.com", "ana@example.com", {"name": "Ana", "roles": ["learner"]})


def test_invited_person_cannot_sign_in_before_accepting(app: Flask, client: FlaskClient, auth, people) -> None:  # type: ignore[no-untyped-def]
    auth.login("admin@example.com")
    _invite(client, "a@example.com")
    fresh = app.test_client()
    for guess in ("", "!", PASSWORD):
        response = fresh.post("/login", data={"email": "a@example.com", "password": guess})
        assert response.status_code == 200
    assert "Invited" in client.get("/admin/users").data.decode()


def test_resend_to_someone_who_joined_is_refused(app: Flask, client: FlaskClient, auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    joined = make_user(db, "joined@example.com")
    auth.login("admin@example.com")
    response = client.post(f"/admin/users/{joined.id}/invitation/resend", follow_redirects=True)
    assert "has already joined" in response.data.decode()
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0
