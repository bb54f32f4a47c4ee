"""The learner's pages: My path, tracks and modules."""

from flask import Blueprint

bp = Blueprint("learner", __name__)

from . import views  # noqa: E402,F401
