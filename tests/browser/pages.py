"""Every page of every role, as URL templates filled with real ids from the demo data.

To add a page: add a ``Page`` row below (its endpoint, a URL template whose ``{names}`` are keys of ``ids``, and
the roles that open it); if it needs an id the demo data does not have, add it in ``demo_ids``. A GET route that is
not an HTML page (CSV, JSON, images) goes in ``NOT_PAGES`` with the reason. ``test_every_get_route_is_walked``
fails when a GET route of the app is in neither list, so a new page cannot be forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy import select

from tests.browser.site import add_certificate

ANONYMOUS = "anonymous"
LEARNER, MENTOR, MANAGER, ADMIN = "learner", "mentor", "manager", "admin"
SIGNED_IN = (LEARNER, MENTOR, MANAGER, ADMIN)
DASHBOARD = (MENTOR, MANAGER, ADMIN)
EVERYONE = (ANONYMOUS, *SIGNED_IN)


@dataclass(frozen=True)
class Page:
    """A page to open: ``url`` is a template filled from ``ids``; ``name`` names its screenshot."""

    name: str
    endpoint: str
    url: str
    roles: tuple[str, ...]


PAGES: list[Page] = [
    # Signing in and links that arrive by email.
    Page("login", "auth.login", "/login", (ANONYMOUS,)),
    Page("forgot-password", "auth.forgot_password", "/password/forgot", (ANONYMOUS,)),
    Page("reset-password", "auth.reset_password", "/password/reset/{reset_token}", (ANONYMOUS,)),
    Page("invitation", "auth.accept_invitation", "/invite/{invite_token}", (ANONYMOUS,)),
    Page("unsubscribe", "account.unsubscribe", "/unsubscribe/{unsubscribe_token}", (ANONYMOUS,)),
    Page("templates", "kit.templates", "/templates", EVERYONE),
    Page("verify-form", "certificates.verify_form", "/verify", EVERYONE),
    Page("verify", "certificates.verify", "/verify/{certificate_code}", EVERYONE),
    Page("api-docs", "api.reference", "/api/v1/docs", EVERYONE),
    # Everyone signed in.
    Page("home", "learner.home", "/", SIGNED_IN),
    Page("account", "account.index", "/account", SIGNED_IN),
    Page("tokens", "account.tokens", "/account/tokens", SIGNED_IN),
    Page("calendar", "account.calendar_page", "/account/calendar", SIGNED_IN),
    Page("my-path", "learner.my_path", "/path", SIGNED_IN),
    Page("search", "search.results", "/search?q=scope", SIGNED_IN),
    Page("search-nothing", "search.results", "/search?q=zzzzqqq", SIGNED_IN),
    Page("certificates", "certificates.mine", "/certificates", SIGNED_IN),
    Page("certificate", "certificates.show", "/certificates/{certificate}", (LEARNER,)),
    Page("logout", "auth.logout", "/logout", SIGNED_IN),
    Page("track", "learner.track", "/tracks/{track}", SIGNED_IN),
    Page("module", "learner.module", "/modules/{module}", SIGNED_IN),
    Page("module-reading", "learner.module", "/modules/{reading_module}", (LEARNER,)),
    Page("module-with-images", "learner.module", "/modules/{module_with_image}", (LEARNER,)),
    Page("quizzes", "quiz.index", "/quizzes", SIGNED_IN),
    Page("quiz-intro", "quiz.intro", "/quizzes/{quiz}", SIGNED_IN),
    Page("attempt", "quiz.attempt", "/attempts/{open_attempt}", (LEARNER,)),
    Page("result", "quiz.attempt", "/attempts/{result}", (LEARNER,)),
    # Mentors, managers and admins.
    Page("diagnostic", "diagnostic.questionnaire", "/diagnostic", (MANAGER, ADMIN)),
    Page("mentor-home", "mentor.home", "/mentor/", DASHBOARD),
    Page("mentor-cohort", "mentor.cohort", "/mentor/cohorts/{cohort}", DASHBOARD),
    Page("mentee", "mentor.mentee", "/mentor/mentees/{learner}", DASHBOARD),
    Page("mentee-attempt", "mentor.mentee_attempt", "/mentor/mentees/{learner}/attempts/{result}", DASHBOARD),
    Page("edit-note", "mentor.edit_note", "/mentor/notes/{mentor_note}/edit", (MENTOR,)),
    Page("delete-note", "mentor.delete_note", "/mentor/notes/{mentor_note}/delete", (MENTOR,)),
    Page("reports", "mentor.reports", "/mentor/reports", DASHBOARD),
    Page("reports-quiz", "mentor.reports", "/mentor/reports?quiz={quiz}", DASHBOARD),
    Page("overview", "admin.overview", "/admin/overview", (MANAGER, ADMIN)),
    # Admins.
    Page("admin", "admin.index", "/admin/", (ADMIN,)),
    Page("users", "admin.users", "/admin/users", (ADMIN,)),
    Page("new-user", "admin.new_user", "/admin/users/new", (ADMIN,)),
    Page("user", "admin.user", "/admin/users/{learner}", (ADMIN,)),
    Page("set-active", "admin.set_active", "/admin/users/{learner}/active", (ADMIN,)),
    Page("cohorts", "admin.cohorts", "/admin/cohorts", (ADMIN,)),
    Page("new-cohort", "admin.new_cohort", "/admin/cohorts/new", (ADMIN,)),
    Page("cohort", "admin.cohort", "/admin/cohorts/{cohort}", (ADMIN,)),
    Page("mentorships", "admin.mentorships", "/admin/mentorships", (ADMIN,)),
    Page("assignments", "admin.assignments", "/admin/assignments", (ADMIN,)),
    Page("delete-assignment", "admin.delete_assignment", "/admin/assignments/{assignment}/delete", (ADMIN,)),
    Page("settings", "admin.settings", "/admin/settings", (ADMIN,)),
    Page("audit", "admin.audit_log", "/admin/audit", (ADMIN,)),
    Page("invite", "admin.invite", "/admin/invitations/new", (ADMIN,)),
    Page("import-invitations", "admin.import_invitations", "/admin/invitations/import", (ADMIN,)),
    Page("outbox", "admin.outbox_page", "/admin/outbox", (ADMIN,)),
    Page("outbox-xapi", "admin.outbox_page", "/admin/outbox?channel=xapi&show=sent", (ADMIN,)),
    Page("flags", "admin.flags", "/admin/flags", (ADMIN,)),
    Page("admin-certificates", "admin.certificates_list", "/admin/certificates", (ADMIN,)),
    Page("revoke-certificate", "admin.revoke_certificate", "/admin/certificates/{certificate}/revoke", (ADMIN,)),
    Page("lti-platforms", "lti.platforms", "/admin/lti", (ADMIN,)),
    Page("lti-new-platform", "lti.new_platform", "/admin/lti/new", (ADMIN,)),
    Page("lti-platform", "lti.edit_platform", "/admin/lti/{lti_platform}", (ADMIN,)),
]

# GET routes that are not HTML pages, with why they are not walked.
NOT_PAGES: dict[str, str] = {
    "static": "stylesheets and scripts (every page loads them; each request is checked to stay on the site)",
    "health.healthz": "JSON for load balancers",
    "health.readyz": "JSON for load balancers",
    "kit.content_image": "SVG images, shown inside module pages",
    "kit.template_csv": "a CSV download",
    "kit.template_markdown": "a Markdown download",
    "admin.audit_csv": "a CSV download",
    "admin.overview_csv": "a CSV download",
    "mentor.export": "a CSV download",
    "mentor.answers_csv": "a CSV download",
    "mentor.grades_csv": "a CSV download",
    "mentor.confusion_csv_view": "a CSV download",
    "certificates.pdf": "a PDF download",
    "admin.people_lookup": "JSON for the people picker's script (the forms that use it are walked)",
    "account.calendar_feed": "an iCalendar (.ics) feed for calendar apps",
    "api.openapi_json": "JSON: the API's OpenAPI description (its HTML reference, api.reference, is walked)",
    **{f"api.{name}": "JSON API (bearer token, no pages)" for name in (
        "me", "my_assignments", "users", "user", "user_attempts", "mentees", "mentorships", "cohort_list",
        "cohort", "cohort_members", "cohort_progress", "cohort_grades", "assignment_list", "attempt",
        "organisation_settings")},
    "lti.jwks": "JSON: the tool's public key set for LTI platforms",
    "lti.login": "LTI 1.3 login initiation: a protocol redirect to the platform (400 without its parameters)",
    "lti.deep_link": "HTML, but only inside a deep-linking launch signed by an LTI platform (404 otherwise); "
                     "tests/interop/test_lti.py drives it with a platform",
    "company.start": "OpenID Connect sign-in: a redirect to the company's provider (none configured here)",
    "company.callback": "OpenID Connect callback: the provider's redirect back, not a page to open",
}


def pages_for(role: str) -> list[Page]:
    return [page for page in PAGES if role in page.roles]


def demo_ids(app: Flask, secret: str) -> dict[str, Any]:
    """The ids and tokens the URL templates name, taken from (and where needed added to) the seeded demo."""
    from courseware.core.certificates import format_code
    from courseware.mail.links import unsubscribe_token
    from courseware.persistence.models import AccountToken, Assignment, Attempt, Cohort, ModuleProgress, User
    from courseware.services import api_tokens, invitations, lti, notes, passwords, tokens
    from courseware.services.attempts import start_attempt
    from courseware.state import state_of

    state = state_of(app)
    catalog = state.catalog
    with state.sessions() as session:
        def user(email: str) -> User:
            found = session.scalar(select(User).where(User.email == email))
            assert found is not None, email
            return found

        learner, mentor = user("learner@example.com"), user("mentor@example.com")
        cohort = session.scalar(select(Cohort).where(Cohort.name == "Autumn 2026 new hires"))
        assert cohort is not None
        result = session.scalar(select(Attempt).where(Attempt.user_id == learner.id, Attempt.state == "submitted")
                                .order_by(Attempt.id.desc()).limit(1))
        assert result is not None
        done = set(session.scalars(select(ModuleProgress.module_id).where(ModuleProgress.user_id == learner.id,
                                                                          ModuleProgress.completed_at.is_not(None))))
        reading = next(m for m in catalog.module_ids if m not in done)  # the next module on the learner's path
        quiz = state.quizzes.get(result.quiz_id)
        assert quiz is not None
        attempt = start_attempt(session, quiz, learner.id, "separate", catalog=catalog, rule=state.completion)
        note = notes.add_note(session, mentee_id=learner.id, author_id=mentor.id,
                              body="Walk through the scope quiz together on Thursday.")
        invitee = invitations.invite(session, email="new.hire@example.com", secret=secret)
        invite_row = tokens.latest_invitation(session, invitee.id)
        assert invite_row is not None
        passwords.request_reset(session, "learner@example.com", secret=secret)
        reset_row = session.scalars(select(AccountToken).where(AccountToken.purpose == "reset")
                                    .order_by(AccountToken.id.desc()).limit(1)).one()
        certificate = add_certificate(session, catalog, learner)
        # Each role's tokens page lists one token (its table is walked too, not only the empty page).
        for person in (learner, mentor, user("admin@example.com")):
            api_tokens.create_token(session, person, scope="read", name="Reporting spreadsheet", days=90)
        assignment = session.scalars(select(Assignment).order_by(Assignment.id).limit(1)).one()
        platform = lti.register_platform(session, lti.PlatformInput(
            name="Agency LMS", issuer="https://lms.example.com", client_id="courseware-tool",
            key_set_url="https://lms.example.com/.well-known/jwks.json",
            auth_login_url="https://lms.example.com/auth", auth_token_url="https://lms.example.com/token",
            deployment_ids=("1",)), actor_id=None)
        ids: dict[str, Any] = {
            "learner": learner.id, "mentor": mentor.id, "cohort": cohort.id, "result": result.id,
            "open_attempt": attempt.id, "quiz": result.quiz_id, "mentor_note": note.id,
            "track": catalog.registry.tracks[0].id, "module": catalog.module_ids[0], "reading_module": reading,
            "module_with_image": next((m.id for m in catalog.modules if "/content/images/" in m.html), reading),
            "invite_token": tokens.derive(secret, invite_row.nonce),
            "reset_token": tokens.derive(secret, reset_row.nonce),
            "unsubscribe_token": unsubscribe_token(secret, learner.id, "reminders"),
            "certificate": certificate.id, "certificate_code": format_code(certificate.code),
            "assignment": assignment.id, "lti_platform": platform.id,
        }
        session.commit()
    return ids
