"""Admin pages: people, roles and organisation settings."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import views  # noqa: E402,F401

# isort: split
from . import cohort_views  # noqa: E402,F401

# isort: split
from . import overview_views  # noqa: E402,F401
