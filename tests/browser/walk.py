"""What every page must satisfy in the browser, checked on one page at a time; problems are collected, not raised,
so one run lists them all."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA: the A and AA rules of 2.0, 2.1 and 2.2.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Best-practice rules checked as well: an empty table header was one of the findings (the result page).
EXTRA_RULES = ["empty-table-header"]
WIDTHS = {"desktop": 1280, "phone": 390}
LOCAL_SCHEMES = ("data:", "about:", "blob:")
AXE_URL = "/__browser-suite__/axe.min.js"


@dataclass
class Tab:
    """A page in a context, recording console errors and requests that leave the site."""

    page: Any
    base_url: str
    width: int
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("request", self._request)

    def _request(self, request: Any) -> None:
        url = request.url
        if url.startswith(LOCAL_SCHEMES):
            return
        parts = urlsplit(url)
        if parts.hostname not in ("127.0.0.1", "localhost"):
            self.foreign.append(url)


def new_context(browser: Any, width: int, base_url: str) -> Any:
    """A fresh context: a desktop window at 1280 px, or a touch phone at 390 px; axe-core served from node_modules."""
    if width < 600:
        context = browser.new_context(viewport={"width": width, "height": 844}, is_mobile=True, has_touch=True,
                                      device_scale_factor=1, base_url=base_url)
    else:
        context = browser.new_context(viewport={"width": width, "height": 900}, base_url=base_url)
    context.route(base_url + AXE_URL, lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    return context


def sign_in(tab: Tab, email: str, password: str) -> None:
    page = tab.page
    page.goto(tab.base_url + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_load_state("load")
    assert "/login" not in page.url, f"could not sign in as {email}"


def axe_violations(page: Any) -> list[str]:
    """axe-core (from node_modules, never a CDN) on the page: one line per violating node."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # A <script src> on the site's own origin, answered from node_modules by the context's route (see
        # ``new_context``): the pages' Content-Security-Policy (script-src 'self') stays on and is checked too.
        page.add_script_tag(url=AXE_URL)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_TAGS)
    extra = page.evaluate(
        "rules => axe.run(document, {runOnly: {type: 'rule', values: rules}, resultTypes: ['violations']})", EXTRA_RULES)
    lines = []
    for violation in result["violations"] + extra["violations"]:
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"{violation['id']} ({violation['impact']}): {target}: {node['failureSummary'][:300]}")
    return lines


def overflow(page: Any, width: int) -> str | None:
    """The page is wider than its viewport (mobile emulation widens the layout viewport, so compare with ``width``)."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        culprits = page.evaluate(
            """w => Array.from(document.querySelectorAll('body *'))
                .filter(e => e.getBoundingClientRect().right > w + 1 && getComputedStyle(e).position !== 'fixed')
                .filter(e => !e.closest('[data-scroll]'))
                .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '')
                                      + ' right=' + Math.round(e.getBoundingClientRect().right))""", width)
        return f"{scroll_width} px wide at {width} px: {culprits}"
    return None


def check(tab: Tab, url: str, shot: Path) -> list[str]:
    """Open ``url`` and return its problems: status, axe, width, console errors, requests off the site."""
    page = tab.page
    tab.errors.clear()
    tab.foreign.clear()
    response = page.goto(tab.base_url + url)
    page.wait_for_load_state("load")
    problems = []
    if response is None or response.status != 200:
        problems.append(f"status {None if response is None else response.status}")
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    problems += axe_violations(page)
    wide = overflow(page, tab.width)
    if wide:
        problems.append(wide)
    problems += [f"console: {e}" for e in tab.errors]
    problems += [f"request off the site: {u}" for u in tab.foreign]
    return problems
