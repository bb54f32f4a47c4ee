"""Admin pages: people, roles and organisation settings."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import views  # noqa: E402,F401
