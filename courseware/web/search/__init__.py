"""Search over the course's modules, for anyone signed in with a path."""

from flask import Blueprint

bp = Blueprint("search", __name__)

from . import views  # noqa: E402,F401
