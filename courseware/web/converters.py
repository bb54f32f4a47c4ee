"""The ``int`` URL converter, narrowed to the ids a column can hold.

Every ``<int:…>`` in a route is a row id.  Werkzeug's converter takes any length of digits, so
``/attempts/9223372036854775808`` reached the database and failed there (a 500).  This one matches
1 to 2**31 - 1 only (PostgreSQL's INTEGER, the narrower of the two databases): anything else does
not match the route, which is a 404 — for every route, including those added later.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

from ..persistence.queries import MAX_ID


class IdConverter(IntegerConverter):
    """ASCII digits naming an id in 1..MAX_ID; anything else is no match (404)."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = 1, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=False)


def init_app(app: Flask) -> None:
    """Make ``int`` the id converter; call before any blueprint adds its rules."""
    app.url_map.converters["int"] = IdConverter
