"""Search: building the in-memory FTS5 index of the course, a query against it, and the whole /search page.

    .venv/bin/python bench/search.py [--repeat 200] [--no-write]

The index is the bundled course's (``content/``).  Queries are timed with every module allowed (the most work:
nothing filtered out); the page is timed through the Flask test client on SQLite, signed in as a learner who has
every module open (so the time includes reading their progress to decide what they may open).  Ranking does not
depend on the app's database: the index lives in the process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from report import write_section  # noqa: E402

from courseware.app import create_app  # noqa: E402
from courseware.core.catalog import load_catalog  # noqa: E402
from courseware.core.search import SearchIndex, parse_query  # noqa: E402
from courseware.persistence.base import utcnow  # noqa: E402
from courseware.persistence.db import upgrade  # noqa: E402
from courseware.persistence.models import ModuleProgress  # noqa: E402
from courseware.services import accounts  # noqa: E402
from courseware.state import state_of  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
QUERIES = ("budget", "who owns the timeline", "scope change request", "client", "escalat", "raci accountable",
           "the", "hybrid model small account", "status report", "xyzzy")


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, float, float]:
    """(median, 99th percentile, max) wall-clock milliseconds of ``repeat`` calls, and the median CPU milliseconds
    of this thread (what the call itself costs, whatever else the machine runs)."""
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.thread_time()
        fn()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
    times.sort()
    return (statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))], times[-1],
            statistics.median(cpu))


def page_client():  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tempfile.mkdtemp()}/search.db"
    upgrade(url)
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url, "LOG_LEVEL": "WARNING",
                      "CONTENT_DIR": str(REPO / "content"), "QUIZ_DIR": str(REPO / "quizzes"),
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    state = state_of(app)
    with state.sessions() as s:
        learner = accounts.create_user(s, email="l@example.com", display_name="L", password="pw-123456789012",
                                       roles=["learner"])
        now = utcnow()
        s.add_all(ModuleProgress(user_id=learner.id, module_id=m.id, started_at=now, completed_at=now)
                  for m in state.catalog.modules)
        s.commit()
    client = app.test_client()
    client.post("/login", data={"email": "l@example.com", "password": "pw-123456789012"})
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    catalog = load_catalog(REPO / "content")
    build = timed(lambda: SearchIndex.build(catalog), 10)
    index = SearchIndex.build(catalog)
    allowed = frozenset(catalog.module_ids)
    rows = [("build the index (start-up)", *build)]
    each = []
    for text in QUERIES:
        query = parse_query(text)
        index.search(query, allowed)
        each.append(timed(lambda q=query: index.search(q, allowed), args.repeat))  # type: ignore[misc]
    rows.append((f"one query, {len(QUERIES)} kinds (index only)", statistics.median(e[0] for e in each),
                 max(e[1] for e in each), max(e[2] for e in each), statistics.median(e[3] for e in each)))
    client = page_client()
    client.get("/search?q=budget")
    page = [timed(lambda t=text: client.get("/search", query_string={"q": t}), max(20, args.repeat // 10))  # type: ignore[misc]
            for text in QUERIES]
    rows.append(("GET /search (SQLite, test client, whole page)", statistics.median(p[0] for p in page),
                 max(p[1] for p in page), max(p[2] for p in page), statistics.median(p[3] for p in page)))
    table = ["| what | median ms | p99 ms | max ms | median CPU ms |", "|---|---:|---:|---:|---:|"]
    table += [f"| {what} | {median:.2f} | {p99:.2f} | {most:.2f} | {cpu:.2f} |" for what, median, p99, most, cpu in rows]
    body = (f"Command: `.venv/bin/python bench/search.py` — measured {time.strftime('%Y-%m-%d')}.\n\n"
            f"The bundled course ({len(catalog.modules)} modules, {index.sections} sections) in an SQLite FTS5 index "
            "held in memory, built once at start-up (`core/search.py`); queries: "
            + ", ".join(f"“{q}”" for q in QUERIES) + ". The bar: a query under 20 ms. Load average during the run: "
            + f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other jobs shared the machine: the maxima are "
            "scheduling noise, the medians are the measure).\n\n" + "\n".join(table))
    print(body)
    if not args.no_write:
        write_section("Search", body)


if __name__ == "__main__":
    main()
