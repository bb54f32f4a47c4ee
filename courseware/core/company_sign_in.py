"""Company sign-in over OpenID Connect: the providers an agency configures, and its rules by email domain.

``COURSEWARE_OIDC_PROVIDERS`` is a JSON list; each provider has a ``name`` (in its URLs), a button ``label``,
``issuer``, ``client_id`` and ``client_secret``, and optionally ``signup_domains`` (people of these email
domains without an account get one, as learners, in the cohort ``signup_cohort`` when given) and
``password_off_domains`` (people of these domains sign in only through this provider: no password sign-in,
no password recovery, and invitations lead here).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")


class ProviderConfigError(ValueError):
    """``COURSEWARE_OIDC_PROVIDERS`` cannot be used as it is."""


@dataclass(frozen=True)
class Provider:
    """One OpenID provider, as configured."""

    name: str
    label: str
    issuer: str
    client_id: str
    client_secret: str
    signup_domains: frozenset[str] = frozenset()
    signup_cohort: str | None = None
    password_off_domains: frozenset[str] = frozenset()

    @property
    def metadata_url(self) -> str:
        """The provider's discovery document."""
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def email_domain(email: str) -> str:
    """The domain of an address, lower-cased ('' when there is none)."""
    return email.rpartition("@")[2].strip().lower() if "@" in email else ""


def _domains(value: Any, where: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(d, str) and d.strip() for d in value):
        raise ProviderConfigError(f"{where}: a list of email domains, such as [\"agency.example\"]")
    return frozenset(d.strip().lower().lstrip("@") for d in value)


def parse_providers(raw: Any) -> tuple[Provider, ...]:
    """The providers from the setting (a JSON text or an already parsed list); ProviderConfigError says what is wrong."""
    if isinstance(raw, str):
        if not raw.strip():
            return ()
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ProviderConfigError(f"COURSEWARE_OIDC_PROVIDERS is not JSON: {exc}") from exc
    if not raw:
        return ()
    if not isinstance(raw, list):
        raise ProviderConfigError("COURSEWARE_OIDC_PROVIDERS must be a JSON list of providers")
    providers: list[Provider] = []
    for number, entry in enumerate(raw, 1):
        where = f"COURSEWARE_OIDC_PROVIDERS provider {number}"
        if not isinstance(entry, dict):
            raise ProviderConfigError(f"{where}: an object with name, label, issuer, client_id and client_secret")
        missing = [k for k in ("name", "label", "issuer", "client_id", "client_secret")
                   if not isinstance(entry.get(k), str) or not entry[k].strip()]
        if missing:
            raise ProviderConfigError(f"{where}: missing {', '.join(missing)}")
        if not NAME.match(entry["name"]):
            raise ProviderConfigError(f"{where}: name must be lower-case letters, digits and dashes")
        if not entry["issuer"].startswith(("https://", "http://")):
            raise ProviderConfigError(f"{where}: issuer must be an http(s) address")
        cohort = entry.get("signup_cohort")
        providers.append(Provider(
            name=entry["name"], label=entry["label"].strip(), issuer=entry["issuer"].strip(),
            client_id=entry["client_id"], client_secret=entry["client_secret"],
            signup_domains=_domains(entry.get("signup_domains"), f"{where} signup_domains"),
            signup_cohort=cohort.strip() if isinstance(cohort, str) and cohort.strip() else None,
            password_off_domains=_domains(entry.get("password_off_domains"), f"{where} password_off_domains")))
    names = [p.name for p in providers]
    if len(set(names)) != len(names):
        raise ProviderConfigError("COURSEWARE_OIDC_PROVIDERS: two providers have the same name")
    return tuple(providers)


def company_provider_for(providers: Sequence[Provider], email: str) -> Provider | None:
    """The provider through which ``email`` must sign in (its domain has password sign-in off), or None."""
    domain = email_domain(email)
    return next((p for p in providers if domain and domain in p.password_off_domains), None)


def may_sign_up(provider: Provider, email: str) -> bool:
    """Whether someone without an account may get one by signing in through ``provider`` with ``email``."""
    return email_domain(email) in provider.signup_domains


def email_is_verified(claims: dict[str, Any]) -> bool:
    """The provider vouches for the address: ``email_verified`` is true (the boolean, or the text 'true')."""
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.lower() == "true")
