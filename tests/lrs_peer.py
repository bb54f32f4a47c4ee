"""A real Learning Record Store for the tests: Ralph (``ralph-malph``) from its own virtual environment
(``.venv-ralph``, made by ``make test``), on a free loopback port, with the file-system backend in a temporary
folder; stopped and started again on the same port at will."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

from tests.smtp_peer import free_port

VENV = Path(__file__).resolve().parent.parent / ".venv-ralph"
RALPH = VENV / "bin" / "ralph"
SERVE = Path(__file__).resolve().parent / "peers" / "ralph_serve.py"
USER, PASSWORD = "courseware", "lrs-secret-1"


class Ralph:
    """One Ralph LRS: ``start``, ``stop``, and ``statements`` read back through its xAPI API."""

    def __init__(self, folder: Path):
        if not RALPH.exists():
            raise RuntimeError(f"{RALPH} is missing: run `make .venv-ralph/.installed` (make test does)")
        self.folder = folder
        self.data = folder / "data"
        self.data.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.env = {**os.environ, "RALPH_APP_DIR": str(folder), "RALPH_RUNSERVER_BACKEND": "fs",
                        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.data)}
        self.process: subprocess.Popen[bytes] | None = None
        subprocess.run([str(RALPH), "auth", "-u", USER, "-p", PASSWORD, "-s", "all", "-M", f"mailto:{USER}@example.com",
                        "-w"], env=self.env, check=True, capture_output=True, timeout=120)

    @property
    def endpoint(self) -> str:
        """The xAPI base the app is configured with."""
        return f"http://127.0.0.1:{self.port}/xAPI/"

    @property
    def auth(self) -> str:
        """The ``user:password`` the app sends."""
        return f"{USER}:{PASSWORD}"

    def start(self, timeout: float = 60) -> None:
        """Run the server and wait until it answers."""
        with (self.folder / "ralph.log").open("ab") as log:  # the child keeps its own copy of the handle
            self.process = subprocess.Popen([str(VENV / "bin" / "python"), str(SERVE), "127.0.0.1", str(self.port)],
                                            env=self.env, cwd=self.folder, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"ralph stopped: {(self.folder / 'ralph.log').read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    pass
                self._get("/__lbheartbeat__")
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("ralph did not start in time")

    def stop(self) -> None:
        """Stop the server (its statements stay in the data folder)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def _get(self, path: str) -> Any:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers={
            "Authorization": "Basic " + base64.b64encode(self.auth.encode()).decode(),
            "X-Experience-API-Version": "1.0.3"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def statements(self) -> list[dict[str, Any]]:
        """Every statement the LRS holds, read through GET /xAPI/statements (following ``more``)."""
        found: list[dict[str, Any]] = []
        path = "/xAPI/statements?limit=500"
        while path:
            page = self._get(path)
            found.extend(page["statements"])
            path = page.get("more") or ""
        return found
