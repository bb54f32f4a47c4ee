"""Company sign-in against a real OpenID provider (oidc-provider from npm, run by Node.js on a loopback port).

The test plays the browser at the provider with `requests` (its development login and consent forms) and the
browser at Courseware with the Flask test client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.app import ConfigError, create_app
from courseware.persistence.db import make_session_factory
from courseware.persistence.models import AuditEntry, Cohort, OutboxMessage, User
from courseware.services import invitations, tokens
from courseware.state import state_of
from tests.conftest import PASSWORD, _empty_tables, make_config, make_user
from tests.peers.oidc_provider import OidcProviderPeer

CALLBACK = "http://localhost/auth/company/acme/callback"
ACCOUNTS = {
    "ana": {"email": "Ana@Agency.example", "email_verified": True, "name": "Ana Agency"},
    "newbie": {"email": "newbie@agency.example", "email_verified": True, "name": "Nico Newbie"},
    "stranger": {"email": "sam@elsewhere.example", "email_verified": True, "name": "Sam Stranger"},
    "unverified": {"email": "ana@agency.example", "email_verified": False, "name": "Not Ana"},
}


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProviderPeer]:
    """oidc-provider with one client (Courseware) and the accounts above."""
    peer = OidcProviderPeer(clients=[{"client_id": "courseware", "client_secret": "courseware-test-secret",
                                      "redirect_uris": [CALLBACK], "grant_types": ["authorization_code"],
                                      "response_types": ["code"]}], accounts=ACCOUNTS)
    peer.start()
    yield peer
    peer.stop()


@pytest.fixture
def sso_app(database_url: str, tmp_path: Path, provider: OidcProviderPeer) -> Iterator[Flask]:
    """The app with the provider configured: agency.example may sign up (into "New hires") and has no passwords."""
    application = create_app(make_config(database_url, JOBS_FILE=str(tmp_path / "jobs.sqlite3"), MAIL_DIR=str(tmp_path),
                                         OIDC_PROVIDERS=[{
                                             "name": "acme", "label": "Sign in with Acme", "issuer": provider.issuer,
                                             "client_id": "courseware", "client_secret": "courseware-test-secret",
                                             "signup_domains": ["agency.example"], "signup_cohort": "New hires",
                                             "password_off_domains": ["agency.example"]}]))
    yield application
    state_of(application).engine.dispose()
    _empty_tables(database_url)


@pytest.fixture
def sso_db(sso_app: Flask) -> Iterator[Session]:
    session = make_session_factory(state_of(sso_app).engine)()
    yield session
    session.close()


def _start(client: FlaskClient) -> str:
    response = client.get("/auth/company/acme")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.location).query)
    assert query["redirect_uri"] == [CALLBACK] and query["code_challenge_method"] == ["S256"] and query["nonce"]
    return response.location


def _back(client: FlaskClient, url: str):  # type: ignore[no-untyped-def]
    parts = urlsplit(url)
    return client.get(parts.path + "?" + parts.query)


def _sign_in(client: FlaskClient, provider: OidcProviderPeer, login: str):  # type: ignore[no-untyped-def]
    return _back(client, provider.sign_in(_start(client), login, CALLBACK))


def _account_page(client: FlaskClient) -> str | None:
    response = client.get("/account")
    return response.get_data(as_text=True) if response.status_code == 200 else None


def test_the_login_page_shows_the_button(sso_app: Flask) -> None:
    page = sso_app.test_client().get("/login").get_data(as_text=True)
    assert 'href="/auth/company/acme"' in page and "Sign in with Acme" in page


def test_a_verified_email_signs_in_its_account(sso_app: Flask, sso_db: Session, provider: OidcProviderPeer) -> None:
    make_user(sso_db, "ana@agency.example", name="Ana")
    client = sso_app.test_client()
    response = _sign_in(client, provider, "ana")
    assert response.status_code == 302 and response.location == "/"
    assert "ana@agency.example" in (_account_page(client) or "")


def test_a_new_person_of_a_sign_up_domain_joins_the_default_cohort(sso_app: Flask, sso_db: Session,
                                                                    provider: OidcProviderPeer) -> None:
    sso_db.add(Cohort(name="New hires", start_date=date(2026, 12, 1)))
    sso_db.commit()
    client = sso_app.test_client()
    assert _sign_in(client, provider, "newbie").status_code == 302
    user = sso_db.scalar(select(User).where(User.email == "newbie@agency.example"))
    assert user is not None and user.display_name == "Nico Newbie" and user.access_roles == {"learner"}
    assert user.cohort is not None and user.cohort.name == "New hires"
    assert sso_db.scalar(select(AuditEntry.kind).where(AuditEntry.kind == "user.company_sign_up")) is not None
    assert "newbie@agency.example" in (_account_page(client) or "")


def test_an_unknown_domain_is_refused(sso_app: Flask, sso_db: Session, provider: OidcProviderPeer) -> None:
    client = sso_app.test_client()
    response = _sign_in(client, provider, "stranger")
    assert response.status_code == 403
    assert "cannot sign up here" in response.get_data(as_text=True)
    assert _account_page(client) is None
    assert sso_db.scalar(select(User).where(User.email == "sam@elsewhere.example")) is None


def test_an_unverified_email_is_refused(sso_app: Flask, sso_db: Session, provider: OidcProviderPeer) -> None:
    make_user(sso_db, "ana@agency.example", name="Ana")
    client = sso_app.test_client()
    response = _sign_in(client, provider, "unverified")
    assert response.status_code == 403 and "has not verified the address" in response.get_data(as_text=True)
    assert _account_page(client) is None


def test_a_replayed_callback_is_refused(sso_app: Flask, sso_db: Session, provider: OidcProviderPeer) -> None:
    make_user(sso_db, "ana@agency.example", name="Ana")
    client = sso_app.test_client()
    authorize = _start(client)
    cookie = client.get_cookie("session")
    assert cookie is not None
    first = provider.sign_in(authorize, "ana", CALLBACK)
    second = provider.sign_in(authorize, "ana", CALLBACK)  # the same state and nonce, another code
    assert _back(client, first).status_code == 302
    # The same callback again in the same browser: its state was used up.
    again = _back(client, first)
    assert again.status_code == 403 and "refused" in again.get_data(as_text=True)
    # A copy of the session cookie from before the callback, with the first code (spent at the provider)…
    thief = sso_app.test_client()
    thief.set_cookie("session", cookie.value)
    assert _back(thief, first).status_code == 403
    # …and with a fresh code for the same nonce: Authlib's checks pass, the nonce kept on the server was used.
    thief = sso_app.test_client()
    thief.set_cookie("session", cookie.value)
    replay = _back(thief, second)
    assert replay.status_code == 403 and "already used" in replay.get_data(as_text=True)
    assert _account_page(thief) is None


def test_a_forged_state_is_refused(sso_app: Flask) -> None:
    client = sso_app.test_client()
    response = client.get("/auth/company/acme/callback?code=made-up&state=made-up")
    assert response.status_code == 403
    assert sso_app.test_client().get("/auth/company/nobody").status_code == 404


def test_password_sign_in_recovery_and_invitations_lead_to_the_company(sso_app: Flask, sso_db: Session) -> None:
    make_user(sso_db, "ana@agency.example", name="Ana")
    client = sso_app.test_client()
    page = client.post("/login", data={"email": "ana@agency.example", "password": PASSWORD})
    assert page.status_code == 200 and "sign in with their company account" in page.get_data(as_text=True)
    assert _account_page(client) is None  # the right password does not open it
    forgot = client.post("/password/forgot", data={"email": "ANA@agency.example"})
    assert forgot.status_code == 200 and 'href="/auth/company/acme"' in forgot.get_data(as_text=True)
    assert sso_db.scalars(select(OutboxMessage)).all() == []  # no reset link was sent
    invited = invitations.invite(sso_db, email="ines@agency.example", secret="test-secret")
    sso_db.commit()
    token_row = sso_db.scalars(select(tokens.AccountToken).where(tokens.AccountToken.user_id == invited.id)).one()
    link = client.get("/invite/" + tokens.derive("test-secret", token_row.nonce))
    assert link.status_code == 200 and "Use your company account" in link.get_data(as_text=True)
    # Other domains keep their passwords.
    make_user(sso_db, "lee@example.com")
    assert client.post("/login", data={"email": "lee@example.com", "password": PASSWORD}).status_code == 302


def test_a_bad_provider_setting_stops_the_start_up(database_url: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="missing client_secret"):
        create_app(make_config(database_url, OIDC_PROVIDERS='[{"name": "acme", "label": "Acme", '
                                                           '"issuer": "https://id.example", "client_id": "x"}]'))
