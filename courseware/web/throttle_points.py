"""Where sign-in throttling goes: every route that checks a password or a emailed token is marked here.

``throttle_point(name)`` does nothing yet.  The lead applies Flask-Limiter (per address, and per
account-and-address pair) by replacing this one function, so each marked route is covered without
a search through the views: sign-in, password forgot, password reset, invitation acceptance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
POINTS: dict[str, str] = {}  # name -> endpoint function's qualified name, for the limiter and its test


def throttle_point(name: str) -> Callable[[F], F]:
    """Mark a view as one the sign-in limiter must cover (a no-op until the limiter is applied)."""

    def mark(view: F) -> F:
        POINTS[name] = f"{view.__module__}.{view.__qualname__}"
        return view

    return mark
