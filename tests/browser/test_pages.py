"""Every page of every role at 1280 px and 390 px: 0 axe violations (WCAG 2.2 AA), nothing wider than the viewport,
no console error, every request to the site itself; a screenshot of each in build/browser/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from courseware.app import create_app
from tests.browser.pages import ANONYMOUS, NOT_PAGES, PAGES, pages_for
from tests.browser.site import LOGINS, PASSWORD, Site
from tests.browser.walk import WIDTHS, Tab, check, new_context, sign_in

ROLES = (ANONYMOUS, "learner", "mentor", "manager", "admin")


def test_every_get_route_is_walked() -> None:
    """A GET route that is neither walked nor listed as not a page fails here: new pages cannot be forgotten."""
    app = create_app({"SECRET_KEY": "x" * 32, "DATABASE_URL": "sqlite://", "TESTING": True})
    routed = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())}
    walked = {page.endpoint for page in PAGES}
    assert routed - walked - set(NOT_PAGES) == set()
    assert (walked | set(NOT_PAGES)) - routed == set(), "listed endpoints the app no longer has"
    assert walked & set(NOT_PAGES) == set()


@pytest.mark.parametrize("width_name", list(WIDTHS))
@pytest.mark.parametrize("role", ROLES)
def test_every_page(site: Site, browser: Any, shots: Path, role: str, width_name: str) -> None:
    width = WIDTHS[width_name]
    context = new_context(browser, width, site.base_url)
    try:
        tab = Tab(context.new_page(), site.base_url, width)
        if role != ANONYMOUS:
            sign_in(tab, LOGINS[role], PASSWORD)
        failures = []
        for number, page in enumerate(pages_for(role), start=1):
            url = page.url.format(**site.ids)
            shot = shots / width_name / role / f"{number:02d}-{page.name}.png"
            failures += [f"{url}: {problem}" for problem in check(tab, url, shot)]
    finally:
        context.close()
    assert failures == [], f"{len(failures)} problem(s) as {role} at {width} px:\n" + "\n".join(failures)
