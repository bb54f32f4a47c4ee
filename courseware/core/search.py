"""Full-text search over the course's modules: an SQLite FTS5 index built once, in memory, from the catalog.

The content is static, so the index is built at start-up (``SearchIndex.build``) and never written again.  It
lives in the process, independent of the app's database, so ranking (FTS5's bm25) is the same whether the app
runs on SQLite or PostgreSQL.  One row per section: a module's introduction (before its first heading) and each
heading with the text under it, so a result links to the section (the heading's anchor).

What a person may open is not decided here: ``search`` takes the module ids the caller allows (the progress rule
in ``core/progress.py`` decides which are locked).
"""

from __future__ import annotations

import html
import os
import re
import sqlite3
import threading
from collections.abc import Collection
from dataclasses import dataclass
from html.parser import HTMLParser

from .catalog import Catalog, Module

MAX_QUERY_CHARS = 200  # longer queries are cut here (a friendly note says so)
MAX_TERMS = 12
MAX_TERM_CHARS = 40
DEFAULT_LIMIT = 20
# Column weights for bm25: a hit in the module title counts most, then the heading, then the body.
WEIGHTS = (10.0, 5.0, 1.0)
# Private-use characters mark hits inside snippets: they cannot come from the (sanitised) content, survive HTML
# escaping unchanged, and are then replaced by <mark> tags.
_OPEN, _CLOSE = "\ue000", "\ue001"
_TERM = re.compile(r"\w+", re.UNICODE)
_SCHEMA = """
CREATE VIRTUAL TABLE sections USING fts5(
    module_title, heading, body,
    module_id UNINDEXED, anchor UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2'
)
"""


@dataclass(frozen=True)
class Section:
    """One searchable piece of a module: its introduction (anchor '') or one heading and the text below it."""

    module_id: str
    module_title: str
    anchor: str
    heading: str
    body: str


@dataclass(frozen=True)
class Hit:
    """One search result: the section, its rank (lower is better) and a snippet as safe HTML with <mark>s."""

    module_id: str
    module_title: str
    anchor: str
    heading: str
    snippet_html: str
    rank: float


@dataclass(frozen=True)
class Query:
    """A person's query made safe for FTS5: the words kept, and whether anything was cut."""

    terms: tuple[str, ...]
    truncated: bool

    @property
    def match(self) -> str:
        """The FTS5 MATCH expression: every term quoted (so no FTS syntax gets through), the last one a prefix."""
        quoted = [f'"{t}"' for t in self.terms]
        if quoted:
            quoted[-1] += "*"
        return " ".join(quoted)


def parse_query(text: str) -> Query:
    """Words of the query (letters and digits), lower-cased, at most MAX_TERMS of at most MAX_TERM_CHARS each."""
    cut = text[:MAX_QUERY_CHARS]
    words = [w.lower()[:MAX_TERM_CHARS] for w in _TERM.findall(cut)]
    unique = list(dict.fromkeys(words))
    truncated = len(text) > MAX_QUERY_CHARS or len(unique) > MAX_TERMS
    return Query(tuple(unique[:MAX_TERMS]), truncated)


class _Sections(HTMLParser):
    """Splits a module's rendered HTML at its h2/h3 headings (those with an id) into plain-text sections."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[tuple[str, str, list[str]]] = [("", "", [])]
        self._in_heading: str | None = None
        self._heading_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        anchor = dict(attrs).get("id")
        if tag in ("h2", "h3", "h4") and anchor:
            self._in_heading = anchor
            self._heading_text = []
        elif tag in ("p", "li", "td", "th", "br", "div", "tr", "blockquote"):
            self.sections[-1][2].append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self._in_heading is not None and tag in ("h2", "h3", "h4"):
            self.sections.append((self._in_heading, " ".join("".join(self._heading_text).split()), []))
            self._in_heading = None

    def handle_data(self, data: str) -> None:
        if self._in_heading is not None:
            self._heading_text.append(data)
        else:
            self.sections[-1][2].append(data)


def module_sections(module: Module) -> list[Section]:
    """A module's searchable sections; the introduction carries the summary too."""
    parser = _Sections()
    parser.feed(module.html)
    parser.close()
    out = []
    for anchor, heading, parts in parser.sections:
        body = " ".join("".join(parts).split())
        if not anchor:
            body = f"{module.summary} {body}".strip()
        if body or heading:
            out.append(Section(module.id, module.title, anchor, heading, body))
    return out


def _snippet_html(raw: str) -> str:
    """Escape the snippet, then turn the hit markers into <mark> tags (balanced, since FTS5 pairs them)."""
    return html.escape(raw, quote=False).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")


class SearchIndex:
    """The in-memory FTS5 index of one catalog; safe to share between threads and forked workers.

    The database is built once and kept as a serialized image; each thread of each process opens its own
    in-memory copy on first use (a few hundred kilobytes), so queries never share a connection.
    """

    def __init__(self, image: bytes, sections: int):
        self._image = image
        self.sections = sections
        self._local = threading.local()

    @classmethod
    def build(cls, catalog: Catalog) -> SearchIndex:
        """Index every section of every module of the catalog."""
        connection = sqlite3.connect(":memory:")
        try:
            connection.execute(_SCHEMA)
            rows = [(s.module_title, s.heading, s.body, s.module_id, s.anchor)
                    for m in catalog.modules for s in module_sections(m)]
            connection.executemany("INSERT INTO sections VALUES (?, ?, ?, ?, ?)", rows)
            connection.execute("INSERT INTO sections(sections) VALUES ('optimize')")
            connection.commit()
            return cls(connection.serialize(), len(rows))
        finally:
            connection.close()

    def _connection(self) -> sqlite3.Connection:
        pid = os.getpid()
        held = getattr(self._local, "held", None)
        if held is None or held[0] != pid:
            connection = sqlite3.connect(":memory:", check_same_thread=False)
            connection.deserialize(self._image)
            held = (pid, connection)
            self._local.held = held
        return held[1]  # type: ignore[no-any-return]

    def search(self, query: Query, allowed: Collection[str], limit: int = DEFAULT_LIMIT) -> list[Hit]:
        """The best sections matching every term, only from modules in ``allowed``, best first."""
        if not query.terms or not allowed:
            return []
        ids = sorted(allowed)
        marks = ", ".join("?" for _ in ids)
        sql = (
            "SELECT module_id, module_title, anchor, heading,"
            f" snippet(sections, 2, '{_OPEN}', '{_CLOSE}', '…', 16),"
            f" bm25(sections, {WEIGHTS[0]}, {WEIGHTS[1]}, {WEIGHTS[2]}) AS score"
            f" FROM sections WHERE sections MATCH ? AND module_id IN ({marks})"
            " ORDER BY score, module_id, anchor LIMIT ?"
        )
        try:
            rows = self._connection().execute(sql, (query.match, *ids, limit)).fetchall()
        except sqlite3.OperationalError:  # a query FTS5 still refuses: no results rather than an error
            return []
        return [Hit(m, t, a, h, _snippet_html(s), float(r)) for m, t, a, h, s, r in rows]
