"""Search: ranked sections with escaped, highlighted snippets, only from modules the person may open."""

from __future__ import annotations

import re
from html import unescape

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.conftest import Auth, read_modules


def hits(page: str) -> list[str]:
    """The result links, in order."""
    return re.findall(r'<li class="card">\s*<h2><a href="([^"]+)"', page)


def test_search_box_on_every_page_for_people_signed_in(client: FlaskClient, auth: Auth, people) -> None:  # type: ignore[no-untyped-def]
    assert 'role="search"' not in client.get("/login").data.decode()
    auth.login("learner@example.com")
    for url in ("/", "/modules/intro", "/quizzes", "/certificates"):
        page = client.get(url).data.decode()
        assert 'action="/search"' in page and 'for="site-search-q"' in page, url


def test_locked_modules_are_not_searched(client: FlaskClient, auth: Auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    auth.login("learner@example.com")
    # A new learner may open only the introduction: "owns" is in intro, basics and scope.
    page = client.get("/search?q=owns").data.decode()
    assert hits(page) == ["/modules/intro#who-owns-it"]
    assert "modules you have not unlocked yet are not searched" not in page
    assert "Nothing found" in client.get("/search?q=scope+statement").data.decode()
    read_modules(db, people["learner"].id, "intro", "basics")
    # Now basics and scope are open; the scope statement is in scope's "Defining scope".
    assert hits(client.get("/search?q=scope+statement").data.decode()) == ["/modules/scope#defining-scope"]
    ranked = hits(client.get("/search?q=change+requests").data.decode())
    # Both "Change requests" headings match; each section once, the heading hits before body-only ones.
    assert set(ranked[:2]) == {"/modules/basics#change-requests", "/modules/scope#change-requests"}


def test_snippets_are_highlighted_and_escaped(client: FlaskClient, auth: Auth, people, db: Session) -> None:  # type: ignore[no-untyped-def]
    auth.login("learner@example.com")
    read_modules(db, people["learner"].id, "intro", "basics")
    page = client.get("/search?q=relationship").data.decode()
    assert "<mark>relationship</mark>" in page
    hostile = client.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E")
    text = hostile.data.decode()
    assert hostile.status_code == 200 and "<script>alert" not in text and "&lt;script&gt;alert(1)" in text


def test_empty_odd_and_long_queries_get_a_friendly_page(client: FlaskClient, auth: Auth, people) -> None:  # type: ignore[no-untyped-def]
    auth.login("learner@example.com")
    empty = client.get("/search")
    assert empty.status_code == 200 and "Type a word or two" in empty.data.decode()
    for odd in ('"', "(*", "AND OR NOT", "NEAR(a b)", "^*:-", "\u0000", "%", "intro*" * 3, "col:value"):
        response = client.get("/search", query_string={"q": odd})
        assert response.status_code == 200, odd
    symbols = client.get("/search", query_string={"q": "*** ((( "}).data.decode()
    assert "Type words made of letters or digits" in symbols
    long = client.get("/search", query_string={"q": "introduction " * 200})
    assert long.status_code == 200 and "only its first words were used" in unescape(long.data.decode())
    assert client.get("/search?q=" + "x" * 5000).status_code == 200


def test_prefix_of_the_last_word_matches(client: FlaskClient, auth: Auth, people) -> None:  # type: ignore[no-untyped-def]
    auth.login("learner@example.com")
    assert hits(client.get("/search?q=takeaw").data.decode()) == ["/modules/intro#key-takeaways"]
