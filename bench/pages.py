"""Page throughput: Courseware pages under gunicorn versus a bare Flask "hello" app.

Both run under the same command (gunicorn, 2 sync workers) and are loaded with wrk on 127.0.0.1
in alternating rounds (hello, page, hello, page…); each page's requests/s is reported as a share of the hello
round just before it, and the table gives the median share with its min–max spread over the rounds.  wrk is
pinned to one CPU with taskset where the machine has more than one (the servers share the rest).

    .venv/bin/python bench/pages.py [--rounds 5] [--duration 5] [--connections 8]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import write_section  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "bench-password-1"
# Flask-Login's session protection ties a session to the client's address and user agent:
# sign in and load with the same agent, as one browser would.
AGENT = "courseware-bench"
TARGETS = {"lesson page": 0.50, "My path": 0.40, "signed-in redirect": 0.65, "mentor home": 0.30, "quiz submit": 0.20}
QUIZ = "foundations-quiz"  # a quiz of the shipped course that every bench learner takes


def prepared_submits(env: dict[str, str], count: int) -> list[tuple[str, str, str]]:
    """``count`` open attempts of bench learners, each as (Cookie header, path, form body) for one real submit.

    Learners and attempts are inserted directly (no password hashing, no prerequisites): the benchmark measures
    the submit, not the seeding.  Each learner's session cookie is made by the app itself (Flask-Login's id with
    the sign-in time, its session identifier for this User-Agent from 127.0.0.1, and a CSRF token).
    """
    import secrets as token_source

    from flask import session
    from flask_login import login_user
    from flask_wtf.csrf import generate_csrf
    from sqlalchemy import func, insert, select

    from courseware.app import create_app
    from courseware.core.quiz import make_layout
    from courseware.persistence.base import utcnow
    from courseware.persistence.db import make_session_factory
    from courseware.persistence.models import Attempt, User, UserRole
    from courseware.persistence.queries import principal_by_token
    from courseware.state import state_of
    from courseware.web.quiz.forms import field_name, prefill
    from courseware.web.security import SignedInUser

    saved = dict(os.environ)
    os.environ.update(env)
    try:
        app = create_app()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    state = state_of(app)
    quiz = state.quizzes.get(QUIZ) or next(iter(state.quizzes))
    registry = state.catalog.registry
    per_learner = 1
    learners = count // per_learner
    now = utcnow()
    with make_session_factory(state.engine)() as db:
        first = int(db.scalar(select(func.max(User.id))) or 0) + 1
        users = [{"id": first + i, "email": f"submit{first + i}@bench.example.com", "display_name": f"Submitter {i}",
                  "password_hash": "!", "active": True, "session_token": token_source.token_hex(16), "created_at": now,
                  # Seen just now, as someone who has the attempt page open: the submit is not their first request
                  # (which would also record "last seen" in a write of its own, once in five minutes).
                  "last_seen_at": now}
                 for i in range(learners)]
        db.execute(insert(User), users)
        db.execute(insert(UserRole), [{"user_id": u["id"], "role": "learner"} for u in users])
        first_attempt = int(db.scalar(select(func.max(Attempt.id))) or 0) + 1
        attempts = []
        for i, user in enumerate(users):
            seed = 1000 + i
            attempts.append({"id": first_attempt + i, "user_id": user["id"], "quiz_id": quiz.id, "number": 1,
                             "state": "open", "model": "separate", "seed": seed, "layout": make_layout(quiz, seed),
                             "started_at": now})
        db.execute(insert(Attempt), attempts)
        db.commit()
        if state.engine.dialect.name == "postgresql":
            from sqlalchemy import text

            for table in ("users", "attempts"):
                db.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
            db.commit()
    prepared = []
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    signed_at = int(time.time())
    for user, attempt in zip(users, attempts, strict=True):
        with app.test_request_context("/", headers={"User-Agent": AGENT}, environ_base={"REMOTE_ADDR": "127.0.0.1"}):
            with state.engine.connect() as connection:
                principal = principal_by_token(connection, user["session_token"])
            assert principal is not None
            login_user(SignedInUser(principal, signed_at))
            csrf = generate_csrf()
            cookie = f"session={serializer.dumps(dict(session))}"
        fields = {"csrf_token": csrf}
        layout: Any = attempt["layout"]
        if attempt["id"] % 2:  # half the learners pass (the key: a pass also completes a module, checks certificates)
            fields.update(prefill(quiz, {question.id: key_answer(question) for question_id in layout["questions"]
                                         if (question := quiz.question(question_id)) is not None}))
        else:  # the other half answer every first option
            for question_id in layout["questions"]:
                question = quiz.question(question_id)
                if question is None:
                    continue
                for spec in question.inputs(layout, registry):
                    if spec.choices:
                        fields[field_name(question.id, spec.item_id)] = spec.choices[0][0]
        prepared.append((cookie, f"/attempts/{attempt['id']}", urllib.parse.urlencode(fields, doseq=True)))
    state.engine.dispose()
    return prepared


def key_answer(question: Any) -> Any:
    """The answer key of a question under the bench attempts' model ("separate"): a split question's per task."""
    if hasattr(question, "tasks"):
        return {task.id: task.key("separate") for task in question.tasks}
    return question.key("separate")


def lua_script(path: Path, requests: list[tuple[str, str, str]]) -> Path:
    """A wrk script that sends each prepared submit once, in turn (then starts again: those are replays)."""
    def quoted(text: str) -> str:
        return "[==[" + text + "]==]"

    lines = ["local reqs = {"]
    lines += [f"  {{{quoted(c)}, {quoted(p)}, {quoted(b)}}}," for c, p, b in requests]
    lines += ["}", "local i = 0", "request = function()", "  i = i % #reqs + 1", "  local r = reqs[i]",
              f"  return wrk.format('POST', r[2], {{['Cookie'] = r[1], ['User-Agent'] = '{AGENT}', "
              "['Content-Type'] = 'application/x-www-form-urlencoded'}, r[3])", "end"]
    path.write_text("\n".join(lines))
    return path


def submitted_count(env: dict[str, str]) -> int:
    """Attempts submitted so far in the bench database."""
    from sqlalchemy import func, select

    from courseware.persistence.db import make_engine
    from courseware.persistence.models import Attempt

    engine = make_engine(env["COURSEWARE_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.count()).where(Attempt.state == "submitted")) or 0)
    finally:
        engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not start")


def gunicorn(app: str, port: int, env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "2", "--worker-class", "sync", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", app],
        # The app logs every request (JSON lines on stderr): to a file, as a server's journal would take them;
        # a pipe nobody reads fills up and stops the server.
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=log.open("ab"),
    )


@contextmanager
def serving(env: dict[str, str], logs: Path) -> Iterator[tuple[str, str, int, int]]:
    """Courseware and the bare hello app under the same gunicorn command; yields both base URLs."""
    app_port, hello_port = free_port(), free_port()
    servers = [gunicorn("wsgi:app", app_port, env, REPO, logs / "app.log"),
               gunicorn("hello:app", hello_port, env, REPO / "bench", logs / "hello.log")]
    try:
        base, hello = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{hello_port}"
        wait_for(f"{base}/login")
        wait_for(f"{hello}/")
        yield base, hello, servers[0].pid, servers[1].pid
    finally:
        for server in servers:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def sign_in(base: str, email: str) -> str:
    """Sign in through the real form (CSRF included); return the Cookie header."""
    page = urllib.request.urlopen(urllib.request.Request(f"{base}/login", headers={"User-Agent": AGENT}))
    jar = SimpleCookie(page.headers.get("Set-Cookie", ""))
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.read().decode())
    assert found, "no CSRF token on the sign-in page"
    token = found.group(1)
    data = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token}).encode()
    headers = {"Cookie": f"session={jar['session'].value}", "User-Agent": AGENT}
    request = urllib.request.Request(f"{base}/login", data=data, headers=headers)
    try:
        urllib.request.build_opener(NoRedirect).open(request)
    except urllib.error.HTTPError as exc:  # the 302 after signing in
        cookie = f"session={SimpleCookie(exc.headers.get('Set-Cookie', ''))['session'].value}"
    else:
        raise SystemExit("sign-in did not redirect")
    # The first signed-in page adds the CSRF token to the session, as it does for a person;
    # the cookie after that is the one a browser keeps sending.
    first = urllib.request.urlopen(urllib.request.Request(f"{base}/", headers={"Cookie": cookie, "User-Agent": AGENT}))
    updated = SimpleCookie(first.headers.get("Set-Cookie", ""))
    return f"session={updated['session'].value}" if "session" in updated else cookie


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a gunicorn master and its workers, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


LAST: dict[str, float] = {}  # what the last wrk run measured besides its rate


def wrk(url: str, duration: int, connections: int, cookie: str = "", script: Path | None = None,
        server: int | None = None) -> float:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    if shutil.which("taskset") and (os.cpu_count() or 1) > 1:
        command = ["taskset", "-c", str((os.cpu_count() or 1) - 1)] + command
    command += ["-H", f"User-Agent: {AGENT}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if script is not None:
        command += ["-s", str(script)]
    before = cpu_seconds(server) if server else 0.0
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    if server:
        LAST["cpu"] = cpu_seconds(server) - before
        LAST["requests"] = float(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--learners", type=int, default=0,
                        help="synthetic learners seeded besides the demo people (the mentor home's scale)")
    parser.add_argument("--database-url", default="",
                        help="an EMPTY database to use (e.g. postgresql://…/bench); default: a new SQLite file")
    parser.add_argument("--submits", type=int, default=4000, help="prepared quiz submits per round")
    parser.add_argument("--submit-duration", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    workdir = Path(tempfile.mkdtemp(prefix="cw-bench-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    env = {**os.environ, "COURSEWARE_DATABASE_URL": url,
           "COURSEWARE_SECRET_KEY": "bench-" + "x" * 32, "COURSEWARE_DEVELOPMENT": "1"}
    started = time.time()
    subprocess.run([str(BIN / "courseware"), "init-db"], env=env, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
    subprocess.run([str(BIN / "courseware"), "seed-demo", "--password", PASSWORD, "--learners", str(args.learners)],
                   env=env, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
    seeded = time.time() - started
    submits = prepared_submits(env, args.submits * args.rounds)
    print(f"seeded {args.learners:,} synthetic learners in {seeded:.0f} s; {len(submits):,} submits prepared",
          file=sys.stderr)
    try:
        with serving(env, workdir) as (base, hello_base, app_pid, hello_pid):
            cookie = sign_in(base, "learner@example.com")
            mentor = sign_in(base, "mentor@example.com")
            # The demo learner has started this module: the page is a signed-in read with progress lookups.
            lesson = f"{base}/modules/origins-of-confusion"
            # /login, signed in: the user is loaded and sent on to My path (a 302) — the cost of being signed in.
            pages = {"lesson page": (lesson, cookie), "My path": (f"{base}/", cookie),
                     "signed-in redirect": (f"{base}/login", cookie), "mentor home": (f"{base}/mentor/", mentor)}
            for name, (url_of, who) in pages.items():  # warm up and check that the pages really serve signed in
                request = urllib.request.Request(url_of, headers={"Cookie": who, "User-Agent": AGENT})
                if name == "signed-in redirect":
                    try:
                        urllib.request.build_opener(NoRedirect).open(request)
                        raise SystemExit("/login did not redirect a signed-in user")
                    except urllib.error.HTTPError as exc:
                        assert exc.code == 302 and exc.headers["Location"].endswith("/"), exc
                    continue
                body = urllib.request.build_opener(NoRedirect).open(request).read().decode()
                assert "Sign out" in body, f"{url_of} is not signed in"
            rates: dict[str, list[float]] = {"hello": [], **{name: [] for name in pages}, "quiz submit": []}
            shares: dict[str, list[float]] = {name: [] for name in [*pages, "quiz submit"]}
            # CPU time per request (server master and workers, from /proc): what a request costs, whatever else the
            # machine runs; hello's CPU per request ÷ the page's is the share an otherwise idle machine would show.
            cpu: dict[str, list[float]] = {name: [] for name in ["hello", *pages, "quiz submit"]}
            for number in range(args.rounds):
                for name, (url_of, who) in pages.items():
                    hello = wrk(f"{hello_base}/", args.duration, args.connections, server=hello_pid)
                    cpu["hello"].append(LAST["cpu"] / max(1.0, LAST["requests"]))
                    page = wrk(url_of, args.duration, args.connections, who, server=app_pid)
                    cpu[name].append(LAST["cpu"] / max(1.0, LAST["requests"]))
                    rates["hello"].append(hello)
                    rates[name].append(page)
                    shares[name].append(page / hello)
                    print(f"round {number + 1}: {name} {page:,.0f}/s, hello {hello:,.0f}/s", file=sys.stderr)
                hello = wrk(f"{hello_base}/", args.submit_duration, args.connections, server=hello_pid)
                cpu["hello"].append(LAST["cpu"] / max(1.0, LAST["requests"]))
                chunk = submits[number * args.submits:(number + 1) * args.submits]
                script = lua_script(workdir / f"submit{number}.lua", chunk)
                before = submitted_count(env)
                wrk(f"{base}/", args.submit_duration, args.connections, script=script, server=app_pid)
                done = submitted_count(env) - before
                cpu["quiz submit"].append(LAST["cpu"] / max(1, done))
                if done >= len(chunk):
                    print(f"round {number + 1}: every prepared submit was used; raise --submits", file=sys.stderr)
                rate = done / args.submit_duration
                rates["quiz submit"].append(rate)
                shares["quiz submit"].append(rate / hello)
                print(f"round {number + 1}: quiz submit {rate:,.0f}/s, hello {hello:,.0f}/s", file=sys.stderr)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    pages_measured = [*pages, "quiz submit"]

    lines = ["| page | requests/s (median) | share of hello: median (min–max) | target | met |",
             "|---|---:|---:|---:|---|",
             f"| bare Flask hello | {statistics.median(rates['hello']):,.0f} | 100 % | | |"]
    for name in pages_measured:
        share = statistics.median(shares[name])
        lines.append(f"| {name} (signed in) | {statistics.median(rates[name]):,.0f} | {share:.0%} "
                     f"({min(shares[name]):.0%}–{max(shares[name]):.0%}) | ≥ {TARGETS[name]:.0%} | "
                     f"{'yes' if share >= TARGETS[name] else 'NO'} |")
    hello_cpu = statistics.median(cpu["hello"])
    lines += ["", "| page | server CPU per request (median, µs) | hello's CPU per request ÷ the page's | target |",
              "|---|---:|---:|---:|", f"| bare Flask hello | {hello_cpu * 1e6:,.0f} | 100 % | |"]
    for name in pages_measured:
        per = statistics.median(cpu[name])
        lines.append(f"| {name} | {per * 1e6:,.0f} | {hello_cpu / per:.0%} | ≥ {TARGETS[name]:.0%} |")
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        write_section(f"Pages ({backend})", f"""Command: `.venv/bin/python bench/pages.py --rounds {args.rounds} \\
--duration {args.duration} --connections {args.connections} --learners {args.learners}\\
{' --database-url …' if args.database_url else ''}` (gunicorn, 2 sync workers, {backend}, the demo organisation plus
{args.learners:,} synthetic learners, seeded in {seeded:.0f} s; the mentor home is mentor@example.com's ~50 mentees;
quiz submits are real first submits of prepared open attempts, one per bench learner, counted in the database,
{args.submit_duration} s per round; wrk -t1 -c{args.connections} on
127.0.0.1, pinned with taskset to the last CPU; hello and each page alternate, {args.rounds} rounds of {args.duration} s
each; a page's share is taken against the hello round just before it). Measured {time.strftime('%Y-%m-%d %H:%M')} UTC
on a 2-core machine shared with other work: absolute figures are noisy, only the same-run shares count.

{table}

The first table is throughput (wrk); the second is the servers' CPU time (master and workers, user + system, read
from /proc around each wrk run) divided by the requests served: on a machine shared with other work, throughput
shares are dominated by scheduling, while CPU per request is what a request costs. Hello's CPU per request divided
by the page's is the share an otherwise idle machine would show.

What a request costs now: the signed session cookie (its verified decode cached), one prebuilt SELECT on a
kept-open driver connection for the user, their roles, their data version and the organisation's (no pool checkout,
no ORM session, no BEGIN/ROLLBACK, no write lock); then, for the lesson page, the learner's state of the module
remembered under those versions and the cached page for that module and state, and for My path and the mentor home
the cached page under the versions and the date, each with the name and a CSRF token (signed at most once a minute
per session) filled in. "Request path" below shows where the rest goes. See "Page caches" in docs/architecture.md.

**Withdrawn:** an earlier version of this section said that about 28 % of hello was the ceiling of any signed-in page
on this stack. That was wrong: it measured an ORM session per request and the session decode, not the stack's limit;
the signed-in redirect above is the cost of being signed in now.""")


if __name__ == "__main__":
    main()
