"""µs per request in process (Flask test client): hello, the lesson page, My path and the signed-in redirect.

Runs the code of the checkout given (this one by default), so two versions can be timed alternately on the same
database and the same machine load:

    COURSEWARE_DATABASE_URL=sqlite:///…/demo.db COURSEWARE_SECRET_KEY=… COURSEWARE_DEVELOPMENT=1 \\
        .venv/bin/python bench/request_path.py [checkout root]

The database holds the demo data (`courseware init-db && courseware seed-demo --password bench-password-1`).
"""

from __future__ import annotations

import logging
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).resolve().parent.parent)
sys.path[:0] = [ROOT, ROOT + "/bench"]

from hello import app as hello_app  # noqa: E402

from courseware.app import create_app  # noqa: E402

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def per_request(client: Any, url: str, n: int = 200) -> float:
    for _ in range(20):
        client.get(url)
    started = time.perf_counter()
    for _ in range(n):
        client.get(url)
    return (time.perf_counter() - started) / n * 1e6


def main() -> None:
    app = create_app()
    logging.getLogger("courseware").setLevel(logging.WARNING)
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = "courseware-bench"
    page = client.get("/login").data.decode()
    client.post("/login", data={"email": "learner@example.com", "password": "bench-password-1",
                                "csrf_token": TOKEN.search(page).group(1)})  # type: ignore[union-attr]
    hello = hello_app.test_client()
    out = {"hello": per_request(hello, "/"), "lesson": per_request(client, "/modules/origins-of-confusion"),
           "My path": per_request(client, "/"), "redirect": per_request(client, "/login")}
    print(ROOT, " ".join(f"{k}={v:,.0f}µs" for k, v in out.items()))


if __name__ == "__main__":
    main()
