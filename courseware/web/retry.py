"""The Flask class of the app: a read (GET, HEAD) whose database connection dropped is run once more.

PostgreSQL restarts and fail-overs end connections under running requests.  A read changes
nothing the user asked for, so it is retried once on a fresh connection; a write is not retried
(its transaction was rolled back: the user gets the 503 page, and what they confirmed earlier is kept).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g, request
from sqlalchemy.exc import DBAPIError

from .db import SAFE_METHODS, close_handles

log = logging.getLogger("courseware.retry")


class Courseware(Flask):
    """Flask, with one retry of a read whose database connection was lost."""

    _sync: dict[Any, Any]

    def ensure_sync(self, func: Any) -> Any:
        """Flask's ensure_sync, remembered per function: Flask asks ``inspect.iscoroutinefunction`` for every hook
        and view on every request (about ten per request); the answer for a function never changes."""
        cache = self.__dict__.setdefault("_sync", {})
        try:
            return cache[func]
        except KeyError:
            pass
        except TypeError:  # unhashable: ask Flask each time
            return super().ensure_sync(func)
        found = super().ensure_sync(func)
        if len(cache) > 4096:  # functions made per request (none of ours) must not grow it for ever
            cache.clear()
        cache[func] = found
        return found

    def dispatch_request(self) -> Any:
        """Run the view; on a dropped connection during a read, run it again once on a new session."""
        try:
            return super().dispatch_request()
        except DBAPIError as exc:
            if not exc.connection_invalidated or request.method not in SAFE_METHODS or g.get("db_retried"):
                raise
            g.db_retried = True
            log.warning("database connection lost; retrying the read once",
                        extra={"fields": {"path": request.path, "request_id": g.get("request_id")}})
            close_handles()
            g.pop("_login_user", None)  # loaded again, on the new connection
            return super().dispatch_request()
