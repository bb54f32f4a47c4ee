"""The one place where Markdown becomes HTML: render, then sanitise.

Python-Markdown does not sanitise, so everything it produces goes through nh3 with an
allow-list.  Course content is rendered once at load time; user text (mentor notes)
goes through ``render_user_markdown``, which keeps fewer features.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

import markdown
import nh3

from .master_raci import MasterRaci
from .raci_markdown import IMAGE_URL, CourseExtension, TagError

CONTENT_EXTENSIONS = ["toc", "tables", "fenced_code", "admonition", "attr_list", "sane_lists"]
USER_EXTENSIONS = ["tables", "fenced_code", "sane_lists"]

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
_CONTENT_ATTRIBUTES = {
    "*": {"id", "class", "title"},
    "a": {"href"},
    "td": {"align", "style"},
    "th": {"align", "style", "scope"},
    "img": {"src", "alt", "width", "height", "loading"},
}
_USER_ATTRIBUTES = {"a": {"href"}}
MAX_SOURCE_BYTES = 200_000
# Python-Markdown's inline link matching is quadratic in unmatched '[': 4,000 of them
# took 1.6 s here.  No honest paragraph needs this many.
MAX_BRACKETS_PER_BLOCK = 200


class RenderError(Exception):
    """Markdown that cannot be rendered safely; ``line`` is 1-based within the text."""

    def __init__(self, message: str, line: int = 1):
        self.line = line
        super().__init__(message)


@dataclass(frozen=True)
class Heading:
    """One entry of a table of contents."""

    level: int
    anchor: str
    title: str


@dataclass(frozen=True)
class Rendered:
    """Sanitised HTML with its table of contents."""

    html: str
    toc: tuple[Heading, ...]


def _flatten(tokens: list[dict], out: list[Heading]) -> None:  # type: ignore[type-arg]
    for token in tokens:
        # toc gives the heading text HTML-escaped; keep it plain so templates escape it once.
        out.append(Heading(int(token["level"]), str(token["id"]), html.unescape(str(token["name"]))))
        _flatten(token.get("children", []), out)


def _convert(text: str, extensions: Sequence[str | markdown.Extension], *, html_blocks: bool = True) -> tuple[str, list[Heading]]:
    if len(text.encode("utf-8")) > MAX_SOURCE_BYTES:
        raise RenderError(f"the Markdown is larger than {MAX_SOURCE_BYTES // 1000} KB")
    line = 1
    for block in text.split("\n\n"):
        if block.count("[") > MAX_BRACKETS_PER_BLOCK:
            offset = block.index("[") if "[" in block else 0
            raise RenderError(
                f"more than {MAX_BRACKETS_PER_BLOCK} '[' in one paragraph",
                line + block[:offset].count("\n"),
            )
        line += block.count("\n") + 2
    md = markdown.Markdown(
        extensions=list(extensions),
        extension_configs={"toc": {"toc_depth": "2-3"}} if "toc" in extensions else {},
        output_format="html",
    )
    if not html_blocks:
        # Python-Markdown's raw-HTML block parser is quadratic on unclosed tags: 10,000 characters of
        # '<b ' took 1.4 s.  User text has no use for raw HTML blocks (nh3 would strip them anyway);
        # inline tags still pass through the allow-list below.
        md.preprocessors.deregister("html_block")
    try:
        html = md.convert(text)
    except TagError as exc:
        raise RenderError(str(exc), exc.line) from None
    except RecursionError:
        raise RenderError("the Markdown nests too deeply to render") from None
    headings: list[Heading] = []
    _flatten(getattr(md, "toc_tokens", []), headings)
    return html, headings


def _course_images_only(tag: str, attribute: str, value: str) -> str | None:
    """Keep an image only when it is one of the course's own (served from IMAGE_URL)."""
    if tag == "img" and attribute == "src" and not value.startswith(IMAGE_URL):
        return None
    return value


def render_content(text: str, raci: MasterRaci | None = None) -> Rendered:
    """Render course Markdown (toc anchors, tables, admonitions, master RACI tags, local images) to sanitised HTML."""
    html, headings = _convert(text, [*CONTENT_EXTENSIONS, CourseExtension(raci)])
    clean = nh3.clean(
        html,
        tags=_TAGS | {"img"},
        attributes=_CONTENT_ATTRIBUTES,
        attribute_filter=_course_images_only,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return Rendered(_scroll_regions(clean), tuple(headings))


# A wide table scrolls inside its own box on a narrow screen; that box takes keyboard focus (so it can be scrolled
# without a mouse) and is a named region.  Added after sanitising: nh3 keeps none of these attributes.
_SCROLL_REGION = '<div class="{cls}" tabindex="0" role="region" aria-label="{label}">'


def _scroll_regions(clean: str) -> str:
    """Make each table of sanitised course HTML a focusable scroll region (the RACI tables already have a box)."""
    out = clean.replace('<div class="raci-wrap">', _SCROLL_REGION.format(cls="raci-wrap", label="Master RACI table"))
    return re.sub(r"<table>(.*?)</table>", lambda m: _SCROLL_REGION.format(cls="table-scroll", label="Table")
                  + m.group(0) + "</div>", out, flags=re.DOTALL)


def render_user_markdown(text: str) -> str:
    """Render Markdown written by a user (notes): no ids, classes or raw HTML survive.

    Callers that serve requests go through ``render_cap.render_user_markdown_capped`` (a deadline).
    """
    html, _ = _convert(text, USER_EXTENSIONS, html_blocks=False)
    return nh3.clean(
        html,
        tags=_TAGS - {"div", "span", "h1", "h2"},
        attributes=_USER_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
