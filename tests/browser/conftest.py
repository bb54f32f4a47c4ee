"""Fixtures of the browser suite: one server and one Chromium for the whole run, one context per role and width."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from courseware.app import create_app
from courseware.state import state_of
from tests.browser import site as site_module
from tests.browser.pages import demo_ids
from tests.conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = REPO / "build" / "browser"


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[site_module.Site]:
    """The app served by gunicorn on a free port, on the real course with the demo organisation seeded."""
    tmp = tmp_path_factory.mktemp("browser-site")
    port = site_module.free_port()
    env = site_module.prepare(tmp, port)
    # The page list's ids (an open attempt, a note, emailed links) are added before the server starts.
    app = create_app({"SECRET_KEY": env["COURSEWARE_SECRET_KEY"], "DATABASE_URL": env["COURSEWARE_DATABASE_URL"],
                      "CONTENT_DIR": env["COURSEWARE_CONTENT_DIR"], "QUIZ_DIR": env["COURSEWARE_QUIZ_DIR"],
                      "MAIL_DIR": env["COURSEWARE_MAIL_DIR"], "JOBS_FILE": env["COURSEWARE_JOBS_FILE"]})
    ids = demo_ids(app, env["COURSEWARE_SECRET_KEY"])
    state_of(app).engine.dispose()
    running = site_module.serve(tmp, port, env)
    running.ids = ids
    try:
        yield running
    finally:
        site_module.stop_process(running.process)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """The Debian Chromium driven by Playwright (no browser is ever downloaded)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium` (.ci/run and make test do)")
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci --prefix tests/browser` (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    """build/browser/, emptied at the start of a run: a screenshot of every step."""
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    return SHOTS
