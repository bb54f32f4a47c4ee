"""Markdown rendering: features on, hostile input off."""

import pytest

from courseware.core.rendering import RenderError, render_content, render_user_markdown


def test_content_gets_anchors_tables_and_admonitions() -> None:
    rendered = render_content("## Who owns it?\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n!!! tip \"Check\"\n    Body\n")
    assert '<h2 id="who-owns-it">Who owns it?</h2>' in rendered.html
    assert "<table>" in rendered.html
    assert '<div class="admonition tip">' in rendered.html
    assert [(h.level, h.anchor) for h in rendered.toc] == [(2, "who-owns-it")]


def test_heading_text_is_plain_for_the_toc() -> None:
    [heading] = render_content("## Scope & budget <b>now</b>\n").toc
    assert heading.title == "Scope & budget now" and heading.anchor == "scope-budget-now"


def test_content_html_is_sanitised() -> None:
    html = render_content('Hi <script>alert(1)</script> <a href="javascript:x()" onclick="y()">l</a>').html
    assert "<script" not in html
    assert "onclick" not in html
    assert "javascript:" not in html


def test_user_markdown_drops_handlers_and_raw_html() -> None:
    html = render_user_markdown('**ok** <img src=x onerror="alert(1)"> <div class="x">d</div> [a](javascript:alert(1))')
    assert "<strong>ok</strong>" in html
    assert "onerror" not in html and "<img" not in html and "javascript" not in html and "<div" not in html


def test_pathological_brackets_are_refused_with_their_line() -> None:
    with pytest.raises(RenderError) as info:
        render_content("fine\n\nstill fine\n\n" + "[" * 5000)
    assert info.value.line == 5


def test_oversized_source_is_refused() -> None:
    with pytest.raises(RenderError):
        render_content("a" * 300_000)


# ---- course-only features: the master RACI tag and local images

def _master():  # type: ignore[no-untyped-def]
    from courseware.core.master_raci import MasterRaci, Work

    letters = {"separate": {"am": "C", "pm": "A", "pmo": "I"}, "hybrid-small": {"am": "A", "pm": "—", "pmo": "C"},
               "hybrid-dedicated": {"am": "C", "pm": "A", "pmo": "I"}}
    return MasterRaci((Work("build-schedule", "Build the schedule", "time", letters),))


def test_a_raci_tag_renders_the_rows_of_its_area_as_a_table() -> None:
    html = render_content("Intro\n\n[[raci: time]]\n\nAfter\n", _master()).html
    assert '<table class="raci">' in html and '<th scope="row">Build the schedule</th>' in html
    assert html.count('<td class="letters">C · <strong>A</strong> · I</td>') == 2  # separate, and a dedicated PM
    assert '<td class="letters"><strong>A</strong> · — · C</td>' in html  # a small AM-led account
    assert '<th scope="col" title="Hybrid, small AM-led account">Hybrid, small account</th>' in html
    assert "<em>Letters in the order AM · PM · PMO." in html and "<p>After</p>" in html


def test_a_raci_tag_without_a_master_or_for_an_empty_area_is_an_error_with_its_line() -> None:
    with pytest.raises(RenderError, match="needs the master RACI") as no_master:
        render_content("One\n\n[[raci: time]]\n")
    assert no_master.value.line == 3
    with pytest.raises(RenderError, match="no work in area 'budget'"):
        render_content("[[raci: budget]]\n", _master())


def test_course_content_keeps_its_own_images_only() -> None:
    html = render_content("![Org chart](images/org.svg) and ![Far](https://evil.example/x.png) "
                          "and ![Up](../secret.svg)").html
    assert '<img alt="Org chart" loading="lazy" src="/content/images/org.svg">' in html
    assert "evil.example" not in html and "secret" not in html
    assert "Far" in html and "Up" in html  # the alt text of a dropped image stays as text


def test_user_notes_never_show_images_even_the_courses_own() -> None:
    html = render_user_markdown('![Org chart](images/org.svg) <img src="/content/images/org.svg">')
    assert "<img" not in html and "/content/images" not in html
