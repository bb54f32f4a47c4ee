"""Where a request's time goes, in process: CPU µs per request of the WSGI app called directly (no server, no
test client), for the bare Flask hello and Courseware's pages, plus the same pages with one part taken away.

Runs the code of the checkout given (this one by default), so two versions can be timed alternately on the same
database and the same machine load:

    COURSEWARE_DATABASE_URL=sqlite:///…/demo.db COURSEWARE_SECRET_KEY=… COURSEWARE_DEVELOPMENT=1 \\
        .venv/bin/python bench/request_path.py [checkout root] [--rounds 7] [--requests 2000]

The database holds the demo data (`courseware init-db && courseware seed-demo --password bench-password-1`).
Each figure is the thread CPU time per request, the lowest of the rounds' means (the figure least disturbed by
other work on the machine) with the median beside it.  The request log line goes to /dev/null, as a server's
goes to its journal.
"""

from __future__ import annotations

import argparse
import copy
import logging
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("root", nargs="?", default=str(Path(__file__).resolve().parent.parent))
parser.add_argument("--rounds", type=int, default=7)
parser.add_argument("--requests", type=int, default=2000)
ARGS = parser.parse_args()
sys.path[:0] = [ARGS.root, ARGS.root + "/bench"]

from hello import app as hello_app  # noqa: E402
from werkzeug.test import EnvironBuilder  # noqa: E402

from courseware.app import create_app  # noqa: E402

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
AGENT = "courseware-bench"


def session_cookie(app: Any, email: str, first_page: str) -> str:
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = AGENT
    page = client.get("/login").data.decode()
    client.post("/login", data={"email": email, "password": "bench-password-1",
                                "csrf_token": TOKEN.search(page).group(1)})  # type: ignore[union-attr]
    client.get(first_page)
    return str(client.get_cookie("session").value)  # type: ignore[union-attr]


def environ(path: str, cookie: str | None) -> dict[str, Any]:
    headers = {"User-Agent": AGENT, **({"Cookie": f"session={cookie}"} if cookie else {})}
    return EnvironBuilder(path=path, headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_environ()


def cpu_per_request(wsgi: Callable[..., Any], env: dict[str, Any]) -> tuple[float, float]:
    """(lowest, median) of the rounds' CPU µs per request."""
    def start_response(*_: Any) -> None:
        return None

    each = max(1, ARGS.requests // ARGS.rounds)
    for _ in range(50):
        list(wsgi(dict(env), start_response))
    rounds = []
    for _ in range(ARGS.rounds):
        started = time.thread_time()
        for _ in range(each):
            body = wsgi(dict(env), start_response)
            for _ in body:
                pass
            if hasattr(body, "close"):
                body.close()
        rounds.append((time.thread_time() - started) / each * 1e6)
    return min(rounds), statistics.median(rounds)


@contextmanager
def without_request_log(app: Any) -> Iterator[None]:
    from courseware.web import logs

    logs.request_log.disabled = True
    try:
        yield
    finally:
        logs.request_log.disabled = False


@contextmanager
def without_hooks(app: Any) -> Iterator[None]:
    saved = (copy.copy(app.before_request_funcs), copy.copy(app.after_request_funcs),
             copy.copy(app.teardown_request_funcs), list(app.teardown_appcontext_funcs))
    app.before_request_funcs.clear()
    app.after_request_funcs.clear()
    app.teardown_request_funcs.clear()
    app.teardown_appcontext_funcs.clear()
    try:
        yield
    finally:
        (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs) = saved[:3]
        app.teardown_appcontext_funcs[:] = saved[3]


def main() -> None:
    app = create_app()
    handler = logging.getLogger("courseware").handlers[0]
    handler.stream = open("/dev/null", "w")  # noqa: SIM115 - for the whole run
    learner = session_cookie(app, "learner@example.com", "/")
    mentor = session_cookie(app, "mentor@example.com", "/mentor/")
    cases: list[tuple[str, Callable[..., Any], dict[str, Any], Any]] = [
        ("bare Flask hello", hello_app, environ("/", None), None),
        ("/healthz, every hook and the log line", app, environ("/healthz", None), None),
        ("/healthz without the request log line", app, environ("/healthz", None), without_request_log),
        ("/healthz without any hook", app, environ("/healthz", None), without_hooks),
        ("signed-in redirect (/login)", app, environ("/login", learner), None),
        ("signed-in redirect without the request log line", app, environ("/login", learner), without_request_log),
        ("lesson page", app, environ("/modules/origins-of-confusion", learner), None),
        ("My path", app, environ("/", learner), None),
        ("mentor home", app, environ("/mentor/", mentor), None),
    ]
    print("| request | CPU µs per request: lowest of rounds (median) |\n|---|---:|")
    for name, wsgi, env, change in cases:
        if change is None:
            low, median = cpu_per_request(wsgi, env)
        else:
            with change(app):
                low, median = cpu_per_request(wsgi, env)
        print(f"| {name} | {low:,.0f} ({median:,.0f}) |")


if __name__ == "__main__":
    main()
