"""Cursor pagination: an opaque cursor (URL-safe base64 of a small JSON key) and a ``next`` link.

Lists ordered by a unique key continue after the last key seen (keyset: stable while rows are added);
reports computed as a whole continue at an offset.  Either way the client only passes ``cursor`` back.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from flask import request, url_for

from .problems import ApiProblem

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode(key: Any) -> str:
    """The opaque cursor for a position."""
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str) -> Any:
    """The position in a cursor; a 422 problem when it was not made here."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise ApiProblem(422, "The cursor is not one this API gave out.",
                         errors=[{"name": "cursor", "reason": "invalid"}]) from exc


def _int_list(value: Any, length: int) -> list[int]:
    if (not isinstance(value, list) or len(value) != length
            or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2**31 for v in value)):
        raise ApiProblem(422, "The cursor is not one this API gave out.", errors=[{"name": "cursor", "reason": "invalid"}])
    return value


def limit_arg() -> int:
    """``?limit=`` (1 to 200, default 50); anything else is a 422 problem."""
    raw = request.args.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4 and 1 <= int(raw) <= MAX_LIMIT):
        raise ApiProblem(422, f"limit is a whole number from 1 to {MAX_LIMIT}.",
                         errors=[{"name": "limit", "reason": "out of range"}])
    return int(raw)


def after_key(length: int = 1) -> list[int] | None:
    """The key to continue after (``length`` integers), or None for the first page."""
    raw = request.args.get("cursor")
    if raw is None or raw == "":
        return None
    if len(raw) > 200:
        raise ApiProblem(422, "The cursor is not one this API gave out.", errors=[{"name": "cursor", "reason": "invalid"}])
    return _int_list(decode(raw), length)


def next_link(key: list[int] | None, limit: int) -> str | None:
    """The URL of the next page (this request's arguments with the new cursor), or None at the end."""
    if key is None:
        return None
    args = {k: v for k, v in request.args.items() if k not in ("cursor", "limit")}
    assert request.endpoint is not None
    return url_for(request.endpoint, **(request.view_args or {}), **args, cursor=encode(key), limit=limit)


def cut(rows: list[Any], limit: int, key_of: Any) -> tuple[list[Any], str | None]:
    """The page (first ``limit`` rows of ``limit + 1`` fetched) and the next link when there were more."""
    more = len(rows) > limit
    page = rows[:limit]
    return page, next_link(list(key_of(page[-1])), limit) if more and page else None


def offset_page(rows: list[Any], limit: int) -> tuple[list[Any], str | None]:
    """A page of a list computed whole (a report): the cursor holds the offset."""
    key = after_key(1)
    start = key[0] if key else 0
    page = rows[start:start + limit]
    end = start + limit
    return page, next_link([end], limit) if end < len(rows) else None
