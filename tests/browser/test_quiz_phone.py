"""A whole quiz on a phone, by touch, in the Debian Chromium: nothing scrolls sideways, every answer is a tap on
a large radio button, the answers are saved as they change, survive a closed tab and a sign-out, and submit.

The app is served in-process for this module (fixtures here, so the file stands on its own beside the suite's
conftest); screenshots of each step go to build/browser/quiz-phone/.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, QUIZ_PREREQUISITES, REPO, read_modules

SHOTS = REPO / "build" / "browser" / "quiz-phone"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def phone_site(app: Flask, people: dict[str, Any]) -> Iterator[str]:
    """The test app (fixture course, CSRF on) served on a free port; yields its base URL."""
    from courseware.state import state_of

    with state_of(app).sessions() as session:
        read_modules(session, people["learner"].id, *QUIZ_PREREQUISITES)
    app.config["WTF_CSRF_ENABLED"] = True  # the real forms, tokens included
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture
def phone(phone_site: str, browser: Any) -> Iterator[Any]:
    """A 390 px touch-screen context of the suite's Chromium (``conftest.browser``: one Playwright per run, since a
    second ``sync_playwright`` inside the first one's event loop is refused)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(**PHONE)
    try:
        yield context
    finally:
        context.close()


def sign_in(page: Any, base: str, email: str, then: str | None = None) -> None:
    page.goto(base + "/login" + (f"?next={then}" if then else ""))
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").tap()


def no_sideways_scroll(page: Any) -> None:
    # is_mobile widens the layout viewport to fit wide content: compare the document with the 390 px we set
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_whole_quiz_by_touch_saved_as_it_goes_and_restored_after_sign_out(phone: Any, phone_site: str) -> None:
    base, errors = phone_site, []
    page = phone.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, base, "learner@example.com")
    page.goto(base + "/quizzes/scope-check")
    page.screenshot(path=str(SHOTS / "0-intro.png"))
    page.locator("main form button[type=submit]", has_text="Start the quiz").tap()
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    attempt = page.url
    no_sideways_scroll(page)
    page.screenshot(path=str(SHOTS / "1-attempt.png"))

    # One group per route question, split task and RACI role (choice questions keep their list): tap one each.
    groups = page.locator(".choices")
    assert groups.count() == 1 + 4 + 3
    for i in range(groups.count()):
        choice = groups.nth(i).locator("label.choice").first
        box = choice.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 250  # a thumb-sized target, full width
        choice.tap()
    page.locator(".options label.option").first.tap()  # the first choice question
    assert page.locator("input:checked").count() == 9
    status = page.locator("#draft-status")
    expect(status).to_have_text(re.compile(r"^Saved at \d\d:\d\d$"))  # the page's CSP allows no eval
    assert re.fullmatch(r"Saved at \d\d:\d\d", status.inner_text())
    page.screenshot(path=str(SHOTS / "2-answered.png"), full_page=True)
    page.close()  # the tab is closed

    again = phone.new_page()
    again.goto(attempt)
    assert again.locator("input:checked").count() == 9  # restored
    with again.expect_navigation():
        again.locator("form.signout button").tap()
    assert again.url.endswith("/login")

    sign_in(again, base, "learner@example.com", then=attempt.removeprefix(base))
    assert again.url == attempt
    assert again.locator("input:checked").count() == 9  # after signing out and in
    assert re.fullmatch(r"Saved at \d\d:\d\d", again.locator("#draft-status").inner_text())
    no_sideways_scroll(again)
    with again.expect_navigation():
        again.locator("button", has_text="Submit answers").tap()
    assert again.url == attempt and again.locator("h1").count() == 1
    assert "Submit answers" not in again.content()  # the result page
    no_sideways_scroll(again)
    again.screenshot(path=str(SHOTS / "3-result.png"), full_page=True)
    assert errors == []


def test_save_and_finish_later_without_javascript(phone_site: str, people: dict[str, Any], browser: Any) -> None:
    context = browser.new_context(**PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, phone_site, "learner@example.com")
        page.goto(phone_site + "/quizzes/scope-check")
        with page.expect_navigation():
            page.locator("main form button[type=submit]", has_text="Start the quiz").tap()
        attempt = page.url
        page.locator(".choices").first.locator("label.choice").nth(1).tap()
        with page.expect_navigation():
            page.locator("button", has_text="Save and finish later").tap()
        assert page.url.endswith("/quizzes/scope-check")
        assert "Your answers are saved (Saved at" in page.content()
        page.goto(attempt)
        assert page.locator("input:checked").count() == 1
    finally:
        context.close()
