"""Helpers for drills that run the real server (gunicorn) in a subprocess."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.conftest import DATA, REPO

BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(database_url: str, port: int, content: Path | None = None, quizzes: Path | None = None,
               **extra: str) -> dict[str, str]:
    """The environment of a production-like server on the fixture course."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSEWARE_")}
    env.update({
        "COURSEWARE_SECRET_KEY": "drill-secret-" + "x" * 20,
        "COURSEWARE_DATABASE_URL": database_url,
        "COURSEWARE_CONTENT_DIR": str(content or DATA / "content"),
        "COURSEWARE_QUIZ_DIR": str(quizzes or DATA / "quizzes"),
        "COURSEWARE_BIND": f"127.0.0.1:{port}",
        "COURSEWARE_DEVELOPMENT": "1",  # plain-http cookies, so a test client can keep its session
        **extra,
    })
    return env


def copy_course(tmp_path: Path) -> tuple[Path, Path]:
    """A writable copy of the fixture course (content, quizzes)."""
    content, quizzes = tmp_path / "content", tmp_path / "quizzes"
    shutil.copytree(DATA / "content", content)
    shutil.copytree(DATA / "quizzes", quizzes)
    return content, quizzes


def gunicorn(env: dict[str, str], *args: str, stderr: Any = subprocess.PIPE) -> subprocess.Popen[str]:
    """gunicorn with the project's gunicorn.conf.py, started in its own process group.

    A long-running server must write its log to a file (``stderr``): an unread pipe fills up and
    then blocks every worker in its next log line.
    """
    return subprocess.Popen([str(BIN / "gunicorn"), "-c", str(REPO / "gunicorn.conf.py"), *args], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=stderr, text=True, start_new_session=True)


def wait_until_serving(port: int, process: subprocess.Popen[str], seconds: float = 30) -> None:
    """Wait for /healthz to answer; fail with the server's output if it exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise AssertionError("server did not answer in time")


OUTPUT: dict[int, str] = {}  # port -> the server's stderr once stopped (for failure messages)


@contextmanager
def serving(env: dict[str, str], port: int, *args: str) -> Iterator[subprocess.Popen[str]]:
    """A running gunicorn, stopped (TERM, then KILL) afterwards; its stderr lands in OUTPUT[port]."""
    log = tempfile.TemporaryFile("w+")
    process = gunicorn(env, *args, stderr=log)
    try:
        wait_until_serving(port, process)
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.seek(0)
        OUTPUT[port] = log.read()
        log.close()


def worker_pids(master: int) -> list[int]:
    """The pids of gunicorn's workers (the master's children)."""
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]
