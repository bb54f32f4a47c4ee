"""Mentor dashboards: the mentee table, one mentee's page with notes, attempts, grants and resets, the cohort
page, and the reports."""

from flask import Blueprint

bp = Blueprint("mentor", __name__)

from . import attempt_views, report_views, views  # noqa: E402,F401
