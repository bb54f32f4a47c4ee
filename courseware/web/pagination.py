"""A page of a long list, and the ``page`` query argument."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any

from flask import current_app, request

MAX_PAGE = 100_000


def page_arg(name: str = "page") -> int:
    """The requested page number from the query string (1 when absent or nonsense)."""
    value = request.args.get(name, "1")
    # isascii: str.isdigit() is also true for '²', which int() refuses.
    return max(1, min(int(value), MAX_PAGE)) if value.isascii() and value.isdigit() and len(value) < 7 else 1


def page_size(kind: str = "") -> int:
    """Rows per page, from the configuration: ``PAGE_SIZE``, or ``<KIND>_PAGE_SIZE`` (heatmap, notes)."""
    key = f"{kind.upper()}_PAGE_SIZE" if kind else "PAGE_SIZE"
    return int(current_app.config[key])


@dataclass(frozen=True)
class Page:
    """Items of one page plus what the pager needs."""

    items: list[Any]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least 1)."""
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        """Whether a previous page exists."""
        return self.number > 1

    @property
    def has_next(self) -> bool:
        """Whether a next page exists."""
        return self.number < self.pages
