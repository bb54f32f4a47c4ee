"""Journeys on a phone (390 px, touch) and a desktop: what the fixes of issue 13 promise, seen in the browser.

Each step is checked with axe and the width rules too (``walk.check``), and leaves a screenshot in build/browser/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.browser.site import LOGINS, NEWCOMER, PASSWORD, Site
from tests.browser.walk import Tab, check, new_context, sign_in

PHONE = 390


def _tab(browser: Any, site: Site, width: int, email: str) -> tuple[Any, Tab]:
    context = new_context(browser, width, site.base_url)
    tab = Tab(context.new_page(), site.base_url, width)
    sign_in(tab, email, PASSWORD)
    return context, tab


def test_a_new_learner_reads_a_module_on_a_phone(site: Site, browser: Any, shots: Path) -> None:
    """Riley (nothing read yet, one module overdue) on a phone: the date of the overdue work is in words, the module's
    title comes before its contents, the module reads In progress as soon as it is open, and Next is a plain link."""
    context, tab = _tab(browser, site, PHONE, "riley@example.com")
    page = tab.page
    try:
        assert check(tab, "/", shots / "journeys" / "phone-learner-01-home.png") == []
        overdue = page.locator(".badge-overdue").first.inner_text()
        assert re.fullmatch(r"Overdue: was due \d{1,2} [A-Z][a-z]{2}( \d{4})?", overdue), overdue

        url = f"/modules/{site.ids['module']}"
        assert check(tab, url, shots / "journeys" / "phone-learner-02-module.png") == []
        title = page.locator("h1").bounding_box()
        assert title is not None and title["y"] < 300, title  # was ~590 px down, below the contents
        assert page.locator("article.lesson .meta .badge").inner_text() == "In progress"
        contents = page.locator("details.toc-inline")
        assert contents.locator("a").first.is_visible() is False
        contents.locator("summary").tap()
        assert contents.locator("a").first.is_visible()
        assert page.locator("aside.toc-side").is_visible() is False
        # The Next link is a link, not a card with the path page's coloured bar beside it.
        assert page.locator(".prevnext a.next").evaluate("a => getComputedStyle(a).borderLeftWidth") == "0px"
        page.screenshot(path=str(shots / "journeys" / "phone-learner-03-contents-open.png"), full_page=True)

        page.goto(site.base_url + "/")  # back on the path, the module is in progress too
        row = page.locator(".module-row", has=page.locator(f"a[href$='/modules/{site.ids['module']}']")).first
        assert "In progress" in row.inner_text()
    finally:
        context.close()


def test_a_module_on_a_desktop_keeps_its_contents_beside_it(site: Site, browser: Any, shots: Path) -> None:
    context, tab = _tab(browser, site, 1280, LOGINS["learner"])
    page = tab.page
    try:
        assert check(tab, f"/modules/{site.ids['module']}", shots / "journeys" / "desktop-learner-module.png") == []
        side, lesson = page.locator("aside.toc-side").bounding_box(), page.locator("article.lesson").bounding_box()
        assert side is not None and lesson is not None
        assert side["x"] + side["width"] <= lesson["x"]  # the contents column is left of the lesson
        assert page.locator("details.toc-inline").is_visible() is False
    finally:
        context.close()


def test_a_mentor_reads_the_cohort_heatmap_on_a_phone(site: Site, browser: Any, shots: Path) -> None:
    """Names in the breadcrumb and the heatmap: learners stay in view while modules scroll; module names on focus and
    in the legend; the hardest questions open to their full text."""
    context, tab = _tab(browser, site, PHONE, LOGINS["mentor"])
    page = tab.page
    try:
        url = f"/mentor/cohorts/{site.ids['cohort']}"
        assert check(tab, url, shots / "journeys" / "phone-mentor-01-cohort.png") == []
        assert page.locator("nav.crumbs").inner_text().endswith("Autumn 2026 new hires")

        wrap = page.locator(".heatmap-wrap")
        box = wrap.bounding_box()
        assert box is not None
        wrap.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
        name = page.locator(".heatmap tbody th.hm-name").first
        name_box = name.bounding_box()
        assert name_box is not None and abs(name_box["x"] - box["x"]) < 4, (name_box, box)  # sticky on the left
        assert name.is_visible()

        wrap.evaluate("w => { w.scrollLeft = 0; }")
        first = page.locator(".hm-tip").first
        tip = page.locator(".hm-title").first

        def tip_width() -> float:
            tip_box = tip.bounding_box()
            return tip_box["width"] if tip_box else 0.0

        assert tip_width() <= 1  # screen-reader text only, until hovered or focused
        first.focus()
        assert tip_width() > 50
        modules = page.locator(".hm-legend li")
        assert modules.count() == page.locator(".hm-tip").count() > 1
        assert tip.inner_text() == (modules.first.text_content() or "").strip()
        assert first.inner_text().startswith("1")
        page.screenshot(path=str(shots / "journeys" / "phone-mentor-02-module-name-on-focus.png"), full_page=True)

        page.locator(".hm-legend summary").tap()
        assert modules.first.is_visible()
        questions = page.locator("details.full-question")
        if questions.count():  # the demo's answers rank some questions; each long one opens to its whole scenario
            assert questions.first.locator("p").is_visible() is False
            questions.first.locator("summary").tap()
            assert questions.first.locator("p").is_visible()
        page.screenshot(path=str(shots / "journeys" / "phone-mentor-03-legend.png"), full_page=True)
    finally:
        context.close()


def test_tables_on_a_phone_keep_their_columns_and_actions(site: Site, browser: Any, shots: Path) -> None:
    """Rows become cards: every column is on screen with its name, and each row's action button can be tapped."""
    context, tab = _tab(browser, site, PHONE, LOGINS["admin"])
    page = tab.page
    try:
        assert check(tab, "/admin/users", shots / "journeys" / "phone-admin-01-people.png") == []
        first_row = page.locator("table.stack tbody tr").first
        for label in ("Email", "Roles", "Status", "Last seen"):
            cell = first_row.locator(f"td[data-label='{label}']")
            cell_box = cell.bounding_box()
            assert cell_box is not None and cell_box["x"] >= 0 and cell_box["x"] + cell_box["width"] <= PHONE, label
        assert check(tab, "/admin/assignments", shots / "journeys" / "phone-admin-02-assignments.png") == []
        # Delete is a link to its confirmation page (admin.delete_assignment), drawn as a button.
        buttons = page.locator("table.stack tbody tr :is(button, a.button)")
        assert buttons.count() > 0
        for index in range(buttons.count()):
            button = buttons.nth(index)
            button.scroll_into_view_if_needed()
            button_box = button.bounding_box()
            assert button_box is not None and button_box["x"] + button_box["width"] <= PHONE
    finally:
        context.close()

    context, tab = _tab(browser, site, PHONE, LOGINS["mentor"])
    try:
        assert check(tab, "/mentor/", shots / "journeys" / "phone-mentor-home.png") == []
        row = tab.page.locator("table.stack tbody tr").first
        for label in ("Cohort", "Completion", "Quizzes passed", "Overdue"):
            cell_box = row.locator(f"td[data-label='{label}']").bounding_box()
            assert cell_box is not None and cell_box["x"] + cell_box["width"] <= PHONE, label
    finally:
        context.close()


def test_a_new_learner_is_welcomed_on_my_path(site: Site, browser: Any, shots: Path) -> None:
    """Noor has opened nothing yet (Riley has, in the journey above): My path opens with the welcome, at both widths,
    and it passes the page checks like every other page."""
    for name, width in (("desktop", 1280), ("phone", PHONE)):
        context, tab = _tab(browser, site, width, NEWCOMER)
        try:
            assert check(tab, "/path", shots / "journeys" / f"{name}-learner-welcome.png") == []
            assert tab.page.locator("section.welcome h2").inner_text().startswith("Welcome")
        finally:
            context.close()
