"""One way to cut a long list into pages: LIMIT/OFFSET from a page number, and the count beside it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


def offset_of(page: int, per_page: int) -> int:
    """The OFFSET of page ``page`` (1-based; anything below 1 is the first page)."""
    return (max(page, 1) - 1) * per_page


def limit_page(query: Select[Any], page: int, per_page: int | None) -> Select[Any]:
    """``query`` cut to one page; ``per_page`` None keeps every row (exports)."""
    if per_page is None:
        return query
    return query.limit(per_page).offset(offset_of(page, per_page))


def fetch_page(session: Session, query: Select[Any], *, page: int, per_page: int, scalars: bool = False) -> tuple[list[Any], int]:
    """(one page of ``query``'s rows — or first-column objects with ``scalars`` —, the number of rows in all)."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    cut = limit_page(query, page, per_page)
    rows = list(session.scalars(cut)) if scalars else list(session.execute(cut).all())
    return rows, int(total)
