"""PyLTI1p3 bound to Courseware: registrations from the database, state and nonces kept on the server.

PyLTI1p3's own nonce check only asks whether the nonce exists; ``DbLaunchStorage.check_value`` deletes it
as it checks (one DELETE wins), so a replayed launch — same id_token, same nonce — is refused.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pylti1p3.contrib.flask import FlaskRequest
from pylti1p3.deployment import Deployment
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract
from sqlalchemy.orm import Session

from ...persistence.models import LtiPlatform
from ...services import lti


class DbLaunchStorage(LaunchDataStorage[Any]):
    """PyLTI1p3's launch storage in the ``one_time_values`` table; a nonce is consumed when checked."""

    _session_cookie_name = ""  # no session-id cookie: the keys (random state and nonce) are global

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key: str) -> Any:
        return lti.get_value(self.session, self._prepare_key(key))

    def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
        lti.put_value(self.session, self._prepare_key(key), value, lifetime=timedelta(seconds=exp or 600))

    def check_value(self, key: str) -> bool:
        return lti.take_value(self.session, self._prepare_key(key))


class DbToolConf(ToolConfAbstract[FlaskRequest]):
    """Registrations and deployments from ``lti_platforms``, signed with the tool's key from ``lti_tool_keys``."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        key = lti.tool_key(session)
        self.private_pem = key.private_pem
        self.public_pem = lti.public_pem(key)

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def platform(self, iss: str, client_id: str | None) -> LtiPlatform | None:
        """The registration of ``iss`` (and ``client_id``; without it, the issuer's only one)."""
        found = lti.platforms_for(self.session, iss, client_id or None)
        if not found or (not client_id and len(found) > 1):
            return None
        return found[0]

    def _registration(self, platform: LtiPlatform | None) -> Registration | None:
        if platform is None:
            return None
        return (Registration().set_issuer(platform.issuer).set_client_id(platform.client_id)
                .set_key_set_url(platform.key_set_url).set_auth_login_url(platform.auth_login_url)
                .set_auth_token_url(platform.auth_token_url).set_tool_private_key(self.private_pem)
                .set_tool_public_key(self.public_pem))

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Registration:
        return self._registration(self.platform(iss, None))  # type: ignore[return-value]

    def find_registration_by_params(self, iss: str, client_id: str, *args: Any, **kwargs: Any) -> Registration:
        return self._registration(self.platform(iss, client_id))  # type: ignore[return-value]

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        return self.find_deployment_by_params(iss, deployment_id, "")

    def find_deployment_by_params(self, iss: str, deployment_id: str, client_id: str, *args: Any,
                                  **kwargs: Any) -> Deployment | None:
        platform = self.platform(iss, client_id)
        if platform is None or deployment_id not in platform.deployment_ids:
            return None
        return Deployment().set_deployment_id(deployment_id)

    def jwks(self) -> dict[str, Any]:
        """The tool's public key set."""
        return {"keys": [dict(Registration.get_jwk(self.public_pem))]}
