"""A page of a long list, and the ``page`` query argument."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any

from flask import request


def page_arg() -> int:
    """The requested page number (1 when absent or nonsense)."""
    try:
        return max(1, min(int(request.args.get("page", "1")), 100_000))
    except ValueError:
        return 1


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
