"""Objects that route-table URLs refer to, created before the table runs."""

from __future__ import annotations

from typing import Any

from flask import Flask


def route_ids(app: Flask, people: dict[str, Any]) -> dict[str, int]:
    """Create what the URLs need (cohorts, attempts...) and return their ids by name."""
    return {}
