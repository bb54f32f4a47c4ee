"""Load: 50 simultaneous users for 60 s against gunicorn (the project's gunicorn.conf.py), with locust.

Learners sign in once, then loop over My path, a module page and a quiz submit (start or resume an
attempt, read it, answer every question, submit); one user in five is a mentor loading the mentee
table.  Every user waits for its answer before the next request (50 connections).  Any status of
400 or more, a connection error or an unexpected redirect counts as an error.  Prints the table and
writes it to docs/benchmarks.md ("Load").

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--workers 4] [--database-url postgresql://…]
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()  # before anything opens a socket (locust runs on gevent)

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
from locust import HttpUser, constant, task  # noqa: E402
from locust.env import Environment  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import write_section  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "load-bench-password"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ATTEMPT = re.compile(r"/attempts/(\d+)")
CHOICE = re.compile(r'name="(q__[^"]+)" type="(?:radio|checkbox)" value="([^"]+)"')
LEARNERS: list[str] = []  # emails of the learners created for this run; each user takes one
MODULES: list[str] = []
QUIZZES: list[str] = []


def _csrf(text: str) -> str:
    found = CSRF.search(text)
    return found.group(1) if found else ""


class Learner(HttpUser):
    """A learner: My path, a module, a quiz submit, again and again."""

    weight = 4
    wait_time = constant(0)

    def on_start(self) -> None:
        self.email = LEARNERS.pop()
        self.quizzes = list(QUIZZES)
        random.shuffle(self.quizzes)
        sign_in(self, self.email)

    @task
    def path_module_submit(self) -> None:
        self.client.get("/", name="learner home")
        self.client.get(f"/modules/{random.choice(MODULES)}", name="module")
        if self.quizzes:
            self.submit(self.quizzes[0])

    def submit(self, quiz_id: str) -> None:
        intro = self.client.get(f"/quizzes/{quiz_id}", name="quiz intro")
        if not _csrf(intro.text):  # every attempt used: no Start button; on to the next quiz
            self.quizzes.pop(0)
            return
        with self.client.post(f"/quizzes/{quiz_id}/start", data={"csrf_token": _csrf(intro.text)},
                              allow_redirects=False, name="quiz start", catch_response=True) as started:
            target = started.headers.get("Location", "")
            if started.status_code != 302:
                started.failure(f"start answered {started.status_code}")
                return
            if not ATTEMPT.search(target):  # every attempt used: back to the intro, try the next quiz
                self.quizzes.pop(0)
                return
        page = self.client.get(target, name="quiz attempt page")
        answers: dict[str, str] = {}
        for field, value in CHOICE.findall(page.text):
            answers.setdefault(field, value)
        with self.client.post(target, data={"csrf_token": _csrf(page.text), **answers}, allow_redirects=False,
                              name="quiz submit", catch_response=True) as submitted:
            if submitted.status_code != 302:
                submitted.failure(f"submit answered {submitted.status_code}")


class Mentor(HttpUser):
    """A mentor reloading the mentee table."""

    weight = 1
    wait_time = constant(0)

    def on_start(self) -> None:
        sign_in(self, "mentor@example.com")

    @task
    def mentor_home(self) -> None:
        self.client.get("/mentor/", name="mentor home")


def sign_in(user: HttpUser, email: str) -> None:
    """Through the real form; a failed sign-in is an error like any other."""
    form = user.client.get("/login", name="sign in form")
    with user.client.post("/login", data={"csrf_token": _csrf(form.text), "email": email, "password": PASSWORD},
                          allow_redirects=False, name="sign in", catch_response=True) as response:
        if response.status_code != 302:
            response.failure(f"sign-in answered {response.status_code}")


def prepare(env: dict[str, str], learners: int) -> None:
    """Migrate, seed the demo, add ``learners`` fresh learners (every quiz attempt still open to them)."""
    subprocess.run([str(BIN / "courseware"), "init-db"], env=env, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
    subprocess.run([str(BIN / "courseware"), "seed-demo", "--password", PASSWORD, "--if-empty"], env=env, check=True,
                   cwd=REPO, stdout=subprocess.DEVNULL)
    sys.path.insert(0, str(REPO))
    from courseware.app import create_app
    from courseware.services import accounts
    from courseware.state import state_of

    app = create_app({"DATABASE_URL": env["COURSEWARE_DATABASE_URL"], "SECRET_KEY": "x"})
    state = state_of(app)
    with state.sessions() as session:
        for i in range(learners):
            email = f"load{i}@example.com"
            accounts.create_user(session, email=email, display_name=f"Load learner {i}", password=PASSWORD,
                                 roles=["learner"])
            LEARNERS.append(email)
        session.commit()
    MODULES.extend(state.catalog.module_ids)
    QUIZZES.extend(q.id for q in state.quizzes.quizzes)
    state.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database-url", default="", help="default: a new SQLite file")
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="cw-load-"))
    port = 18_000 + random.randrange(1000)
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSEWARE_")}
    env.update(COURSEWARE_SECRET_KEY="load-bench-" + "k" * 24, COURSEWARE_DEVELOPMENT="1",
               COURSEWARE_DATABASE_URL=args.database_url or f"sqlite:///{instance / 'load.db'}",
               COURSEWARE_BIND=f"127.0.0.1:{port}",
               WEB_CONCURRENCY=str(args.workers), COURSEWARE_LOG_LEVEL="WARNING")
    prepare(env, args.users)  # more than enough: four users in five are learners
    log = (instance / "gunicorn.log").open("w")
    server = subprocess.Popen([str(BIN / "gunicorn"), "-c", str(REPO / "gunicorn.conf.py")], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=log)
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        environment = Environment(user_classes=[Learner, Mentor], host=f"http://127.0.0.1:{port}")
        runner = environment.create_local_runner()
        started = time.monotonic()
        runner.start(args.users, spawn_rate=args.users)
        gevent.spawn_later(args.seconds, runner.quit)
        runner.greenlet.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(20)
        log.close()
    report(environment, args, elapsed, "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite")


def report(environment: Environment, args: argparse.Namespace, elapsed: float, backend: str) -> None:
    """Print the table and write it to docs/benchmarks.md."""
    stats = environment.stats
    rows = ["| request | requests | errors | requests/s | p50 ms | p99 ms |", "|---|---:|---:|---:|---:|---:|"]
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        rows.append(f"| {entry.method} {entry.name} | {entry.num_requests:,} | {entry.num_failures} | "
                    f"{entry.num_requests / elapsed:.1f} | {entry.get_response_time_percentile(0.5):.0f} | "
                    f"{entry.get_response_time_percentile(0.99):.0f} |")
    total = stats.total
    rows.append(f"| **all** | **{total.num_requests:,}** | **{total.num_failures}** | **{total.num_requests / elapsed:.1f}** | "
                f"**{total.get_response_time_percentile(0.5):.0f}** | **{total.get_response_time_percentile(0.99):.0f}** |")
    errors = [f"- {e.method} {e.name}: {e.error} × {e.occurrences}" for e in stats.errors.values()]
    table = "\n".join(rows)
    print(table)
    print("\n".join(errors) or "0 errors")
    body = (f"Command: `.venv/bin/python bench/load.py --users {args.users} --seconds {args.seconds} --workers "
            f"{args.workers}{' --database-url …' if args.database_url else ''}` — measured {date.today().isoformat()} "
            f"on {backend}.\n\n"
            "gunicorn with the project's `gunicorn.conf.py` (preloaded app, sync workers) serves a fresh database "
            "(the demo plus one new learner per simulated learner); locust runs "
            f"{args.users} users with no think time (so {args.users} connections), four learners to one mentor. "
            "A learner signs in once, then loops: My path, a module page, a quiz (its intro, start or resume, "
            "the attempt page, every question answered, submit); a mentor reloads the mentee table. "
            "An error is any status of 400 or more, a connection error, or a start/submit/sign-in that does not "
            "redirect as it should. The bar is 0 errors.\n\n" + table + "\n\n"
            + ("Errors:\n" + "\n".join(errors) if errors else "**0 errors.**"))
    write_section(f"Load ({backend})", body)
    if stats.total.num_failures:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
