"""The app served for the browser suite: gunicorn on a free loopback port, on the real course, demo data seeded."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conftest import REPO
from tests.faults.servers import free_port, wait_until_serving

__all__ = ["free_port", "prepare", "serve", "stop_process"]

BIN = Path(sys.executable).parent
PASSWORD = "browser-suite-password"
MANAGER = "manager@example.com"
NEWCOMER = "newcomer@example.com"  # a learner who has opened nothing, so My path shows the welcome
# The signed-in roles the suite walks, each with the demo account it signs in as.
LOGINS = {
    "learner": "learner@example.com",
    "mentor": "mentor@example.com",
    "manager": MANAGER,
    "admin": "admin@example.com",
}


@dataclass
class Site:
    """A running server: its address, the environment it runs with, and the ids the page list needs."""

    base_url: str
    env: dict[str, str]
    process: subprocess.Popen[str]
    log: Path
    ids: dict[str, Any] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base_url + path


def site_env(tmp: Path, port: int) -> dict[str, str]:
    """A production-like server on the real course, with a scratch SQLite database and mail folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSEWARE_")}
    env.update({
        "COURSEWARE_SECRET_KEY": "browser-suite-" + "x" * 24,
        "COURSEWARE_DATABASE_URL": f"sqlite:///{tmp / 'browser.db'}",
        "COURSEWARE_INSTANCE_PATH": str(tmp / "instance"),
        "COURSEWARE_CONTENT_DIR": str(REPO / "content"),
        "COURSEWARE_QUIZ_DIR": str(REPO / "quizzes"),
        "COURSEWARE_MAIL_DIR": str(tmp / "mail"),
        "COURSEWARE_JOBS_FILE": str(tmp / "jobs.sqlite3"),
        "COURSEWARE_BIND": f"127.0.0.1:{port}",
        "COURSEWARE_BASE_URL": f"http://127.0.0.1:{port}",
        "COURSEWARE_DEVELOPMENT": "1",  # cookies over plain http
        "COURSEWARE_RATELIMIT_ENABLED": "false",  # the suite signs in many times from one address
        "WEB_CONCURRENCY": "2",
    })
    return env


def _courseware(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([str(BIN / "courseware"), *args], cwd=REPO, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise AssertionError(f"courseware {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def prepare(tmp: Path, port: int) -> dict[str, str]:
    """Migrate, seed the demo organisation and add a manager (the demo has none) and a learner new to it."""
    env = site_env(tmp, port)
    (tmp / "instance").mkdir(parents=True, exist_ok=True)
    _courseware(env, "init-db")
    _courseware(env, "seed-demo", "--password", PASSWORD)
    _courseware(env, "create-user", MANAGER, "--name", "Mina Manager", "--role", "manager", "--password", PASSWORD)
    _courseware(env, "create-user", NEWCOMER, "--name", "Noor Newcomer", "--role", "learner", "--password", PASSWORD)
    return env


def serve(tmp: Path, port: int, env: dict[str, str]) -> Site:
    """Serve the prepared database with gunicorn; the caller stops it with ``stop_process``."""
    log = tmp / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen([str(BIN / "gunicorn"), "-c", str(REPO / "gunicorn.conf.py")], cwd=REPO, env=env,
                                   stdout=subprocess.DEVNULL, stderr=out, text=True, start_new_session=True)
    try:
        wait_until_serving(port, process)
    except AssertionError:
        stop_process(process)
        raise AssertionError("the server did not start:\n" + log.read_text()) from None
    return Site(f"http://127.0.0.1:{port}", env, process, log)


def add_certificate(session: Any, catalog: Any, learner: Any) -> Any:
    """The demo learner's certificate for the whole path (the demo's learners have not finished it), so the
    certificate, verification and revoke pages have one to show; issued as ``services/certificates.award`` does."""
    from datetime import date

    from courseware.core.certificates import expiry_date, new_code, scope_title
    from courseware.persistence.models import Certificate

    issued_on = date(2026, 11, 2)
    certificate = Certificate(user_id=learner.id, scope="path", code=new_code(), holder_name=learner.display_name,
                              course_title=scope_title(catalog, "path"), issued_on=issued_on,
                              expires_on=expiry_date(issued_on, 24))
    session.add(certificate)
    session.flush()
    return certificate


def stop_process(process: subprocess.Popen[str]) -> None:
    import signal

    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
