"""A real OpenID provider for the tests: oidc-provider (npm, installed by `make test`) run by Node.js."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests

HERE = Path(__file__).parent / "oidc"


def free_port() -> int:
    """A loopback port nobody listens on just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Form(HTMLParser):
    """The first form of a page: its action and its inputs' values."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = values.get("action") or ""
        elif tag == "input" and values.get("name"):
            self.fields[str(values["name"])] = values.get("value") or ""


class OidcProviderPeer:
    """``oidc-provider`` on a free loopback port; ``issuer`` is its address."""

    def __init__(self, *, clients: list[dict[str, Any]], accounts: dict[str, dict[str, Any]]) -> None:
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.clients, self.accounts = clients, accounts
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if not (HERE / "node_modules" / "oidc-provider").is_dir():
            raise RuntimeError("oidc-provider is not installed: run `make test` (or `npm ci` in tests/peers/oidc)")
        env = {**os.environ, "PORT": str(self.port), "OIDC_CLIENTS": json.dumps(self.clients),
               "OIDC_ACCOUNTS": json.dumps(self.accounts), "NODE_ENV": "test"}
        self.process = subprocess.Popen(["node", str(HERE / "provider.mjs")], cwd=HERE, env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oidc-provider stopped: {self.process.stderr.read().decode() if self.process.stderr else ''}")
            try:
                if requests.get(self.issuer + "/.well-known/openid-configuration", timeout=1).ok:
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("oidc-provider did not start within 30 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            if self.process.stderr:
                self.process.stderr.close()

    def sign_in(self, authorize_url: str, login: str, until: str) -> str:
        """Play the person at the provider: open the authorization URL, post the login form and the consent form;
        return the redirect back to the app (the first address starting with ``until``)."""
        browser = requests.Session()
        url = authorize_url
        for _ in range(20):
            response = browser.get(url, allow_redirects=False, timeout=10)
            while response.is_redirect:
                url = urljoin(url, response.headers["Location"])
                if url.startswith(until):
                    return url
                response = browser.get(url, allow_redirects=False, timeout=10)
            form = _Form()
            form.feed(response.text)
            assert form.action is not None, f"no form at {url}: {response.status_code} {response.text[:500]}"
            data = dict(form.fields)
            if data.get("prompt") == "login":
                data.update(login=login, password="any password")
            response = browser.post(urljoin(url, form.action), data=data, allow_redirects=False, timeout=10)
            assert response.is_redirect, f"{response.status_code} {response.text[:500]}"
            url = urljoin(url, response.headers["Location"])
            if url.startswith(until):
                return url
        raise AssertionError("the provider never sent the browser back")
