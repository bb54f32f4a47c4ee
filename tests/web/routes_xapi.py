"""Route table rows for the outbox page's integration channels (xAPI): (method, url, endpoint, {role: status}).

``{failed_statement}`` is a failed xAPI row made by ``tests/web/route_fixtures.py:route_ids``.
"""

from __future__ import annotations

from tests.web.routes_admin import _admin

ROUTES: list[tuple[str, str, str, dict[str, int]]] = [
    ("GET", "/admin/outbox?channel=xapi", "admin.outbox_page", _admin(200)),
    ("GET", "/admin/outbox?channel=xapi&show=sent&page=2", "admin.outbox_page", _admin(200)),
    ("GET", "/admin/outbox?channel=nonsense&show=nonsense", "admin.outbox_page", _admin(200)),
    ("POST", "/admin/outbox/xapi/{failed_statement}/retry", "admin.retry_delivery", _admin(302)),
    ("POST", "/admin/outbox/xapi/999999/retry", "admin.retry_delivery", _admin(404)),
    ("POST", "/admin/outbox/lti/{failed_statement}/retry", "admin.retry_delivery", _admin(404)),
]
