"""The search index in core: query parsing (no FTS syntax gets through), sections, ranking and snippets."""

from __future__ import annotations

from pathlib import Path

import pytest

from courseware.core.catalog import load_catalog
from courseware.core.search import MAX_TERMS, SearchIndex, parse_query

DATA = Path(__file__).resolve().parents[1] / "data" / "content"


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(load_catalog(DATA))


ALL = ("intro", "basics", "scope")


def test_queries_keep_only_words() -> None:
    assert parse_query('Who "owns" (the) NEAR* scope?').terms == ("who", "owns", "the", "near", "scope")
    assert parse_query('Who owns').match == '"who" "owns"*'
    assert parse_query("***").terms == ()
    many = parse_query(" ".join(f"w{i}" for i in range(30)))
    assert len(many.terms) == MAX_TERMS and many.truncated
    assert parse_query("a a a a").terms == ("a",)


def test_sections_are_split_at_headings(index: SearchIndex) -> None:
    # intro: introduction + 2 headings; basics: 3 headings (no intro text, but its summary); scope: 2 headings + summary.
    assert index.sections == 3 + 4 + 3


def test_every_term_must_match_and_the_heading_outranks_the_body(index: SearchIndex) -> None:
    hits = index.search(parse_query("change requests"), ALL)
    assert [(h.module_id, h.anchor) for h in hits][:2] in (
        [("basics", "change-requests"), ("scope", "change-requests")],
        [("scope", "change-requests"), ("basics", "change-requests")],
    )
    assert all(h.rank < 0 for h in hits)  # bm25: lower is better
    assert index.search(parse_query("change requests"), ("intro",)) == []


def test_snippets_mark_hits_and_escape_the_rest(index: SearchIndex) -> None:
    [hit] = index.search(parse_query("scope statement"), ALL)
    assert hit.snippet_html == "The PM writes the <mark>scope</mark> <mark>statement</mark>."
    assert hit.heading == "Defining scope" and hit.module_title == "Scope"


def test_stemming_finds_other_forms(index: SearchIndex) -> None:
    assert {h.module_id for h in index.search(parse_query("owning"), ALL)} >= {"basics"}
