"""A small HTTP client for drills against a real server: cookies, CSRF tokens, no redirect following."""

from __future__ import annotations

import http.client
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


class Browser:
    """One user's browser: keeps cookies, reads CSRF tokens out of pages."""

    def __init__(self, port: int, timeout: float = 60):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict[str, str] | list[tuple[str, str]] | None = None,
                ) -> tuple[int, dict[str, str], str]:
        """(status, headers, body) of one request; raises ConnectionError-like errors as they come."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                jar: SimpleCookie = SimpleCookie()
                jar.load(header)
                for key, morsel in jar.items():
                    if morsel.value and not morsel["expires"].startswith("Thu, 01 Jan 1970"):
                        self.cookies[key] = morsel.value
                    else:
                        self.cookies.pop(key, None)
            return response.status, dict(response.headers), text
        finally:
            conn.close()

    def token(self, path: str) -> str:
        """The CSRF token of the form on ``path``."""
        status, _, text = self.request("GET", path)
        assert status == 200, (path, status)
        found = CSRF.search(text)
        assert found, f"no CSRF token on {path}"
        return found.group(1) or found.group(2)

    def sign_in(self, email: str, password: str) -> None:
        """Sign in through the real form (CSRF included)."""
        status, headers, _ = self.request("POST", "/login", {"csrf_token": self.token("/login"), "email": email,
                                                             "password": password})
        assert status == 302, status
