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
