"""Route table rows for the mentor dashboards: (method, url, endpoint, {role: status}).

URLs may use {learner}, {mentor}, {admin} (the people fixture ids) and any key that
`tests/web/route_fixtures.py:route_ids` returns.
"""

from __future__ import annotations

from tests.web.routes_foundation import LOGIN  # noqa: F401

ROUTES: list[tuple[str, str, str, dict[str, int]]] = []
