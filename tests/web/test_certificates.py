"""Certificates: issued with the completion that earns them, shown, printed, downloaded, verified and revoked."""

from __future__ import annotations

from datetime import date, timedelta

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.core.certificates import format_code
from courseware.persistence.models import Attempt, AuditEntry, Certificate
from courseware.services.organisation import get_organisation
from tests.conftest import PASSWORD, Auth

# The fixture quiz answered right under the default model (separate departments): 100 %.
PERFECT = {"q__q1": "am", "q__q2__t1": "pm", "q__q2__t2": "pm", "q__q2__t3": "am", "q__q2__t4": "pm",
           "q__q3__am": "I", "q__q3__pm": "A", "q__q3__pmo": "C", "q__q4": ["a", "c"], "q__q5": "a"}


def certificates(db: Session) -> list[Certificate]:
    db.rollback()
    db.expire_all()
    return list(db.scalars(select(Certificate).order_by(Certificate.id)))


def finish_path(client: FlaskClient) -> None:
    """Read intro and basics (completing the foundations track), then pass the quiz that completes scope."""
    client.get("/modules/intro")
    assert client.post("/modules/intro/complete").status_code == 302
    client.get("/modules/basics")
    assert client.post("/modules/basics/complete").status_code == 302
    start = client.post("/quizzes/scope-check/start")
    assert start.status_code == 302
    assert client.post(start.location, data=PERFECT).status_code == 302


def test_completing_a_certificate_track_then_the_path_issues_two(client: FlaskClient, auth: Auth, people,  # type: ignore[no-untyped-def]
                                                                   db: Session) -> None:
    auth.login("learner@example.com")
    client.get("/modules/intro")
    client.post("/modules/intro/complete")
    assert certificates(db) == []  # one module of two: nothing yet
    client.get("/modules/basics")
    client.post("/modules/basics/complete")
    [track] = certificates(db)
    assert (track.scope, track.course_title, track.holder_name) == ("foundations", "Foundations", "Learner")
    assert track.issued_on == date.today() and track.expires_on is None
    start = client.post("/quizzes/scope-check/start")
    client.post(start.location, data=PERFECT)
    db.rollback()
    assert db.scalar(select(Attempt.passed)) is True
    track, path = certificates(db)
    assert path.scope == "path" and path.user_id == people["learner"].id
    assert path.course_title == "Account Management and Project Management: the whole path"
    assert len(path.code) == 12 and path.code != track.code
    # Marking a module read again completes nothing new: no third certificate.
    client.post("/modules/intro/complete")
    assert len(certificates(db)) == 2


def test_a_failed_quiz_issues_nothing(client: FlaskClient, auth: Auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    auth.login("learner@example.com")
    for module in ("intro", "basics"):
        client.get(f"/modules/{module}")
        client.post(f"/modules/{module}/complete")
    start = client.post("/quizzes/scope-check/start")
    client.post(start.location, data={"q__q1": "pm"})
    assert [c.scope for c in certificates(db)] == ["foundations"]


def test_learner_sees_prints_and_downloads_their_certificate(client: FlaskClient, auth: Auth, people,  # type: ignore[no-untyped-def]
                                                               db: Session) -> None:
    auth.login("learner@example.com")
    finish_path(client)
    home = client.get("/").data.decode()
    assert 'href="/certificates"' in home and "you have completed the whole path" in home
    path = certificates(db)[-1]
    listing = client.get("/certificates").data.decode()
    assert "Account Management and Project Management: the whole path" in listing
    assert format_code(path.code) in listing and "Valid" in listing
    page = client.get(f"/certificates/{path.id}").data.decode()
    assert "Certificate of completion" in page and "Learner" in page
    assert f"http://localhost/verify/{format_code(path.code)}" in page
    pdf = client.get(f"/certificates/{path.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF-") and b"%%EOF" in pdf.data[-16:]
    assert pdf.headers["Content-Disposition"].startswith("attachment; filename=\"certificate-")
    # Someone else's certificate is a 404, exactly like a missing one.
    auth.logout()
    auth.login("mentor@example.com")
    assert client.get(f"/certificates/{path.id}").status_code == 404
    assert client.get(f"/certificates/{path.id}.pdf").status_code == 404


def test_verify_is_public_and_says_nothing_about_the_person(app, client: FlaskClient, auth: Auth, people,  # type: ignore[no-untyped-def]
                                                            db: Session) -> None:
    auth.login("learner@example.com")
    finish_path(client)
    auth.logout()
    path = certificates(db)[-1]
    anonymous = app.test_client()
    typed = anonymous.get(f"/verify?code={path.code.lower()[:6]} {path.code.lower()[6:]}")
    assert typed.status_code == 302 and typed.location == f"/verify/{format_code(path.code)}"
    page = anonymous.get(typed.location)
    text = page.data.decode()
    assert page.status_code == 200 and "Valid" in text
    assert "Account Management and Project Management: the whole path" in text
    assert "Learner" not in text and "learner@example.com" not in text
    missing = anonymous.get("/verify/ABCD-EFGH-JKLM")
    assert missing.status_code == 404 and "No certificate has the code" in missing.data.decode()
    assert anonymous.get("/verify/%3Cscript%3E").status_code == 404
    assert "&lt;script&gt;" in anonymous.get("/verify?code=<script>").data.decode()


def test_validity_setting_makes_certificates_expire(app, client: FlaskClient, auth: Auth, people,  # type: ignore[no-untyped-def]
                                                    db: Session) -> None:
    auth.login("admin@example.com")
    form = {"name": "Our agency", "default_model": "separate", "time_zone": "UTC", "certificate_months": "12"}
    assert client.post("/admin/settings", data=form).status_code == 302
    bad = client.post("/admin/settings", data={**form, "certificate_months": "0"})
    assert bad.status_code == 200 and "Number must be between 1 and 120." in bad.data.decode()
    assert get_organisation(db).certificate_validity_months == 12
    entry = db.scalars(select(AuditEntry).where(AuditEntry.kind == "organisation.update")).all()[-1]
    assert entry.after == {"certificate_validity_months": 12}
    auth.logout()
    auth.login("learner@example.com")
    finish_path(client)
    path = certificates(db)[-1]
    today = date.today()
    assert path.expires_on == (date(today.year + 1, today.month, min(today.day, 28)) if today.month == 2
                               else today.replace(year=today.year + 1))
    # A year on: expired.  Moved back by hand, as the clock would.
    path.issued_on, path.expires_on = today - timedelta(days=400), today - timedelta(days=35)
    db.commit()
    text = app.test_client().get(f"/verify/{path.code}").data.decode()
    assert "Expired" in text and "Expired on" in text


def test_admin_revokes_with_confirmation(app, client: FlaskClient, auth: Auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    auth.login("learner@example.com")
    finish_path(client)
    auth.logout()
    path = certificates(db)[-1]
    auth.login("admin@example.com")
    listing = client.get("/admin/certificates").data.decode()
    assert "learner@example.com" in listing and f"/admin/certificates/{path.id}/revoke" in listing
    confirm = client.get(f"/admin/certificates/{path.id}/revoke").data.decode()
    assert "Revoke this certificate?" in confirm and "Learner" in confirm
    assert certificates(db)[-1].revoked_at is None  # the GET changed nothing
    empty = client.post(f"/admin/certificates/{path.id}/revoke", data={"reason": ""})
    assert empty.status_code == 200 and "Say why the certificate is revoked." in empty.data.decode()
    done = client.post(f"/admin/certificates/{path.id}/revoke", data={"reason": "Issued in error"})
    assert done.status_code == 302
    revoked = certificates(db)[-1]
    assert revoked.revoked_at is not None and revoked.revoke_reason == "Issued in error"
    entry = db.scalar(select(AuditEntry).where(AuditEntry.kind == "certificate.revoke"))
    assert entry is not None and entry.reason == "Issued in error" and entry.actor_id == people["admin"].id
    assert "Revoked" in app.test_client().get(f"/verify/{path.code}").data.decode()
    again = client.post(f"/admin/certificates/{path.id}/revoke", data={"reason": "twice"}, follow_redirects=True)
    assert "already revoked" in again.data.decode()
    assert len(db.scalars(select(AuditEntry).where(AuditEntry.kind == "certificate.revoke")).all()) == 1


def test_learners_cannot_revoke(client: FlaskClient, auth: Auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    auth.login("learner@example.com", PASSWORD)
    finish_path(client)
    path = certificates(db)[-1]
    assert client.post(f"/admin/certificates/{path.id}/revoke", data={"reason": "mine"}).status_code == 403
    assert certificates(db)[-1].revoked_at is None


def test_pdf_text_keeps_latin1_and_approximates_the_rest() -> None:
    from courseware.web.certificates.pdf import latin1

    assert latin1("Zoë Łukasz-Ng “Z” Dvořák – Ελένη") == 'Zoë Lukasz-Ng "Z" Dvorák - ?????'
