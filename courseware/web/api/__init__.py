"""The JSON API, version 1, under /api/v1: personal access tokens, the same services and scope as the pages."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from . import docs, handlers, views_attempts, views_cohorts, views_people  # noqa: E402,F401
