"""Dashboard pages at scale: mentor home, mentee, cohort and manager overview with 1,000 to 100,000 learners.

For each backend (SQLite; PostgreSQL too when COURSEWARE_TEST_POSTGRES_URL is set) and each size, a fresh
database is migrated and filled by ``seed_demo`` (cohorts of 1,000, a mentor per ~50 learners — mentor@ and
mentor2@ included —, progress and graded attempts) over a 30-module course: the 19 modules of ``content/`` plus
11 generated ones.  Each page is then timed through the Flask test client, signed in as mentor@example.com or
admin@example.com, and its SQL statements are counted on the engine.  Optionally (``--wrk``), the mentor home is
also loaded with wrk under gunicorn (2 sync workers, 127.0.0.1) against the bare hello app of ``bench/hello.py``.

    .venv/bin/python bench/dashboards.py [--sizes 1000,10000,100000] [--backends sqlite,postgresql]
                                         [--repeat 15] [--wrk] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pages import PASSWORD, serving, sign_in, wrk  # noqa: E402
from report import write_section  # noqa: E402

from courseware.app import create_app  # noqa: E402
from courseware.persistence.db import make_session_factory, upgrade  # noqa: E402
from courseware.persistence.models import Cohort, Mentorship, User  # noqa: E402
from courseware.services.seed import seed_demo  # noqa: E402
from courseware.state import state_of

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MODULES = 30
RANDOM_PAGE_COST = 1.1  # PostgreSQL, set on the scratch database (see docs/benchmarks.md, "Dashboards")
TIME_BUDGET = 4.0  # seconds of timed requests per page and round, at least one request
CASELOADS = (10, 100, 1000)  # extra mentors with this many mentees each
DASHBOARD_PAGES = ("cohort page (admin, whole cohort)", "manager overview", "manager overview CSV",
                   "learner table (admin: everyone)")


@dataclass
class Result:
    """One page at one size on one backend: one median per round (rounds alternate between the pages)."""

    page: str
    statements: int
    samples: list[float] = field(default_factory=list)  # each round's median, ms

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def spread(self) -> str:
        return f"{min(self.samples):,.1f}–{max(self.samples):,.1f}"


@dataclass
class Run:
    """Everything measured for one backend and size."""

    backend: str
    size: int
    seed_seconds: float
    counts: dict[str, int]
    results: list[Result]
    wrk: dict[str, float] = field(default_factory=dict)
    plans: dict[str, str] = field(default_factory=dict)
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before and after the timed rounds


def course_dir(workdir: Path) -> Path:
    """content/ plus generated modules up to MODULES in all (the quizzes still load against it)."""
    target = workdir / "content"
    shutil.copytree(REPO / "content", target)
    existing = len(list(target.rglob("*.md")))
    extra = target / "mentoring"
    body = "\n\n".join(
        f"## Part {i}\n\nA generated section that gives the benchmark a longer path; it reads like any module."
        for i in range(1, 4)
    )
    for n in range(1, MODULES - existing + 1):
        (extra / f"{10 + n:02d}-bench-extra-{n:02d}.md").write_text(
            f"---\nid: bench-extra-{n:02d}\ntitle: \"Benchmark module {n}\"\ntrack: mentoring\norder: {10 + n}\n"
            f"summary: \"Generated for the dashboard benchmark.\"\nminutes: 1\nareas: [scope]\nprerequisites: []\n---\n\n"
            f"{body}\n"
        )
    return target


@contextmanager
def database(backend: str, workdir: Path, size: int) -> Iterator[str]:
    """A fresh, migrated database; a PostgreSQL scratch database is dropped afterwards."""
    if backend == "sqlite":
        path = workdir / f"dash-{size}.db"
        url = f"sqlite:///{path}"
        upgrade(url)
        try:
            yield url
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    base = os.environ["COURSEWARE_TEST_POSTGRES_URL"]
    name = f"cw_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        # The data fits in memory: a random page costs about what a sequential one does (the default, 4, is for
        # spinning disks and made the planner prefer scanning 100,000 rows to 2,000 index lookups).
        conn.execute(text(f'ALTER DATABASE "{name}" SET random_page_cost = {RANDOM_PAGE_COST}'))
    url = base.rsplit("/", 1)[0] + "/" + name
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def app_config(url: str, content: Path) -> dict[str, Any]:
    """The app's configuration for the benchmark (the test client speaks plain HTTP, so cookies are not Secure)."""
    return {"DATABASE_URL": url, "CONTENT_DIR": str(content), "SECRET_KEY": "bench-" + "x" * 32,
            "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False}


def seed(app: Flask, size: int) -> float:
    """Seed the demo organisation with ``size`` synthetic learners; refresh planner statistics; return seconds."""
    started = time.perf_counter()
    factory = make_session_factory(state_of(app).engine)
    with factory() as session:
        seed_demo(session, state_of(app).catalog, password=PASSWORD, learners=size,
                  quizzes=state_of(app).quizzes)
        session.commit()
    engine = state_of(app).engine
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # PostgreSQL: VACUUM sets the visibility map (index-only scans) and hint bits, as autovacuum would later.
        conn.exec_driver_sql("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
    return time.perf_counter() - started


def add_caseloads(app: Flask, size: int) -> None:
    """Mentors caseload10@, caseload100@, caseload1000@ mentoring the first synthetic learners (up to ``size``)."""
    from courseware.persistence.models import UserRole
    from courseware.services.accounts import create_user

    factory = make_session_factory(state_of(app).engine)
    with factory() as session:
        learners = session.scalars(
            select(UserRole.user_id).where(UserRole.role == "learner").order_by(UserRole.user_id.desc())
            .limit(max(CASELOADS))).all()
        for n in CASELOADS:
            mentor = create_user(session, email=f"caseload{n}@example.com", display_name=f"Caseload {n}",
                                 password=PASSWORD, roles=("mentor",))
            session.flush()
            session.execute(insert(Mentorship), [{"mentor_id": mentor.id, "mentee_id": m} for m in learners[:min(n, size)]])
        session.commit()


def counts(app: Flask) -> dict[str, int]:
    """Rows per table, to show what the pages ran over."""
    engine = state_of(app).engine
    with engine.connect() as conn:
        return {table: int(conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() or 0)
                for table in ("users", "cohorts", "mentorships", "module_progress", "attempts", "attempt_items")}


def signed_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, f"cannot sign in as {email}"
    return client


def prepare(app: Flask, client: FlaskClient, name: str, url: str) -> tuple[Result, list[tuple[str, Any]]]:
    """Warm up and count (and keep) the SQL statements of one request."""
    engine = state_of(app).engine
    for _ in range(2):
        response = client.get(url)
        response.get_data()
        assert response.status_code == 200, f"{url}: {response.status_code}"
    seen: list[tuple[str, Any]] = []

    def record(*args: Any) -> None:
        seen.append((args[2], args[3]))

    event.listen(engine, "before_cursor_execute", record)
    client.get(url).get_data()
    event.remove(engine, "before_cursor_execute", record)
    return Result(name, len(seen)), seen


def one_round(client: FlaskClient, url: str, repeat: int) -> float:
    """The median of ``repeat`` timed requests (fewer once they take TIME_BUDGET), in ms."""
    samples: list[float] = []
    budget_end = time.perf_counter() + TIME_BUDGET
    while len(samples) < repeat and (len(samples) < 1 or time.perf_counter() < budget_end):
        started = time.perf_counter()
        response = client.get(url)
        response.get_data()  # a streamed body (the CSV exports) is written while it is read
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return statistics.median(samples)


def explain(app: Flask, statements: list[tuple[str, Any]]) -> str:
    """The plan of each statement but the sign-in lookup and BEGIN: EXPLAIN ANALYZE on PostgreSQL (actual rows
    beside the estimates), EXPLAIN QUERY PLAN on SQLite."""
    engine = state_of(app).engine
    postgres = engine.dialect.name == "postgresql"
    out = []
    with engine.connect() as conn:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith(("SELECT", "WITH")) or "session_token" in statement:
                continue
            prefix = "EXPLAIN (ANALYZE, COSTS, TIMING OFF, SUMMARY) " if postgres else "EXPLAIN QUERY PLAN "
            rows = conn.exec_driver_sql(prefix + statement, parameters).all()
            plan = [r[0] for r in rows] if postgres else [f"{'  ' * (r[1] > 0)}{r[3]}" for r in rows]
            out.append("    " + " ".join(statement.split())[:160] + " …\n" + "\n".join("        " + line for line in plan))
    return "\n\n".join(out)


def pages(app: Flask) -> list[tuple[str, str, str]]:
    """(name, signed-in email, url) of every page measured."""
    factory = make_session_factory(state_of(app).engine)
    with factory() as session:
        mentor = session.scalar(select(User.id).where(User.email == "mentor@example.com"))
        big = session.scalar(select(Cohort.id).where(Cohort.name.like("Synthetic intake %")).order_by(Cohort.id))
        mentee = session.scalar(
            select(Mentorship.mentee_id).join(User, User.id == Mentorship.mentee_id)
            .where(Mentorship.mentor_id == mentor, User.cohort_id == big).order_by(Mentorship.mentee_id)
        )
    mentor_email, admin_email = "mentor@example.com", "admin@example.com"
    caseloads = [(f"mentor home, {n:,} mentees", f"caseload{n}@example.com", "/mentor/") for n in CASELOADS]
    return [("baseline: /healthz (no page, no sign-in)", admin_email, "/healthz")] + caseloads + [
        ("mentor home", mentor_email, "/mentor/"),
        ("mentor home, sorted by score", mentor_email, "/mentor/?sort=score&dir=desc"),
        ("mentor CSV export", mentor_email, "/mentor/export.csv"),
        ("mentee page", mentor_email, f"/mentor/mentees/{mentee}"),
        ("cohort page (mentor's mentees)", mentor_email, f"/mentor/cohorts/{big}"),
        ("cohort page (admin, whole cohort)", admin_email, f"/mentor/cohorts/{big}"),
        ("manager overview", admin_email, "/admin/overview"),
        ("manager overview CSV", admin_email, "/admin/overview.csv"),
        ("learner table (admin: everyone)", admin_email, "/mentor/"),
    ]


def wrk_round(url: str, content: Path, duration: int, connections: int, rounds: int) -> dict[str, float]:
    """Mentor home and the bare hello app under gunicorn (2 sync workers), alternating; medians of requests/s."""
    env = {**os.environ, "COURSEWARE_DATABASE_URL": url, "COURSEWARE_CONTENT_DIR": str(content),
           "COURSEWARE_SECRET_KEY": "bench-" + "x" * 32, "COURSEWARE_DEVELOPMENT": "1"}
    with serving(env) as (base, hello_base):
        cookie = sign_in(base, "mentor@example.com")
        rates: dict[str, list[float]] = {"hello": [], "signed-in redirect": [], "mentor home": []}
        for _ in range(rounds):
            rates["hello"].append(wrk(f"{hello_base}/", duration, connections))
            # The ceiling of any signed-in page: load the user from the cookie, answer 302, render nothing.
            rates["signed-in redirect"].append(wrk(f"{base}/login", duration, connections, cookie))
            rates["mentor home"].append(wrk(f"{base}/mentor/", duration, connections, cookie))
    return {name: statistics.median(values) for name, values in rates.items()}


def run(backend: str, size: int, workdir: Path, content: Path, args: argparse.Namespace,
        log: Callable[[str], None]) -> Run:
    with database(backend, workdir, size) as url:
        app = create_app(app_config(url, content))
        try:
            assert len(state_of(app).catalog.modules) == MODULES
            seconds = seed(app, size)
            add_caseloads(app, size)
            log(f"  seeded {size:,} learners in {seconds:.0f} s: {counts(app)}")
            results = []
            clients: dict[str, FlaskClient] = {}
            plans: dict[str, str] = {}
            measured = pages(app)
            for name, email, url_path in measured:
                client = clients.setdefault(email, signed_in(app, email))
                result, statements = prepare(app, client, name, url_path)
                results.append(result)
                if args.explain and name in DASHBOARD_PAGES:
                    plans[name] = explain(app, statements)
            load_before = os.getloadavg()[0]
            for number in range(args.rounds):  # alternate: every page once per round
                for (_name, email, url_path), result in zip(measured, results, strict=True):
                    result.samples.append(one_round(clients[email], url_path, args.repeat))
                log(f"  round {number + 1} of {args.rounds} done")
            for result in results:
                log(f"  {result.page:<34} {result.statements:>2} statements  median {result.median:8.1f} ms "
                    f"({result.spread})")
            found = Run(backend, size, seconds, counts(app), results, plans=plans, load=(load_before, os.getloadavg()[0]))
            if args.wrk:
                found.wrk = wrk_round(url, content, args.wrk_duration, args.connections, args.wrk_rounds)
                log(f"  wrk: {found.wrk}")
            return found
        finally:
            state_of(app).engine.dispose()


def table(runs: list[Run]) -> str:
    """One Markdown table per backend: pages down, sizes across (median of the rounds' medians, their min–max, statements)."""
    out = []
    for backend in dict.fromkeys(r.backend for r in runs):
        mine = [r for r in runs if r.backend == backend]
        header = ("| page | statements | " + " | ".join(f"{r.size:,} learners: median (min–max of rounds) ms" for r in mine)
                  + " |")
        out += [f"**{'SQLite' if backend == 'sqlite' else 'PostgreSQL'}**", "", header,
                "|---|---:|" + "---:|" * len(mine)]
        for i, first in enumerate(mine[0].results):
            statements = sorted({r.results[i].statements for r in mine})
            cells = " | ".join(f"{r.results[i].median:,.1f} ({r.results[i].spread})" for r in mine)
            out.append(f"| {first.page} | {'/'.join(map(str, statements))} | {cells} |")
        out.append("")
        out.append("| data | " + " | ".join(f"{r.size:,}" for r in mine) + " |")
        out.append("|---|" + "---:|" * len(mine))
        for key in ("users", "cohorts", "mentorships", "module_progress", "attempts", "attempt_items"):
            out.append(f"| {key} rows | " + " | ".join(f"{r.counts[key]:,}" for r in mine) + " |")
        out.append("| seeding time (s) | " + " | ".join(f"{r.seed_seconds:,.0f}" for r in mine) + " |")
        out.append("| load average (1 min) before / after the rounds | "
                   + " | ".join(f"{r.load[0]:.1f} / {r.load[1]:.1f}" for r in mine) + " |")
        if any(r.wrk for r in mine):
            out.append("| gunicorn: hello requests/s | " + " | ".join(f"{r.wrk.get('hello', 0):,.0f}" for r in mine) + " |")
            out.append("| gunicorn: signed-in redirect requests/s (the ceiling of any signed-in page) | "
                       + " | ".join(f"{r.wrk.get('signed-in redirect', 0):,.0f}" for r in mine) + " |")
            out.append("| gunicorn: mentor home requests/s | "
                       + " | ".join(f"{r.wrk.get('mentor home', 0):,.0f}" for r in mine) + " |")
            out.append("| mentor home as a share of hello | "
                       + " | ".join(f"{r.wrk['mentor home'] / r.wrk['hello']:.0%}" if r.wrk else "" for r in mine) + " |")
        out.append("")
    return "\n".join(out)


def targets(runs: list[Run]) -> str:
    """The issue's targets, checked against these runs."""
    lines = ["| target | backend | measured | met |", "|---|---|---|---|"]
    for backend in dict.fromkeys(r.backend for r in runs):
        by_size = {r.size: r for r in runs if r.backend == backend}
        name = "SQLite" if backend == "sqlite" else "PostgreSQL"

        def page(run: Run, title: str) -> Result:
            return next(r for r in run.results if r.page == title)

        for title, limit in (("mentor home", 5), ("mentee page", 10)):
            worst = max(page(r, title).statements for r in by_size.values())
            lines.append(f"| {title}: ≤ {limit} statements | {name} | {worst} | {'yes' if worst <= limit else 'NO'} |")
            if 10_000 in by_size and 100_000 in by_size:
                ratio = page(by_size[100_000], title).median / page(by_size[10_000], title).median
                lines.append(f"| {title}: median at 100k ≤ 1.5 × at 10k | {name} | {ratio:.2f} × | "
                             f"{'yes' if ratio <= 1.5 else 'NO'} |")
        for size, r in sorted(by_size.items()):
            cohort = page(r, "cohort page (admin, whole cohort)").median
            if min(size, 1000) == 1000:
                lines.append(f"| cohort page of a 1,000-learner cohort ≤ 50 ms ({size:,} learners) | {name} | "
                             f"{cohort:,.1f} ms | {'yes' if cohort <= 50 else 'NO'} |")
        largest = max(by_size)
        for title, limit in (("manager overview", 50), ("manager overview CSV", 250),
                             ("learner table (admin: everyone)", 50)):
            measured = page(by_size[largest], title).median
            lines.append(f"| {title} ≤ {limit} ms ({largest:,} learners; the target is at 100,000) | {name} | "
                         f"{measured:,.1f} ms | {'yes' if measured <= limit else 'NO'} |")
        for size, r in sorted(by_size.items()):
            if r.wrk:
                share = r.wrk["mentor home"] / r.wrk["hello"]
                lines.append(f"| gunicorn mentor home ≥ 15 % of hello ({size:,} learners) | {name} | {share:.0%} | "
                             f"{'yes' if share >= 0.15 else 'NO'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated learner counts")
    parser.add_argument("--backends", default="sqlite,postgresql" if os.environ.get("COURSEWARE_TEST_POSTGRES_URL")
                        else "sqlite", help="sqlite and/or postgresql (needs COURSEWARE_TEST_POSTGRES_URL)")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per page and round (their median counts)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds over every page (at least 5)")
    parser.add_argument("--explain", action="store_true", help="record the plan of each dashboard query")
    parser.add_argument("--wrk", action="store_true", help="also load the mentor home with wrk under gunicorn")
    parser.add_argument("--wrk-duration", type=int, default=5)
    parser.add_argument("--wrk-rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    backends = [b for b in args.backends.split(",") if b]
    if "postgresql" in backends and not os.environ.get("COURSEWARE_TEST_POSTGRES_URL"):
        raise SystemExit("--backends postgresql needs COURSEWARE_TEST_POSTGRES_URL")
    if args.wrk and shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    workdir = Path(tempfile.mkdtemp(prefix="cw-dash-bench-"))
    runs: list[Run] = []
    started = time.time()
    try:
        content = course_dir(workdir)
        for backend in backends:
            for size in sizes:
                print(f"{backend}, {size:,} learners", flush=True)
                runs.append(run(backend, size, workdir, content, args, lambda line: print(line, flush=True)))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report = table(runs) + "\n" + targets(runs)
    print()
    print(report)
    if args.no_write:
        return
    command = " ".join(["COURSEWARE_TEST_POSTGRES_URL=…"] if "postgresql" in backends else [])
    command += (" " if command else "") + ".venv/bin/python bench/dashboards.py " + " ".join(sys.argv[1:])
    took = time.time() - started
    write_section("Dashboards", f"""Command: `{command.strip()}` — measured {time.strftime('%Y-%m-%d')}, {took:,.0f} s in all.

The machine (2 cores) was shared with other sessions' tests and benchmarks while this ran: the load average seen
before and after each size's rounds is in its data table. Read the medians of rounds and their spread.

Each size is a fresh database filled by `seed_demo` over a {MODULES}-module course (the 19 modules of `content/` plus
{MODULES - 19} generated ones): cohorts of at most 1,000 learners, one mentor per ~50 learners (mentor@example.com
included), progress, and graded attempts copied from a pool graded by the real grading code; then the rollups are
rebuilt (`rollups.rebuild`, set-based SQL) and `ANALYZE` runs; rows are written by the driver (`persistence/bulk.py`:
executemany on SQLite, COPY on PostgreSQL), so "seeding time" is the whole `seed_demo`. On PostgreSQL the bench then
runs `VACUUM ANALYZE` (as autovacuum would: index-only scans need the visibility map) and the scratch database has
`random_page_cost = {RANDOM_PAGE_COST}` (the data is in memory; with the default 4 the planner scanned 100,000 users and
rollup rows rather than make 2,000 index lookups, and the overview took ~70 ms instead of ~40). Three more mentors get
10, 100 and
1,000 mentees. Every page is requested through the Flask test client, signed in (mentor@example.com, the caseload
mentors, or admin@example.com for the admin pages), after two warm-up requests. Then {args.rounds} rounds alternate
over all pages; in each round a page is requested {args.repeat} times (fewer past {TIME_BUDGET:.0f} s) and the median
kept: the table shows the median of the rounds' medians and their min–max. Times are wall-clock per request in the
same process (so they include rendering). "statements" counts every SQL statement the engine sends for one warm
request, the sign-in lookup included. The mentee is a synthetic mentee of mentor@ in a 1,000-learner cohort; the
cohort pages show that cohort.

{report}

Reading the figures:

- The first row, `/healthz` (no database, no template: Flask, the signed-in cookie and the headers), is the run's
  yardstick: on a quiet machine it takes about 1 ms; how far it is above that shows how loaded the machine was.
- The dashboards read rollup tables kept on write (`courseware/persistence/rollups.py`): the overview and its CSV
  add up one row per learner (indexed by cohort, or joined from the mentorships), overdue is the open assignments
  whose rolled-up due date has passed today; the cohort page reads the learners' module and quiz rows and, for a
  viewer who sees the whole cohort, the cohort's question and confusion rows (a few hundred rows instead of
  60,000 answer items); the learner tables join each row of the page to its rollup row.
- Each learner's rollup row also says whether they hold the learner role and have a mentor (`learner`,
  `mentored`, kept on write with role and mentorship changes, migration 0017). The admin learner table lists
  whoever has either: its page of 25 walks the index on `lower(display_name), id` with one rollup lookup per row and
  stops, and its cohort filter counts the flags on one index (`ix_learner_rollups_listed`) — no longer two lookups
  per person for 100,000 people. The overview's headline counts the unmentored the same way and the roles on an
  index by role; its mentors are taken from that index and sorted as a materialized set.
- Long lists are pages (the learner table, the overview's cohorts and mentors, the heatmap); the CSVs are streamed.
- PostgreSQL: scope filters are plain `IN (SELECT …)` semi-joins (no `= ANY(ARRAY(…))`, whose estimate of 201 rows
  for 98,715 misled the planner); plans are in "Dashboard query plans".
- The mentor home rows are a mentor's cached page (`web/page_cache.py`): a warm request renders nothing.
""")
    plans = [(r, name, plan) for r in runs for name, plan in r.plans.items()]
    if plans:
        largest = {r.backend: r.size for r in runs}
        write_section("Dashboard query plans", "Recorded by `bench/dashboards.py --explain` at the largest size of the "
                      "run (PostgreSQL: `EXPLAIN (ANALYZE, TIMING OFF)`, estimated and actual rows side by side; "
                      "SQLite: `EXPLAIN QUERY PLAN`). The sign-in lookup is left out.\n\n" + "\n\n".join(
                          f"### {name} — {'SQLite' if r.backend == 'sqlite' else 'PostgreSQL'}, {r.size:,} learners"
                          f"\n\n```\n{plan}\n```" for r, name, plan in plans if r.size == largest[r.backend]))


if __name__ == "__main__":
    main()
