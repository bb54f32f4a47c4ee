"""A learning platform simulated for the LTI tests: its own RSA key pair and, on a real local HTTP server,
its key set, a token endpoint and an Assignment and Grade Services line item that records each score."""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://platform.example.org"
CLIENT_ID = "courseware-tool"
DEPLOYMENT = "deployment-1"
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


def new_key() -> rsa.RSAPrivateKey:
    """A fresh 2048-bit RSA key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: rsa.RSAPrivateKey) -> bytes:
    """The private key in PEM, as PyJWT signs with."""
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


class PlatformPeer:
    """The platform: ``url`` is its loopback HTTP address; ``scores`` what its line item received."""

    def __init__(self) -> None:
        self.key = new_key()
        self.kid = "platform-key-1"
        self.scores: list[dict[str, Any]] = []
        self.token_requests: list[dict[str, str]] = []
        self.tool_jwks: dict[str, Any] | None = None  # set by the test: the token endpoint checks the tool's signature
        self.fail_scores = 0  # answer 503 to this many score posts first
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                if self.path == "/jwks":
                    public = json.loads(RSAAlgorithm.to_jwk(peer.key.public_key()))
                    self._answer(200, {"keys": [{**public, "kid": peer.kid, "alg": "RS256", "use": "sig"}]})
                else:
                    self._answer(404, {})

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if self.path == "/token":
                    form = {k: v[0] for k, v in parse_qs(body).items()}
                    peer.token_requests.append(form)
                    try:
                        peer.check_assertion(form["client_assertion"])
                    except Exception as exc:  # noqa: BLE001 - any bad assertion is a 401
                        self._answer(401, {"error": "invalid_client", "error_description": str(exc)})
                        return
                    self._answer(200, {"access_token": "token-" + uuid.uuid4().hex, "token_type": "Bearer",
                                       "expires_in": 3600, "scope": form.get("scope", "")})
                elif self.path.endswith("/scores"):
                    if peer.fail_scores > 0:
                        peer.fail_scores -= 1
                        self._answer(503, {"error": "down for a while"})
                        return
                    peer.scores.append({"path": self.path, "authorization": self.headers.get("Authorization"),
                                        "content_type": self.headers.get("Content-Type"), "body": json.loads(body)})
                    self._answer(200, {})
                else:
                    self._answer(404, {})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def check_assertion(self, assertion: str) -> None:
        """The tool's client assertion must be signed by a key of its published key set, for our token URL."""
        assert self.tool_jwks is not None, "the test gives the platform the tool's key set"
        kid = jwt.get_unverified_header(assertion)["kid"]
        jwk = next(k for k in self.tool_jwks["keys"] if k["kid"] == kid)
        jwt.decode(assertion, RSAAlgorithm.from_jwk(json.dumps(jwk)), algorithms=["RS256"],  # type: ignore[arg-type]
                   audience=self.url + "/token")

    @property
    def registration(self) -> dict[str, Any]:
        """What an admin types on /admin/lti/new."""
        return {"name": "Example LMS", "issuer": ISSUER, "client_id": CLIENT_ID, "key_set_url": self.url + "/jwks",
                "auth_login_url": ISSUER + "/auth", "auth_token_url": self.url + "/token", "deployment_ids": DEPLOYMENT}

    def id_token(self, nonce: str, *, sub: str = "platform-user-1", roles: tuple[str, ...] = ("Learner",),
                 custom: dict[str, str] | None = None, key: rsa.RSAPrivateKey | None = None, expires_in: int = 300,
                 message_type: str = "LtiResourceLinkRequest", lineitem: str | None = None,
                 extra: dict[str, Any] | None = None, email: str | None = None) -> str:
        """A signed launch (by this platform's key unless ``key``; ``expires_in`` negative: already expired)."""
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": ISSUER, "aud": CLIENT_ID, "sub": sub, "iat": now - 10, "exp": now + expires_in, "nonce": nonce,
            "name": "Pat Platform", "email": email,
            CLAIM + "deployment_id": DEPLOYMENT, CLAIM + "message_type": message_type, CLAIM + "version": "1.3.0",
            CLAIM + "roles": [r if "#" in r else f"http://purl.imsglobal.org/vocab/lis/v2/membership#{r}" for r in roles],
            CLAIM + "resource_link": {"id": "link-1"}, CLAIM + "custom": custom or {},
        }
        if lineitem:
            body["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = {
                "scope": [SCORE_SCOPE, "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"],
                "lineitem": self.url + lineitem, "lineitems": self.url + "/lineitems"}
        body.update(extra or {})
        return jwt.encode({k: v for k, v in body.items() if v is not None}, pem(key or self.key), algorithm="RS256",
                          headers={"kid": self.kid})
