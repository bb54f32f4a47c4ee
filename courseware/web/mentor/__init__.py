"""Mentor dashboards: the mentee table, one mentee's page with notes, and the cohort page."""

from flask import Blueprint

bp = Blueprint("mentor", __name__)

from . import views  # noqa: E402,F401
