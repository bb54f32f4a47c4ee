"""The configured OpenID providers of an app, and their Authlib clients."""

from __future__ import annotations

from typing import Any

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app

from ...core.company_sign_in import Provider, ProviderConfigError, company_provider_for, parse_providers

KEY = "courseware.company_sign_in"


def init_app(app: Flask) -> None:
    """Read ``OIDC_PROVIDERS`` (a bad setting stops the start-up, saying why) and register each with Authlib."""
    from ...app import ConfigError

    try:
        providers = parse_providers(app.config.get("OIDC_PROVIDERS"))
    except ProviderConfigError as exc:
        raise ConfigError(str(exc)) from exc
    oauth = OAuth(app)
    for provider in providers:
        oauth.register(name=provider.name, client_id=provider.client_id, client_secret=provider.client_secret,
                       server_metadata_url=provider.metadata_url,
                       client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256",
                                      "timeout": 30})
    app.extensions[KEY] = (providers, oauth)

    @app.context_processor
    def _buttons() -> dict[str, Any]:
        return {"company_providers": providers}


def providers() -> tuple[Provider, ...]:
    """Every configured provider, in the configured order."""
    return current_app.extensions[KEY][0]  # type: ignore[no-any-return]


def provider(name: str) -> Provider | None:
    """The provider with this name, or None."""
    return next((p for p in providers() if p.name == name), None)


def client(name: str) -> Any:
    """Authlib's client for the provider ``name``."""
    return current_app.extensions[KEY][1].create_client(name)


def company_only(email: str) -> Provider | None:
    """The provider through which ``email`` must sign in (its domain has password sign-in off), or None."""
    return company_provider_for(providers(), email)
