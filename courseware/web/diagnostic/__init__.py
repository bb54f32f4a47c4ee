"""The agency self-diagnostic (/diagnostic): admins and managers; admins may apply the result."""

from flask import Blueprint

bp = Blueprint("diagnostic", __name__)

from . import views  # noqa: E402,F401
